"""Catalog import and export: upsert by code in one transaction, every bad row reported by line, dry runs, the
export/import round trip, and the demo catalog generator."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.catalog.demo import BRANDS, demo_products, demo_rows, leaves, option_values, product_code
from core.catalog.rows import COLUMNS
from core.catalog.use_cases.importing import CatalogImport, ExportCatalog, FindProductCodes, ImportCatalog, ImportResult
from core.catalog.use_cases.products import GetProduct, ListProducts
from core.catalog.use_cases.taxonomy import ListCategories, ListOptionKeys
from core.shared.errors import Invalid
from core.shared.pagination import PageRequest
from tests.unit.catalog.conftest import STAFF, Shop
from tests.unit.conftest import App

BLUZ = {"product_code": "BLZ-1", "product_name": "Keten Bluz", "brand_code": "DEFNE", "brand_name": "Defne Butik",
        "category_path": "Kadın > Giyim > Bluz", "tax_rate": "10", "description": "Yazlık"}  # fmt: skip
CAY = {"product_code": "CAY-1", "product_name": "Rize Çayı", "brand_code": "YAYLA", "brand_name": "Yayla Gıda",
       "category_path": "Süpermarket > İçecek > Çay", "tax_rate": "1", "description": ""}  # fmt: skip


def rows(*items: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV rows numbered from line 2 (line 1 is the header)."""
    return [{**item, "line": n} for n, item in enumerate(items, 2)]


def variant(code: str, options: str, price: str, discount: str = "", **cells: str) -> dict[str, str]:
    return {"variant_code": code, "options": options, "currency": "TRY", "price": price, "discount": discount,
            **cells}  # fmt: skip


SAMPLE = rows(
    BLUZ | variant("BLZ-1-KRM-S", "Renk=Kırmızı;Beden=S", "349.90", barcode="8690000001002"),
    BLUZ | variant("BLZ-1-KRM-M", "Renk=Kırmızı;Beden=M", "349.90", "70.00"),
    BLUZ | variant("BLZ-1-SYH-M", "Renk=Siyah;Beden=M", "379.99"),
    CAY | variant("CAY-1-500", "Gramaj=500 g", "149.90"),
    CAY | variant("CAY-1-1000", "Gramaj=1 kg", "259.90", variant_name="Rize Çayı 1 kg"),
)


async def load(app: App, items: list[dict[str, Any]], dry_run: bool = False) -> ImportResult:
    return await app.use(ImportCatalog)(CatalogImport(STAFF, items, dry_run))


async def export(app: App) -> list[dict[str, Any]]:
    return await app.use(ExportCatalog)()


async def products(app: App) -> dict[str, Any]:
    """Live products by code, each with its variants."""
    page = await app.use(ListProducts)(PageRequest(limit=100))
    return {p.code: await app.use(GetProduct)(p.id) for p in page.items}


