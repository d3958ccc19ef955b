"""Categories (a tree), brands and option keys: unique codes and slugs, generated Turkish slugs, moves without
cycles, deletes that refuse what is still in use, and the audit trail."""

from __future__ import annotations

import uuid

import pytest

from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.taxonomy import (
    ChangeBrand,
    ChangeCategory,
    ChangeOptionKey,
    DeleteBrand,
    DeleteCategory,
    DeleteOptionKey,
    GetCategory,
    GetOptionKey,
    ListBrands,
    ListCategories,
    ListOptionKeys,
    OptionKeyRevision,
    ValueIn,
)
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.pagination import PageRequest
from tests.unit.catalog.conftest import STAFF, Shop, value_id

# --- categories -------------------------------------------------------------------------------------------


async def test_create_category_stores_every_field(shop: Shop) -> None:
    parent = await shop.category("Kadın", "KADIN")
    child = await shop.category("Elbise", "ELBISE", parent_id=parent.id, sorting=3, meta_title="Elbiseler",
                                meta_description="Yazlık elbiseler")  # fmt: skip
    stored = await shop.app.use(GetCategory)(child.id)
    assert (stored.name, stored.code, stored.slug, stored.parent_id, stored.sorting) == (
        "Elbise", "ELBISE", "elbise", parent.id, 3)  # fmt: skip
    assert (stored.meta_title, stored.meta_description, stored.is_active) == ("Elbiseler", "Yazlık elbiseler", True)
    assert [c.code for c in await shop.app.use(ListCategories)()] == ["KADIN", "ELBISE"]  # by sorting


async def test_generated_slugs_are_transliterated_and_suffixed_when_taken(shop: Shop) -> None:
    first = await shop.category("Çiçek Şalı")
    second = await shop.category("Çiçek Şalı")
    third = await shop.category("ÇİÇEK ŞALI")
    assert [first.slug, second.slug, third.slug] == ["cicek-sali", "cicek-sali-2", "cicek-sali-3"]


async def test_a_name_with_nothing_sluggable_still_gets_a_slug(shop: Shop) -> None:
    category = await shop.category("???")
    assert category.slug == "item"


async def test_explicit_slug_is_used_and_a_taken_one_is_a_conflict(shop: Shop) -> None:
    category = await shop.category("Ayakkabı", slug="ayakkabilar")
    assert category.slug == "ayakkabilar"
    with pytest.raises(Conflict) as e:
        await shop.category("Başka", slug="ayakkabilar")
    assert e.value.code == "duplicate_slug"
    assert len(await shop.app.use(ListCategories)()) == 1


async def test_a_generated_slug_never_collides_with_an_explicit_one(shop: Shop) -> None:
    await shop.category("Bir", slug="canta")
    assert (await shop.category("Çanta")).slug == "canta-2"


@pytest.mark.parametrize("bad", ["Büyük", "with space", "UPPER", "double--hyphen", "-leading", "trailing-", ""])
async def test_an_explicit_slug_must_be_lower_case_ascii_words(shop: Shop, bad: str) -> None:
    with pytest.raises(Invalid) as e:
        await shop.category("Ad", slug=bad)
    assert e.value.errors[0].loc == ("body", "slug")


async def test_category_codes_are_unique(shop: Shop) -> None:
    await shop.category("Bir", "SAME")
    with pytest.raises(Conflict) as e:
        await shop.category("İki", "SAME")
    assert e.value.code == "duplicate_code"


@pytest.mark.parametrize("bad", ["", "with space", "-dash", "ç-kod", "x" * 65])
async def test_codes_are_checked(shop: Shop, bad: str) -> None:
    with pytest.raises(Invalid):
        await shop.category("Ad", bad)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_a_category_needs_a_bounded_name(shop: Shop, name: str) -> None:
    with pytest.raises(Invalid):
        await shop.category(name)


async def test_an_unknown_parent_is_invalid(shop: Shop) -> None:
    with pytest.raises(Invalid) as e:
        await shop.category("Yetim", parent_id=uuid.uuid4())
    assert e.value.code == "unknown_reference"
    assert e.value.errors[0].loc == ("body", "parent_id")


