"""Staff routes for accounts and access: permissions, roles and who holds them (`accounts.manage`)."""

from __future__ import annotations

import uuid
from datetime import datetime

import attrs

from core.accounts.model import Role
from core.accounts.permissions import PERMISSIONS
from core.accounts.use_cases.staff import (
    AccountStatus,
    AssignRoles,
    ChangeRole,
    CreateRole,
    DeleteRole,
    GetAccountById,
    ListAccounts,
    ListRoles,
    NewRole,
    RoleChange,
    SetAccountActive,
    SetAccountRoles,
)
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.accounts import AccountOut, account_out

routes = Routes("staff: accounts")
MANAGE = "accounts.manage"


@attrs.frozen
class PermissionOut:
    code: str
    description: str


@attrs.frozen
class RoleOut:
    id: uuid.UUID
    code: str
    name: str
    description: str
    permissions: list[str]
    created_at: datetime
    updated_at: datetime


def role_out(role: Role) -> RoleOut:
    return RoleOut(role.id, role.code, role.name, role.description, list(role.permissions), role.created_at,
                   role.updated_at)  # fmt: skip


@attrs.frozen
class RoleIn:
    code: str
    name: str
    permissions: list[str]
    description: str = ""


@attrs.frozen
class RolePatch:
    name: str | None = None
    description: str | None = None
    permissions: list[str] | None = None


@attrs.frozen
class AccountQuery(PageQuery):
    q: str | None = None


@attrs.frozen
class AccountPatch:
    is_active: bool


@attrs.frozen
class RolesIn:
    role_ids: list[uuid.UUID]


@routes.get("/api/v1/admin/permissions", response=Items[PermissionOut], permission=MANAGE)
async def list_permissions(ctx: Ctx) -> Items[PermissionOut]:
    """Every permission string a role can hold."""
    return Items([PermissionOut(code, text) for code, text in sorted(PERMISSIONS.items())])


@routes.get("/api/v1/admin/roles", response=Items[RoleOut], permission=MANAGE)
async def list_roles(ctx: Ctx) -> Items[RoleOut]:
    """All roles."""
    return Items([role_out(r) for r in await ctx.use(ListRoles)()])


@routes.post("/api/v1/admin/roles", body=RoleIn, response=RoleOut, status=201, permission=MANAGE, errors=(409,))
async def create_role(ctx: Ctx) -> RoleOut:
    """Create a role from permission strings."""
    b: RoleIn = ctx.body
    return role_out(await ctx.use(CreateRole)(NewRole(ctx.me, b.code, b.name, b.permissions, b.description)))


@routes.patch("/api/v1/admin/roles/{role_id:uuid}", body=RolePatch, response=RoleOut, permission=MANAGE)
async def change_role(ctx: Ctx) -> RoleOut:
    """Rename a role or change its permissions; holders get the change at their next request."""
    b: RolePatch = ctx.body
    cmd = RoleChange(ctx.me, ctx.params["role_id"], b.name, b.description, b.permissions)
    return role_out(await ctx.use(ChangeRole)(cmd))


@routes.delete("/api/v1/admin/roles/{role_id:uuid}", status=204, permission=MANAGE)
async def delete_role(ctx: Ctx) -> None:
    """Delete a role (soft): its holders lose its permissions."""
    await ctx.use(DeleteRole)(ctx.me, ctx.params["role_id"])


@routes.get("/api/v1/admin/accounts", query=AccountQuery, response=PageOut[AccountOut], permission=MANAGE)
async def list_accounts(ctx: Ctx) -> PageOut[AccountOut]:
    """Accounts, newest first; `q` matches e-mail and names."""
    page = await ctx.use(ListAccounts)(page_request(ctx.query), q=ctx.query.q)
    return page_out(page, account_out)


@routes.get("/api/v1/admin/accounts/{account_id:uuid}", response=AccountOut, permission=MANAGE)
async def get_account(ctx: Ctx) -> AccountOut:
    """One account."""
    return account_out(await ctx.use(GetAccountById)(ctx.params["account_id"]))


@routes.patch("/api/v1/admin/accounts/{account_id:uuid}", body=AccountPatch, response=AccountOut, permission=MANAGE)
async def change_account(ctx: Ctx) -> AccountOut:
    """Disable or re-enable an account; a disabled account's tokens stop working at once."""
    cmd = AccountStatus(ctx.me, ctx.params["account_id"], ctx.body.is_active)
    return account_out(await ctx.use(SetAccountActive)(cmd))


@routes.put("/api/v1/admin/accounts/{account_id:uuid}/roles", body=RolesIn, response=AccountOut,
            permission=MANAGE, errors=(409,))  # fmt: skip
async def set_account_roles(ctx: Ctx) -> AccountOut:
    """Replace the roles an account holds (you cannot grant permissions you do not hold)."""
    cmd = AssignRoles(ctx.me, ctx.params["account_id"], list(ctx.body.role_ids))
    return account_out(await ctx.use(SetAccountRoles)(cmd))
