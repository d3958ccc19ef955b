"""Staff work on payment providers and methods (`payments.manage`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import text
from core.catalog.use_cases.common import Revision, checked, flag
from core.payments.model import (
    PaymentMethod,
    PaymentProvider,
    bound,
    code,
    configuration,
    keep_secrets,
    rate,
)
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


def _name(v: Any) -> str:
    return text("name", v, 200, required=True)


def _description(v: Any) -> str:
    return text("description", v, 1000)


async def _free_code(repo: Any, value: str, current: uuid.UUID | None = None) -> str:
    found = await repo.by_code(value)
    if found is not None and found.id != current:
        raise Conflict(f"code {value!r} is taken", code="duplicate_code")
    return value


async def _provider_ref(uow: UnitOfWork, provider_id: Any) -> uuid.UUID:
    if not isinstance(provider_id, uuid.UUID) or await uow.payment_providers.find(provider_id) is None:
        raise Invalid.field("provider_id", f"no such payment provider: {provider_id}", code="unknown_reference")
    return provider_id


# --- providers --------------------------------------------------------------------------------------------


@attrs.frozen
class NewProvider:
    actor: Actor
    name: str
    code: str
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)
    is_active: bool = True


@attrs.define
class CreateProvider:
    uow: UnitOfWork

    async def __call__(self, cmd: NewProvider) -> PaymentProvider:
        provider = PaymentProvider(
            name=_name(cmd.name), code=code(cmd.code), description=_description(cmd.description),
            configuration=configuration(cmd.configuration), is_active=flag("is_active")(cmd.is_active),
        )  # fmt: skip
        async with self.uow:
            await _free_code(self.uow.payment_providers, provider.code)
            await self.uow.payment_providers.add(provider)
            await audit(self.uow, cmd.actor, "payment_provider.create", "payment_provider", provider.id,
                        {"code": [None, provider.code]})  # fmt: skip
            await self.uow.commit()
        return provider


@attrs.define
class ChangeProvider:
    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> PaymentProvider:
        values = checked(cmd.changes, {"name": _name, "code": code, "description": _description,
                                       "configuration": configuration, "is_active": flag("is_active")})  # fmt: skip
        async with self.uow:
            provider = await self.uow.payment_providers.get(cmd.target_id)
            if "code" in values:
                await _free_code(self.uow.payment_providers, values["code"], provider.id)
            if "configuration" in values:
                values["configuration"] = keep_secrets(values["configuration"], provider.configuration)
            changes = provider.revise(**values)
            await audit(self.uow, cmd.actor, "payment_provider.update", "payment_provider", provider.id, changes)
            await self.uow.commit()
        return provider


@attrs.define
class DeleteProvider:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, provider_id: uuid.UUID) -> None:
        async with self.uow:
            provider = await self.uow.payment_providers.get(provider_id)
            if await self.uow.payment_methods.uses_provider(provider.id):
                raise Conflict("payment methods use this provider; delete them first", code="provider_in_use")
            provider.delete(actor.user_id)
            await audit(self.uow, actor, "payment_provider.delete", "payment_provider", provider.id)
            await self.uow.commit()


@attrs.define
class GetProvider:
    uow: UnitOfWork

    async def __call__(self, provider_id: uuid.UUID) -> PaymentProvider:
        async with self.uow:
            return await self.uow.payment_providers.get(provider_id)


@attrs.define
class ListProviders:
    uow: UnitOfWork

    async def __call__(self) -> list[PaymentProvider]:
        async with self.uow:
            return await self.uow.payment_providers.list()


# --- methods ----------------------------------------------------------------------------------------------


@attrs.frozen
class NewMethod:
    actor: Actor
    name: str
    code: str
    provider_id: uuid.UUID
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)
    commission_rate: str = "0"
    min_amount: str | None = None
    max_amount: str | None = None
    is_active: bool = True


@attrs.define
class CreateMethod:
    uow: UnitOfWork

    async def __call__(self, cmd: NewMethod) -> PaymentMethod:
        method = PaymentMethod(
            name=_name(cmd.name), code=code(cmd.code), provider_id=cmd.provider_id,
            description=_description(cmd.description), configuration=configuration(cmd.configuration),
            commission_rate=rate(cmd.commission_rate), min_amount=bound("min_amount", cmd.min_amount),
            max_amount=bound("max_amount", cmd.max_amount), is_active=flag("is_active")(cmd.is_active),
        )  # fmt: skip
        method.check_bounds()
        async with self.uow:
            await _provider_ref(self.uow, cmd.provider_id)
            await _free_code(self.uow.payment_methods, method.code)
            await self.uow.payment_methods.add(method)
            await audit(self.uow, cmd.actor, "payment_method.create", "payment_method", method.id,
                        {"code": [None, method.code]})  # fmt: skip
            await self.uow.commit()
        return method


@attrs.define
class ChangeMethod:
    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> PaymentMethod:
        values = checked(cmd.changes, {
            "name": _name, "code": code, "description": _description, "configuration": configuration,
            "provider_id": lambda v: v, "commission_rate": rate, "is_active": flag("is_active"),
            "min_amount": lambda v: bound("min_amount", v), "max_amount": lambda v: bound("max_amount", v),
        })  # fmt: skip
        async with self.uow:
            method = await self.uow.payment_methods.get(cmd.target_id)
            if "code" in values:
                await _free_code(self.uow.payment_methods, values["code"], method.id)
            if "provider_id" in values:
                await _provider_ref(self.uow, values["provider_id"])
            if "configuration" in values:
                values["configuration"] = keep_secrets(values["configuration"], method.configuration)
            changes = method.revise(**values)
            await audit(self.uow, cmd.actor, "payment_method.update", "payment_method", method.id, changes)
            await self.uow.commit()
        return method


@attrs.define
class DeleteMethod:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, method_id: uuid.UUID) -> None:
        async with self.uow:
            method = await self.uow.payment_methods.get(method_id)
            method.delete(actor.user_id)
            await audit(self.uow, actor, "payment_method.delete", "payment_method", method.id)
            await self.uow.commit()


@attrs.define
class GetMethod:
    uow: UnitOfWork

    async def __call__(self, method_id: uuid.UUID) -> PaymentMethod:
        async with self.uow:
            return await self.uow.payment_methods.get(method_id)


@attrs.define
class ListMethods:
    uow: UnitOfWork

    async def __call__(self) -> list[PaymentMethod]:
        async with self.uow:
            return await self.uow.payment_methods.list()


@attrs.define
class LoadSandbox:
    """Demo data: the built-in `sandbox` provider and method (idempotent)."""

    uow: UnitOfWork

    async def __call__(self) -> PaymentMethod:
        from core.payments.demo import ensure_sandbox

        async with self.uow:
            method = await ensure_sandbox(self.uow)
            await self.uow.commit()
        return method
