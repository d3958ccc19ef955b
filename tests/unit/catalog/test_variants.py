"""Variants: one value per variant-creating key, unique combinations per product, derived names and slugs,
and the generated matrix (2 colours x 3 sizes -> 6) that skips what exists."""

from __future__ import annotations

import uuid

import pytest

from core.catalog.model import OptionKey, Product
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import (
    ChangeVariant,
    DeleteVariant,
    GenerateVariants,
    GetProduct,
    GetVariant,
    VariantMatrix,
)
from core.catalog.use_cases.taxonomy import ChangeOptionKey, OptionKeyRevision
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.money import Money
from tests.unit.catalog.conftest import STAFF, Shop, try_, value_id


@pytest.fixture
async def colour(shop: Shop) -> OptionKey:
    return await shop.option_key("Renk", ["Kırmızı", "Mavi"])


@pytest.fixture
async def size(shop: Shop) -> OptionKey:
    return await shop.option_key("Beden", ["S", "M", "L"])


@pytest.fixture
async def fabric(shop: Shop) -> OptionKey:
    return await shop.option_key("Kumaş", ["Pamuk"], is_variant_creator=False)


@pytest.fixture
async def tshirt(shop: Shop) -> Product:
    return await shop.product("Basic Tişört", "TS")


def ids(key: OptionKey, *values: str) -> list[uuid.UUID]:
    return [value_id(key, v) for v in values]


async def test_create_variant_derives_name_and_slug_from_its_options(
    shop: Shop, tshirt: Product, colour: OptionKey, size: OptionKey
) -> None:
    variant = await shop.variant(tshirt, "TS-1", [*ids(colour, "Kırmızı"), *ids(size, "M")], "199.90")
    assert variant.name == "Basic Tişört - M / Kırmızı"  # options by key name: Beden, Renk
    assert variant.slug == "basic-tisort-m-kirmizi"
    assert variant.product_id == tshirt.id
    stored = await shop.app.use(GetVariant)(variant.id)
    assert (stored.code, sorted(stored.option_value_ids)) == ("TS-1", sorted(variant.option_value_ids))
    assert stored.price_in("TRY") is not None
    [entry] = await shop.app.audit(target_type="variant")
    assert (entry.action, entry.changes) == ("variant.create", {"code": [None, "TS-1"], "price": [None, "199.90 TRY"]})


async def test_explicit_name_slug_and_barcode(shop: Shop, tshirt: Product, colour: OptionKey) -> None:
    variant = await shop.variant(tshirt, "TS-1", ids(colour, "Mavi"), name="Mavi Tişört", slug="mavi",
                                 barcode="73513537")  # fmt: skip
    assert (variant.name, variant.slug, variant.barcode) == ("Mavi Tişört", "mavi", "73513537")
    with pytest.raises(Conflict) as e:
        await shop.variant(tshirt, "TS-2", ids(colour, "Kırmızı"), slug="mavi")
    assert e.value.code == "duplicate_slug"
    with pytest.raises(Invalid) as e2:
        await shop.variant(tshirt, "TS-3", ids(colour, "Kırmızı"), barcode="73513538")
    assert e2.value.code == "invalid_barcode"


async def test_variant_codes_are_unique_across_products(shop: Shop, tshirt: Product) -> None:
    await shop.variant(tshirt, "SKU-1")
    other = await shop.product("Başka")
    with pytest.raises(Conflict) as e:
        await shop.variant(other, "SKU-1")
    assert e.value.code == "duplicate_code"


async def test_one_value_per_option_key(shop: Shop, tshirt: Product, colour: OptionKey) -> None:
    with pytest.raises(Invalid) as e:
        await shop.variant(tshirt, values=ids(colour, "Kırmızı", "Mavi"))
    assert e.value.errors[0].loc == ("body", "option_value_ids")


async def test_a_value_named_twice_is_invalid(shop: Shop, tshirt: Product, colour: OptionKey) -> None:
    with pytest.raises(Invalid):
        await shop.variant(tshirt, values=ids(colour, "Mavi", "Mavi"))


async def test_values_of_a_key_that_does_not_create_variants_are_refused(
    shop: Shop, tshirt: Product, colour: OptionKey, fabric: OptionKey
) -> None:
    with pytest.raises(Invalid) as e:
        await shop.variant(tshirt, values=[*ids(colour, "Mavi"), *ids(fabric, "Pamuk")])
    assert e.value.code == "not_variant_creator"
    # the flag can be turned on, and then the value is fine
    await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, fabric.id, {"is_variant_creator": True}))
    variant = await shop.variant(tshirt, values=[*ids(colour, "Mavi"), *ids(fabric, "Pamuk")])
    assert variant.name == "Basic Tişört - Pamuk / Mavi"


