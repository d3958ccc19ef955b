from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.platform.model import AuditEntry
from core.shared.actor import Actor

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


async def audit(uow: UnitOfWork, actor: Actor, action: str, target_type: str, target_id: object,
                changes: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Record a staff write in the same transaction as the write itself."""
    await uow.audit.add(AuditEntry(actor_id=actor.user_id, action=action, target_type=target_type,
                                   target_id=str(target_id), changes=_jsonable(changes or {})))  # fmt: skip


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
