"""The catalog's repositories and storefront reads: the same answers from the memory, SQLite and PostgreSQL
adapters (ports/catalog.py)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from core.catalog.model import Brand, Category, OptionKey, Product, Variant
from core.catalog.views import OptionGroup, OptionView, ProductCard, ProductQuery, Ref, Sort
from core.shared.errors import NotFound
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from ports.catalog import CatalogViews, ProductSearch
from ports.uow import UnitOfWork
from tests.integration.contract.builders import unique, walk
from tests.integration.contract.conftest import Backend

# --- builders ---------------------------------------------------------------------------------------------


def category(name: str = "Giyim", *, parent_id: uuid.UUID | None = None, slug: str | None = None,
             code: str | None = None, sorting: int = 0, **fields: Any) -> Category:  # fmt: skip
    return Category(name=name, code=code or unique("CAT-"), slug=slug or unique("kategori-"), parent_id=parent_id,
                    sorting=sorting, **fields)  # fmt: skip


def brand(name: str = "Marka", *, slug: str | None = None, code: str | None = None, **fields: Any) -> Brand:
    return Brand(name=name, code=code or unique("BR-"), slug=slug or unique("marka-"), **fields)


def option_key(key: str, values: list[str]) -> OptionKey:
    made = OptionKey(key=key)
    made.put_values([(None, value, n) for n, value in enumerate(values)])
    return made


def product(brand_id: uuid.UUID, category_id: uuid.UUID, name: str = "Ürün", *, code: str | None = None,
            slug: str | None = None, **fields: Any) -> Product:  # fmt: skip
    return Product(name=name, code=code or unique("PR-"), slug=slug or unique("urun-"), brand_id=brand_id,
                   category_id=category_id, **fields)  # fmt: skip


def variant(product_id: uuid.UUID, *prices: tuple[str, str] | tuple[str, str, str], code: str | None = None,
            slug: str | None = None, option_value_ids: list[uuid.UUID] | None = None, name: str = "Varyant",
            **fields: Any) -> Variant:  # fmt: skip
    """`prices` as (amount, currency) or (amount, currency, discount)."""
    made = Variant(product_id=product_id, name=name, code=code or unique("V-"), slug=slug or unique("varyant-"),
                   option_value_ids=option_value_ids or [], **fields)  # fmt: skip
    for amount, currency, *discount in prices:
        made.set_price(Money.of(amount, currency), Money.of(discount[0], currency) if discount else None)
    return made


def _repo(uow: UnitOfWork, item: object) -> Any:
    return {Category: uow.categories, Brand: uow.brands, OptionKey: uow.option_keys, Product: uow.products,
            Variant: uow.variants}[type(item)]  # fmt: skip


async def save(backend: Backend, *items: object) -> None:
    """Each item added and committed in one unit of work, in order."""
    async with backend.uow() as uow:
        for item in items:
            await _repo(uow, item).add(item)
        await uow.commit()


async def save_each(backend: Backend, *items: object) -> None:
    """One commit per item: distinct created_at, in this order."""
    for item in items:
        await save(backend, item)


async def remove(backend: Backend, repo_name: str, item_id: uuid.UUID) -> None:
    async with backend.uow() as uow:
        found = await getattr(uow, repo_name).get(item_id)
        found.remove(None)
        await uow.commit()


async def taxonomy(backend: Backend) -> tuple[Category, Brand]:
    cat, br = category(), brand()
    await save(backend, cat, br)
    return cat, br


# --- round trips ------------------------------------------------------------------------------------------


async def test_a_category_reads_back_field_for_field_under_its_parent(backend: Backend) -> None:
    root = category("Giyim", slug="giyim", code="GIYIM")
    child = category("Kadın Elbise", parent_id=root.id, slug="kadin-elbise", code="KAD/ELB-1", sorting=7,
                     meta_title="Elbiseler", meta_description="Yazlık ve kışlık elbiseler")  # fmt: skip
    await save(backend, root, child)
    async with backend.uow() as uow:
        got = await uow.categories.get(child.id)
        assert (got.id, got.name, got.code, got.slug, got.parent_id, got.sorting) == \
            (child.id, "Kadın Elbise", "KAD/ELB-1", "kadin-elbise", root.id, 7)  # fmt: skip
        assert (got.meta_title, got.meta_description) == ("Elbiseler", "Yazlık ve kışlık elbiseler")
        assert (got.is_active, got.is_deleted, got.version, got.events) == (True, False, 1, [])
        assert (await uow.categories.get(root.id)).parent_id is None


async def test_a_brand_reads_back_field_for_field(backend: Backend) -> None:
    made = brand("Çiçek Moda", slug="cicek-moda", code="CICEK", description="İstanbul'dan\nçok satırlı")
    made.is_active = False
    await save(backend, made)
    async with backend.uow() as uow:
        got = await uow.brands.get(made.id)
        assert (got.name, got.code, got.slug, got.description) == \
            ("Çiçek Moda", "CICEK", "cicek-moda", "İstanbul'dan\nçok satırlı")  # fmt: skip
        assert got.is_active is False and got.created_at.tzinfo is not None


async def test_an_option_key_reads_back_with_its_values(backend: Backend) -> None:
    made = OptionKey(key="Beden", description="Giysi bedeni", is_variant_creator=False)
    made.put_values([(None, "XL", 3), (None, "S", 1), (None, "M", 2)])
    await save(backend, made)
    async with backend.uow() as uow:
        got = await uow.option_keys.get(made.id)
        assert (got.key, got.description, got.is_variant_creator) == ("Beden", "Giysi bedeni", False)
        assert [(v.id, v.value, v.sorting, v.option_key_id) for v in got.sorted_values()] == \
            [(v.id, v.value, v.sorting, made.id) for v in made.sorted_values()]  # fmt: skip
        assert [v.value for v in got.sorted_values()] == ["S", "M", "XL"]


async def test_a_product_reads_back_with_specifications_and_tax_rate(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    specs = [{"key": "Malzeme", "value": "%100 İpek"}, {"key": "Yıkama", "value": ""},
             {"key": "Menşei", "value": "Türkiye"}]  # fmt: skip
    made = product(br.id, cat.id, "Şal İpek", code="SAL-001", slug="sal-ipek", barcode="8690000000019",
                   description="El yapımı", specifications=specs, tax_rate=Decimal(10), meta_title="Şal",
                   meta_description="İpek şal")  # fmt: skip
    await save(backend, made)
    async with backend.uow() as uow:
        got = await uow.products.get(made.id)
        assert (got.name, got.code, got.slug, got.brand_id, got.category_id, got.barcode) == \
            ("Şal İpek", "SAL-001", "sal-ipek", br.id, cat.id, "8690000000019")  # fmt: skip
        assert got.specifications == specs  # order kept
        assert got.tax_rate == Decimal(10) and str(got.tax_rate) == "10"
        assert (got.description, got.meta_title, got.meta_description) == ("El yapımı", "Şal", "İpek şal")


async def test_a_variant_reads_back_with_its_options_and_exact_prices(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    item = product(br.id, cat.id)
    colour, size = option_key("Renk", ["Kırmızı", "Mavi"]), option_key("Beden", ["S", "M"])
    ids = [colour.values[1].id, size.values[0].id]
    made = variant(item.id, ("199.90", "TRY", "19.99"), ("12.345", "KWD"), ("1500", "JPY"),
                   ("123456789012.34", "USD", "0.01"), code="V-MAVI-S", slug="urun-mavi-s", option_value_ids=ids,
                   name="Ürün - Mavi / S", barcode="8690000000026")  # fmt: skip
    await save(backend, colour, size, item, made)
    async with backend.uow() as uow:
        got = await uow.variants.get(made.id)
        assert (got.product_id, got.name, got.code, got.slug, got.barcode) == \
            (item.id, "Ürün - Mavi / S", "V-MAVI-S", "urun-mavi-s", "8690000000026")  # fmt: skip
        assert got.option_value_ids == ids
        assert got.combination == ",".join(sorted(map(str, ids)))
        prices = {p.currency: (p.amount, p.discount, p.variant_id) for p in got.prices}
        assert prices == {
            "TRY": (Decimal("199.90"), Decimal("19.99"), made.id),
            "KWD": (Decimal("12.345"), Decimal(0), made.id),
            "JPY": (Decimal(1500), Decimal(0), made.id),
            "USD": (Decimal("123456789012.34"), Decimal("0.01"), made.id),
        }
        assert all(isinstance(a, Decimal) and isinstance(d, Decimal) for a, d, _ in prices.values())
        price = got.price_in("TRY")
        assert price is not None
        assert (price.list_price, price.sale_price) == (Money.of("199.90", "TRY"), Money.of("179.91", "TRY"))
        kwd = got.price_in("KWD")
        assert kwd is not None and kwd.sale_price == Money.of("12.345", "KWD")


async def test_a_variant_without_options_has_no_combination(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    item = product(br.id, cat.id)
    first, second = variant(item.id, ("10", "TRY")), variant(item.id, ("20", "TRY"))
    await save(backend, item, first, second)  # several option-less variants may share a product
    async with backend.uow() as uow:
        got = await uow.variants.of_product(item.id)
        assert [(v.option_value_ids, v.combination) for v in got] == [([], None), ([], None)]


@pytest.mark.parametrize("repo", ["categories", "brands", "option_keys", "products", "variants"])
async def test_get_of_an_unknown_id_is_not_found(backend: Backend, repo: str) -> None:
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await getattr(uow, repo).get(uuid.uuid4())


# --- codes and slugs --------------------------------------------------------------------------------------


async def _one_of_each(backend: Backend, code: str, slug: str) -> dict[str, uuid.UUID]:
    """A live category, brand, product and variant, all with this code and slug (each table has its own)."""
    cat = category(code=code, slug=slug)
    br = brand(code=code, slug=slug)
    item = product(br.id, cat.id, code=code, slug=slug)
    var = variant(item.id, ("5", "TRY"), code=code, slug=slug)
    await save(backend, cat, br, item, var)
    return {"categories": cat.id, "brands": br.id, "products": item.id, "variants": var.id}


CODED = ["categories", "brands", "products", "variants"]


async def test_by_code_and_by_slug_find_the_row_or_none(backend: Backend) -> None:
    ids = await _one_of_each(backend, "KOD-1", "bir-slug")
    await _one_of_each(backend, "KOD-2", "iki-slug")
    async with backend.uow() as uow:
        for repo in CODED:
            found = await getattr(uow, repo).by_code("KOD-1")
            assert found is not None and found.id == ids[repo], repo
            found = await getattr(uow, repo).by_slug("bir-slug")
            assert found is not None and found.id == ids[repo], repo
            assert await getattr(uow, repo).by_code("KOD-3") is None
            assert await getattr(uow, repo).by_slug("uc-slug") is None
            assert await getattr(uow, repo).by_code("KOD") is None  # no prefix match


async def test_by_code_sees_a_row_added_in_the_same_unit_of_work(backend: Backend) -> None:
    async with backend.uow() as uow:
        made = brand(code="TAZE", slug="taze")
        await uow.brands.add(made)
        assert await uow.brands.by_code("TAZE") is made
        assert await uow.brands.by_slug("taze") is made
        assert await uow.brands.slugs_like("taze") == {"taze"}


async def test_slugs_like_gives_the_base_and_its_hyphenated_followers_only(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    taken = ["elbise", "elbise-2", "elbise-10", "elbise-kirmizi", "elbise2", "elbiseler", "yaz-elbise", "elbis"]
    await save(backend, *(brand(slug=s) for s in taken))
    await save(backend, *(product(br.id, cat.id, slug=s) for s in taken))
    await save(backend, *(category(slug=s) for s in taken))
    gone = brand(slug="elbise-3")
    await save(backend, gone)
    await remove(backend, "brands", gone.id)
    async with backend.uow() as uow:
        # the port: `base` itself and slugs starting with `base-`; never "elbise2" or "elbiseler"
        wanted = {"elbise", "elbise-2", "elbise-10", "elbise-kirmizi"}
        assert await uow.brands.slugs_like("elbise") == wanted  # not the deleted "elbise-3"
        assert await uow.products.slugs_like("elbise") == wanted
        assert await uow.categories.slugs_like("elbise") == wanted
        assert await uow.variants.slugs_like("elbise") == set()
        assert await uow.brands.slugs_like("elbise-2") == {"elbise-2"}
        assert await uow.brands.slugs_like("ceket") == set()


async def test_a_soft_deleted_row_is_invisible_and_frees_its_code_and_slug(backend: Backend) -> None:
    old = await _one_of_each(backend, "ESKI", "eski")
    # the variant first, then its product, brand and category, as the delete use cases allow
    for repo in ["variants", "products", "brands", "categories"]:
        await remove(backend, repo, old[repo])
    async with backend.uow() as uow:
        for repo in CODED:
            with pytest.raises(NotFound):
                await getattr(uow, repo).get(old[repo])
            assert await getattr(uow, repo).by_code("ESKI") is None, repo
            assert await getattr(uow, repo).by_slug("eski") is None, repo
            assert await getattr(uow, repo).slugs_like("eski") == set(), repo
        assert old["categories"] not in {c.id for c in await uow.categories.list()}
        assert old["categories"] not in await uow.categories.parents()
        assert (await uow.brands.list(PageRequest(limit=10))).items == []
        assert (await uow.products.list(PageRequest(limit=10))).items == []
        product_id = old["products"]
        assert await uow.variants.of_product(product_id) == []

    new = await _one_of_each(backend, "ESKI", "eski")  # the unique keys hold among live rows only
    async with backend.uow() as uow:
        for repo in CODED:
            found = await getattr(uow, repo).by_code("ESKI")
            assert found is not None and found.id == new[repo] != old[repo]
            assert await getattr(uow, repo).slugs_like("eski") == {"eski"}


async def test_a_deleted_option_key_is_invisible_and_frees_its_key(backend: Backend) -> None:
    old = option_key("Renk", ["Kırmızı"])
    await save(backend, old)
    await remove(backend, "option_keys", old.id)
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.option_keys.get(old.id)
        assert await uow.option_keys.by_key("Renk") is None
        assert await uow.option_keys.of_values([old.values[0].id]) == []
        assert await uow.option_keys.list() == []
    new = option_key("renk", ["Mavi"])
    await save(backend, new)
    async with backend.uow() as uow:
        found = await uow.option_keys.by_key("Renk")
        assert found is not None and found.id == new.id


# --- lists and lookups ------------------------------------------------------------------------------------


async def test_categories_list_and_parents_give_the_live_tree(backend: Backend) -> None:
    root = category("Giyim")
    child, other = category("Elbise", parent_id=root.id), category("Ayakkabı")
    grandchild = category("Abiye", parent_id=child.id)
    hidden = category("Gizli", parent_id=root.id, is_active=False)  # inactive still belongs to the tree
    gone = category("Eski", parent_id=root.id)
    await save(backend, root, child, other, grandchild, hidden, gone)
    await remove(backend, "categories", gone.id)
    async with backend.uow() as uow:
        assert await uow.categories.parents() == {root.id: None, child.id: root.id, other.id: None,
                                                  grandchild.id: child.id, hidden.id: root.id}  # fmt: skip
        listed = await uow.categories.list()
        assert sorted(c.name for c in listed) == ["Abiye", "Ayakkabı", "Elbise", "Giyim", "Gizli"]


async def test_brands_list_pages_newest_first_every_row_once_and_filters_by_text(backend: Backend) -> None:
    made = [brand(name, code=code) for name, code in
            [("Çiçek Moda", "CICEK"), ("Zeytin", "ZYT"), ("Işık Giyim", "ISIK"), ("Deri Dünyası", "DERI"),
             ("Atlas", "ATL-İST")]]  # fmt: skip
    await save_each(backend, *made)
    gone = brand("Çiçekçi", code="CICEKCI")
    await save(backend, gone)
    await remove(backend, "brands", gone.id)
    async with backend.uow() as uow:
        sizes: list[int] = []

        async def fetch(cursor: str | None) -> Page[Brand]:
            page = await uow.brands.list(PageRequest(limit=2, cursor=cursor))
            sizes.append(len(page.items))
            return page

        assert [b.id for b in await walk(fetch)] == [b.id for b in reversed(made)]
        assert sizes == [2, 2, 1]

        async def names(q: str) -> list[str]:
            return sorted(b.name for b in (await uow.brands.list(PageRequest(limit=10), q=q)).items)

        assert await names("zeyt") == ["Zeytin"]
        assert await names("ZYT") == ["Zeytin"]  # the code too
        assert await names("i") == ["Atlas", "Deri Dünyası", "Işık Giyim", "Zeytin", "Çiçek Moda"]
        assert await names("100%") == []


async def test_brands_list_text_folds_turkish_letters_and_case(backend: Backend) -> None:
    await save(backend, brand("Çiçek Moda", code="CM"), brand("Işık Giyim", code="IG"), brand("Deri", code="D"))
    async with backend.uow() as uow:

        async def names(q: str) -> list[str]:
            return sorted(b.name for b in (await uow.brands.list(PageRequest(limit=10), q=q)).items)

        assert await names("çiçek") == ["Çiçek Moda"]
        assert await names("CICEK") == ["Çiçek Moda"]
        assert await names("ışık") == ["Işık Giyim"]
        assert await names("isik") == ["Işık Giyim"]


async def test_products_list_pages_every_row_once_and_filters_by_folded_text(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    made = [
        product(br.id, cat.id, "Şal İpek", code="SAL-1"),
        product(br.id, cat.id, "IŞIKLI Etek", code="ETK-2"),
        product(br.id, cat.id, "Çiçekli Elbise", code="ELB_3", barcode="8690000000019"),
        product(br.id, cat.id, "Yün Kazak", code="KZK-4"),
        product(br.id, cat.id, "Deri Bot", code="BOT-5"),
    ]
    await save_each(backend, *made)
    gone = product(br.id, cat.id, "Şal Eski", code="SAL-0")
    await save(backend, gone)
    await remove(backend, "products", gone.id)
    async with backend.uow() as uow:
        seen = await walk(lambda cursor: uow.products.list(PageRequest(limit=2, cursor=cursor)))
        assert [p.id for p in seen] == [p.id for p in reversed(made)]

        async def codes(q: str) -> list[str]:
            return sorted(p.code for p in (await uow.products.list(PageRequest(limit=10), q=q)).items)

        assert await codes("şal") == ["SAL-1"]
        assert await codes("SAL İPEK") == ["SAL-1"]
        assert await codes("sal ipek") == ["SAL-1"]
        assert await codes("ışıklı") == ["ETK-2"]
        assert await codes("isikli etek") == ["ETK-2"]
        assert await codes("CICEKLI") == ["ELB_3"]
        assert await codes("yun") == ["KZK-4"]
        assert await codes("bot-5") == ["BOT-5"]  # by code
        assert await codes("869000000001") == ["ELB_3"]  # by barcode
        assert await codes("elb_") == ["ELB_3"]  # "_" is a letter, not a wildcard
        assert await codes("e") == ["BOT-5", "ELB_3", "ETK-2", "SAL-1"]
        assert await codes("yok") == []


async def test_products_list_pages_through_rows_made_in_one_commit(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    made = [product(br.id, cat.id, f"Ürün {n}") for n in range(7)]
    await save(backend, *made)  # one created_at may be shared: the id breaks the tie
    async with backend.uow() as uow:
        seen = await walk(lambda cursor: uow.products.list(PageRequest(limit=3, cursor=cursor)))
        assert sorted(p.id for p in seen) == sorted(p.id for p in made)
        assert len(seen) == 7


async def test_products_uses_tells_whether_a_live_product_holds_the_brand_or_category(backend: Backend) -> None:
    used_cat, used_br = await taxonomy(backend)
    idle_cat, idle_br = await taxonomy(backend)
    gone_cat, gone_br = await taxonomy(backend)
    live, gone = product(used_br.id, used_cat.id), product(gone_br.id, gone_cat.id)
    await save(backend, live, gone)
    await remove(backend, "products", gone.id)
    async with backend.uow() as uow:
        assert await uow.products.uses(brand_id=used_br.id) is True
        assert await uow.products.uses(category_id=used_cat.id) is True
        assert await uow.products.uses(brand_id=idle_br.id) is False
        assert await uow.products.uses(category_id=idle_cat.id) is False
        assert await uow.products.uses(brand_id=gone_br.id) is False
        assert await uow.products.uses(category_id=gone_cat.id) is False
        assert await uow.products.uses(brand_id=used_cat.id) is False  # a category id is not a brand id
        assert await uow.products.uses() is False


async def test_variants_of_product_are_its_live_variants_in_creation_order(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    item, other = product(br.id, cat.id), product(br.id, cat.id)
    await save(backend, item, other)
    first, second, third = (variant(item.id, ("1", "TRY"), code=c) for c in ("C-3", "C-1", "C-2"))
    await save_each(backend, first, second)
    gone, theirs = variant(item.id, ("1", "TRY")), variant(other.id, ("1", "TRY"))
    await save(backend, third, gone, theirs)
    await remove(backend, "variants", gone.id)
    inactive = variant(item.id, ("1", "TRY"), is_active=False)
    await save(backend, inactive)
    async with backend.uow() as uow:
        got = await uow.variants.of_product(item.id)
        assert [v.id for v in got] == [first.id, second.id, third.id, inactive.id]
        assert [v.id for v in await uow.variants.of_product(uuid.uuid4())] == []


async def test_variants_uses_values_only_for_live_variants(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    colour = option_key("Renk", ["Kırmızı", "Mavi", "Yeşil"])
    red, blue, green = (v.id for v in colour.values)
    item = product(br.id, cat.id)
    live = variant(item.id, ("1", "TRY"), option_value_ids=[red])
    gone = variant(item.id, ("1", "TRY"), option_value_ids=[blue])
    await save(backend, colour, item, live, gone)
    await remove(backend, "variants", gone.id)
    async with backend.uow() as uow:
        assert await uow.variants.uses_values([red]) is True
        assert await uow.variants.uses_values([green, red]) is True
        assert await uow.variants.uses_values([blue]) is False
        assert await uow.variants.uses_values([green]) is False
        assert await uow.variants.uses_values([]) is False


async def test_option_keys_by_key_ignores_case_and_turkish_marks(backend: Backend) -> None:
    size, cut, colour = option_key("Beden", ["S"]), option_key("Kalıp", ["Dar"]), option_key("İç Renk", ["Ak"])
    await save(backend, size, cut, colour)
    async with backend.uow() as uow:
        asks = [("Beden", size), ("BEDEN", size), ("beden", size), ("KALIP", cut), ("kalip", cut), ("Kalıp", cut),
                ("ic renk", colour), ("İÇ RENK", colour), ("IC RENK", colour)]  # fmt: skip
        for asked, wanted in asks:
            found = await uow.option_keys.by_key(asked)
            assert found is not None and found.id == wanted.id, asked
        assert await uow.option_keys.by_key("Bede") is None
        assert await uow.option_keys.by_key("Renk") is None
        assert sorted(k.key for k in await uow.option_keys.list()) == ["Beden", "Kalıp", "İç Renk"]


async def test_option_keys_of_values_gives_the_keys_holding_them(backend: Backend) -> None:
    colour, size, cut = option_key("Renk", ["Kırmızı", "Mavi"]), option_key("Beden", ["S", "M"]), option_key(
        "Kalıp", ["Dar"])  # fmt: skip
    await save(backend, colour, size, cut)
    async with backend.uow() as uow:
        found = await uow.option_keys.of_values([colour.values[1].id, size.values[0].id, size.values[1].id])
        assert sorted(k.id for k in found) == sorted([colour.id, size.id])
        assert len(found) == 2  # each key once
        found_key = next(k for k in found if k.id == colour.id)
        assert sorted(v.value for v in found_key.values) == ["Kırmızı", "Mavi"]  # with all its values
        assert await uow.option_keys.of_values([uuid.uuid4()]) == []
        assert await uow.option_keys.of_values([]) == []


# --- changes persist --------------------------------------------------------------------------------------


async def test_changed_option_values_persist(backend: Backend) -> None:
    colour = option_key("Renk", ["Kırmızı", "Mavi"])
    await save(backend, colour)
    red = colour.values[0].id
    async with backend.uow() as uow:
        got = await uow.option_keys.get(colour.id)
        changes = got.put_values([(red, "Bordo", 5), (None, "Yeşil", 1)])
        assert changes
        got.revise(description="Ana renk")
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.option_keys.get(colour.id)
        assert got.description == "Ana renk"
        assert sorted((v.value, v.sorting) for v in got.values) == [("Bordo", 5), ("Mavi", 1), ("Yeşil", 1)]
        assert next(v for v in got.values if v.value == "Bordo").id == red  # renamed in place, same id
        assert all(v.option_key_id == colour.id for v in got.values)
        assert len(await uow.option_keys.of_values([v.id for v in got.values])) == 1


async def test_a_changed_price_persists_as_one_price_per_currency(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    item = product(br.id, cat.id)
    made = variant(item.id, ("199.90", "TRY"))
    await save(backend, item, made)
    async with backend.uow() as uow:
        got = await uow.variants.get(made.id)
        assert got.set_price(Money.of("149.50", "TRY"), Money.of("0.50", "TRY"))
        got.set_price(Money.of("0.125", "KWD"))
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.variants.get(made.id)
        got.set_price(Money.of("159.99", "TRY"))  # the discount goes with a price set without one
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.variants.get(made.id)
        assert sorted((p.currency, p.amount, p.discount) for p in got.prices) == \
            [("KWD", Decimal("0.125"), Decimal(0)), ("TRY", Decimal("159.99"), Decimal(0))]  # fmt: skip
        assert len(got.prices) == 2


async def test_setting_a_stored_price_again_changes_nothing(backend: Backend) -> None:
    """What the database gives back ("199.9000" from NUMERIC(19, 4), "199.9" from SQLite's ten-thousandths)
    is the same price as the one set again."""
    cat, br = await taxonomy(backend)
    item = product(br.id, cat.id)
    made = variant(item.id, ("199.90", "TRY", "10.00"), ("1500", "JPY"))
    await save(backend, item, made)
    async with backend.uow() as uow:
        got = await uow.variants.get(made.id)
        assert got.set_price(Money.of("199.90", "TRY"), Money.of("10.00", "TRY")) == {}
        assert got.set_price(Money.of("1500", "JPY")) == {}
        assert got.events == []


async def test_revised_fields_persist_and_a_move_changes_parents(backend: Backend) -> None:
    cat, br = await taxonomy(backend)
    other = category("Yeni")
    item = product(br.id, cat.id, "Eski Ad")
    await save(backend, other, item)
    async with backend.uow() as uow:
        got = await uow.products.get(item.id)
        got.revise(name="Yeni Ad", category_id=other.id, specifications=[{"key": "Renk", "value": "Ak"}],
                   tax_rate=Decimal(1))  # fmt: skip
        moved = await uow.categories.get(cat.id)
        moved.revise(parent_id=other.id)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.products.get(item.id)
        assert (got.name, got.category_id, got.tax_rate, got.version) == ("Yeni Ad", other.id, Decimal(1), 2)
        assert got.specifications == [{"key": "Renk", "value": "Ak"}]
        assert (await uow.categories.parents())[cat.id] == other.id
        assert [p.id for p in (await uow.products.list(PageRequest(limit=5), q="yeni ad")).items] == [item.id]
        assert (await uow.products.list(PageRequest(limit=5), q="eski")).items == []


# --- the storefront: CatalogViews and ProductSearch -------------------------------------------------------


class Shop:
    """One catalog, the same on every backend: what the storefront must show of it, and what it must hide."""

    def __init__(self) -> None:
        self.giyim = category("Giyim", slug="giyim", sorting=1)
        self.elbise = category("Elbise", parent_id=self.giyim.id, slug="elbise", sorting=2)
        self.ayakkabi = category("Ayakkabı", slug="ayakkabi", sorting=0)
        self.gizli = category("Gizli", slug="gizli", is_active=False)
        self.silinen = category("Silinen", slug="silinen")
        self.cicek = brand("Çiçek Moda", slug="cicek-moda")
        self.zeytin = brand("Zeytin", slug="zeytin")
        self.pasif = brand("Pasif", slug="pasif", is_active=False)
        self.renk = option_key("Renk", ["Kırmızı", "Mavi"])
        self.beden = option_key("Beden", ["S", "M"])
        kirmizi, mavi = (v.id for v in self.renk.values)
        s, m = (v.id for v in self.beden.values)
        self.s, self.m, self.kirmizi, self.mavi = s, m, kirmizi, mavi

        def made(name: str, cat: Category, br: Brand, code: str, slug: str, **fields: Any) -> Product:
            return product(br.id, cat.id, name, code=code, slug=slug, **fields)

        self.sal = made("Şal İpek", self.elbise, self.cicek, "SAL-1", "sal-ipek", tax_rate=Decimal(10),
                        specifications=[{"key": "Malzeme", "value": "İpek"}], description="El yapımı")  # fmt: skip
        self.kazak = made("Kazak Yün", self.giyim, self.zeytin, "KZK-2", "kazak-yun")
        self.bot = made("Bot Deri", self.ayakkabi, self.zeytin, "BOT-3", "bot-deri")
        self.elbise_p = made("Elbise Çiçekli", self.elbise, self.cicek, "ELB-4", "elbise-cicekli")
        self.etek = made("ışıklı Etek", self.elbise, self.cicek, "ETK-5", "isikli-etek")
        self.inactive = made("Pasif Ürün", self.giyim, self.zeytin, "PAS-6", "pasif-urun", is_active=False)
        self.deleted = made("Silinecek Ürün", self.giyim, self.zeytin, "SIL-7", "silinecek-urun")
        self.unpriced = made("Fiyatsız Ürün", self.giyim, self.zeytin, "FYT-8", "fiyatsiz-urun")
        self.visible = [self.sal, self.kazak, self.bot, self.elbise_p, self.etek, self.unpriced]

        self.variants: dict[uuid.UUID, list[Variant]] = {
            self.sal.id: [
                variant(self.sal.id, ("199.90", "TRY", "20.00"), ("12.345", "KWD"), code="SAL-1-A",
                        slug="sal-ipek-kirmizi-s", name="Şal İpek - Kırmızı / S",
                        option_value_ids=[self.kirmizi, s]),
                variant(self.sal.id, ("250.00", "TRY"), ("1500", "JPY"), code="SAL-1-B", slug="sal-ipek-mavi-m",
                        name="Şal İpek - Mavi / M", option_value_ids=[m, mavi], barcode="8690000000019"),
                variant(self.sal.id, ("5.00", "TRY"), code="SAL-1-C", slug="sal-ipek-mavi-s",
                        option_value_ids=[mavi, s], is_active=False),  # hidden, and not its lowest price
            ],
            self.kazak.id: [
                variant(self.kazak.id, ("99.99", "TRY"), code="KZK-2-A", slug="kazak-a"),
                variant(self.kazak.id, ("120.00", "TRY", "10.00"), code="KZK-2-B", slug="kazak-b"),
            ],
            self.bot.id: [variant(self.bot.id, ("1200.00", "TRY", "200.00"), code="BOT-3-A", slug="bot-a")],
            self.etek.id: [variant(self.etek.id, ("179.90", "TRY"), ("10", "JPY"), code="ETK-5-A", slug="etek-a")],
            self.inactive.id: [variant(self.inactive.id, ("1.00", "TRY"), code="PAS-6-A", slug="pasif-a")],
            self.deleted.id: [variant(self.deleted.id, ("2.00", "TRY"), code="SIL-7-A", slug="silinecek-a")],
            self.unpriced.id: [variant(self.unpriced.id, ("3.00", "TRY"), code="FYT-8-A", slug="fiyatsiz-a")],
        }  # fmt: skip
        self.bot_gone = variant(self.bot.id, ("0.50", "TRY"), code="BOT-3-Z", slug="bot-z")  # deleted later
        self.variants[self.bot.id].append(self.bot_gone)

    async def build(self, backend: Backend) -> None:
        await save(backend, self.giyim, self.elbise, self.ayakkabi, self.gizli, self.silinen, self.cicek,
                   self.zeytin, self.pasif, self.renk, self.beden)  # fmt: skip
        order = [self.sal, self.kazak, self.bot, self.elbise_p, self.etek, self.inactive, self.deleted, self.unpriced]
        for item in order:  # one commit each: newest last
            async with backend.uow() as uow:
                await uow.products.add(item)
                for v in self.variants.get(item.id, []):
                    await uow.variants.add(v)
                await uow.products.refresh_listing(item.id)
                await uow.commit()
        async with backend.uow() as uow:  # the delete use cases' way: the change, then refresh_listing
            (await uow.variants.get(self.bot_gone.id)).remove(None)
            await uow.products.refresh_listing(self.bot.id)
            only = await uow.variants.get(self.variants[self.unpriced.id][0].id)
            only.remove(None)
            await uow.products.refresh_listing(self.unpriced.id)
            for v in await uow.variants.of_product(self.deleted.id):
                v.remove(None)
            (await uow.products.get(self.deleted.id)).remove(None)
            await uow.products.refresh_listing(self.deleted.id)
            (await uow.categories.get(self.silinen.id)).remove(None)
            await uow.commit()


@pytest.fixture
async def shop(backend: Backend) -> Shop:
    built = Shop()
    await built.build(backend)
    return built


def views(backend: Backend) -> CatalogViews:
    return backend.container.resolve(CatalogViews)  # type: ignore[no-any-return]


async def search(backend: Backend, *, limit: int = 100, sort: Sort = "-created_at", currency: str = "TRY",
                 **filters: Any) -> list[ProductCard]:  # fmt: skip
    """Every card of the query, page by page."""
    finder: ProductSearch = backend.container.resolve(ProductSearch)
    return await walk(lambda cursor: finder.search(
        ProductQuery(PageRequest(limit=limit, cursor=cursor), currency, sort=sort, **filters)))  # fmt: skip


def _try(amount: str) -> Money:
    return Money.of(amount, "TRY")


async def test_category_nodes_are_the_active_live_categories(backend: Backend, shop: Shop) -> None:
    nodes = await views(backend).category_nodes()
    assert sorted((n.name, n.parent_id, n.slug, n.sorting) for n in nodes) == [
        ("Ayakkabı", None, "ayakkabi", 0), ("Elbise", shop.giyim.id, "elbise", 2), ("Giyim", None, "giyim", 1),
    ]  # fmt: skip
    assert {n.id for n in nodes} == {shop.giyim.id, shop.elbise.id, shop.ayakkabi.id}


async def test_brand_by_id_or_slug_only_when_active_and_live(backend: Backend, shop: Shop) -> None:
    await remove(backend, "brands", shop.zeytin.id)
    reads = views(backend)
    assert await reads.brand("cicek-moda") == Ref(shop.cicek.id, "Çiçek Moda", "cicek-moda")
    assert await reads.brand(str(shop.cicek.id)) == Ref(shop.cicek.id, "Çiçek Moda", "cicek-moda")
    assert await reads.brand("pasif") is None and await reads.brand(str(shop.pasif.id)) is None
    assert await reads.brand("zeytin") is None and await reads.brand(str(shop.zeytin.id)) is None
    assert await reads.brand("yok") is None and await reads.brand(str(uuid.uuid4())) is None


async def test_product_detail_by_slug_or_id(backend: Backend, shop: Shop) -> None:
    reads = views(backend)
    detail = await reads.product("sal-ipek")
    assert detail is not None and await reads.product(str(shop.sal.id)) == detail
    assert (detail.id, detail.name, detail.slug, detail.code, detail.barcode) == \
        (shop.sal.id, "Şal İpek", "sal-ipek", "SAL-1", None)  # fmt: skip
    assert (detail.description, detail.specifications, detail.tax_rate) == \
        ("El yapımı", [{"key": "Malzeme", "value": "İpek"}], Decimal(10))  # fmt: skip
    assert detail.brand == Ref(shop.cicek.id, "Çiçek Moda", "cicek-moda")
    assert detail.category == Ref(shop.elbise.id, "Elbise", "elbise")
    assert detail.breadcrumbs == [Ref(shop.giyim.id, "Giyim", "giyim"), Ref(shop.elbise.id, "Elbise", "elbise")]
    # only the values the active variants use, in the keys' order
    assert detail.options == [OptionGroup("Beden", ["S", "M"]), OptionGroup("Renk", ["Kırmızı", "Mavi"])]
    first, second = detail.variants  # the inactive SAL-1-C is hidden
    assert (first.code, first.slug, first.name, first.available) == \
        ("SAL-1-A", "sal-ipek-kirmizi-s", "Şal İpek - Kırmızı / S", False)  # no stock  # fmt: skip
    assert first.options == [OptionView("Beden", "S"), OptionView("Renk", "Kırmızı")]
    assert (first.price, first.compare_at_price) == (_try("179.90"), _try("199.90"))
    assert first.prices == [Money.of("12.345", "KWD"), _try("179.90")]
    assert (second.code, second.barcode, second.options) == \
        ("SAL-1-B", "8690000000019", [OptionView("Beden", "M"), OptionView("Renk", "Mavi")])  # fmt: skip
    assert (second.price, second.compare_at_price) == (_try("250.00"), None)
    assert second.prices == [Money.of("1500", "JPY"), _try("250.00")]
    assert (detail.created_at, detail.updated_at) == (shop.sal.created_at, shop.sal.updated_at)


async def test_product_detail_is_hidden_for_inactive_or_deleted_products(backend: Backend, shop: Shop) -> None:
    reads = views(backend)
    for hidden in (shop.inactive, shop.deleted):
        assert await reads.product(hidden.slug) is None
        assert await reads.product(str(hidden.id)) is None
    assert await reads.product("yok") is None
    detail = await reads.product("fiyatsiz-urun")  # listed, but without live variants
    assert detail is not None and (detail.variants, detail.options) == ([], [])


async def test_search_lists_visible_products_newest_first_in_keyset_pages(backend: Backend, shop: Shop) -> None:
    expected = [p.id for p in reversed(shop.visible)]
    for limit in (1, 2, 4, 100):
        assert [c.id for c in await search(backend, limit=limit)] == expected


async def test_search_cards_carry_the_lowest_price_paid_and_what_it_was_cut_from(backend: Backend,
                                                                                 shop: Shop) -> None:  # fmt: skip
    cards = {c.id: c for c in await search(backend)}
    sal, kazak, bot, elbise, etek, unpriced = (cards[p.id] for p in shop.visible)
    assert (sal.price, sal.compare_at_price) == (_try("179.90"), _try("199.90"))  # 199.90 - 20.00
    assert (kazak.price, kazak.compare_at_price) == (_try("99.99"), None)  # not 120.00 - 10.00 = 110.00
    assert (bot.price, bot.compare_at_price) == (_try("1000.00"), _try("1200.00"))  # the deleted 0.50 is gone
    assert (elbise.price, elbise.compare_at_price) == (None, None)
    assert (etek.price, unpriced.price) == (_try("179.90"), None)
    assert (sal.name, sal.slug, sal.code, sal.tax_rate, sal.in_stock) == \
        ("Şal İpek", "sal-ipek", "SAL-1", Decimal(10), False)  # no stock  # fmt: skip
    assert (sal.brand, sal.category) == (Ref(shop.cicek.id, "Çiçek Moda", "cicek-moda"),
                                         Ref(shop.elbise.id, "Elbise", "elbise"))  # fmt: skip
    assert sal.created_at == shop.sal.created_at


async def test_search_in_other_currencies_uses_their_own_prices(backend: Backend, shop: Shop) -> None:
    kwd = await search(backend, currency="KWD", sort="price")
    assert [(c.id, c.price) for c in kwd] == [(shop.sal.id, Money.of("12.345", "KWD"))]
    jpy = await search(backend, currency="JPY", sort="-price")
    assert [(c.id, c.price) for c in jpy] == [(shop.sal.id, Money.of("1500", "JPY")),
                                              (shop.etek.id, Money.of("10", "JPY"))]  # fmt: skip
    usd = await search(backend, currency="USD")
    assert [c.id for c in usd] == [p.id for p in reversed(shop.visible)]  # listed, unpriced
    assert {c.price for c in usd} == {None}


async def test_search_sorts_by_price_both_ways_leaving_unpriced_products_out(backend: Backend, shop: Shop) -> None:
    tied = sorted([shop.sal.id, shop.etek.id], key=str)  # both 179.90: the id breaks the tie
    ascending = [shop.kazak.id, *tied, shop.bot.id]
    for limit in (1, 2, 3, 100):
        up = await search(backend, sort="price", limit=limit)
        assert [c.id for c in up] == ascending
        assert [c.price for c in up] == [_try("99.99"), _try("179.90"), _try("179.90"), _try("1000.00")]
        down = await search(backend, sort="-price", limit=limit)
        assert [c.id for c in down] == list(reversed(ascending))


async def test_search_sorts_by_name(backend: Backend, shop: Shop) -> None:
    """By code point, as Python compares strings (SQLite's BINARY, PostgreSQL's C collation)."""
    expected = ["Bot Deri", "Elbise Çiçekli", "Fiyatsız Ürün", "Kazak Yün", "ışıklı Etek", "Şal İpek"]
    for limit in (1, 2, 100):
        assert [c.name for c in await search(backend, sort="name", limit=limit)] == expected


async def test_search_filters_by_category_brand_and_folded_text(backend: Backend, shop: Shop) -> None:
    async def ids(**filters: Any) -> set[uuid.UUID]:
        return {c.id for c in await search(backend, limit=2, **filters)}

    assert await ids(category_ids=frozenset({shop.elbise.id})) == {shop.sal.id, shop.elbise_p.id, shop.etek.id}
    assert await ids(category_ids=frozenset({shop.giyim.id, shop.ayakkabi.id})) == \
        {shop.kazak.id, shop.bot.id, shop.unpriced.id}  # fmt: skip
    assert await ids(category_ids=frozenset()) == set()
    assert await ids(brand_id=shop.zeytin.id) == {shop.kazak.id, shop.bot.id, shop.unpriced.id}
    assert await ids(brand_id=shop.pasif.id) == set()
    assert await ids(brand_id=shop.cicek.id, category_ids=frozenset({shop.giyim.id})) == set()
    assert await ids(q="ŞAL") == {shop.sal.id}
    assert await ids(q="sal ipek") == {shop.sal.id}
    assert await ids(q="IŞIKLI") == {shop.etek.id}
    assert await ids(q="isikli") == {shop.etek.id}
    assert await ids(q="cicek") == {shop.elbise_p.id}  # the product's own text, not its brand's
    assert await ids(q="kzk-2") == {shop.kazak.id}
    assert await ids(q="pasif") == set() and await ids(q="silinecek") == set()
    assert await ids(q="%") == set()


async def test_search_filters_by_price_range_inclusive(backend: Backend, shop: Shop) -> None:
    async def ids(**filters: Any) -> list[uuid.UUID]:
        return [c.id for c in await search(backend, limit=2, sort="price", **filters)]

    tied = sorted([shop.sal.id, shop.etek.id], key=str)
    assert await ids(min_price=Decimal("179.90")) == [*tied, shop.bot.id]
    assert await ids(max_price=Decimal("179.90")) == [shop.kazak.id, *tied]
    assert await ids(min_price=Decimal("100"), max_price=Decimal("1000")) == [*tied, shop.bot.id]
    assert await ids(min_price=Decimal("179.91"), max_price=Decimal("999.99")) == []
    assert await ids(max_price=Decimal("99.98")) == []
    # a range without a price sort leaves unpriced products out as well
    newest = [c.id for c in await search(backend, limit=2, min_price=Decimal(0))]
    assert newest == [shop.etek.id, shop.bot.id, shop.kazak.id, shop.sal.id]


async def test_search_combines_filters_and_sorts(backend: Backend, shop: Shop) -> None:
    cards = await search(backend, limit=1, sort="-price", brand_id=shop.cicek.id, min_price=Decimal(100),
                         category_ids=frozenset({shop.elbise.id}), q="i")  # fmt: skip
    assert [c.id for c in cards] == list(reversed(sorted([shop.sal.id, shop.etek.id], key=str)))
    assert await search(backend, in_stock=True) == []  # no stock: tests/integration/contract/test_inventory_contract.py
    assert [c.id for c in await search(backend, in_stock=False)] == [p.id for p in reversed(shop.visible)]


async def test_a_price_change_shows_in_search_after_refresh_listing(backend: Backend, shop: Shop) -> None:
    cheapest = shop.variants[shop.kazak.id][1]
    async with backend.uow() as uow:
        got = await uow.variants.get(cheapest.id)
        got.set_price(_try("120.00"), _try("50.00"))
        await uow.products.refresh_listing(shop.kazak.id)
        await uow.commit()
    cards = {c.id: c for c in await search(backend, sort="price")}
    assert (cards[shop.kazak.id].price, cards[shop.kazak.id].compare_at_price) == (_try("70.00"), _try("120.00"))
    async with backend.uow() as uow:  # the product hidden: gone from the list whatever its prices
        got_product = await uow.products.get(shop.kazak.id)
        got_product.revise(is_active=False)
        await uow.commit()
    assert shop.kazak.id not in {c.id for c in await search(backend, sort="price")}
    assert await views(backend).product("kazak-yun") is None
