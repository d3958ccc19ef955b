"""What the catalog's use cases share: checked PATCH fields, unique codes and slugs, references, the cache."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, NotFound

if TYPE_CHECKING:
    from ports.catalog import CodedRepository, Slugs
    from ports.services import Cache

T = TypeVar("T")
Check = Callable[[Any], Any]


@attrs.frozen
class Revision:
    """A PATCH: the fields the client sent, by name (a field sent as null is there with None)."""

    actor: Actor
    target_id: uuid.UUID
    changes: dict[str, Any]


def checked(changes: dict[str, Any], checks: dict[str, Check]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(checks))
    if unknown:
        raise Invalid.field(unknown[0], "cannot be changed here")
    return {name: checks[name](value) for name, value in changes.items()}


def flag(name: str) -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid.field(name, "must be true or false")
        return value

    return check


def integer(name: str) -> Check:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
            raise Invalid.field(name, "must be a whole number")
        return value

    return check


async def unique_code(repo: CodedRepository[Any], code: str, current: uuid.UUID | None = None) -> str:
    found = await repo.by_code(code)
    if found is not None and found.id != current:
        raise Conflict(f"code {code!r} is taken", code="duplicate_code")
    return code


async def unique_slug(repo: CodedRepository[Any], slugs: Slugs, explicit: str | None, name: str,
                      current: uuid.UUID | None = None) -> str:  # fmt: skip
    """An explicit slug must be free (else 409); a generated one gets the first free suffix (-2, -3, ...)."""
    from core.catalog.model import slug

    if explicit is not None:
        value = slug(explicit)
        found = await repo.by_slug(value)
        if found is not None and found.id != current:
            raise Conflict(f"slug {value!r} is taken", code="duplicate_slug")
        return value
    base = slugs.slugify(name)[:180].strip("-") or "item"
    taken = await repo.slugs_like(base)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


async def referenced(load: Callable[[uuid.UUID], Awaitable[T]], ref_id: uuid.UUID, field: str) -> T:
    """A referenced row that must exist: an unknown id in a body is a 422 on that field, not a 404."""
    try:
        return await load(ref_id)
    except NotFound:
        raise Invalid.field(field, f"no such item: {ref_id}", code="unknown_reference") from None


@attrs.define
class CatalogCache:
    """Public catalog reads, cached under a generation that every catalog change replaces (after commit,
    and again by the catalog.changed event handler), so a staff change shows on the next public read.

    One read costs one shared-cache lookup (the generation) when this process already holds the entry: entries
    are kept in the shared cache for every process and, for the current generation only, in a small local
    map. `enabled=False` (CATALOG_CACHE=off) reads through every time. Values are shared between readers:
    callers serve them, never change them."""

    cache: Cache
    ttl_seconds: int = 300
    enabled: bool = True
    local_entries: int = 2000
    _local: dict[str, Any] = attrs.field(factory=dict, init=False)
    _local_generation: str = attrs.field(default="", init=False)

    async def generation(self) -> str:
        gen = await self.cache.get("catalog:gen")
        if gen is None:
            gen = uuid.uuid4().hex
            await self.cache.set("catalog:gen", gen)
        return str(gen)

    async def bump(self) -> None:
        self._local.clear()
        await self.cache.set("catalog:gen", uuid.uuid4().hex)

    async def read(self, key: str, produce: Callable[[], Awaitable[Any]]) -> Any:
        if not self.enabled:
            return await produce()
        gen = await self.generation()
        if gen != self._local_generation:
            self._local.clear()
            self._local_generation = gen
        if key in self._local:
            return self._local[key]
        full = f"catalog:{gen}:{key}"
        value = await self.cache.get(full)
        if value is None:
            value = await produce()
            if value is not None:
                await self.cache.set(full, value, self.ttl_seconds)
        if value is not None and gen == self._local_generation:
            if len(self._local) >= self.local_entries:
                self._local.clear()
            self._local[key] = value
        return value
