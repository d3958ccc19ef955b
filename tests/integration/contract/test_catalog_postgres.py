"""The catalog's database guarantees: PostgreSQL under real concurrency (transactions open side by side), the
price CHECK constraint and exact amounts on both SQL databases.

(SQLite runs one write transaction at a time — BEGIN IMMEDIATE — so the races cannot arise there.)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import tables as t
from core.catalog.model import OptionKey, Price, Product, Variant
from core.catalog.use_cases.products import (
    CreateProduct,
    CreateVariant,
    GenerateVariants,
    NewProduct,
    NewVariant,
    VariantMatrix,
)
from core.catalog.views import ProductQuery
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.catalog import ProductSearch
from tests.integration.contract.conftest import Backend, _backend
from tests.integration.contract.test_catalog_contract import (
    _repo,
    brand,
    category,
    option_key,
    product,
    save,
    variant,
)

RACERS = 6
T = TypeVar("T")


def use_case(backend: Backend, cls: type[T]) -> T:
    """A fresh use case (with its own unit of work) per call, as each request gets one."""
    return backend.container.resolve(cls)  # type: ignore[no-any-return]


async def new_variant(backend: Backend, product_id: uuid.UUID, code: str, combo: list[uuid.UUID],
                      price: str) -> Variant:  # fmt: skip
    """CreateVariant as one staff request: its own unit of work, an explicit slug (only the combination clashes)."""
    cmd = NewVariant(SYSTEM, product_id, code, combo, Money.of(price, "TRY"), slug=code.lower())
    return await use_case(backend, CreateVariant)(cmd)


def engine(backend: Backend) -> AsyncEngine:
    return backend.container.resolve("engine")  # type: ignore[no-any-return]


async def scalar(backend: Backend, sql: str, **params: Any) -> Any:
    async with engine(backend).connect() as conn:
        return (await conn.execute(sa.text(sql), params)).scalar_one()


async def live_variants(backend: Backend, product_id: uuid.UUID) -> list[tuple[str, str | None]]:
    async with engine(backend).connect() as conn:
        rows = await conn.execute(sa.select(t.variants.c.code, t.variants.c.combination).where(
            t.variants.c.product_id == product_id, ~t.variants.c.is_deleted))  # fmt: skip
        return sorted(tuple(r) for r in rows)  # type: ignore[misc]


async def shop_with_options(backend: Backend) -> tuple[Product, OptionKey, OptionKey]:
    cat, br = category(), brand()
    colour, size = option_key("Renk", ["Kırmızı", "Mavi"]), option_key("Beden", ["S", "M"])
    item = product(br.id, cat.id, "Gömlek", code="GML", slug="gomlek")
    await save(backend, cat, br, colour, size, item)
    return item, colour, size


def outcome(result: object) -> str:
    """'ok', or the Conflict's code; anything else (a 500 in the API) fails the test."""
    if isinstance(result, Conflict):
        return result.code
    if isinstance(result, BaseException):
        raise AssertionError(f"expected a Conflict, got {result!r}") from result
    return "ok"


# --- one variant per combination --------------------------------------------------------------------------


async def test_a_combination_the_check_missed_is_refused_by_the_database(pg_backend: Backend) -> None:
    item, colour, size = await shop_with_options(pg_backend)
    combo = [colour.values[0].id, size.values[0].id]
    async with pg_backend.uow() as first, pg_backend.uow() as second:
        for uow in (first, second):  # both checks see no variant yet
            assert await uow.variants.of_product(item.id) == []
        await first.variants.add(variant(item.id, ("10", "TRY"), code="A", slug="a", option_value_ids=combo))
        await second.variants.add(variant(item.id, ("10", "TRY"), code="B", slug="b",
                                          option_value_ids=list(reversed(combo))))  # fmt: skip
        await first.commit()
        with pytest.raises(Conflict) as raised:
            await second.commit()
        assert raised.value.code == "duplicate_combination"
    assert await live_variants(pg_backend, item.id) == [("A", ",".join(sorted(map(str, combo))))]


async def test_a_deleted_variant_frees_its_combination(pg_backend: Backend) -> None:
    item, colour, _ = await shop_with_options(pg_backend)
    combo = [colour.values[0].id]
    old = variant(item.id, ("10", "TRY"), code="OLD", slug="old", option_value_ids=combo)
    await save(pg_backend, old)
    async with pg_backend.uow() as uow:
        (await uow.variants.get(old.id)).remove(None)
        await uow.commit()
    await save(pg_backend, variant(item.id, ("10", "TRY"), code="NEW", slug="new", option_value_ids=combo))
    assert [code for code, _ in await live_variants(pg_backend, item.id)] == ["NEW"]


