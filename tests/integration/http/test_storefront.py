"""The public catalog over HTTP: the category tree, the product list and its filters, a product's page."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.http.conftest import Api, assert_problem
from tests.integration.http.test_catalog_staff import Catalog, catalog_admin, colour_and_size, money, value_ids

PUBLIC = "/api/v1/catalog"


async def browse(api: Api, **params: Any) -> dict[str, Any]:
    response = await api.client.get(f"{PUBLIC}/products", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def browse_ids(api: Api, **params: Any) -> list[str]:
    return [p["id"] for p in (await browse(api, limit=100, **params))["items"]]


async def show(api: Api, ref: str) -> dict[str, Any]:
    response = await api.client.get(f"{PUBLIC}/products/{ref}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def on_sale(staff: Catalog, name: str, brand: dict[str, Any], category: dict[str, Any], price: str,
                  **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A product with one variant at `price`."""
    product = await staff.product(name, brand, category, **extra)
    await staff.variant(product, price)
    return product


async def test_the_tree_is_nested_ordered_and_shows_active_categories_only(api: Api) -> None:
    assert (await api.client.get(f"{PUBLIC}/categories")).json() == {"items": []}
    staff = await catalog_admin(api)
    home = await staff.category("Ev", sorting=2)
    clothes = await staff.category("Giyim", sorting=1)
    women = await staff.category("Kadın", parent_id=clothes["id"], sorting=2)
    men = await staff.category("Erkek", parent_id=clothes["id"], sorting=1)
    shirts = await staff.category("Gömlek", parent_id=men["id"])
    hidden = await staff.category("Arşiv", sorting=0)
    await staff.patch(f"categories/{hidden['id']}", is_active=False)

    response = await api.client.get(f"{PUBLIC}/categories")
    assert response.status_code == 200

    def node(category: dict[str, Any], *children: dict[str, Any]) -> dict[str, Any]:
        return {"id": category["id"], "name": category["name"], "slug": category["slug"],
                "sorting": category["sorting"], "children": list(children)}  # fmt: skip

    assert response.json() == {"items": [node(clothes, node(men, node(shirts)), node(women)), node(home)]}
    # a staff change shows on the next read
    await staff.patch(f"categories/{home['id']}", sorting=0, name="Ev & Yaşam")
    first = (await api.client.get(f"{PUBLIC}/categories")).json()["items"][0]
    assert (first["id"], first["name"]) == (home["id"], "Ev & Yaşam")


async def test_product_page_by_id_and_by_slug(api: Api) -> None:
    staff = await catalog_admin(api)
    colour, size = await colour_and_size(staff)
    brand = await staff.brand("Koton")
    top = await staff.category("Giyim")
    category = await staff.category("Tişört", parent_id=top["id"])
    product = await staff.product("Basic Tişört", brand, category, description="Pamuklu", tax_rate="10",
                                  specifications=[{"key": "Malzeme", "value": "Pamuk"}])  # fmt: skip
    red, small = colour["values"][0]["id"], size["values"][0]["id"]
    variant = await staff.variant(product, "200.00", [red, small], code="BT-RS", discount=money("20.00"))
    await staff.variant(product, "210.00", [colour["values"][1]["id"], small], code="BT-BS")

    detail = await show(api, product["id"])
    assert detail == await show(api, product["slug"])
    assert (detail["id"], detail["slug"], detail["name"], detail["tax_rate"]) == (
        product["id"], "basic-tisort", "Basic Tişört", "10")  # fmt: skip
    assert detail["brand"] == {"id": brand["id"], "name": "Koton", "slug": "koton"}
    assert detail["category"]["id"] == category["id"]
    assert [c["id"] for c in detail["breadcrumbs"]] == [top["id"], category["id"]]
    assert detail["specifications"] == [{"key": "Malzeme", "value": "Pamuk"}]
    assert [v["code"] for v in detail["variants"]] == ["BT-RS", "BT-BS"]
    first = detail["variants"][0]
    assert {"id", "code", "slug", "options", "price", "available"} <= set(first)
    assert (first["id"], first["slug"], first["available"]) == (variant["id"], variant["slug"], False)  # no stock
    assert first["price"] == money("180.00")
    assert sorted((o["key"], o["value"]) for o in first["options"]) == [("Beden", "S"), ("Renk", "Kırmızı")]

    assert_problem(await api.client.get(f"{PUBLIC}/products/{uuid.uuid4()}"), 404)
    assert_problem(await api.client.get(f"{PUBLIC}/products/no-such-product"), 404)
    assert_problem(await api.client.get(f"{PUBLIC}/products/a%00b"), 404)