async def test_unknown_values_are_invalid(shop: Shop, tshirt: Product, colour: OptionKey) -> None:
    with pytest.raises(Invalid) as e:
        await shop.variant(tshirt, values=[*ids(colour, "Mavi"), uuid.uuid4()])
    assert e.value.code == "unknown_reference"


async def test_an_unknown_product_is_not_found(shop: Shop, tshirt: Product) -> None:
    from core.catalog.use_cases.products import CreateVariant, NewVariant

    with pytest.raises(NotFound):
        await shop.app.use(CreateVariant)(NewVariant(STAFF, uuid.uuid4(), "X", [], try_("1.00")))


async def test_option_less_variants_are_allowed_and_may_be_several(shop: Shop, tshirt: Product) -> None:
    first = await shop.variant(tshirt, "TS-A")
    second = await shop.variant(tshirt, "TS-B")
    assert (first.name, first.slug, first.combination) == ("Basic Tişört", "basic-tisort", None)
    assert (second.name, second.slug) == ("Basic Tişört", "basic-tisort-2")
    assert [v.code for v in (await shop.app.use(GetProduct)(tshirt.id)).variants] == ["TS-A", "TS-B"]


async def test_a_combination_exists_once_per_product_in_any_order(
    shop: Shop, tshirt: Product, colour: OptionKey, size: OptionKey
) -> None:
    variant = await shop.variant(tshirt, "TS-1", [*ids(colour, "Mavi"), *ids(size, "S")])
    with pytest.raises(Conflict) as e:
        await shop.variant(tshirt, "TS-2", [*ids(size, "S"), *ids(colour, "Mavi")])
    assert e.value.code == "duplicate_combination"
    # another product may have it; a subset is another combination
    await shop.variant(await shop.product("Başka"), "OTHER-1", [*ids(colour, "Mavi"), *ids(size, "S")])
    await shop.variant(tshirt, "TS-3", ids(colour, "Mavi"))
    # a deleted variant frees its combination
    await shop.app.use(DeleteVariant)(STAFF, variant.id)
    again = await shop.variant(tshirt, "TS-4", [*ids(size, "S"), *ids(colour, "Mavi")])
    assert again.slug == "basic-tisort-s-mavi"


async def test_change_variant(shop: Shop, tshirt: Product) -> None:
    variant = await shop.variant(tshirt, "TS-1")
    await shop.variant(tshirt, "TS-2")
    change = shop.app.use(ChangeVariant)
    with pytest.raises(Conflict):
        await change(Revision(STAFF, variant.id, {"code": "TS-2"}))
    with pytest.raises(Conflict):
        await change(Revision(STAFF, variant.id, {"slug": "basic-tisort-2"}))
    with pytest.raises(Invalid):
        await change(Revision(STAFF, variant.id, {"option_value_ids": []}))
    changed = await change(Revision(STAFF, variant.id, {"name": "Tek", "code": "TS-9", "is_active": False}))
    assert (changed.name, changed.code, changed.is_active) == ("Tek", "TS-9", False)
    entry = (await shop.app.audit(target_id=str(variant.id)))[0]
    assert entry.action == "variant.update"
    assert entry.changes == {"name": ["Basic Tişört", "Tek"], "code": ["TS-1", "TS-9"], "is_active": [True, False]}


async def test_delete_variant(shop: Shop, tshirt: Product) -> None:
    variant = await shop.variant(tshirt, "TS-1")
    await shop.app.use(DeleteVariant)(STAFF, variant.id)
    with pytest.raises(NotFound):
        await shop.app.use(GetVariant)(variant.id)
    assert (await shop.app.use(GetProduct)(tshirt.id)).variants == []
    assert (await shop.variant(tshirt, "TS-1")).code == "TS-1"  # the code is free again


# --- the matrix -------------------------------------------------------------------------------------------


async def _generate(shop: Shop, product: Product, values: list[uuid.UUID], price: str = "250.00") -> list[str]:
    made = await shop.app.use(GenerateVariants)(VariantMatrix(STAFF, product.id, values, try_(price)))
    return [v.code for v in made]


