"""AccountRepository and RoleRepository: the same answers from every adapter."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from core.accounts.model import Account
from core.shared.actor import Actor
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest
from tests.integration.contract.builders import account, role, walk
from tests.integration.contract.conftest import Backend, acting_as


async def test_an_added_account_reads_back_field_for_field(backend: Backend) -> None:
    new = account(first_name="Ayşe", last_name="Yılmaz", phone="+905321234567")
    new.gender, new.birthdate = "female", date(1990, 2, 28)
    new.verify_email(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC))
    new.data = {"newsletter": True, "tags": ["vip"]}
    async with backend.uow() as uow:
        await uow.accounts.add(new)
        await uow.commit()

    async with backend.uow() as uow:
        got = await uow.accounts.get(new.id)
        assert (got.id, got.email, got.password_hash) == (new.id, new.email, "argon2-hash")
        assert (got.first_name, got.last_name, got.phone, got.gender) == ("Ayşe", "Yılmaz", "+905321234567", "female")
        assert got.birthdate == date(1990, 2, 28)
        assert got.is_email_verified and got.email_verified_at == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        assert got.email_verified_at.utcoffset() is not None and got.created_at.tzinfo is not None
        assert got.data == {"newsletter": True, "tags": ["vip"]}
        assert (got.is_active, got.is_deleted, got.roles) == (True, False, [])
        assert got.events == []


async def test_get_of_an_unknown_account_is_not_found(backend: Backend) -> None:
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.accounts.get(uuid.uuid4())


async def test_by_email_finds_the_account_or_none(backend: Backend) -> None:
    first, second = account("first@example.com"), account("second@example.com")
    async with backend.uow() as uow:
        await uow.accounts.add(first)
        await uow.accounts.add(second)
        await uow.commit()
    async with backend.uow() as uow:
        found = await uow.accounts.by_email("second@example.com")
        assert found is not None and found.id == second.id
        assert await uow.accounts.by_email("nobody@example.com") is None


async def test_by_email_sees_an_account_added_in_the_same_unit_of_work(backend: Backend) -> None:
    async with backend.uow() as uow:
        new = account("fresh@example.com")
        await uow.accounts.add(new)
        found = await uow.accounts.by_email("fresh@example.com")
        assert found is new


async def test_list_pages_newest_first_and_filters_by_text(backend: Backend) -> None:
    people = [account(f"user{i}@example.com", first_name=name, last_name="Demir")
              for i, name in enumerate(["Ali", "Veli", "Ayşe", "Fatma", "Alper"])]  # fmt: skip
    for i, person in enumerate(people):
        async with backend.uow() as uow:  # one commit each: distinct created_at, in this order
            await uow.accounts.add(person)
            await uow.commit()
        assert i == 0 or person.created_at > people[i - 1].created_at

    async with backend.uow() as uow:
        pages: list[int] = []

        async def fetch(cursor: str | None) -> Page[Account]:
            page = await uow.accounts.list(PageRequest(limit=2, cursor=cursor))
            pages.append(len(page.items))
            return page

        seen = [a.id for a in await walk(fetch)]
        assert pages == [2, 2, 1]
        assert seen == [p.id for p in reversed(people)]

        matches = await uow.accounts.list(PageRequest(limit=10), q="AL")
        assert {a.first_name for a in matches.items} == {"Ali", "Alper"}
        assert [a.first_name for a in (await uow.accounts.list(PageRequest(limit=10), q="ayşe")).items] == ["Ayşe"]
        assert len((await uow.accounts.list(PageRequest(limit=10), q="demir")).items) == 5
        assert len((await uow.accounts.list(PageRequest(limit=10), q="user3@")).items) == 1
        assert (await uow.accounts.list(PageRequest(limit=10), q="zeynep")).items == []


async def test_a_soft_deleted_account_is_hidden_from_reads(backend: Backend) -> None:
    gone, kept = account("gone@example.com"), account("kept@example.com")
    async with backend.uow() as uow:
        await uow.accounts.add(gone)
        await uow.accounts.add(kept)
        await uow.commit()
    who = uuid.uuid4()
    async with backend.uow() as uow:
        (await uow.accounts.get(gone.id)).delete(who)
        await uow.commit()

    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.accounts.get(gone.id)
        assert await uow.accounts.by_email("gone@example.com") is None
        assert [a.id for a in (await uow.accounts.list(PageRequest(limit=10))).items] == [kept.id]
        assert (await uow.accounts.list(PageRequest(limit=10), q="gone")).items == []


async def test_audit_stamps_come_from_the_acting_user(backend: Backend) -> None:
    creator, editor = Actor(user_id=uuid.uuid4()), Actor(user_id=uuid.uuid4())
    new = account()
    with acting_as(creator):
        async with backend.uow() as uow:
            await uow.accounts.add(new)
            await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(new.id)
        assert (got.created_by, got.updated_by) == (creator.user_id, creator.user_id)
        created_at = got.created_at
    with acting_as(editor):
        async with backend.uow() as uow:
            got = await uow.accounts.get(new.id)
            got.update_profile({"first_name": "Veli"})
            await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(new.id)
        assert (got.created_by, got.updated_by) == (creator.user_id, editor.user_id)
        assert got.created_at == created_at and got.updated_at > created_at


# --- roles ------------------------------------------------------------------------------------------------


async def test_roles_add_get_by_code_and_list_in_code_order(backend: Backend) -> None:
    support, admin = role("support", ["accounts.manage", "orders.manage"]), role("admin", ["audit.read"])
    async with backend.uow() as uow:
        await uow.roles.add(support)
        await uow.roles.add(admin)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.roles.get(support.id)
        assert (got.code, got.name, got.permissions) == ("support", "Support", ["accounts.manage", "orders.manage"])
        by_code = await uow.roles.by_code("admin")
        assert by_code is not None and by_code.id == admin.id
        assert await uow.roles.by_code("nobody") is None
        assert [r.code for r in await uow.roles.list()] == ["admin", "support"]
        with pytest.raises(NotFound):
            await uow.roles.get(uuid.uuid4())


async def test_a_soft_deleted_role_is_hidden_and_grants_nothing(backend: Backend) -> None:
    doomed, kept = role("doomed", ["jobs.manage"]), role("kept", ["audit.read"])
    holder = account()
    async with backend.uow() as uow:
        await uow.roles.add(doomed)
        await uow.roles.add(kept)
        holder.set_roles([doomed, kept])
        await uow.accounts.add(holder)
        await uow.commit()
    async with backend.uow() as uow:
        (await uow.roles.get(doomed.id)).delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.roles.by_code("doomed") is None
        assert [r.code for r in await uow.roles.list()] == ["kept"]
        with pytest.raises(NotFound):
            await uow.roles.get(doomed.id)
        got = await uow.accounts.get(holder.id)
        assert got.permissions == frozenset({"audit.read"})


async def test_role_assignment_is_stored_and_can_be_replaced(backend: Backend) -> None:
    support, marketing, admin = role("support", ["accounts.manage"]), role("marketing", ["promotions.manage"]), \
        role("admin", ["audit.read", "jobs.manage"])  # fmt: skip
    person = account()
    async with backend.uow() as uow:
        for r in (support, marketing, admin):
            await uow.roles.add(r)
        await uow.accounts.add(person)
        await uow.commit()

    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert got.set_roles([await uow.roles.get(support.id), await uow.roles.get(marketing.id)])
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert sorted(r.code for r in got.roles) == ["marketing", "support"]
        assert got.permissions == frozenset({"accounts.manage", "promotions.manage"})
        got.set_roles([await uow.roles.get(admin.id)])
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert [r.code for r in got.roles] == ["admin"]
        got.set_roles([])
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).roles == []
        assert [r.code for r in await uow.roles.list()] == ["admin", "marketing", "support"]  # roles themselves stay


async def test_a_changed_role_changes_every_account_holding_it(backend: Backend) -> None:
    shared = role("support", ["accounts.manage"])
    one, two = account(), account()
    async with backend.uow() as uow:
        await uow.roles.add(shared)
        one.set_roles([shared])
        two.set_roles([shared])
        await uow.accounts.add(one)
        await uow.accounts.add(two)
        await uow.commit()
    async with backend.uow() as uow:
        r = await uow.roles.get(shared.id)
        assert r.change(name=None, description="front desk", permissions=["accounts.manage", "orders.manage"])
        await uow.commit()
    async with backend.uow() as uow:
        for person in (one, two):
            got = await uow.accounts.get(person.id)
            assert got.permissions == frozenset({"accounts.manage", "orders.manage"})
            assert got.roles[0].description == "front desk"


async def test_search_folds_turkish_letters_and_case_and_takes_wildcards_literally(backend) -> None:  # type: ignore[no-untyped-def]
    from core.shared.pagination import PageRequest

    async with backend.uow() as uow:
        for email, first, last in [("isik@example.com", "AYŞE", "IŞIK"), ("gul@example.com", "Gül", "Çelik"),
                                   ("per_cent@example.com", "Yüzde", "100%")]:  # fmt: skip
            await uow.accounts.add(Account(email=email, password_hash="x", first_name=first, last_name=last))
        await uow.commit()

    async def found(q: str) -> list[str]:
        async with backend.uow() as uow:
            page = await uow.accounts.list(PageRequest(limit=100), q=q)
            return sorted(a.email for a in page.items)

    assert await found("ayşe ışık") == ["isik@example.com"]
    assert await found("ayse isik") == ["isik@example.com"]
    assert await found("AYSE") == ["isik@example.com"]
    assert await found("çel") == ["gul@example.com"]
    assert await found("GÜL ÇELİK") == ["gul@example.com"]
    assert await found("0%") == ["per_cent@example.com"]
    assert await found("r_c") == ["per_cent@example.com"]
    assert await found("r%c") == []
    async with backend.uow() as uow:  # a changed name is found by its new spelling
        account = await uow.accounts.by_email("gul@example.com")
        account.update_profile({"last_name": "Şahin"})
        await uow.commit()
    assert await found("sahin") == ["gul@example.com"]
    assert await found("celik") == []