async def _chain(shop: Shop) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    a = await shop.category("A", "A")
    b = await shop.category("B", "B", parent_id=a.id)
    c = await shop.category("C", "C", parent_id=b.id)
    return a.id, b.id, c.id


async def test_a_category_cannot_move_under_itself(shop: Shop) -> None:
    a, _, _ = await _chain(shop)
    with pytest.raises(Conflict) as e:
        await shop.app.use(ChangeCategory)(Revision(STAFF, a, {"parent_id": a}))
    assert e.value.code == "category_cycle"


@pytest.mark.parametrize("depth", [1, 2])
async def test_a_category_cannot_move_under_its_descendants(shop: Shop, depth: int) -> None:
    a, b, c = await _chain(shop)
    with pytest.raises(Conflict) as e:
        await shop.app.use(ChangeCategory)(Revision(STAFF, a, {"parent_id": [b, c][depth - 1]}))
    assert e.value.code == "category_cycle"
    assert (await shop.app.use(GetCategory)(a)).parent_id is None


async def test_moving_elsewhere_or_to_the_root_works(shop: Shop) -> None:
    a, b, c = await _chain(shop)
    other = await shop.category("D", "D")
    moved = await shop.app.use(ChangeCategory)(Revision(STAFF, b, {"parent_id": str(other.id)}))
    assert moved.parent_id == other.id
    assert (await shop.app.use(GetCategory)(b)).parent_id == other.id
    await shop.app.use(ChangeCategory)(Revision(STAFF, c, {"parent_id": None}))
    assert (await shop.app.use(GetCategory)(c)).parent_id is None
    # now that B left A, A may go under C
    await shop.app.use(ChangeCategory)(Revision(STAFF, a, {"parent_id": c}))
    assert (await shop.app.use(GetCategory)(a)).parent_id == c


async def test_change_category_to_an_unknown_parent_is_invalid(shop: Shop) -> None:
    a, _, _ = await _chain(shop)
    with pytest.raises(Invalid) as e:
        await shop.app.use(ChangeCategory)(Revision(STAFF, a, {"parent_id": uuid.uuid4()}))
    assert e.value.code == "unknown_reference"


async def test_change_category_to_a_parent_that_is_not_an_id_is_invalid(shop: Shop) -> None:
    a, _, _ = await _chain(shop)
    with pytest.raises(Invalid):
        await shop.app.use(ChangeCategory)(Revision(STAFF, a, {"parent_id": "not-a-uuid"}))


async def test_change_category_checks_code_slug_and_unknown_fields(shop: Shop) -> None:
    one = await shop.category("Bir", "ONE")
    await shop.category("İki", "TWO")
    change = shop.app.use(ChangeCategory)
    with pytest.raises(Conflict) as e:
        await change(Revision(STAFF, one.id, {"code": "TWO"}))
    assert e.value.code == "duplicate_code"
    with pytest.raises(Conflict) as e:
        await change(Revision(STAFF, one.id, {"slug": "iki"}))
    assert e.value.code == "duplicate_slug"
    with pytest.raises(Invalid):
        await change(Revision(STAFF, one.id, {"version": 7}))
    with pytest.raises(Invalid):
        await change(Revision(STAFF, one.id, {"sorting": "1"}))
    # its own code and slug are not "taken"
    same = await change(Revision(STAFF, one.id, {"code": "ONE", "slug": "bir", "name": "Bir!"}))
    assert (same.code, same.slug, same.name) == ("ONE", "bir", "Bir!")


async def test_change_of_an_unknown_category_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        await shop.app.use(ChangeCategory)(Revision(STAFF, uuid.uuid4(), {"name": "X"}))


async def test_a_category_with_subcategories_cannot_be_deleted(shop: Shop) -> None:
    a, b, _ = await _chain(shop)
    for target in (a, b):
        with pytest.raises(Conflict) as e:
            await shop.app.use(DeleteCategory)(STAFF, target)
        assert e.value.code == "category_not_empty"


