"""Staff use cases: roles and their assignment, account lists, enabling accounts, seeding, the first admin."""

from __future__ import annotations

import uuid

import pytest

from core.accounts.permissions import DEFAULT_ROLES
from core.accounts.use_cases.staff import (
    AccountStatus,
    AssignRoles,
    ChangeRole,
    CreateAdmin,
    CreateRole,
    DeleteRole,
    GetAccountById,
    ListAccounts,
    ListRoles,
    NewAdmin,
    NewRole,
    RoleChange,
    SeedRoles,
    SetAccountActive,
    SetAccountRoles,
)
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from core.shared.pagination import PageRequest
from ports.services import PasswordHasher
from tests.unit.conftest import App

ADMIN = Actor(uuid.uuid4(), frozenset({"accounts.manage"}), is_superuser=True)


# --- roles --------------------------------------------------------------------------------------------------


async def test_create_role_stores_it_and_audits(app: App) -> None:
    role = await app.use(CreateRole)(NewRole(ADMIN, "catalog", "Catalog", ["inventory.manage", "catalog.manage"],
                                             "keeps the shelves"))  # fmt: skip
    [listed] = await app.use(ListRoles)()
    assert (listed.id, listed.code, listed.name, listed.description, listed.permissions) == (
        role.id,
        "catalog",
        "Catalog",
        "keeps the shelves",
        ["catalog.manage", "inventory.manage"],
    )
    [entry] = await app.audit(target_type="role")
    assert (entry.action, entry.actor_id, entry.target_id) == ("role.create", ADMIN.user_id, str(role.id))
    assert entry.changes == {"code": [None, "catalog"], "permissions": [None, ["catalog.manage", "inventory.manage"]]}


async def test_unknown_permission_is_invalid_and_nothing_is_stored(app: App) -> None:
    with pytest.raises(Invalid) as e:
        await app.use(CreateRole)(NewRole(ADMIN, "bad", "Bad", ["catalog.manage", "catalog.nuke"]))
    assert e.value.code == "unknown_permission"
    assert await app.use(ListRoles)() == []
    assert await app.audit() == []


async def test_role_codes_are_unique(app: App) -> None:
    await app.role("support", ["orders.manage"])
    with pytest.raises(Conflict) as e:
        await app.role("support", ["catalog.manage"])
    assert e.value.code == "duplicate_code"


@pytest.mark.parametrize(("code", "name"), [("", "Name"), ("x" * 65, "Name"), ("ok", ""), ("ok", "n" * 201)])
async def test_role_code_and_name_are_bounded(app: App, code: str, name: str) -> None:
    with pytest.raises(Invalid):
        await app.use(CreateRole)(NewRole(ADMIN, code, name, []))


async def test_change_role_audits_the_changed_fields_only(app: App) -> None:
    role = await app.role("support", ["orders.manage"])
    changed = await app.use(ChangeRole)(RoleChange(ADMIN, role.id, name="Support desk",
                                                   permissions=["orders.manage", "accounts.manage"]))  # fmt: skip
    assert changed.permissions == ["accounts.manage", "orders.manage"]
    [stored] = await app.use(ListRoles)()
    assert (stored.name, stored.permissions) == ("Support desk", ["accounts.manage", "orders.manage"])
    entry = (await app.audit(target_id=str(role.id)))[0]  # newest first
    assert entry.action == "role.update" and entry.actor_id == ADMIN.user_id
    assert entry.changes == {
        "name": ["Support", "Support desk"],
        "permissions": [["orders.manage"], ["accounts.manage", "orders.manage"]],
    }


async def test_change_role_refuses_unknown_permissions_and_keeps_the_old(app: App) -> None:
    role = await app.role("support", ["orders.manage"])
    with pytest.raises(Invalid):
        await app.use(ChangeRole)(RoleChange(ADMIN, role.id, permissions=["orders.manage", "nope"]))
    [stored] = await app.use(ListRoles)()
    assert stored.permissions == ["orders.manage"]


async def test_change_role_refuses_an_empty_name(app: App) -> None:
    role = await app.role("support", ["orders.manage"])
    with pytest.raises(Invalid):
        await app.use(ChangeRole)(RoleChange(ADMIN, role.id, name=" "))


async def test_role_changes_reach_the_holders(app: App) -> None:
    role = await app.role("support", ["orders.manage"])
    account = await app.register("staff@example.com")
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [role.id]))
    pair = await app.login("staff@example.com")
    assert (await app.actor(pair)).permissions == {"orders.manage"}
    await app.use(ChangeRole)(RoleChange(ADMIN, role.id, permissions=["catalog.manage"]))
    assert (await app.actor(pair)).permissions == {"catalog.manage"}


