import uuid
from core.shared.pagination import PageRequest
from tests.integration.contract.builders import account
from tests.integration.contract.conftest import Backend

async def test_dbg(backend: Backend) -> None:
    print("start", backend.kind, flush=True)
    people = [account(f"user{i}@example.com", first_name=name, last_name="Demir")
              for i, name in enumerate(["Ali", "Veli"])]
    for i, person in enumerate(people):
        print("add", i, flush=True)
        async with backend.uow() as uow:
            await uow.accounts.add(person)
            await uow.commit()
    print("listing", flush=True)
    async with backend.uow() as uow:
        page = await uow.accounts.list(PageRequest(limit=2))
        print("listed", flush=True)
        matches = await uow.accounts.list(PageRequest(limit=10), q="AL")
        print("q", flush=True)
