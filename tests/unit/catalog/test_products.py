"""Products: KDV rates, structured specifications, barcodes with check digits, references that must exist."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeProduct, DeleteProduct, GetProduct, ListProducts
from core.catalog.use_cases.taxonomy import DeleteBrand, DeleteCategory
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.pagination import PageRequest
from tests.unit.catalog.conftest import STAFF, Shop


async def test_create_product_stores_every_field(shop: Shop) -> None:
    brand, category = await shop.brand("Koton", "KOTON"), await shop.category("Tişört", "TSHIRT")
    product = await shop.product(
        "Basic Tişört", "TS-001", brand=brand, category=category, barcode="4006381333931",
        description="Pamuklu", specifications=[{"key": "Malzeme", "value": "Pamuk"}], tax_rate=Decimal(10),
        meta_title="Tişört", meta_description="Yazlık",
    )  # fmt: skip
    stored = (await shop.app.use(GetProduct)(product.id)).product
    assert (stored.name, stored.code, stored.slug, stored.brand_id, stored.category_id) == (
        "Basic Tişört", "TS-001", "basic-tisort", brand.id, category.id)  # fmt: skip
    assert (stored.barcode, stored.description, stored.tax_rate) == ("4006381333931", "Pamuklu", Decimal(10))
    assert stored.specifications == [{"key": "Malzeme", "value": "Pamuk"}]
    assert (stored.meta_title, stored.meta_description) == ("Tişört", "Yazlık")
    [entry] = await shop.app.audit(target_type="product")
    assert (entry.action, entry.target_id, entry.changes) == ("product.create", str(product.id),
                                                              {"code": [None, "TS-001"]})  # fmt: skip


async def test_the_default_tax_rate_is_20(shop: Shop) -> None:
    assert (await shop.product()).tax_rate == Decimal(20)


@pytest.mark.parametrize("rate", [Decimal(0), Decimal(1), Decimal(10), Decimal(20), "20", "10.00", 1])
async def test_allowed_kdv_rates(shop: Shop, rate: Any) -> None:
    product = await shop.product(tax_rate=rate)
    assert product.tax_rate == Decimal(rate) and product.tax_rate.as_tuple().exponent == 0


@pytest.mark.parametrize("rate", [Decimal(18), Decimal(8), "18", Decimal("-1"), "abc", 20.0, None, "NaN", "sNaN"])
async def test_other_tax_rates_are_invalid(shop: Shop, rate: Any) -> None:
    with pytest.raises(Invalid) as e:
        await shop.product(tax_rate=rate)
    assert e.value.code == "invalid_tax_rate"
    assert e.value.errors[0].loc == ("body", "tax_rate")


async def test_change_tax_rate_is_checked_too(shop: Shop) -> None:
    product = await shop.product()
    with pytest.raises(Invalid):
        await shop.app.use(ChangeProduct)(Revision(STAFF, product.id, {"tax_rate": "18"}))
    changed = await shop.app.use(ChangeProduct)(Revision(STAFF, product.id, {"tax_rate": "1"}))
    assert changed.tax_rate == Decimal(1)


async def test_specifications_are_trimmed_key_value_pairs(shop: Shop) -> None:
    product = await shop.product(specifications=[{"key": " Malzeme ", "value": " Pamuk "},
                                                 {"key": "Yıkama", "value": ""}])  # fmt: skip
    assert product.specifications == [{"key": "Malzeme", "value": "Pamuk"}, {"key": "Yıkama", "value": ""}]


@pytest.mark.parametrize(
    "specs",
    [
        {"Malzeme": "Pamuk"},
        ["Malzeme: Pamuk"],
        [{"key": "Malzeme"}],
        [{"key": "Malzeme", "value": "Pamuk", "extra": 1}],
        [{"key": "", "value": "Pamuk"}],
        [{"key": "Malzeme", "value": 3}],
        [{"key": "k" * 101, "value": "v"}],
        [{"key": "Malzeme", "value": "Pamuk"}, {"key": "MALZEME", "value": "Keten"}],
        [{"key": "Işık", "value": "a"}, {"key": "isik", "value": "b"}],
    ],
)
async def test_bad_specifications_are_invalid(shop: Shop, specs: Any) -> None:
    with pytest.raises(Invalid) as e:
        await shop.product(specifications=specs)
    assert e.value.errors[0].loc == ("body", "specifications")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("4006381333931", "4006381333931"),  # EAN-13
        ("8690000000005", "8690000000005"),  # EAN-13, a Turkish prefix
        ("73513537", "73513537"),  # EAN-8
        ("036000291452", "036000291452"),  # UPC-A
        ("4006-3813 3393-1", "4006381333931"),
    ],
)
async def test_valid_barcodes(shop: Shop, given: str, stored: str) -> None:
    assert (await shop.product(barcode=given)).barcode == stored


@pytest.mark.parametrize(
    "barcode", ["4006381333932", "73513538", "036000291453", "400638133393", "40063813339311", "ABCDEFGH", "1234"]
)
async def test_invalid_barcodes(shop: Shop, barcode: str) -> None:
    with pytest.raises(Invalid) as e:
        await shop.product(barcode=barcode)
    assert e.value.code == "invalid_barcode"
    assert e.value.errors[0].loc == ("body", "barcode")


async def test_an_empty_barcode_is_none(shop: Shop) -> None:
    assert (await shop.product(barcode="")).barcode is None


@pytest.mark.parametrize("field", ["brand_id", "category_id"])
async def test_an_unknown_brand_or_category_is_invalid(shop: Shop, field: str) -> None:
    from core.catalog.use_cases.products import CreateProduct, NewProduct

    brand, category = await shop.brand(), await shop.category()
    ids = {"brand_id": brand.id, "category_id": category.id, field: uuid.uuid4()}
    with pytest.raises(Invalid) as e:
        await shop.app.use(CreateProduct)(
            NewProduct(actor=STAFF, name="X", code="X", brand_id=ids["brand_id"], category_id=ids["category_id"])
        )
    assert e.value.code == "unknown_reference"
    assert e.value.errors[0].loc == ("body", field)


async def test_a_deleted_brand_or_category_is_unknown(shop: Shop) -> None:
    brand, category = await shop.brand(), await shop.category()
    await shop.app.use(DeleteBrand)(STAFF, brand.id)
    with pytest.raises(Invalid) as e:
        await shop.product(brand=brand, category=category)
    assert e.value.code == "unknown_reference"
    await shop.app.use(DeleteCategory)(STAFF, category.id)
    with pytest.raises(Invalid) as e:
        await shop.product(brand=await shop.brand(), category=category)
    assert e.value.code == "unknown_reference"


async def test_product_codes_and_slugs(shop: Shop) -> None:
    first = await shop.product("Çiçek Şalı", "SAL-1")
    second = await shop.product("Çiçek Şalı", "SAL-2")
    assert (first.slug, second.slug) == ("cicek-sali", "cicek-sali-2")
    with pytest.raises(Conflict) as e:
        await shop.product("Başka", "SAL-1")
    assert e.value.code == "duplicate_code"
    with pytest.raises(Conflict) as e:
        await shop.product("Başka", slug="cicek-sali")
    assert e.value.code == "duplicate_slug"


async def test_change_product(shop: Shop) -> None:
    product = await shop.product("Eski", "OLD")
    await shop.product("Diğer", "OTHER")
    new_brand, new_category = await shop.brand("Yeni", "NEWB"), await shop.category("Yeni", "NEWC")
    change = shop.app.use(ChangeProduct)
    refused: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"code": "OTHER"}, Conflict), ({"slug": "diger"}, Conflict), ({"brand_id": uuid.uuid4()}, Invalid),
        ({"category_id": uuid.uuid4()}, Invalid), ({"brand_id": None}, Invalid),
        ({"barcode": "4006381333932"}, Invalid), ({"specifications": [{"key": "a"}]}, Invalid),
        ({"is_active": "no"}, Invalid), ({"created_by": None}, Invalid),
    ]  # fmt: skip
    for changes, error in refused:
        with pytest.raises(error):
            await change(Revision(STAFF, product.id, changes))
    new = {"name": "Yeni ad", "brand_id": new_brand.id, "category_id": new_category.id, "barcode": "73513537"}
    changed = await change(Revision(STAFF, product.id, new))
    assert (changed.name, changed.brand_id, changed.category_id, changed.barcode) == (
        "Yeni ad", new_brand.id, new_category.id, "73513537")  # fmt: skip
    assert changed.slug == "eski"  # a new name keeps the slug (links stay valid)
    entry = (await shop.app.audit(target_id=str(product.id)))[0]
    assert entry.action == "product.update"
    assert set(entry.changes) == {"name", "brand_id", "category_id", "barcode"}
    cleared = await change(Revision(STAFF, product.id, {"barcode": None}))
    assert cleared.barcode is None


async def test_delete_product_deletes_its_variants_and_frees_its_code(shop: Shop) -> None:
    from core.catalog.use_cases.products import GetVariant

    product = await shop.product("Silinecek", "GONE")
    variant = await shop.variant(product, "GONE-1")
    await shop.app.use(DeleteProduct)(STAFF, product.id)
    with pytest.raises(NotFound):
        await shop.app.use(GetProduct)(product.id)
    with pytest.raises(NotFound):
        await shop.app.use(GetVariant)(variant.id)
    assert (await shop.app.use(ListProducts)(PageRequest())).items == []
    again = await shop.product("Silinecek", "GONE")
    assert again.slug == "silinecek"
    assert (await shop.variant(again, "GONE-1")).code == "GONE-1"
    [entry, *_] = await shop.app.audit(target_id=str(product.id))
    assert entry.action == "product.delete"


async def test_list_products_newest_first_with_search(shop: Shop) -> None:
    await shop.product("İstanbul Fincanı", "CUP-1")
    await shop.product("Ankara Tabağı", "PLATE-1", barcode="73513537")
    page = await shop.app.use(ListProducts)(PageRequest(limit=10))
    assert [p.code for p in page.items] == ["PLATE-1", "CUP-1"]
    assert [p.code for p in (await shop.app.use(ListProducts)(PageRequest(), q="ISTANBUL")).items] == ["CUP-1"]
    assert [p.code for p in (await shop.app.use(ListProducts)(PageRequest(), q="7351")).items] == ["PLATE-1"]
    first = await shop.app.use(ListProducts)(PageRequest(limit=1))
    second = await shop.app.use(ListProducts)(PageRequest(limit=1, cursor=first.next_cursor))
    assert [p.code for p in [*first.items, *second.items]] == ["PLATE-1", "CUP-1"]
    assert second.next_cursor is None