async def test_a_category_with_products_cannot_be_deleted_until_they_go(shop: Shop) -> None:
    from core.catalog.use_cases.products import DeleteProduct

    category = await shop.category("Dolu")
    product = await shop.product(category=category)
    with pytest.raises(Conflict) as e:
        await shop.app.use(DeleteCategory)(STAFF, category.id)
    assert e.value.code == "category_not_empty"
    await shop.app.use(DeleteProduct)(STAFF, product.id)
    await shop.app.use(DeleteCategory)(STAFF, category.id)
    with pytest.raises(NotFound):
        await shop.app.use(GetCategory)(category.id)


async def test_a_deleted_category_frees_its_code_and_slug_and_its_parent(shop: Shop) -> None:
    _, b, c = await _chain(shop)
    await shop.app.use(DeleteCategory)(STAFF, c)
    await shop.app.use(DeleteCategory)(STAFF, b)  # its only child is gone
    assert [x.code for x in await shop.app.use(ListCategories)()] == ["A"]
    again = await shop.category("C", "C")
    assert (again.code, again.slug) == ("C", "c")
    explicit = await shop.category("Bee", "B", slug="b")
    assert explicit.slug == "b"


async def test_category_writes_are_audited(shop: Shop) -> None:
    parent = await shop.category("Üst", "UST")
    category = await shop.category("Alt", "ALT", parent_id=parent.id)
    await shop.app.use(ChangeCategory)(Revision(STAFF, category.id, {"name": "Alt kat", "sorting": 5}))
    await shop.app.use(ChangeCategory)(Revision(STAFF, category.id, {"parent_id": None}))
    await shop.app.use(DeleteCategory)(STAFF, category.id)
    entries = await shop.app.audit(target_id=str(category.id))  # newest first
    assert [(e.action, e.actor_id, e.target_type) for e in entries] == [
        ("category.delete", STAFF.user_id, "category"),
        ("category.update", STAFF.user_id, "category"),
        ("category.update", STAFF.user_id, "category"),
        ("category.create", STAFF.user_id, "category"),
    ]
    assert entries[1].changes == {"parent_id": [str(parent.id), None]}
    assert entries[2].changes == {"name": ["Alt", "Alt kat"], "sorting": [0, 5]}
    assert entries[3].changes == {"code": [None, "ALT"], "parent_id": [None, str(parent.id)]}


async def test_a_refused_write_leaves_no_audit_entry(shop: Shop) -> None:
    await shop.category("Bir", "SAME")
    with pytest.raises(Conflict):
        await shop.category("İki", "SAME")
    assert [e.action for e in await shop.app.audit(target_type="category")] == ["category.create"]


# --- brands -----------------------------------------------------------------------------------------------


async def test_brand_slugs_codes_and_lists(shop: Shop) -> None:
    first = await shop.brand("Işıklı Ağaç", "ISIK", description="Aydınlatma")
    second = await shop.brand("Işıklı Ağaç", "ISIK2")
    assert (first.slug, second.slug, first.description) == ("isikli-agac", "isikli-agac-2", "Aydınlatma")
    with pytest.raises(Conflict) as e:
        await shop.brand("Başka", "ISIK")
    assert e.value.code == "duplicate_code"
    with pytest.raises(Conflict) as e:
        await shop.brand("Başka", slug="isikli-agac")
    assert e.value.code == "duplicate_slug"
    with pytest.raises(Invalid):
        await shop.brand("Başka", slug="Işık")
    page = await shop.app.use(ListBrands)(PageRequest(limit=10), q="ISIKLI")
    assert sorted(b.code for b in page.items) == ["ISIK", "ISIK2"]