async def test_generate_two_colours_by_three_sizes(
    shop: Shop, tshirt: Product, colour: OptionKey, size: OptionKey
) -> None:
    made = await shop.app.use(GenerateVariants)(VariantMatrix(
        STAFF, tshirt.id, [*ids(colour, "Mavi", "Kırmızı"), *ids(size, "L", "S", "M")], try_("250.00")))  # fmt: skip
    assert [(v.code, v.name, v.slug) for v in made] == [
        ("TS-S-KIRMIZI", "Basic Tişört - S / Kırmızı", "basic-tisort-s-kirmizi"),
        ("TS-S-MAVI", "Basic Tişört - S / Mavi", "basic-tisort-s-mavi"),
        ("TS-M-KIRMIZI", "Basic Tişört - M / Kırmızı", "basic-tisort-m-kirmizi"),
        ("TS-M-MAVI", "Basic Tişört - M / Mavi", "basic-tisort-m-mavi"),
        ("TS-L-KIRMIZI", "Basic Tişört - L / Kırmızı", "basic-tisort-l-kirmizi"),
        ("TS-L-MAVI", "Basic Tişört - L / Mavi", "basic-tisort-l-mavi"),
    ]
    stored = (await shop.app.use(GetProduct)(tshirt.id)).variants
    assert len(stored) == 6 and len({v.combination for v in stored}) == 6
    assert all(len(v.option_value_ids) == 2 for v in stored)
    assert {str(v.price_in("TRY").list_price) for v in stored} == {"250.00 TRY"}  # type: ignore[union-attr]
    entry = (await shop.app.audit(target_id=str(tshirt.id)))[0]
    assert entry.action == "variant.generate"
    assert entry.changes == {"variants": [None, [v.code for v in made]]}


async def test_generating_again_creates_nothing(
    shop: Shop, tshirt: Product, colour: OptionKey, size: OptionKey
) -> None:
    values = [*ids(colour, "Mavi", "Kırmızı"), *ids(size, "L", "S", "M")]
    assert len(await _generate(shop, tshirt, values)) == 6
    assert await _generate(shop, tshirt, values) == []
    assert len((await shop.app.use(GetProduct)(tshirt.id)).variants) == 6


async def test_generating_fills_in_only_the_missing_combinations(
    shop: Shop, tshirt: Product, colour: OptionKey, size: OptionKey
) -> None:
    await shop.variant(tshirt, "HAND-1", [*ids(size, "M"), *ids(colour, "Mavi")])
    await _generate(shop, tshirt, [*ids(colour, "Kırmızı"), *ids(size, "S")])
    made = await _generate(shop, tshirt, [*ids(colour, "Mavi", "Kırmızı"), *ids(size, "L", "S", "M")])
    assert made == ["TS-S-MAVI", "TS-M-KIRMIZI", "TS-L-KIRMIZI", "TS-L-MAVI"]
    assert len((await shop.app.use(GetProduct)(tshirt.id)).variants) == 6


async def test_a_single_axis_matrix(shop: Shop, tshirt: Product, size: OptionKey) -> None:
    assert await _generate(shop, tshirt, ids(size, "S", "M", "L")) == ["TS-S", "TS-M", "TS-L"]


async def test_generated_codes_and_slugs_skip_taken_ones(shop: Shop, tshirt: Product, colour: OptionKey) -> None:
    other = await shop.product("Başka")
    await shop.variant(other, "TS-MAVI", slug="basic-tisort-mavi")
    made = await shop.app.use(GenerateVariants)(VariantMatrix(STAFF, tshirt.id, ids(colour, "Mavi"), try_("1.00")))
    assert [(v.code, v.slug) for v in made] == [("TS-MAVI-2", "basic-tisort-mavi-2")]


async def test_generated_codes_are_unique_within_one_call(shop: Shop, tshirt: Product) -> None:
    key = await shop.option_key("Beden", ["S/M", "S M", "S-M"])
    made = await shop.app.use(GenerateVariants)(VariantMatrix(STAFF, tshirt.id, [v.id for v in key.values],
                                                              try_("1.00")))  # fmt: skip
    assert [v.code for v in made] == ["TS-S-M", "TS-S-M-2", "TS-S-M-3"]
    assert [v.slug for v in made] == ["basic-tisort-s-m", "basic-tisort-s-m-2", "basic-tisort-s-m-3"]


async def test_generate_checks_its_values(shop: Shop, tshirt: Product, colour: OptionKey, fabric: OptionKey) -> None:
    generate = shop.app.use(GenerateVariants)
    with pytest.raises(Invalid):
        await generate(VariantMatrix(STAFF, tshirt.id, [], try_("1.00")))
    with pytest.raises(Invalid) as e:
        await generate(VariantMatrix(STAFF, tshirt.id, [*ids(colour, "Mavi"), uuid.uuid4()], try_("1.00")))
    assert e.value.code == "unknown_reference"
    with pytest.raises(Invalid) as e:
        await generate(VariantMatrix(STAFF, tshirt.id, [*ids(colour, "Mavi"), *ids(fabric, "Pamuk")], try_("1.00")))
    assert e.value.code == "not_variant_creator"
    with pytest.raises(Invalid) as e:
        await generate(VariantMatrix(STAFF, tshirt.id, ids(colour, "Mavi"), Money.of("-1.00", "TRY")))
    assert e.value.code == "negative_price"
    with pytest.raises(NotFound):
        await generate(VariantMatrix(STAFF, uuid.uuid4(), ids(colour, "Mavi"), try_("1.00")))
    assert (await shop.app.use(GetProduct)(tshirt.id)).variants == []
