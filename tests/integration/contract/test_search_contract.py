"""The SearchSource port on memory, SQLite and PostgreSQL: what a product's search document holds, which
products a catalog change touches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeProduct, DeleteProduct
from core.shared.money import Money
from ports.search import SearchSource
from tests.integration.contract.conftest import Backend
from tests.unit.catalog.conftest import STAFF, Shop
from tests.unit.conftest import App


def shop_on(backend: Backend) -> Shop:
    return Shop(App(backend.container, FixedClock(datetime.now(UTC)), MemoryMailer(), MemorySms()))


async def test_documents_hold_the_text_refs_and_lowest_prices_of_visible_products(backend: Backend) -> None:
    shop, source = shop_on(backend), backend.container.resolve(SearchSource)
    brand = await shop.brand("Çiçek Moda", "CICEK")
    top = await shop.category("Giyim", "GIYIM")
    dresses = await shop.category("Elbise", "ELBISE", parent_id=top.id)
    product = await shop.product("Şal İpek", "SAL-1", brand=brand, category=dresses, barcode="4006381333931",
                                 description="Yumuşak", specifications=[{"key": "Kumaş", "value": "İpek"}])  # fmt: skip
    await shop.variant(product, "SAL-1-A", price="199.90", name="Şal Kırmızı", discount=Money.of("20.00", "TRY"))
    await shop.variant(product, "SAL-1-B", price="250.00")
    await shop.variant(product, "SAL-1-C", price=Money.of("12.345", "KWD"))
    hidden = await shop.listed("Gizli", brand=brand, category=dresses)
    await shop.app.use(ChangeProduct)(Revision(STAFF, hidden.id, {"is_active": False}))
    gone = await shop.listed("Silinmiş", brand=brand, category=dresses)
    await shop.app.use(DeleteProduct)(STAFF, gone.id)

    [doc] = await source.documents([product.id, hidden.id, gone.id])
    assert (doc.id, doc.name, doc.slug, doc.code, doc.barcode) == (product.id, "Şal İpek", "sal-ipek", "SAL-1",
                                                                   "4006381333931")  # fmt: skip
    assert (doc.brand.name, doc.category.name, doc.category_path) == ("Çiçek Moda", "Elbise", ("Elbise", "Giyim"))
    assert {"SAL-1-A", "Şal Kırmızı", "SAL-1-B"} <= set(doc.variant_texts)
    assert (doc.description, doc.specifications) == ("Yumuşak", ("Kumaş", "İpek"))
    assert doc.prices == {"TRY": (Decimal("179.90"), Decimal("199.90")), "KWD": (Decimal("12.345"), None)}
    assert doc.version >= 1 and doc.tax_rate == Decimal(20)
    assert doc.texts()["a"] == "sal ipek sal-1 4006381333931"
    assert set(await source.product_ids()) == {product.id, hidden.id}  # live ones, active or not


async def test_a_change_touches_the_products_it_shows_in(backend: Backend) -> None:
    shop, source = shop_on(backend), backend.container.resolve(SearchSource)
    since = datetime.now(UTC) - timedelta(seconds=1)
    brand, other = await shop.brand("Koton", "KOTON"), await shop.brand("Mavi", "MAVI")
    top = await shop.category("Giyim", "GIYIM")
    sub = await shop.category("Üst", "UST", parent_id=top.id)
    one = await shop.listed("Bir", brand=brand, category=sub)
    two = await shop.listed("İki", brand=other, category=top)
    variant = (await shop.variant(one, "BIR-2", price="5.00")).id
    assert await source.affected("product", one.id, since) == [one.id]
    assert await source.affected("variant", variant, since) == [one.id]
    assert await source.affected("brand", brand.id, since) == [one.id]
    assert set(await source.affected("category", top.id, since)) == {one.id, two.id}  # its subcategories too
    assert await source.affected("category", sub.id, since) == [one.id]
    assert set(await source.affected("catalog", one.id, since)) == {one.id, two.id}
    assert await source.affected("catalog", one.id, datetime.now(UTC) + timedelta(minutes=1)) == []
    assert await source.affected("optionkey", one.id, since) == []