async def test_change_brand(shop: Shop) -> None:
    brand = await shop.brand("Eski", "ESKI")
    await shop.brand("Diğer", "DIGER")
    change = shop.app.use(ChangeBrand)
    with pytest.raises(Conflict) as e:
        await change(Revision(STAFF, brand.id, {"code": "DIGER"}))
    assert e.value.code == "duplicate_code"
    with pytest.raises(Conflict) as e:
        await change(Revision(STAFF, brand.id, {"slug": "diger"}))
    assert e.value.code == "duplicate_slug"
    with pytest.raises(Invalid):
        await change(Revision(STAFF, brand.id, {"parent_id": None}))
    changed = await change(Revision(STAFF, brand.id, {"name": "Yeni", "slug": "yeni", "is_active": False}))
    assert (changed.name, changed.slug, changed.is_active) == ("Yeni", "yeni", False)
    [entry, _] = await shop.app.audit(target_id=str(brand.id))
    assert entry.action == "brand.update"
    assert entry.changes == {"name": ["Eski", "Yeni"], "slug": ["eski", "yeni"], "is_active": [True, False]}


async def test_a_brand_in_use_cannot_be_deleted(shop: Shop) -> None:
    from core.catalog.use_cases.products import DeleteProduct

    brand = await shop.brand("Kullanılan", "USED")
    product = await shop.product(brand=brand)
    with pytest.raises(Conflict) as e:
        await shop.app.use(DeleteBrand)(STAFF, brand.id)
    assert e.value.code == "brand_in_use"
    await shop.app.use(DeleteProduct)(STAFF, product.id)
    await shop.app.use(DeleteBrand)(STAFF, brand.id)
    again = await shop.brand("Kullanılan", "USED")  # code and slug are free again
    assert again.slug == "kullanilan"
    actions = [e.action for e in await shop.app.audit(target_type="brand")]
    assert actions == ["brand.create", "brand.delete", "brand.create"]  # newest first


# --- option keys ------------------------------------------------------------------------------------------


async def test_option_key_with_values_and_their_order(shop: Shop) -> None:
    from core.catalog.use_cases.taxonomy import CreateOptionKey, NewOptionKey

    key = await shop.app.use(CreateOptionKey)(NewOptionKey(
        actor=STAFF, key="Beden", description="Giysi bedeni",
        values=[ValueIn("L", 3), ValueIn("S", 1), ValueIn("M", 2), ValueIn("XS", 1)]))  # fmt: skip
    assert [v.value for v in key.sorted_values()] == ["S", "XS", "M", "L"]  # ties by value
    assert all(v.option_key_id == key.id for v in key.values)
    stored = await shop.app.use(GetOptionKey)(key.id)
    assert {v.id for v in stored.values} == {v.id for v in key.values}
    assert (stored.key, stored.description, stored.is_variant_creator) == ("Beden", "Giysi bedeni", True)
    [entry] = await shop.app.audit(target_type="option_key")
    assert entry.action == "option_key.create"
    assert entry.changes == {"key": [None, "Beden"], "values": [None, ["L", "S", "M", "XS"]]}


@pytest.mark.parametrize(("a", "b"), [("Kırmızı", "KIRMIZI"), ("Kırmızı", "kirmizi"), ("Yeşil", " yesil ")])
async def test_values_of_a_key_are_unique_as_people_type_them(shop: Shop, a: str, b: str) -> None:
    with pytest.raises(Conflict) as e:
        await shop.option_key("Renk", [a, b])
    assert e.value.code == "duplicate_value"
    assert await shop.app.use(ListOptionKeys)() == []


async def test_option_keys_are_unique(shop: Shop) -> None:
    await shop.option_key("Renk", ["Kırmızı"])
    for key in ("Renk", "RENK"):
        with pytest.raises(Conflict) as e:
            await shop.option_key(key, [])
        assert e.value.code == "duplicate_key"


async def test_new_values_carry_no_id_and_are_not_empty(shop: Shop) -> None:
    from core.catalog.use_cases.taxonomy import CreateOptionKey, NewOptionKey

    create = shop.app.use(CreateOptionKey)
    with pytest.raises(Invalid):
        await create(NewOptionKey(actor=STAFF, key="Renk", values=[ValueIn("Mavi", id=uuid.uuid4())]))
    with pytest.raises(Invalid):
        await create(NewOptionKey(actor=STAFF, key="Renk", values=[ValueIn(" ")]))
    with pytest.raises(Invalid):
        await create(NewOptionKey(actor=STAFF, key="", values=[]))


