"""Two writers racing for the same unique key: one wins, the other gets the same 409 code as a plain
duplicate (the database's constraint catches what the use case's own check missed) — never a 500."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory.services import MemoryMailer
from adapters.sql.engine import integrity_conflict
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.model import Account
from core.accounts.use_cases.registration import Register, RegisterAccount
from core.accounts.use_cases.staff import CreateRole, NewRole
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict
from ports.services import Mailer
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH


@pytest.fixture
async def container(sql_url: str, tmp_path: Path) -> AsyncIterator[object]:
    c = bootstrap(Settings(database_url=sql_url, profile="test", var_dir=str(tmp_path), **FAST_HASH),
                  overrides={Mailer: MemoryMailer()})  # fmt: skip
    yield c
    await shutdown(c)


async def test_a_duplicate_insert_the_check_missed_is_a_conflict_with_the_duplicates_code(container: object) -> None:
    c = container
    async with c.resolve(UnitOfWork) as uow:  # type: ignore[attr-defined]
        await uow.accounts.add(Account(email="ayse@example.com", password_hash="x"))
        await uow.commit()
    async with c.resolve(UnitOfWork) as uow:  # type: ignore[attr-defined]
        await uow.accounts.add(Account(email="ayse@example.com", password_hash="y"))  # no by_email check first
        with pytest.raises(Conflict) as caught:
            await uow.commit()
    assert caught.value.code == "email_taken"


async def test_concurrent_registrations_of_one_email_give_one_account_and_one_409(container: object) -> None:
    c = container
    for n in range(4):
        email = f"race{n}@example.com"
        results = await asyncio.gather(
            *(c.resolve(RegisterAccount)(Register(email, "long-enough")) for _ in range(2)),  # type: ignore[attr-defined]
            return_exceptions=True,
        )
        assert sum(isinstance(r, Account) for r in results) == 1, results
        assert [r.code for r in results if isinstance(r, Exception)] == ["email_taken"], results


async def test_concurrent_roles_with_one_code_give_one_role_and_one_409(container: object) -> None:
    c = container
    results = await asyncio.gather(
        *(c.resolve(CreateRole)(NewRole(SYSTEM, "packers", "Packers", [])) for _ in range(2)),  # type: ignore[attr-defined]
        return_exceptions=True,
    )
    assert [r.code for r in results if isinstance(r, Exception)] == ["duplicate_code"], results


def test_other_integrity_errors_are_conflicts_too() -> None:
    from sqlalchemy.exc import IntegrityError

    error = integrity_conflict(IntegrityError("INSERT ...", {}, Exception("FOREIGN KEY constraint failed")))
    assert isinstance(error, Conflict) and error.code == "integrity_conflict"