async def test_staff_changes_show_on_the_next_public_read(api: Api) -> None:
    staff = await catalog_admin(api)
    brand, category = await staff.brand("Koton"), await staff.category("Giyim")
    product = await on_sale(staff, "Kazak", brand, category, "500.00")
    other = await on_sale(staff, "Hırka", brand, category, "600.00")
    assert await browse_ids(api) == [other["id"], product["id"]]  # these reads are now cached
    assert (await show(api, product["slug"]))["name"] == "Kazak"

    await staff.patch(f"products/{product['id']}", name="Yün Kazak")
    assert (await show(api, product["slug"]))["name"] == "Yün Kazak"
    assert (await browse(api))["items"][1]["name"] == "Yün Kazak"

    variant_id = (await show(api, product["id"]))["variants"][0]["id"]
    response = await api.client.put(f"/api/v1/admin/catalog/variants/{variant_id}/price",
                                    json={"price": money("450.00")}, headers=staff.who.headers)  # fmt: skip
    assert response.status_code == 200
    assert (await show(api, product["id"]))["variants"][0]["price"] == money("450.00")
    assert (await browse(api))["items"][1]["price"] == money("450.00")

    await staff.patch(f"products/{product['id']}", is_active=False)
    assert_problem(await api.client.get(f"{PUBLIC}/products/{product['id']}"), 404)
    assert_problem(await api.client.get(f"{PUBLIC}/products/{product['slug']}"), 404)
    assert await browse_ids(api) == [other["id"]]
    await staff.patch(f"products/{product['id']}", is_active=True)
    assert await browse_ids(api) == [other["id"], product["id"]]

    await staff.patch(f"variants/{variant_id}", is_active=False)
    assert (await show(api, product["id"]))["variants"] == []
    assert (await api.client.delete(f"/api/v1/admin/catalog/products/{other['id']}",
                                    headers=staff.who.headers)).status_code == 204  # fmt: skip
    assert other["id"] not in await browse_ids(api)
    assert_problem(await api.client.get(f"{PUBLIC}/products/{other['id']}"), 404)


async def test_list_filters(api: Api) -> None:
    staff = await catalog_admin(api)
    koton, mavi = await staff.brand("Koton"), await staff.brand("Mavi")
    clothes = await staff.category("Giyim")
    tops = await staff.category("Üst Giyim", parent_id=clothes["id"])
    tees = await staff.category("Tişörtler", parent_id=tops["id"])
    shoes = await staff.category("Ayakkabı")
    tee = await on_sale(staff, "Basic Tişört", koton, tees, "150.00")
    shirt = await on_sale(staff, "Keten Gömlek", mavi, tops, "400.00")
    jeans = await on_sale(staff, "Slim Jean", mavi, clothes, "800.00")
    boots = await on_sale(staff, "Çizme", koton, shoes, "1200.00")
    everything = [boots["id"], jeans["id"], shirt["id"], tee["id"]]  # newest first

    assert await browse_ids(api) == everything
    assert await browse_ids(api, sort="-created_at") == everything
    assert await browse_ids(api, category=clothes["id"]) == [jeans["id"], shirt["id"], tee["id"]]
    assert await browse_ids(api, category=tops["slug"]) == [shirt["id"], tee["id"]]
    assert await browse_ids(api, category=tees["id"]) == [tee["id"]]
    assert await browse_ids(api, category="no-such-category") == []
    assert await browse_ids(api, brand=koton["id"]) == [boots["id"], tee["id"]]
    assert await browse_ids(api, brand="mavi") == [jeans["id"], shirt["id"]]
    assert await browse_ids(api, brand="mavi", category=tops["id"]) == [shirt["id"]]
    assert await browse_ids(api, brand="no-such-brand") == []
    assert await browse_ids(api, min_price="400", max_price="800.00") == [jeans["id"], shirt["id"]]
    assert await browse_ids(api, min_price="1000") == [boots["id"]]
    assert await browse_ids(api, max_price="149.99") == []
    assert await browse_ids(api, q="tisort") == [tee["id"]]
    assert await browse_ids(api, q="ÇİZME") == [boots["id"]]
    assert await browse_ids(api, q="gomlek") == [shirt["id"]]
    assert await browse_ids(api, sort="price") == [tee["id"], shirt["id"], jeans["id"], boots["id"]]
    assert await browse_ids(api, sort="-price") == [boots["id"], jeans["id"], shirt["id"], tee["id"]]
    by_name = await browse_ids(api, sort="name")  # where "Çizme" falls is the database's collation
    assert [i for i in by_name if i != boots["id"]] == [tee["id"], shirt["id"], jeans["id"]]
    assert await browse_ids(api, in_stock="false") == everything  # nothing has stock here
    assert await browse_ids(api, in_stock="true") == []

    card = (await browse(api, q="tisort"))["items"][0]
    assert {"id", "name", "slug", "code", "brand", "category", "price", "tax_rate", "created_at"} <= set(card)
    assert (card["price"], card["brand"]["slug"], card["category"]["id"]) == (money("150.00"), "koton", tees["id"])