async def test_of_racing_inserts_of_one_combination_exactly_one_commits(pg_backend: Backend) -> None:
    item, colour, size = await shop_with_options(pg_backend)
    combo = [colour.values[1].id, size.values[1].id]
    barrier = asyncio.Barrier(RACERS)

    async def insert(n: int) -> str:
        async with pg_backend.uow() as uow:
            assert await uow.variants.of_product(item.id) == []  # the use case's check, passed by everyone
            await barrier.wait()
            await uow.variants.add(variant(item.id, ("10", "TRY"), code=f"R{n}", slug=f"r{n}",
                                           option_value_ids=combo))  # fmt: skip
            await uow.products.refresh_listing(item.id)
            try:
                await uow.commit()
            except Conflict as e:
                return e.code
            return "ok"

    results = await asyncio.gather(*(insert(n) for n in range(RACERS)), return_exceptions=True)
    assert sorted(map(outcome, results)) == ["duplicate_combination"] * (RACERS - 1) + ["ok"]
    assert len(await live_variants(pg_backend, item.id)) == 1


async def test_concurrent_create_variant_calls_for_one_combination_give_one_variant(pg_backend: Backend) -> None:
    item, colour, size = await shop_with_options(pg_backend)
    for round_, (c, s) in enumerate([(0, 0), (0, 1), (1, 0)]):
        combo = [colour.values[c].id, size.values[s].id]
        results = await asyncio.gather(*(new_variant(pg_backend, item.id, f"V{round_}-{n}", combo, "99.90")
                                         for n in range(RACERS)), return_exceptions=True)  # fmt: skip
        assert sorted(map(outcome, results)) == ["duplicate_combination"] * (RACERS - 1) + ["ok"], results
    assert len(await live_variants(pg_backend, item.id)) == 3


async def test_concurrent_variant_matrices_make_each_combination_once(pg_backend: Backend) -> None:
    item, colour, size = await shop_with_options(pg_backend)
    matrix = VariantMatrix(SYSTEM, item.id, [v.id for v in colour.values + size.values], Money.of("150", "TRY"))
    results = await asyncio.gather(
        *(use_case(pg_backend, GenerateVariants)(matrix) for _ in range(2)), return_exceptions=True
    )
    made = [r for r in results if isinstance(r, list)]
    assert sum(len(r) for r in made) == 4  # a late caller skips what exists: made nothing, or lost the race
    assert all(outcome(r) in ("ok", "duplicate_code", "duplicate_slug", "duplicate_combination") for r in results)
    rows = await live_variants(pg_backend, item.id)
    assert len(rows) == 4 and len({combination for _, combination in rows}) == 4


async def test_concurrent_variants_of_different_combinations_all_land_in_the_listing(pg_backend: Backend) -> None:
    """Two staff adding different variants to one product at once: both succeed, and the listing keeps the
    lowest price of both, whichever committed last."""
    item, colour, size = await shop_with_options(pg_backend)
    combos = [(c.id, s.id) for c in colour.values for s in size.values]
    prices = ["40.00", "10.00", "30.00", "20.00"]
    results = await asyncio.gather(*(new_variant(pg_backend, item.id, f"D{n}", list(combo), price)
                                     for n, (combo, price) in enumerate(zip(combos, prices, strict=True))),
                                   return_exceptions=True)  # fmt: skip
    assert [outcome(r) for r in results] == ["ok"] * 4, results
    assert len(await live_variants(pg_backend, item.id)) == 4
    search: ProductSearch = pg_backend.container.resolve(ProductSearch)
    cards = (await search.search(ProductQuery(PageRequest(limit=5), "TRY"))).items
    assert [(c.id, c.price) for c in cards] == [(item.id, Money.of("10.00", "TRY"))]


# --- unique codes -----------------------------------------------------------------------------------------


async def test_concurrent_products_with_one_code_give_one_product(pg_backend: Backend) -> None:
    cat, br = category(), brand()
    await save(pg_backend, cat, br)
    for round_ in range(3):
        code = f"AYNI-{round_}"
        made = (NewProduct(SYSTEM, f"Ürün {round_} {n}", code, br.id, cat.id) for n in range(RACERS))
        results = await asyncio.gather(*(use_case(pg_backend, CreateProduct)(m) for m in made), return_exceptions=True)
        assert sorted(map(outcome, results)) == ["duplicate_code"] * (RACERS - 1) + ["ok"], results
        assert await scalar(pg_backend, "SELECT count(*) FROM products WHERE code = :c", c=code) == 1


async def test_concurrent_products_with_one_slug_give_one_product(pg_backend: Backend) -> None:
    cat, br = category(), brand()
    await save(pg_backend, cat, br)
    made = (NewProduct(SYSTEM, "Aynı Ad", f"KOD-{n}", br.id, cat.id, slug="ayni") for n in range(RACERS))
    results = await asyncio.gather(*(use_case(pg_backend, CreateProduct)(m) for m in made), return_exceptions=True)
    assert sorted(map(outcome, results)) == ["duplicate_slug"] * (RACERS - 1) + ["ok"], results


# --- the price CHECK constraint and exact amounts (both SQL databases) ------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
async def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    kind = request.param
    url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
    async for b in _backend(kind, url, tmp_path):
        yield b


