"""The basket repository on memory, SQLite and PostgreSQL: baskets with exact line prices, a user's active
basket, the catalog offers that price them, the abandon sweep, and lines never lost to concurrent adds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.accounts.secrets import new_token
from core.basket.model import Basket
from core.basket.use_cases.baskets import Access, AddItem, AddToBasket, Open, OpenBasket
from core.catalog.model import Brand, Category, Product, Variant
from core.inventory.model import Stock, Warehouse
from core.shared.errors import Conflict
from core.shared.money import Money
from core.shared.time import utcnow
from tests.integration.contract.builders import account, unique
from tests.integration.contract.conftest import Backend, _backend


async def catalog_variant(backend: Backend, *prices: tuple[str, str], tax_rate: str = "20", discount: str | None = None,
                          active: bool = True, product_active: bool = True, name: str = "") -> Variant:  # fmt: skip
    async with backend.uow() as uow:
        brand = Brand(name="Marka", code=unique("BR-"), slug=unique("marka-"))
        category = Category(name="Kategori", code=unique("CAT-"), slug=unique("kategori-"))
        await uow.brands.add(brand)
        await uow.categories.add(category)
        product = Product(name="Ürün", code=unique("PR-"), slug=unique("urun-"), brand_id=brand.id,
                          category_id=category.id, tax_rate=Decimal(tax_rate), is_active=product_active)  # fmt: skip
        await uow.products.add(product)
        made = Variant(product_id=product.id, name=name, code=unique("V-"), slug=unique("varyant-"), is_active=active)
        for amount, currency in prices:
            made.set_price(Money.of(amount, currency), Money.of(discount, currency) if discount else None)
        await uow.variants.add(made)
        await uow.commit()
    return made


async def stocked(backend: Backend, variant: Variant, n: int) -> None:
    async with backend.uow() as uow:
        wh = Warehouse(name="Depo", code=unique("WH-"))  # type: ignore[call-arg]
        await uow.warehouses.add(wh)
        row = await uow.stock.create(Stock(warehouse_id=wh.id, variant_id=variant.id))
        await uow.stock.change(row.id, quantity=n)
        await uow.commit()


async def saved(backend: Backend, basket: Basket) -> Basket:
    async with backend.uow() as uow:
        await uow.baskets.add(basket)
        await uow.commit()
    async with backend.uow() as uow:
        found = await uow.baskets.get(basket.id)
    assert found is not None
    return found


async def test_a_basket_keeps_its_lines_and_their_exact_prices(backend: Backend) -> None:
    a = await catalog_variant(backend, ("19.99", "TRY"))
    b = await catalog_variant(backend, ("0.01", "TRY"))
    _, digest = new_token()
    basket = Basket(currency="TRY", token_hash=digest)
    now = utcnow()
    basket.put(a.id, 2, Money.of("19.99", "TRY"), now)
    basket.put(b.id, 1, Money.of("0.01", "TRY"), now + timedelta(seconds=1))
    found = await saved(backend, basket)
    assert (found.status, found.currency, found.token_hash, found.user_id) == ("active", "TRY", digest, None)
    assert [(ln.variant_id, ln.quantity, ln.unit_price_at_add) for ln in found.lines] == [
        (a.id, 2, Money.of("19.99", "TRY")), (b.id, 1, Money.of("0.01", "TRY"))]  # fmt: skip
    async with backend.uow() as uow:
        assert await uow.baskets.get(uuid.uuid4()) is None


async def test_lines_change_and_go_with_the_basket(backend: Backend) -> None:
    a, b = await catalog_variant(backend, ("10.00", "TRY")), await catalog_variant(backend, ("20.00", "TRY"))
    basket = Basket(currency="TRY")
    basket.put(a.id, 1, Money.of("10.00", "TRY"), utcnow())
    basket.put(b.id, 1, Money.of("20.00", "TRY"), utcnow() + timedelta(seconds=1))
    found = await saved(backend, basket)
    async with backend.uow() as uow:
        mine = await uow.baskets.get(found.id, for_update=True)
        assert mine is not None
        mine.change(mine.lines[0].id, 5, Money.of("9.50", "TRY"), utcnow())
        mine.remove(mine.lines[1].id, utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        again = await uow.baskets.get(found.id)
    assert again is not None
    assert [(ln.variant_id, ln.quantity, ln.unit_price_at_add) for ln in again.lines] == [
        (a.id, 5, Money.of("9.50", "TRY"))]  # fmt: skip
    assert again.version == found.version + 1


async def test_for_user_finds_only_the_active_basket(backend: Backend) -> None:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    old = Basket(currency="TRY", user_id=person.id)
    old.convert(uuid.uuid4())
    await saved(backend, old)
    async with backend.uow() as uow:
        assert await uow.baskets.for_user(person.id) is None
    current = await saved(backend, Basket(currency="TRY", user_id=person.id))
    async with backend.uow() as uow:
        found = await uow.baskets.for_user(person.id)
        assert found is not None and found.id == current.id
        assert await uow.baskets.for_user(uuid.uuid4()) is None


async def test_offers_price_variants_from_the_catalog(backend: Backend) -> None:
    plain = await catalog_variant(backend, ("100.00", "TRY"), ("5.00", "EUR"), tax_rate="10", name="Kırmızı")
    discounted = await catalog_variant(backend, ("200.00", "TRY"), discount="50.00")
    hidden = await catalog_variant(backend, ("1.00", "TRY"), active=False)
    hidden_product = await catalog_variant(backend, ("1.00", "TRY"), product_active=False)
    async with backend.uow() as uow:
        gone = await uow.variants.get((await catalog_variant(backend, ("1.00", "TRY"))).id)
        gone.remove(None)
        await uow.commit()
    ids = [plain.id, discounted.id, hidden.id, hidden_product.id, gone.id, uuid.uuid4()]
    async with backend.uow() as uow:
        offers = await uow.baskets.offers(ids, "TRY")
        euros = await uow.baskets.offers([plain.id, discounted.id], "EUR")
        assert await uow.baskets.offers([], "TRY") == {}
    assert set(offers) == {plain.id, discounted.id, hidden.id, hidden_product.id}
    first = offers[plain.id]
    assert (first.price, first.tax_rate, first.sku, first.name, first.purchasable) == (
        Money.of("100.00", "TRY"), Decimal(10), plain.code, "Ürün Kırmızı", True)  # fmt: skip
    assert offers[discounted.id].price == Money.of("150.00", "TRY")
    assert not offers[hidden.id].purchasable and not offers[hidden_product.id].purchasable
    assert euros[plain.id].price == Money.of("5.00", "EUR")
    assert euros[discounted.id].price is None and not euros[discounted.id].purchasable


async def test_idle_baskets_are_abandoned_in_batches(backend: Backend) -> None:
    long_ago = utcnow() - timedelta(days=10)
    idle = []
    for n in range(3):
        basket = Basket(currency="TRY", last_activity_at=long_ago + timedelta(minutes=n))
        idle.append(await saved(backend, basket))
    fresh = await saved(backend, Basket(currency="TRY"))
    converted = Basket(currency="TRY")
    converted.convert(uuid.uuid4())
    converted.last_activity_at = long_ago
    await saved(backend, converted)
    cutoff = utcnow() - timedelta(days=3)
    async with backend.uow() as uow:
        assert await uow.baskets.abandon_idle(cutoff, 2) == 2
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.baskets.abandon_idle(cutoff, 2) == 1
        await uow.commit()
    async with backend.uow() as uow:
        states = [await uow.baskets.get(b.id) for b in [*idle, fresh, converted]]
    assert [s.status for s in states if s] == ["abandoned"] * 3 + ["active", "converted"]
    assert [s.version for s in states[:3] if s] == [b.version + 1 for b in idle]  # a concurrent writer loses


async def test_a_stale_basket_write_is_refused(backend: Backend) -> None:
    if backend.kind == "sqlite":
        pytest.skip("SQLite runs write transactions one at a time (BEGIN IMMEDIATE): two cannot overlap")
    variant = await catalog_variant(backend, ("10.00", "TRY"))
    found = await saved(backend, Basket(currency="TRY"))
    first, second = backend.uow(), backend.uow()
    async with first:
        mine = await first.baskets.get(found.id)
        assert mine is not None
        async with second:
            theirs = await second.baskets.get(found.id)
            assert theirs is not None
            theirs.put(variant.id, 1, Money.of("10.00", "TRY"), utcnow())
            await second.commit()
        mine.put(variant.id, 2, Money.of("10.00", "TRY"), utcnow())
        with pytest.raises(Conflict) as e:
            await first.commit()
        assert e.value.code == "stale_write"


async def test_concurrent_adds_to_one_basket_lose_no_line(backend: Backend) -> None:
    variants = [await catalog_variant(backend, ("10.00", "TRY")) for _ in range(4)]
    for v in variants:
        await stocked(backend, v, 50)
    opened = await backend.container.resolve(OpenBasket)(Open(None))
    access = Access(None, opened.basket.id, opened.token)
    add = [AddItem(access, v.id, 1) for v in variants] + [AddItem(access, variants[0].id, 1)]
    results = await asyncio.gather(*(backend.container.resolve(AddToBasket)(cmd) for cmd in add),
                                   return_exceptions=True)  # fmt: skip
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(f, Conflict) and f.code == "stale_write" for f in failures), failures  # never a 500
    async with backend.uow() as uow:
        found = await uow.baskets.get(opened.basket.id)
    assert found is not None
    quantities = {ln.variant_id: ln.quantity for ln in found.lines}
    succeeded = [cmd for cmd, r in zip(add, results, strict=True) if not isinstance(r, BaseException)]
    assert sum(quantities.values()) == len(succeeded)  # every add that answered success is in the basket
    if backend.kind == "postgresql":  # the row lock queues them: all succeed
        assert not failures and quantities[variants[0].id] == 2 and len(quantities) == 4


@pytest.fixture(params=["sqlite", "postgresql"])
async def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    async for b in _backend(request.param, url, tmp_path):
        yield b


async def test_the_database_keeps_one_active_basket_per_user(sql_backend: Backend) -> None:
    person = account()
    async with sql_backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    await saved(sql_backend, Basket(currency="TRY", user_id=person.id))
    with pytest.raises(Conflict) as e:
        await saved(sql_backend, Basket(currency="TRY", user_id=person.id))
    assert e.value.code == "basket_exists"