async def test_patch_values_adds_and_changes_and_keeps_the_rest(shop: Shop) -> None:
    key = await shop.option_key("Renk", ["Kırmızı", "Mavi"])
    red, blue = value_id(key, "Kırmızı"), value_id(key, "Mavi")
    values = [ValueIn("Lacivert", 9, id=blue), ValueIn("Yeşil", 5)]
    changed = await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, key.id, {"description": "Ana renk"}, values))
    stored = await shop.app.use(GetOptionKey)(key.id)
    assert [(v.value, v.sorting) for v in stored.sorted_values()] == [("Kırmızı", 0), ("Yeşil", 5), ("Lacivert", 9)]
    assert value_id(stored, "Kırmızı") == red and value_id(stored, "Lacivert") == blue  # ids stay
    assert changed.description == "Ana renk"
    entry = (await shop.app.audit(target_id=str(key.id)))[0]
    assert entry.action == "option_key.update"
    assert entry.changes["description"] == ["", "Ana renk"]
    assert entry.changes["values"] == [[["Kırmızı", 0], ["Mavi", 1]], [["Kırmızı", 0], ["Lacivert", 9], ["Yeşil", 5]]]


async def test_patch_values_refuses_duplicates_and_foreign_ids(shop: Shop) -> None:
    key = await shop.option_key("Renk", ["Kırmızı", "Mavi"])
    change = shop.app.use(ChangeOptionKey)
    with pytest.raises(Conflict) as e:
        await change(OptionKeyRevision(STAFF, key.id, {}, values=[ValueIn("MAVİ")]))
    assert e.value.code == "duplicate_value"
    with pytest.raises(Conflict):  # renaming one value onto another
        await change(OptionKeyRevision(STAFF, key.id, {}, values=[ValueIn("mavi", id=value_id(key, "Kırmızı"))]))
    with pytest.raises(Invalid):
        await change(OptionKeyRevision(STAFF, key.id, {}, values=[ValueIn("Mor", id=uuid.uuid4())]))
    stored = await shop.app.use(GetOptionKey)(key.id)
    assert [v.value for v in stored.sorted_values()] == ["Kırmızı", "Mavi"]  # nothing half-done


async def test_renaming_a_key_onto_another_is_a_conflict(shop: Shop) -> None:
    await shop.option_key("Renk", [])
    size = await shop.option_key("Beden", [])
    with pytest.raises(Conflict) as e:
        await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, size.id, {"key": "renk"}))
    assert e.value.code == "duplicate_key"
    same = await shop.app.use(ChangeOptionKey)(OptionKeyRevision(STAFF, size.id, {"key": "BEDEN"}))
    assert same.key == "BEDEN"


async def test_an_option_key_whose_values_variants_use_cannot_be_deleted(shop: Shop) -> None:
    from core.catalog.use_cases.products import DeleteVariant

    colour = await shop.option_key("Renk", ["Kırmızı", "Mavi"])
    unused = await shop.option_key("Desen", ["Çizgili"])
    product = await shop.product()
    variant = await shop.variant(product, values=[value_id(colour, "Mavi")])
    with pytest.raises(Conflict) as e:
        await shop.app.use(DeleteOptionKey)(STAFF, colour.id)
    assert e.value.code == "option_key_in_use"
    await shop.app.use(DeleteOptionKey)(STAFF, unused.id)
    await shop.app.use(DeleteVariant)(STAFF, variant.id)
    await shop.app.use(DeleteOptionKey)(STAFF, colour.id)
    assert await shop.app.use(ListOptionKeys)() == []
    with pytest.raises(NotFound):
        await shop.app.use(GetOptionKey)(colour.id)
    again = await shop.option_key("Renk", ["Kırmızı"])  # the key name is free again
    assert again.key == "Renk"