async def priced_variant(backend: Backend, *prices: tuple[str, str] | tuple[str, str, str]) -> Variant:
    cat, br = category(), brand()
    item = product(br.id, cat.id)
    made = variant(item.id, *prices)
    async with backend.uow() as uow:
        for added in (cat, br, item, made):
            await _repo(uow, added).add(added)
        await uow.products.refresh_listing(item.id)
        await uow.commit()
    return made


def price_row(variant_id: uuid.UUID, amount: str, discount: str, currency: str = "TRY") -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "is_active": True, "is_deleted": False,
            "data": {}, "version": 1, "variant_id": variant_id, "currency": currency, "amount": Decimal(amount),
            "discount": Decimal(discount)}  # fmt: skip


@pytest.mark.parametrize(("amount", "discount"), [("10.00", "10.01"), ("-1.00", "0"), ("10.00", "-0.01")])
async def test_the_check_constraint_refuses_a_bad_price_written_directly(sql_backend: Backend, amount: str,
                                                                        discount: str) -> None:  # fmt: skip
    made = await priced_variant(sql_backend, ("10.00", "TRY"))
    async with engine(sql_backend).begin() as conn:
        with pytest.raises(IntegrityError) as raised:
            await conn.execute(sa.insert(t.variant_prices), price_row(made.id, amount, discount, "USD"))
    assert "price_not_negative" in str(raised.value.orig)
    async with engine(sql_backend).begin() as conn:  # the edge is allowed: a price cut to zero
        await conn.execute(sa.insert(t.variant_prices), price_row(made.id, "10.00", "10.00", "USD"))


async def test_a_discount_above_the_price_from_the_unit_of_work_is_a_conflict(sql_backend: Backend) -> None:
    made = await priced_variant(sql_backend, ("10.00", "TRY"))
    async with sql_backend.uow() as uow:
        got = await uow.variants.get(made.id)
        got.prices.append(Price(variant_id=got.id, currency="EUR", amount=Decimal(5), discount=Decimal(6)))
        with pytest.raises(Conflict) as raised:
            await uow.commit()
        assert raised.value.code == "integrity_conflict"
    async with sql_backend.uow() as uow:
        assert [p.currency for p in (await uow.variants.get(made.id)).prices] == ["TRY"]


async def test_amounts_read_back_exactly(sql_backend: Backend) -> None:
    made = await priced_variant(sql_backend, ("199.90", "TRY", "0.10"), ("12.345", "KWD"), ("1500", "JPY"),
                                ("123456789012.34", "USD"), ("0.0001", "CLF"))  # fmt: skip
    async with sql_backend.uow() as uow:
        got = {p.currency: (p.amount, p.discount) for p in (await uow.variants.get(made.id)).prices}
    assert got == {"TRY": (Decimal("199.90"), Decimal("0.10")), "KWD": (Decimal("12.345"), 0),
                   "JPY": (Decimal(1500), 0), "USD": (Decimal("123456789012.34"), 0),
                   "CLF": (Decimal("0.0001"), 0)}  # fmt: skip
    assert all(isinstance(a, Decimal) for a, _ in got.values())
    assert sum(a for a, _ in got.values()) == Decimal("123456790724.5851")


async def test_postgres_keeps_amounts_as_numeric(pg_backend: Backend) -> None:
    made = await priced_variant(pg_backend, ("199.90", "TRY", "0.10"), ("123456789012.34", "USD"))
    for column in ("amount", "discount"):
        assert await scalar(pg_backend, "SELECT data_type || '(' || numeric_precision || ',' || numeric_scale || ')'"
                            " FROM information_schema.columns WHERE table_name = 'variant_prices'"
                            " AND column_name = :c", c=column) == "numeric(19,4)"  # fmt: skip
    assert await scalar(pg_backend, "SELECT sum(amount - discount)::text FROM variant_prices WHERE variant_id = :v",
                        v=made.id) == "123456789212.1400"  # fmt: skip
    assert await scalar(pg_backend, "SELECT min_price::text FROM product_listing WHERE currency = 'TRY'") == "199.8000"


async def test_sqlite_keeps_amounts_as_integer_ten_thousandths(tmp_path: Path, sqlite_url: str) -> None:
    async for backend in _backend("sqlite", sqlite_url, tmp_path):
        made = await priced_variant(backend, ("199.90", "TRY", "0.10"), ("12.345", "KWD"),
                                    ("123456789012.34", "USD"))  # fmt: skip
        async with engine(backend).connect() as conn:
            rows = (await conn.execute(sa.text(
                "SELECT currency, amount, typeof(amount), discount, typeof(discount) FROM variant_prices"
                " WHERE variant_id = :v ORDER BY currency"), {"v": made.id.hex})).all()  # fmt: skip
        assert [tuple(r) for r in rows] == [
            ("KWD", 123450, "integer", 0, "integer"),
            ("TRY", 1999000, "integer", 1000, "integer"),
            ("USD", 1234567890123400, "integer", 0, "integer"),
        ]
        assert await scalar(backend, "SELECT min_price FROM product_listing WHERE currency = 'TRY'") == 1998000