async def test_delete_role_removes_it_from_lists_and_holders(app: App) -> None:
    keep, gone = await app.role("keep", ["catalog.manage"]), await app.role("gone", ["orders.manage"])
    account = await app.register("staff@example.com")
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [keep.id, gone.id]))
    await app.use(DeleteRole)(ADMIN, gone.id)
    assert [r.code for r in await app.use(ListRoles)()] == ["keep"]
    assert (await app.actor(await app.login("staff@example.com"))).permissions == {"catalog.manage"}
    assert [r.code for r in (await app.account(account.id)).roles] == ["keep"]
    entry = (await app.audit(target_id=str(gone.id)))[0]
    assert (entry.action, entry.actor_id) == ("role.delete", ADMIN.user_id)
    with pytest.raises(NotFound):
        await app.use(ChangeRole)(RoleChange(ADMIN, gone.id, name="back"))
    with pytest.raises(NotFound):
        await app.use(DeleteRole)(ADMIN, gone.id)
    await app.role("gone", ["orders.manage"])  # the code is free again


async def test_unknown_role_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        await app.use(ChangeRole)(RoleChange(ADMIN, uuid.uuid4(), name="x"))
    with pytest.raises(NotFound):
        await app.use(DeleteRole)(ADMIN, uuid.uuid4())


async def test_roles_are_listed_by_code(app: App) -> None:
    for code in ("zeta", "alpha", "mid"):
        await app.role(code, [])
    assert [r.code for r in await app.use(ListRoles)()] == ["alpha", "mid", "zeta"]


# --- assignment -------------------------------------------------------------------------------------------------


async def test_set_roles_replaces_them_and_audits(app: App) -> None:
    a, b = await app.role("a_role", ["catalog.manage"]), await app.role("b_role", ["orders.manage"])
    account = await app.register("staff@example.com")
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [a.id]))
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [b.id, a.id]))
    assert sorted(r.code for r in (await app.account(account.id)).roles) == ["a_role", "b_role"]
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, []))
    assert (await app.account(account.id)).roles == []
    entries = await app.audit(target_type="account", target_id=str(account.id))
    assert [e.changes for e in entries if e.action == "account.roles"] == [
        {"roles": [["a_role", "b_role"], []]},
        {"roles": [["a_role"], ["a_role", "b_role"]]},
        {"roles": [[], ["a_role"]]},
    ]


async def test_the_same_role_twice_is_held_once(app: App) -> None:
    a = await app.role("a_role", ["catalog.manage"])
    account = await app.register("staff@example.com")
    await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [a.id, a.id]))
    assert [r.code for r in (await app.account(account.id)).roles] == ["a_role"]


async def test_unknown_role_in_an_assignment_is_invalid_at_its_index(app: App) -> None:
    a = await app.role("a_role", ["catalog.manage"])
    account = await app.register("staff@example.com")
    with pytest.raises(Invalid) as e:
        await app.use(SetAccountRoles)(AssignRoles(ADMIN, account.id, [a.id, uuid.uuid4()]))
    assert e.value.errors[0].loc == ("body", "role_ids", 1)
    assert (await app.account(account.id)).roles == []


async def test_assigning_to_an_unknown_account_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        await app.use(SetAccountRoles)(AssignRoles(ADMIN, uuid.uuid4(), []))


async def test_staff_cannot_grant_permissions_they_do_not_hold(app: App) -> None:
    orders = await app.role("orders", ["orders.manage"])
    both = await app.role("both", ["orders.manage", "settings.manage"])
    _, manager = await app.staff("manager@example.com", ["accounts.manage", "orders.manage"])
    target = await app.register("clerk@example.com")
    await app.use(SetAccountRoles)(AssignRoles(manager, target.id, [orders.id]))
    with pytest.raises(Forbidden) as e:
        await app.use(SetAccountRoles)(AssignRoles(manager, target.id, [both.id]))
    assert e.value.code == "cannot_escalate"
    assert [r.code for r in (await app.account(target.id)).roles] == ["orders"]
    await app.use(SetAccountRoles)(AssignRoles(manager, target.id, []))  # taking away is always allowed


# --- accounts -----------------------------------------------------------------------------------------------


async def test_list_accounts_pages_newest_first_and_searches(app: App) -> None:
    made = []
    for i in range(5):
        made.append(await app.register(f"user{i}@example.com", first_name=f"Name{i}"))
    first = await app.use(ListAccounts)(PageRequest(limit=2))
    assert [a.email for a in first.items] == ["user4@example.com", "user3@example.com"]
    assert first.next_cursor is not None
    seen = [a.id for a in first.items]
    cursor = first.next_cursor
    while cursor:
        page = await app.use(ListAccounts)(PageRequest(limit=2, cursor=cursor))
        seen += [a.id for a in page.items]
        cursor = page.next_cursor
    assert seen == [a.id for a in reversed(made)]
    found = await app.use(ListAccounts)(PageRequest(), q="NAME3")
    assert [a.email for a in found.items] == ["user3@example.com"] and found.next_cursor is None
    assert (await app.use(ListAccounts)(PageRequest(), q="USER1@")).items[0].email == "user1@example.com"
    assert (await app.use(ListAccounts)(PageRequest(), q="nobody")).items == []


