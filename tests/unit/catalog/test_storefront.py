"""The storefront on the memory search: the category tree, the filtered, sorted and keyset-paged product list,
and a product's page — active, live items only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.catalog.model import Category
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import (
    ChangeProduct,
    ChangeVariant,
    DeleteProduct,
    DeleteVariant,
    NewPrice,
    SetVariantPrice,
)
from core.catalog.use_cases.taxonomy import ChangeBrand, ChangeCategory, DeleteCategory
from core.shared.errors import Invalid, NotFound
from core.shared.money import Money
from tests.unit.catalog.conftest import STAFF, Shop, try_, value_id

# --- the category tree ------------------------------------------------------------------------------------


async def _deactivate_category(shop: Shop, category: Category) -> None:
    await shop.app.use(ChangeCategory)(Revision(STAFF, category.id, {"is_active": False}))


def _shape(nodes: list[dict[str, Any]]) -> list[Any]:
    return [(n["name"], _shape(n["children"])) if n["children"] else n["name"] for n in nodes]


async def test_the_tree_is_nested_and_ordered_by_sorting(shop: Shop) -> None:
    men = await shop.category("Erkek", sorting=2)
    women = await shop.category("Kadın", sorting=1)  # sorting wins over the name, at every level
    await shop.category("Bluz", parent_id=women.id, sorting=2)
    dress = await shop.category("Elbise", parent_id=women.id, sorting=1)
    await shop.category("Abiye", parent_id=dress.id)
    await shop.category("Aksesuar", parent_id=men.id, sorting=0)
    await shop.category("Ayakkabı", parent_id=men.id, sorting=-1)
    tree = await shop.tree()
    assert _shape(tree) == [("Kadın", [("Elbise", ["Abiye"]), "Bluz"]), ("Erkek", ["Ayakkabı", "Aksesuar"])]
    shoes = {"id": tree[1]["children"][0]["id"], "name": "Ayakkabı", "slug": "ayakkabi", "sorting": -1, "children": []}
    assert tree[1]["children"][0] == shoes
    assert {k: v for k, v in tree[1].items() if k != "children"} == {
        "id": str(men.id), "name": "Erkek", "slug": "erkek", "sorting": 2}  # fmt: skip


async def test_equal_sorting_falls_back_to_the_name(shop: Shop) -> None:
    for name in ("Zeytin", "Bal", "Peynir"):
        await shop.category(name)
    assert _shape(await shop.tree()) == ["Bal", "Peynir", "Zeytin"]


async def test_an_inactive_category_is_hidden_with_its_subtree(shop: Shop) -> None:
    women = await shop.category("Kadın", sorting=2)
    await shop.category("Erkek", sorting=1)
    dress = await shop.category("Elbise", parent_id=women.id, sorting=2)
    await shop.category("Bluz", parent_id=women.id, sorting=1)
    await shop.category("Abiye", parent_id=dress.id)
    await _deactivate_category(shop, dress)
    assert _shape(await shop.tree()) == ["Erkek", ("Kadın", ["Bluz"])]
    await _deactivate_category(shop, women)
    assert _shape(await shop.tree()) == ["Erkek"]
    await shop.app.use(ChangeCategory)(Revision(STAFF, women.id, {"is_active": True}))
    assert _shape(await shop.tree()) == ["Erkek", ("Kadın", ["Bluz"])]


async def test_a_deleted_category_leaves_the_tree(shop: Shop) -> None:
    gone = await shop.category("Eski")
    await shop.category("Yeni")
    await shop.app.use(DeleteCategory)(STAFF, gone.id)
    assert _shape(await shop.tree()) == ["Yeni"]


async def test_a_moved_category_moves_in_the_tree(shop: Shop) -> None:
    a, b = await shop.category("A"), await shop.category("B")
    c = await shop.category("C", parent_id=a.id)
    await shop.app.use(ChangeCategory)(Revision(STAFF, c.id, {"parent_id": b.id}))
    assert _shape(await shop.tree()) == ["A", ("B", ["C"])]


# --- the product list: filters ----------------------------------------------------------------------------


async def test_a_category_filter_includes_descendants_by_id_or_slug(shop: Shop) -> None:
    women, men = await shop.category("Kadın"), await shop.category("Erkek")
    dress = await shop.category("Elbise", parent_id=women.id)
    evening = await shop.category("Abiye", parent_id=dress.id)
    await shop.listed("Kadın ürünü", category=women)
    await shop.listed("Elbise ürünü", category=dress)
    await shop.listed("Abiye ürünü", category=evening)
    await shop.listed("Erkek ürünü", category=men)
    assert sorted(await shop.names(category=str(women.id))) == ["Abiye ürünü", "Elbise ürünü", "Kadın ürünü"]
    assert sorted(await shop.names(category="elbise")) == ["Abiye ürünü", "Elbise ürünü"]
    assert await shop.names(category=str(evening.id)) == ["Abiye ürünü"]
    assert await shop.names(category="erkek") == ["Erkek ürünü"]
    assert await shop.names(category="yok") == []
    assert await shop.names(category=str(uuid.uuid4())) == []
    await _deactivate_category(shop, dress)
    assert await shop.names(category="elbise") == []
    assert await shop.names(category="kadin") == ["Kadın ürünü"]


async def test_a_brand_filter_by_id_or_slug(shop: Shop) -> None:
    koton, mavi = await shop.brand("Koton"), await shop.brand("Mavi Jeans")
    await shop.listed("Kot pantolon", brand=mavi)
    await shop.listed("Gömlek", brand=koton)
    assert await shop.names(brand=str(mavi.id)) == ["Kot pantolon"]
    assert await shop.names(brand="mavi-jeans") == ["Kot pantolon"]
    assert await shop.names(brand="koton") == ["Gömlek"]
    assert await shop.names(brand="yok") == []
    await shop.app.use(ChangeBrand)(Revision(STAFF, koton.id, {"is_active": False}))
    assert await shop.names(brand="koton") == []


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("100", None, ["Orta", "Pahalı"]),
        (None, "100.00", ["Ucuz", "Orta"]),
        ("50.01", "1000", ["Orta", "Pahalı"]),
        ("50.01", "999.99", ["Orta"]),
        ("100", "100", ["Orta"]),
        ("1000.01", None, []),
        ("", "", ["Ucuz", "Orta", "Pahalı"]),
    ],
)
async def test_a_price_range_is_inclusive_on_the_sale_price(
    shop: Shop, low: str | None, high: str | None, expected: list[str]
) -> None:
    await shop.listed("Ucuz", "50.00")
    await shop.listed("Orta", "100.00")
    expensive = await shop.listed("Pahalı", "1200.00")
    [variant] = (await shop.show(expensive.id))["variants"]
    await shop.app.use(SetVariantPrice)(NewPrice(STAFF, uuid.UUID(variant["id"]), try_("1200.00"), try_("200.00")))
    assert await shop.names(min_price=low, max_price=high, sort="price") == expected


async def test_a_product_lists_at_its_lowest_active_variant_price(shop: Shop) -> None:
    product = await shop.product("Tişört")
    await shop.variant(product, price="120.00")
    cheap = await shop.variant(product, price="80.00")
    [card] = (await shop.browse())["items"]
    assert card["price"] == {"amount": "80.00", "currency": "TRY"}
    await shop.app.use(ChangeVariant)(Revision(STAFF, cheap.id, {"is_active": False}))
    [card] = (await shop.browse())["items"]
    assert card["price"] == {"amount": "120.00", "currency": "TRY"}
    assert await shop.names(max_price="100") == []


async def test_a_price_filter_drops_products_without_a_price_in_that_currency(shop: Shop) -> None:
    await shop.listed("Lira", "10.00")
    dollar = await shop.product("Dolar")
    await shop.variant(dollar, price=Money.of("10.00", "USD"))
    assert await shop.names(max_price="20") == ["Lira"]
    assert await shop.names(max_price="20", currency="USD") == ["Dolar"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("istanbul", ["İstanbul Çayı"]),
        ("İSTANBUL", ["İstanbul Çayı"]),
        ("ISTANBUL", ["İstanbul Çayı"]),
        ("tisort", ["Tişört"]),
        ("TİŞÖRT", ["Tişört"]),
        ("  cayi ", ["İstanbul Çayı"]),
        ("IST-9", ["İstanbul Çayı"]),  # the code
        ("4006381333931", ["Tişört"]),  # the barcode
        ("kahve", []),
    ],
)
async def test_text_search_folds_turkish_letters_and_case(shop: Shop, q: str, expected: list[str]) -> None:
    await shop.listed("İstanbul Çayı", code="IST-9")
    await shop.listed("Tişört", barcode="4006381333931")
    assert await shop.names(q=q) == expected


async def test_in_stock_comes_from_inventory(shop: Shop) -> None:
    from core.inventory.use_cases.stock import NewMovement, RecordMovement
    from core.inventory.use_cases.warehouses import CreateWarehouse, NewWarehouse

    await shop.listed("Bir")
    assert await shop.names(in_stock=False) == ["Bir"]  # no stock anywhere yet
    assert await shop.names(in_stock=True) == []
    [card] = (await shop.browse())["items"]
    assert card["in_stock"] is False
    stocked = await shop.product("İki")
    variant = await shop.variant(stocked)
    warehouse = await shop.app.use(CreateWarehouse)(NewWarehouse(actor=STAFF, name="Depo", code="D1"))
    await shop.app.use(RecordMovement)(NewMovement(STAFF, "in", variant.id, 2, warehouse_id=warehouse.id))
    assert await shop.names(in_stock=True) == ["İki"]
    assert await shop.names(in_stock=False) == ["Bir"]
    assert [v["available"] for v in (await shop.show(stocked.id))["variants"]] == [True]


@pytest.mark.parametrize(
    "query",
    [
        {"min_price": "200", "max_price": "100"},
        {"min_price": "abc"},
        {"max_price": "1.5", "currency": "JPY"},
        {"currency": "XYZ"},
        {"currency": "try"},
    ],
)
async def test_bad_query_values_are_invalid(shop: Shop, query: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as e:
        await shop.browse(**query)
    assert e.value.errors and e.value.errors[0].loc[0] == "query"


@pytest.mark.parametrize("limit", [0, 101])
async def test_the_page_size_is_bounded(shop: Shop, limit: int) -> None:
    with pytest.raises(Invalid):
        await shop.browse(limit=limit)


async def test_a_bad_cursor_is_invalid(shop: Shop) -> None:
    await shop.listed("Bir")
    with pytest.raises(Invalid):
        await shop.browse(cursor="not-a-cursor")


# --- the product list: sorts and pages --------------------------------------------------------------------


async def _catalog(shop: Shop) -> None:
    for name, price in (("Defter", "30.00"), ("Kalem", "12.50"), ("Bardak", "75.00"), ("Anahtarlık", "9.90")):
        await shop.listed(name, price)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Anahtarlık", "Kalem", "Defter", "Bardak"]),
        ("-price", ["Bardak", "Defter", "Kalem", "Anahtarlık"]),
        ("name", ["Anahtarlık", "Bardak", "Defter", "Kalem"]),
        ("-created_at", ["Anahtarlık", "Bardak", "Kalem", "Defter"]),
    ],
)
async def test_sorts(shop: Shop, sort: str, expected: list[str]) -> None:
    await _catalog(shop)
    assert await shop.names(sort=sort) == expected


async def test_newest_first_is_the_default(shop: Shop) -> None:
    await _catalog(shop)
    assert await shop.names() == ["Anahtarlık", "Bardak", "Kalem", "Defter"]


async def test_equal_prices_keep_a_stable_order_across_pages(shop: Shop) -> None:
    for i in range(5):
        await shop.listed(f"Aynı {i}", "10.00")
    seen: list[str] = []
    cursor = None
    while True:
        page = await shop.browse(sort="price", limit=2, cursor=cursor)
        seen += [i["name"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"Aynı {i}" for i in range(5)]
    assert seen == await shop.names(sort="price")


@pytest.mark.parametrize("sort", ["price", "-price", "name", "-created_at"])
async def test_keyset_pages_visit_every_product_once_while_products_are_added(shop: Shop, sort: str) -> None:
    originals = []
    for i in range(7):
        originals.append((await shop.listed(f"Ürün {chr(ord('B') + 2 * i)}", f"{10 + 10 * i}.00")).name)
    seen: list[str] = []
    cursor, pages, added = None, 0, 0
    while True:
        page = await shop.browse(sort=sort, limit=3, cursor=cursor)
        seen += [i["name"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        # between pages: a product at each end of every order, and one in the middle
        for name, price in (("Ürün A", "5.00"), ("Ürün Z", "999.00"), ("Ürün H2", "45.00")):
            added += 1
            await shop.listed(f"{name}{added}", price)
    assert len(seen) == len(set(seen)), seen
    assert set(originals) <= set(seen)
    assert pages >= 3
    # and the order of the page walk agrees with a one-page read
    full = await shop.names(sort=sort, limit=100)
    assert [n for n in full if n in seen] == seen


async def test_the_last_page_has_no_cursor(shop: Shop) -> None:
    await _catalog(shop)
    first = await shop.browse(limit=4)
    assert len(first["items"]) == 4 and first["next_cursor"] is None
    page = await shop.browse(limit=3)
    assert page["next_cursor"] is not None
    rest = await shop.browse(limit=3, cursor=page["next_cursor"])
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


# --- what is invisible --------------------------------------------------------------------------------------


async def test_inactive_and_deleted_products_are_invisible(shop: Shop) -> None:
    hidden, gone = await shop.listed("Gizli"), await shop.listed("Silinmiş")
    await shop.listed("Görünür")
    await shop.app.use(ChangeProduct)(Revision(STAFF, hidden.id, {"is_active": False}))
    await shop.app.use(DeleteProduct)(STAFF, gone.id)
    assert await shop.names() == ["Görünür"]
    assert await shop.names(q="gizli") == []
    for ref in (hidden.id, hidden.slug, gone.id, gone.slug):
        with pytest.raises(NotFound):
            await shop.show(ref)
    await shop.app.use(ChangeProduct)(Revision(STAFF, hidden.id, {"is_active": True}))
    assert (await shop.show(hidden.slug))["name"] == "Gizli"


async def test_inactive_and_deleted_variants_are_invisible(shop: Shop) -> None:
    product = await shop.product("Çok varyantlı")
    keep = await shop.variant(product, "KEEP", price="50.00")
    hidden = await shop.variant(product, "HIDDEN", price="10.00")
    gone = await shop.variant(product, "GONE", price="20.00")
    await shop.app.use(ChangeVariant)(Revision(STAFF, hidden.id, {"is_active": False}))
    await shop.app.use(DeleteVariant)(STAFF, gone.id)
    assert [v["code"] for v in (await shop.show(product.id))["variants"]] == [keep.code]
    [card] = (await shop.browse())["items"]
    assert card["price"] == {"amount": "50.00", "currency": "TRY"}
    assert await shop.names(max_price="20") == []


# --- a product's page -----------------------------------------------------------------------------------------


async def test_show_product_by_id_or_slug(shop: Shop) -> None:
    brand = await shop.brand("Paşabahçe")
    root = await shop.category("Ev")
    cups = await shop.category("Fincanlar", parent_id=root.id)
    colour = await shop.option_key("Renk", ["Kırmızı", "Mavi"])
    size = await shop.option_key("Boy", ["Büyük", "Küçük"])
    product = await shop.product("Çay Fincanı", "CAY", brand=brand, category=cups, barcode="73513537",
                                 description="Cam", specifications=[{"key": "Malzeme", "value": "Cam"}],
                                 tax_rate="10")  # fmt: skip
    red_small = await shop.variant(product, "CAY-1", [value_id(colour, "Kırmızı"), value_id(size, "Küçük")],
                                   "45.00")  # fmt: skip
    await shop.variant(product, "CAY-2", [value_id(colour, "Mavi"), value_id(size, "Büyük")], "60.00")
    by_slug = await shop.show("cay-fincani")
    assert by_slug == await shop.show(product.id)
    assert (by_slug["id"], by_slug["name"], by_slug["code"], by_slug["barcode"]) == (
        str(product.id), "Çay Fincanı", "CAY", "73513537")  # fmt: skip
    assert (by_slug["tax_rate"], by_slug["description"]) == ("10", "Cam")
    assert by_slug["specifications"] == [{"key": "Malzeme", "value": "Cam"}]
    assert by_slug["brand"] == {"id": str(brand.id), "name": "Paşabahçe", "slug": "pasabahce"}
    assert by_slug["category"]["slug"] == "fincanlar"
    assert [c["slug"] for c in by_slug["breadcrumbs"]] == ["ev", "fincanlar"]
    assert by_slug["options"] == [{"key": "Boy", "values": ["Büyük", "Küçük"]},
                                  {"key": "Renk", "values": ["Kırmızı", "Mavi"]}]  # fmt: skip
    first = by_slug["variants"][0]
    assert first == {
        "id": str(red_small.id), "code": "CAY-1", "slug": "cay-fincani-kucuk-kirmizi",
        "name": "Çay Fincanı - Küçük / Kırmızı", "barcode": None,
        "options": [{"key": "Boy", "value": "Küçük"}, {"key": "Renk", "value": "Kırmızı"}],
        "price": {"amount": "45.00", "currency": "TRY"}, "compare_at_price": None,
        "prices": [{"amount": "45.00", "currency": "TRY"}], "available": False,  # no stock
    }  # fmt: skip
    assert [v["code"] for v in by_slug["variants"]] == ["CAY-1", "CAY-2"]


async def test_show_product_without_variants(shop: Shop) -> None:
    product = await shop.product("Yalnız")
    shown = await shop.show(product.slug)
    assert (shown["variants"], shown["options"]) == ([], [])


@pytest.mark.parametrize("ref", ["yok", "", "0b5f7a52-6f0e-4a43-9d7e-3c1f0d2a9b11"])
async def test_show_unknown_product_is_not_found(shop: Shop, ref: str) -> None:
    await shop.listed("Var")
    with pytest.raises(NotFound):
        await shop.show(ref)


async def test_a_product_that_appears_later_is_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        await shop.show("sonra")
    product = await shop.listed("Sonra")
    assert (await shop.show("sonra"))["id"] == str(product.id)  # a miss is not cached