async def errors_of(app: App, items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    with pytest.raises(Invalid) as e:
        await load(app, items)
    assert e.value.code == "invalid_rows"
    return [(*err.loc, err.msg) for err in e.value.errors]


# --- import -----------------------------------------------------------------------------------------------


async def test_import_creates_brands_the_category_path_options_products_variants_and_prices(app: App) -> None:
    result = await load(app, SAMPLE)
    assert result == ImportResult(5, {"brand": 2, "category": 6, "option_key": 3, "option_value": 6, "product": 2,
                                      "variant": 5}, {}, dry_run=False)  # fmt: skip
    categories = {c.id: c for c in await app.use(ListCategories)()}
    found = await products(app)
    bluz, cay = found["BLZ-1"], found["CAY-1"]
    path, node = [], categories[bluz.product.category_id]
    while node is not None:
        path.insert(0, node.name)
        node = categories.get(node.parent_id) if node.parent_id else None
    assert path == ["Kadın", "Giyim", "Bluz"]
    assert (bluz.product.name, bluz.product.slug, bluz.product.tax_rate, bluz.product.description) == (
        "Keten Bluz", "keten-bluz", Decimal(10), "Yazlık")  # fmt: skip
    assert cay.product.tax_rate == Decimal(1)
    by_code = {v.code: v for v in bluz.variants + cay.variants}
    red_m = by_code["BLZ-1-KRM-M"]
    assert (red_m.name, red_m.slug) == ("Keten Bluz - Kırmızı / M", "keten-bluz-kirmizi-m")
    assert (red_m.prices[0].amount, red_m.prices[0].discount, red_m.prices[0].currency) == (
        Decimal("349.90"), Decimal("70.00"), "TRY")  # fmt: skip
    assert by_code["BLZ-1-KRM-S"].barcode == "8690000001002"
    assert by_code["CAY-1-1000"].name == "Rize Çayı 1 kg"
    keys = {k.key: [v.value for v in k.sorted_values()] for k in await app.use(ListOptionKeys)()}
    assert keys == {"Renk": ["Kırmızı", "Siyah"], "Beden": ["S", "M"], "Gramaj": ["500 g", "1 kg"]}
    [entry] = await app.audit(target_type="catalog")
    assert (entry.action, entry.actor_id) == ("catalog.import", STAFF.user_id)
    assert entry.changes["created"][1]["product"] == 2


async def test_the_import_records_one_catalog_event_not_one_per_row(app: App, shop: Shop) -> None:
    await load(app, SAMPLE)
    [(entity, _, action)] = shop.changes()
    assert (entity, action) == ("catalog", "imported")


async def test_the_import_event_says_when_it_started_so_followers_find_every_row_it_wrote(app: App, shop: Shop) -> None:
    await load(app, SAMPLE)
    [event] = [e for e in shop.events() if e.payload["entity"] == "catalog"]
    since = datetime.fromisoformat(event.payload["since"])
    found = await products(app)
    written = [d.product for d in found.values()] + [v for d in found.values() for v in d.variants]
    assert len(written) == 7 and all(item.updated_at >= since for item in written)


async def test_imported_products_are_listed_in_the_storefront_at_their_lowest_price(app: App, shop: Shop) -> None:
    await load(app, SAMPLE)
    items = {item["name"]: item for item in (await shop.browse())["items"]}
    assert set(items) == {"Keten Bluz", "Rize Çayı"}
    assert str(items["Keten Bluz"]["price"]["amount"]) == "279.90"  # 349.90 less 70.00


async def test_a_second_import_updates_in_place_and_reports_only_what_changed(app: App) -> None:
    await load(app, SAMPLE)
    assert await load(app, SAMPLE) == ImportResult(5, {}, {}, dry_run=False)
    changed = [dict(r) for r in SAMPLE]
    changed[0]["product_name"] = changed[1]["product_name"] = changed[2]["product_name"] = "Keten Gömlek"
    changed[3]["price"] = "159.90"
    result = await load(app, changed)
    # the three blouse variants take the product's new name; the tea's 500 g variant its new price
    assert (result.created, result.updated) == ({}, {"product": 1, "variant": 4})
    found = await products(app)
    assert len(found) == 2 and sum(len(p.variants) for p in found.values()) == 5
    assert found["BLZ-1"].product.slug == "keten-bluz"  # a rename keeps the address
    assert [str(v.prices[0].amount) for v in found["CAY-1"].variants if v.code == "CAY-1-500"] == ["159.90"]
    assert len(await app.audit(target_type="catalog")) == 2  # the import that changed nothing wrote nothing


async def test_existing_categories_and_options_are_matched_as_people_type_them(app: App, shop: Shop) -> None:
    kadin = await shop.category("Kadın", "KADIN")
    await shop.category("Giyim", "KADIN-GIYIM", parent_id=kadin.id)
    await shop.option_key("Renk", ["Kırmızı", "Siyah"])
    typed = rows(BLUZ | {"category_path": "KADIN > giyim > Bluz"} | variant("B-1", "RENK=kirmizi", "100.00"))
    result = await load(app, typed)
    assert (result.created.get("category"), result.created.get("option_key"), result.created.get("option_value")) == (
        1, None, None)  # fmt: skip
    [product] = (await products(app)).values()
    assert product.variants[0].name == "Keten Bluz - Kırmızı"  # the stored spelling


async def test_products_with_the_same_name_get_their_own_slugs(app: App) -> None:
    second = BLUZ | {"product_code": "BLZ-2"}
    await load(app, rows(BLUZ | variant("A-1", "", "10.00"), second | variant("A-2", "", "10.00")))
    assert sorted(p.product.slug for p in (await products(app)).values()) == ["keten-bluz", "keten-bluz-2"]


async def test_a_variant_may_carry_prices_in_several_currencies_one_row_each(app: App) -> None:
    await load(app, rows(BLUZ | variant("B-1", "Renk=Mavi", "349.90"),
                         BLUZ | variant("B-1", "Renk=Mavi", "12.50") | {"currency": "EUR"}))  # fmt: skip
    [product] = (await products(app)).values()
    assert sorted((p.currency, str(p.amount)) for p in product.variants[0].prices) == [
        ("EUR", "12.50"), ("TRY", "349.90")]  # fmt: skip


async def test_a_row_without_a_variant_code_makes_only_the_product(app: App) -> None:
    result = await load(app, rows(BLUZ))
    assert (result.created["product"], result.created.get("variant")) == (1, None)


# --- bad rows ---------------------------------------------------------------------------------------------


async def test_every_bad_row_is_reported_by_line_and_column_and_nothing_is_written(app: App) -> None:
    bad = rows(
        BLUZ | variant("B-1", "Renk=Mavi", "100.00"),
        BLUZ | {"tax_rate": "18"} | variant("B-2", "Renk=Yeşil", "100.00"),  # line 3
        CAY | {"product_name": ""} | variant("C-1", "", "10.00"),  # line 4
        CAY | variant("C-2", "Gramaj", "10.00"),  # line 5
        CAY | variant("C-3", "", "12.345"),  # line 6
        CAY | variant("C-4", "", "10.00", "11.00"),  # line 7: a discount above the price
        BLUZ | variant("B-1", "Renk=Kırmızı", "100.00"),  # line 8: the code again, another variant
        BLUZ | variant("B-3", "renk=MAVI", "100.00", barcode="8690000001003"),  # line 9: line 2's options; bad EAN
        {**CAY, "product_code": "bad code"} | variant("C-5", "", "10.00", currency="XYZ"),  # line 10
    )
    errors = await errors_of(app, bad)
    found = {(line, column) for _, line, column, _ in errors}
    assert found == {(3, "tax_rate"), (4, "product_name"), (5, "options"), (6, "price"), (7, "discount"),
                     (8, "variant_code"), (9, "barcode"), (10, "product_code"), (10, "currency")}  # fmt: skip
    messages = {(line, column): msg for _, line, column, msg in errors}
    assert messages[(3, "tax_rate")] == "KDV rate must be one of 0, 1, 10, 20"
    assert messages[(8, "variant_code")] == "variant B-1 is on line 2 too"
    assert messages[(7, "discount")] == "must not exceed the price"
    assert await products(app) == {} and await app.use(ListCategories)() == []
    assert await app.use(ListOptionKeys)() == [] and await app.audit() == []


async def test_rows_of_one_product_must_agree_on_its_fields(app: App) -> None:
    moved = BLUZ | {"category_path": "Kadın > Bluz"}
    errors = await errors_of(app, rows(BLUZ | variant("B-1", "Renk=Mavi", "1.00"), moved | variant("B-2", "", "1.00")))
    assert errors == [("line", 3, "category_path", "differs from line 2 of the same product")]


async def test_what_the_database_holds_is_checked_too(app: App, shop: Shop) -> None:
    other = await shop.product("Başka", "OTHER")
    await shop.variant(other, "TAKEN")
    await shop.option_key("Desen", ["Çizgili"], is_variant_creator=False)
    items = rows(BLUZ | variant("TAKEN", "", "1.00"), BLUZ | variant("B-2", "Desen=Çizgili", "1.00"))
    errors = await errors_of(app, items)
    assert errors == [("line", 2, "variant_code", "variant TAKEN belongs to another product"),
                      ("line", 3, "options", "option key 'Desen' does not create variants")]  # fmt: skip
    assert set(await products(app)) == {"OTHER"}


async def test_a_variant_may_not_take_the_options_of_one_the_product_has(app: App) -> None:
    await load(app, rows(BLUZ | variant("B-1", "Renk=Mavi", "1.00")))
    errors = await errors_of(app, rows(BLUZ | variant("B-2", "Renk=mavi", "1.00")))
    assert errors == [("line", 2, "options", "the product's variant B-1 has these options")]


async def test_a_dry_run_checks_and_counts_but_writes_nothing(app: App, shop: Shop) -> None:
    result = await load(app, SAMPLE, dry_run=True)
    assert (result.dry_run, result.created["product"], result.created["variant"]) == (True, 2, 5)
    assert await products(app) == {} and await app.use(ListOptionKeys)() == []
    assert await app.audit() == [] and shop.changes() == []
    with pytest.raises(Invalid):
        await load(app, rows(BLUZ | {"tax_rate": "7"}), dry_run=True)


# --- export -----------------------------------------------------------------------------------------------


async def test_export_gives_the_import_columns_one_row_per_variant_and_price(app: App) -> None:
    await load(app, SAMPLE)
    exported = await export(app)
    assert [list(r) for r in exported] == [list(COLUMNS)] * 5
    first = exported[0]
    assert first == {**BLUZ, "variant_code": "BLZ-1-KRM-M", "variant_name": "Keten Bluz - Kırmızı / M",
                     "barcode": "", "options": "Renk=Kırmızı;Beden=M", "currency": "TRY", "price": "349.90",
                     "discount": "70.00"}  # fmt: skip
    assert [r["variant_code"] for r in exported] == ["BLZ-1-KRM-M", "BLZ-1-KRM-S", "BLZ-1-SYH-M", "CAY-1-1000",
                                                     "CAY-1-500"]  # fmt: skip


async def test_export_then_import_round_trips(app: App) -> None:
    await load(app, demo_rows(12))
    exported = await export(app)
    assert await load(app, rows(*exported)) == ImportResult(len(exported), {}, {}, dry_run=False)


async def test_an_export_imported_elsewhere_exports_the_same(app: App, settings: Any) -> None:
    from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
    from bootstrap import bootstrap, shutdown

    await load(app, demo_rows(8) + rows(CAY))
    exported = await export(app)
    other = bootstrap(settings, overrides={})
    try:
        elsewhere = App(other, FixedClock(), MemoryMailer(), MemorySms())
        await load(elsewhere, rows(*exported))
        assert await export(elsewhere) == exported
    finally:
        await shutdown(other)


# --- the demo catalog -------------------------------------------------------------------------------------


def test_the_demo_catalog_is_deterministic_and_grows_by_appending() -> None:
    assert demo_rows(40) == demo_rows(40)
    assert demo_rows(60)[: len(demo_rows(40))] == demo_rows(40)
    assert demo_rows(40, seed=7) != demo_rows(40)


def test_demo_products_have_unique_codes_and_at_least_three_variants() -> None:
    batches = list(demo_products(300))
    assert [b[0]["product_code"] for b in batches] == [product_code(n) for n in range(1, 301)]
    assert min(len(b) for b in batches) >= 3
    codes = [r["variant_code"] for b in batches for r in b]
    assert len(codes) == len(set(codes))
    prices = [r["price"] for b in batches for r in b]
    assert all(p.endswith((".90", ".99")) for p in prices)
    assert any(r["discount"] for b in batches for r in b)
    rates = Counter(b[0]["tax_rate"] for b in batches)
    assert rates.most_common(1)[0][0] == "20" and set(rates) <= {"1", "10", "20"} and len(rates) > 1


def test_the_demo_tree_has_three_levels_and_there_are_twenty_brands() -> None:
    paths = [leaf.path for leaf in leaves()]
    assert 60 <= len(paths) <= 100 and all(len(p) == 3 for p in paths) and len(set(paths)) == len(paths)
    assert ("Kadın", "Giyim", "Elbise") in paths and ("Ev & Yaşam", "Mutfak", "Tencere") in paths
    assert len(BRANDS) == 20 and len({name for name, _ in BRANDS}) == 20
    assert option_values()["Beden"][:4] == ["XS", "S", "M", "L"]


async def test_demo_rows_import_cleanly(app: App) -> None:
    result = await load(app, demo_rows(25))
    assert result.created["product"] == 25 and result.created["variant"] >= 75
    categories = await app.use(ListCategories)()
    parents = {c.id: c.parent_id for c in categories}

    def depth(category_id: Any) -> int:
        return 0 if category_id is None else 1 + depth(parents[category_id])

    assert {depth(c.id) for c in categories} == {1, 2, 3}
    assert await app.use(FindProductCodes)([product_code(1), product_code(26)]) == {product_code(1)}


def test_demo_option_values_are_unique_per_key() -> None:
    for key, values in option_values().items():
        assert len(values) == len(set(values)), key
