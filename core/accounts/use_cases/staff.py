"""Staff work on accounts: roles, their permissions, who holds them; the first superuser."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.accounts.model import Account, Role
from core.accounts.permissions import DEFAULT_ROLES
from core.accounts.values import check_password, check_text, normalize_email
from core.platform.audit import audit
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.services import PasswordHasher
    from ports.uow import UnitOfWork


def _no_escalation(actor: Actor, granted: set[str]) -> None:
    """Staff hand out (to accounts or through roles) only permissions they hold themselves."""
    lacking = sorted(p for p in granted if not actor.can(p))
    if lacking:
        raise Forbidden(f"you cannot grant permissions you do not hold: {', '.join(lacking)}", code="cannot_escalate")


@attrs.frozen
class NewRole:
    actor: Actor
    code: str
    name: str
    permissions: list[str]
    description: str = ""


@attrs.define
class CreateRole:
    uow: UnitOfWork

    async def __call__(self, cmd: NewRole) -> Role:
        check_text("code", cmd.code, 64, required=True)
        check_text("name", cmd.name, 200, required=True)
        async with self.uow:
            if await self.uow.roles.by_code(cmd.code) is not None:
                raise Conflict(f"a role with code {cmd.code!r} exists", code="duplicate_code")
            role = Role(code=cmd.code, name=cmd.name, description=cmd.description, permissions=cmd.permissions)
            _no_escalation(cmd.actor, set(role.permissions))
            await self.uow.roles.add(role)
            await audit(self.uow, cmd.actor, "role.create", "role", role.id,
                        {"code": [None, role.code], "permissions": [None, role.permissions]})  # fmt: skip
            await self.uow.commit()
        return role


@attrs.frozen
class RoleChange:
    actor: Actor
    role_id: uuid.UUID
    name: str | None = None
    description: str | None = None
    permissions: list[str] | None = None


@attrs.define
class ChangeRole:
    uow: UnitOfWork

    async def __call__(self, cmd: RoleChange) -> Role:
        if cmd.name is not None:
            check_text("name", cmd.name, 200, required=True)
        async with self.uow:
            role = await self.uow.roles.get(cmd.role_id)
            before = set(role.permissions)
            changes = role.change(name=cmd.name, description=cmd.description, permissions=cmd.permissions)
            _no_escalation(cmd.actor, set(role.permissions) - before)
            await audit(self.uow, cmd.actor, "role.update", "role", role.id, changes)
            await self.uow.commit()
        return role


@attrs.define
class DeleteRole:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, role_id: uuid.UUID) -> None:
        async with self.uow:
            role = await self.uow.roles.get(role_id)
            role.delete(actor.user_id)
            await audit(self.uow, actor, "role.delete", "role", role.id)
            await self.uow.commit()


@attrs.define
class ListRoles:
    uow: UnitOfWork

    async def __call__(self) -> list[Role]:
        async with self.uow:
            return await self.uow.roles.list()


@attrs.frozen
class AssignRoles:
    actor: Actor
    account_id: uuid.UUID
    role_ids: list[uuid.UUID]


@attrs.define
class SetAccountRoles:
    """Replace the roles an account holds. Only a superuser may hand out what they do not hold themselves."""

    uow: UnitOfWork

    async def __call__(self, cmd: AssignRoles) -> Account:
        async with self.uow:
            account = await self.uow.accounts.get(cmd.account_id)
            roles: list[Role] = []
            for i, role_id in enumerate(cmd.role_ids):
                if any(r.id == role_id for r in roles):
                    continue  # held once, however often it is named
                try:
                    roles.append(await self.uow.roles.get(role_id))
                except NotFound:
                    error = FieldError(("body", "role_ids", i), "unknown role")
                    raise Invalid("unknown role", errors=[error]) from None
            _no_escalation(cmd.actor, {p for r in roles for p in r.permissions} - account.permissions)
            changes = account.set_roles(roles)
            await audit(self.uow, cmd.actor, "account.roles", "account", account.id, changes)
            await self.uow.commit()
        return account


@attrs.define
class ListAccounts:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None) -> Page[Account]:
        async with self.uow:
            return await self.uow.accounts.list(page, q=q)


@attrs.define
class GetAccountById:
    uow: UnitOfWork

    async def __call__(self, account_id: uuid.UUID) -> Account:
        async with self.uow:
            return await self.uow.accounts.get(account_id)


@attrs.frozen
class AccountStatus:
    actor: Actor
    account_id: uuid.UUID
    is_active: bool


@attrs.define
class SetAccountActive:
    """Disable or re-enable an account; a disabled account's tokens stop working at once."""

    uow: UnitOfWork

    async def __call__(self, cmd: AccountStatus) -> Account:
        async with self.uow:
            account = await self.uow.accounts.get(cmd.account_id)
            if account.is_superuser and not cmd.actor.is_superuser:
                raise Forbidden("only a superuser may disable or enable a superuser", code="permission_denied")
            if account.is_active != cmd.is_active:
                await audit(self.uow, cmd.actor, "account.update", "account", account.id,
                            {"is_active": [account.is_active, cmd.is_active]})  # fmt: skip
                account.is_active = cmd.is_active
            await self.uow.commit()
        return account


@attrs.define
class SeedRoles:
    """Create the default roles that are missing (idempotent)."""

    uow: UnitOfWork

    async def __call__(self) -> list[Role]:
        created = []
        async with self.uow:
            for code, (name, permissions) in DEFAULT_ROLES.items():
                if await self.uow.roles.by_code(code) is None:
                    role = Role(code=code, name=name, permissions=permissions)
                    await self.uow.roles.add(role)
                    created.append(role)
            await self.uow.commit()
        return created


@attrs.frozen
class NewAdmin:
    email: str
    password: str


@attrs.define
class CreateAdmin:
    """`carsi users create-admin`: a verified superuser; run again, it resets the password (idempotent)."""

    uow: UnitOfWork
    hasher: PasswordHasher

    async def __call__(self, cmd: NewAdmin) -> Account:
        email = normalize_email(cmd.email)
        check_password(cmd.password, 8)
        async with self.uow:
            account = await self.uow.accounts.by_email(email)
            if account is None:
                account = Account.register(email=email, password_hash=self.hasher.hash(cmd.password))
                await self.uow.accounts.add(account)
            elif not self.hasher.verify(account.password_hash, cmd.password):
                account.change_password(self.hasher.hash(cmd.password))
            account.is_superuser = True
            account.is_active = True
            account.verify_email(account.created_at)
            await audit(self.uow, SYSTEM, "account.create_admin", "account", account.id)
            await self.uow.commit()
        return account
