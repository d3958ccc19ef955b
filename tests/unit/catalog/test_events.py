"""Every staff change to the catalog commits a `catalog.changed` event into the outbox (entity, id, action);
a refused or empty change commits none."""

from __future__ import annotations

import pytest

from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import (
    ChangeProduct,
    ChangeVariant,
    DeleteProduct,
    DeleteVariant,
    GenerateVariants,
    NewPrice,
    SetVariantPrice,
    VariantMatrix,
)
from core.catalog.use_cases.taxonomy import (
    ChangeBrand,
    ChangeCategory,
    ChangeOptionKey,
    DeleteBrand,
    DeleteCategory,
    DeleteOptionKey,
    OptionKeyRevision,
    ValueIn,
)
from core.shared.errors import Conflict
from core.shared.money import Money
from tests.unit.catalog.conftest import STAFF, Shop, try_, value_id


def _since(shop: Shop, mark: int) -> list[tuple[str, str, str]]:
    return shop.changes()[mark:]


async def test_category_events(shop: Shop) -> None:
    category = await shop.category("Bir")
    cid = str(category.id)
    assert shop.changes() == [("category", cid, "created")]
    await shop.app.use(ChangeCategory)(Revision(STAFF, category.id, {"name": "İki"}))
    await shop.app.use(DeleteCategory)(STAFF, category.id)
    assert shop.changes() == [("category", cid, "created"), ("category", cid, "updated"), ("category", cid, "deleted")]


async def test_brand_events(shop: Shop) -> None:
    brand = await shop.brand("Bir")
    await shop.app.use(ChangeBrand)(Revision(STAFF, brand.id, {"is_active": False}))
    await shop.app.use(DeleteBrand)(STAFF, brand.id)
    bid = str(brand.id)
    assert shop.changes() == [("brand", bid, "created"), ("brand", bid, "updated"), ("brand", bid, "deleted")]


async def test_option_key_events(shop: Shop) -> None:
    key = await shop.option_key("Renk", ["Kırmızı"])
    kid = str(key.id)
    assert ("optionkey", kid, "created") in shop.changes()  # (its first values also record an "updated")
    mark = len(shop.changes())
    await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, key.id, {}, values=[ValueIn("Mavi")]))
    await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, key.id, {"description": "Ana renk"}))
    await shop.app.use(DeleteOptionKey)(STAFF, key.id)
    assert _since(shop, mark) == [("optionkey", kid, "updated"), ("optionkey", kid, "updated"),
                                  ("optionkey", kid, "deleted")]  # fmt: skip


async def test_product_and_variant_events(shop: Shop) -> None:
    product = await shop.product("Tişört")
    pid = str(product.id)
    mark = len(shop.changes())
    variant = await shop.variant(product, "TS-1")
    vid = str(variant.id)
    assert ("variant", vid, "created") in _since(shop, mark)
    assert {(e, i) for e, i, _ in _since(shop, mark)} == {("variant", vid)}  # (its first price: "price_set")
    mark = len(shop.changes())
    await shop.app.use(ChangeProduct)(Revision(STAFF, product.id, {"name": "Gömlek"}))
    await shop.app.use(ChangeVariant)(Revision(STAFF, variant.id, {"name": "Gömlek tek"}))
    await shop.app.use(SetVariantPrice)(NewPrice(STAFF, variant.id, Money.of("3.00", "USD")))
    await shop.app.use(DeleteVariant)(STAFF, variant.id)
    assert _since(shop, mark) == [("product", pid, "updated"), ("variant", vid, "updated"),
                                  ("variant", vid, "price_set"), ("variant", vid, "deleted")]  # fmt: skip
    other = await shop.variant(product, "TS-2")
    mark = len(shop.changes())
    await shop.app.use(DeleteProduct)(STAFF, product.id)
    assert sorted(_since(shop, mark)) == [("product", pid, "deleted"), ("variant", str(other.id), "deleted")]


async def test_generated_variants_each_record_their_event(shop: Shop) -> None:
    key = await shop.option_key("Beden", ["S", "M"])
    product = await shop.product("Tişört")
    mark = len(shop.changes())
    made = await shop.app.use(GenerateVariants)(VariantMatrix(STAFF, product.id, [v.id for v in key.values],
                                                              try_("10.00")))  # fmt: skip
    created = [(e, i) for e, i, action in _since(shop, mark) if action == "created"]
    assert sorted(created) == sorted(("variant", str(v.id)) for v in made) and len(made) == 2
    assert {i for _, i, _ in _since(shop, mark)} == {str(v.id) for v in made}
    mark = len(shop.changes())
    assert await shop.app.use(GenerateVariants)(VariantMatrix(STAFF, product.id, [value_id(key, "S")],
                                                              try_("10.00"))) == []  # fmt: skip
    assert _since(shop, mark) == []


async def test_events_carry_the_catalog_changed_name_and_payload(shop: Shop) -> None:
    category = await shop.category("Bir")
    [event] = shop.events()
    assert event.name == "catalog.changed"
    assert event.payload == {"entity": "category", "entity_id": str(category.id), "action": "created", "since": None}


async def test_refused_and_empty_changes_record_nothing(shop: Shop) -> None:
    category = await shop.category("Bir", "ONE")
    key = await shop.option_key("Renk", ["Kırmızı"])
    product = await shop.product("Ürün")
    variant = await shop.variant(product, price="10.00")
    mark = len(shop.changes())
    with pytest.raises(Conflict):
        await shop.category("İki", "ONE")
    with pytest.raises(Conflict):
        await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, key.id, {}, values=[ValueIn("KIRMIZI")]))
    await shop.app.use(ChangeCategory)(Revision(STAFF, category.id, {"name": "Bir", "code": "ONE"}))
    await shop.app.use(SetVariantPrice)(NewPrice(STAFF, variant.id, try_("10.00")))
    assert _since(shop, mark) == []