async def test_get_account_by_id(app: App) -> None:
    account = await app.register(first_name="Ayşe")
    got = await app.use(GetAccountById)(account.id)
    assert (got.id, got.email, got.first_name) == (account.id, "ayse@example.com", "Ayşe")
    with pytest.raises(NotFound):
        await app.use(GetAccountById)(uuid.uuid4())


async def test_deactivate_and_activate(app: App) -> None:
    account = await app.register()
    pair = await app.login()
    off = await app.use(SetAccountActive)(AccountStatus(ADMIN, account.id, False))
    assert not off.is_active and not (await app.account(account.id)).is_active
    with pytest.raises(Unauthenticated):
        await app.actor(pair)
    again = await app.use(SetAccountActive)(AccountStatus(ADMIN, account.id, False))  # no change, no audit
    assert not again.is_active
    await app.use(SetAccountActive)(AccountStatus(ADMIN, account.id, True))
    assert (await app.account(account.id)).is_active
    await app.actor(pair)
    changes = [e.changes for e in await app.audit(target_id=str(account.id)) if e.action == "account.update"]
    assert changes == [{"is_active": [False, True]}, {"is_active": [True, False]}]
    with pytest.raises(NotFound):
        await app.use(SetAccountActive)(AccountStatus(ADMIN, uuid.uuid4(), False))


# --- seeding and the first admin ---------------------------------------------------------------------------------


async def test_seed_roles_is_idempotent(app: App) -> None:
    created = await app.use(SeedRoles)()
    assert sorted(r.code for r in created) == sorted(DEFAULT_ROLES)
    assert await app.use(SeedRoles)() == []
    roles = {r.code: r for r in await app.use(ListRoles)()}
    assert set(roles) == set(DEFAULT_ROLES)
    for code, (name, permissions) in DEFAULT_ROLES.items():
        assert (roles[code].name, roles[code].permissions) == (name, sorted(permissions))


async def test_seed_roles_fills_in_only_what_is_missing(app: App) -> None:
    mine = await app.role("support", ["orders.manage"])
    created = await app.use(SeedRoles)()
    assert "support" not in {r.code for r in created} and len(created) == len(DEFAULT_ROLES) - 1
    roles = {r.code: r for r in await app.use(ListRoles)()}
    assert roles["support"].id == mine.id and roles["support"].permissions == ["orders.manage"]


async def test_create_admin_makes_a_verified_superuser(app: App) -> None:
    admin = await app.use(CreateAdmin)(NewAdmin(" Admin@Example.com ", "admin password"))
    stored = await app.account(admin.id)
    assert (stored.email, stored.is_superuser, stored.is_email_verified, stored.is_active) == (
        "admin@example.com",
        True,
        True,
        True,
    )
    actor = await app.actor(await app.login("admin@example.com", "admin password"))
    assert actor.is_superuser and actor.can("settings.manage")
    [entry] = await app.audit(target_id=str(admin.id))
    assert (entry.action, entry.actor_id) == ("account.create_admin", None)


async def test_create_admin_is_idempotent_and_resets_the_password(app: App) -> None:
    first = await app.use(CreateAdmin)(NewAdmin("admin@example.com", "admin password"))
    again = await app.use(CreateAdmin)(NewAdmin("admin@example.com", "admin password"))
    assert again.id == first.id
    hash_before = (await app.account(first.id)).password_hash
    await app.use(CreateAdmin)(NewAdmin("admin@example.com", "admin password"))
    assert (await app.account(first.id)).password_hash == hash_before  # same password: not rehashed
    await app.use(CreateAdmin)(NewAdmin("ADMIN@example.com", "a new admin password"))
    stored = await app.account(first.id)
    assert app.use(PasswordHasher).verify(stored.password_hash, "a new admin password")
    await app.login("admin@example.com", "a new admin password")
    page = await app.use(ListAccounts)(PageRequest())
    assert [a.email for a in page.items] == ["admin@example.com"]


async def test_create_admin_promotes_and_reenables_an_existing_account(app: App) -> None:
    account = await app.register("ayse@example.com")
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, False))
    admin = await app.use(CreateAdmin)(NewAdmin("ayse@example.com", "admin password"))
    assert admin.id == account.id
    stored = await app.account(account.id)
    assert stored.is_superuser and stored.is_active and stored.is_email_verified


async def test_create_admin_checks_its_input(app: App) -> None:
    with pytest.raises(Invalid):
        await app.use(CreateAdmin)(NewAdmin("not an email", "admin password"))
    with pytest.raises(Invalid):
        await app.use(CreateAdmin)(NewAdmin("admin@example.com", "short"))