async def test_bad_list_queries_are_422(api: Api) -> None:
    for params in ({"limit": 101}, {"limit": 0}, {"limit": "ten"}, {"cursor": "not-a-cursor"},
                   {"sort": "cheapest"}, {"sort": "ice"}, {"min_price": "abc"}, {"max_price": "1.001"},
                   {"min_price": "10", "max_price": "5"}, {"currency": "XYZ"}, {"in_stock": "maybe"},
                   {"q": "a\u0000b"}):  # fmt: skip
        response = await api.client.get(f"{PUBLIC}/products", params=params)
        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"][0] == "query", (params, body)
    assert (await browse(api, limit=100)) == {"items": [], "next_cursor": None}


async def walk(api: Api, staff: Catalog, sort: str, make: Any) -> list[str]:
    """Every id of the public list in `sort` order, 7 a page, making a new product between pages."""
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = await browse(api, sort=sort, limit=7, **({"cursor": cursor} if cursor else {}))
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        await make()
    raise AssertionError("the pages never ended")


async def test_pages_stay_consistent_while_products_are_added(api: Api) -> None:
    staff = await catalog_admin(api)
    brand, category = await staff.brand("Koton"), await staff.category("Giyim")
    counter = iter(range(1000))

    async def make() -> dict[str, Any]:
        n = next(counter)
        return await on_sale(staff, f"Ürün {n}", brand, category, f"{100 + (n * 37) % 50}.00")  # prices repeat

    existing = {(await make())["id"] for _ in range(30)}
    for sort in ("-created_at", "price"):
        before = set(existing)
        seen = await walk(api, staff, sort, make)
        assert len(seen) == len(set(seen)), f"{sort}: an id came twice"
        assert before <= set(seen), f"{sort}: missed {before - set(seen)}"
        existing = {p["id"] for p in (await browse(api, limit=100))["items"]}
    assert len(existing) > 30


async def test_variants_generated_for_a_product_show_publicly(api: Api) -> None:
    staff = await catalog_admin(api)
    colour, size = await colour_and_size(staff)
    product = await staff.product("Polo", await staff.brand("Koton"), await staff.category("Giyim"))
    await staff.create(f"products/{product['id']}/variants/generate", option_value_ids=value_ids(colour, size),
                       price=money("99.90"))  # fmt: skip
    detail = await show(api, product["slug"])
    assert len(detail["variants"]) == 6
    assert all(v["price"] == money("99.90") for v in detail["variants"])
    assert [(g["key"], g["values"]) for g in detail["options"]] == [("Beden", ["S", "M", "L"]),
                                                                    ("Renk", ["Kırmızı", "Mavi"])]  # fmt: skip
    assert (await browse(api))["items"][0]["price"] == money("99.90")
