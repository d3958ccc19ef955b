"""Staff work on the catalog over HTTP: categories, brands, option keys, products, variants and prices."""

from __future__ import annotations

import uuid
from typing import Any

import attrs
import httpx

from tests.integration.http.conftest import Api, User, assert_problem

CATALOG = "/api/v1/admin/catalog"
EAN13 = "4006381333931"  # a valid EAN-13 (check digit 1)


def money(amount: str, currency: str = "TRY") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def unique_code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@attrs.define
class Catalog:
    """Staff calls on the catalog over HTTP, as one staff member."""

    api: Api
    who: User

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        return await self.api.client.request(method, f"{CATALOG}/{path}", json=body, params=params or None,
                                             headers=self.who.headers)  # fmt: skip

    async def create(self, path: str, **body: Any) -> dict[str, Any]:
        response = await self.send("POST", path, body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def patch(self, path: str, **body: Any) -> dict[str, Any]:
        response = await self.send("PATCH", path, body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = await self.send("GET", path, **params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def category(self, name: str, **extra: Any) -> dict[str, Any]:
        return await self.create("categories", name=name, code=extra.pop("code", unique_code("CAT")), **extra)

    async def brand(self, name: str, **extra: Any) -> dict[str, Any]:
        return await self.create("brands", name=name, code=extra.pop("code", unique_code("BR")), **extra)

    async def option_key(self, key: str, *values: str, **extra: Any) -> dict[str, Any]:
        items = [{"value": v, "sorting": i} for i, v in enumerate(values)]
        return await self.create("option-keys", key=key, values=items, **extra)

    async def product(self, name: str, brand: dict[str, Any], category: dict[str, Any],
                      **extra: Any) -> dict[str, Any]:  # fmt: skip
        return await self.create("products", name=name, code=extra.pop("code", unique_code("P")),
                                 brand_id=brand["id"], category_id=category["id"], **extra)  # fmt: skip

    async def variant(self, product: dict[str, Any], price: str = "100.00", option_value_ids: list[str] | None = None,
                      **extra: Any) -> dict[str, Any]:  # fmt: skip
        return await self.create(f"products/{product['id']}/variants", code=extra.pop("code", unique_code("V")),
                                 option_value_ids=option_value_ids or [], price=money(price), **extra)  # fmt: skip

    async def listed(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a keyset-paged staff list, following the cursors."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(50):
            page = await self.get(path, **params, **({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("the list never ended")


async def catalog_admin(api: Api) -> Catalog:
    return Catalog(api, await api.admin())


async def test_the_catalog_needs_a_token_and_catalog_manage(api: Api) -> None:
    body = {"name": "Giyim", "code": "GIYIM"}
    assert_problem(await api.client.post(f"{CATALOG}/categories", json=body), 401)
    assert_problem(await api.client.get(f"{CATALOG}/products"), 401)
    customer = await api.customer()
    assert_problem(await api.client.post(f"{CATALOG}/categories", json=body, headers=customer.headers), 403)
    auditor = await api.staff("audit.read")
    assert_problem(await api.client.get(f"{CATALOG}/brands", headers=auditor.headers), 403)

    merchandiser = Catalog(api, await api.staff("catalog.manage"))
    category = await merchandiser.category("Giyim", code="GIYIM")
    assert (await merchandiser.get(f"categories/{category['id']}"))["code"] == "GIYIM"
    assert (await merchandiser.get("brands")) == {"items": [], "next_cursor": None}


async def test_category_crud(api: Api) -> None:
    staff = await catalog_admin(api)
    root = await staff.category("Giyim", code="GIYIM", sorting=2, meta_title="Giyim", meta_description="Her şey")
    assert set(root) == {"id", "name", "code", "slug", "parent_id", "sorting", "meta_title", "meta_description",
                         "is_active", "created_at", "updated_at"}  # fmt: skip
    assert (root["slug"], root["parent_id"], root["sorting"], root["is_active"]) == ("giyim", None, 2, True)
    child = await staff.category("Kadın", parent_id=root["id"])
    assert (child["slug"], child["parent_id"], child["sorting"]) == ("kadin", root["id"], 0)

    listed = (await staff.get("categories"))["items"]
    assert [c["id"] for c in listed] == [child["id"], root["id"]]  # by sorting
    assert await staff.get(f"categories/{root['id']}") == root

    changed = await staff.patch(f"categories/{child['id']}", name="Kadın Giyim", sorting=5, meta_title="K")
    assert (changed["name"], changed["sorting"], changed["meta_title"]) == ("Kadın Giyim", 5, "K")
    assert (changed["slug"], changed["code"], changed["parent_id"]) == ("kadin", child["code"], root["id"])
    assert changed["updated_at"] >= child["updated_at"]
    moved = await staff.patch(f"categories/{child['id']}", parent_id=None)
    assert moved["parent_id"] is None
    await staff.patch(f"categories/{child['id']}", parent_id=root["id"])

    assert_problem(await staff.send("DELETE", f"categories/{root['id']}"), 409, "category_not_empty")
    deleted = await staff.send("DELETE", f"categories/{child['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(await staff.send("GET", f"categories/{child['id']}"), 404)
    assert_problem(await staff.send("PATCH", f"categories/{child['id']}", {"name": "x"}), 404)
    assert [c["id"] for c in (await staff.get("categories"))["items"]] == [root["id"]]
    assert (await staff.send("DELETE", f"categories/{root['id']}")).status_code == 204


async def test_codes_and_slugs_are_unique(api: Api) -> None:
    staff = await catalog_admin(api)
    first = await staff.category("Çiçek Şalı", code="SAL")
    second = await staff.category("Çiçek Şalı")
    assert (first["slug"], second["slug"]) == ("cicek-sali", "cicek-sali-2")
    assert (await staff.brand("Çiçek Şalı"))["slug"] == "cicek-sali"  # slugs are unique per kind

    assert_problem(await staff.send("POST", "categories", {"name": "Başka", "code": "SAL"}), 409, "duplicate_code")
    taken_slug = {"name": "Başka", "code": "OTHER", "slug": "cicek-sali-2"}
    assert_problem(await staff.send("POST", "categories", taken_slug), 409, "duplicate_slug")
    assert_problem(await staff.send("PATCH", f"categories/{second['id']}", {"code": "SAL"}), 409, "duplicate_code")
    assert_problem(await staff.send("PATCH", f"categories/{second['id']}", {"slug": "cicek-sali"}), 409,
                   "duplicate_slug")  # fmt: skip
    explicit = await staff.category("Başka", slug="ozel-sal")
    assert explicit["slug"] == "ozel-sal"
    for bad in ({"name": "X", "code": "X1", "slug": "Not A Slug"}, {"name": "", "code": "X2"},
                {"name": "X", "code": ""}, {"name": "X", "code": "has space"}, {"name": "X"},
                {"name": "X", "code": "X3", "sorting": "1"},
                {"name": "X", "code": "X4", "is_active": False}):  # fmt: skip
        assert_problem(await staff.send("POST", "categories", bad), 422)


async def test_a_category_cannot_move_under_itself_or_its_descendants(api: Api) -> None:
    staff = await catalog_admin(api)
    top = await staff.category("Ev")
    middle = await staff.category("Mutfak", parent_id=top["id"])
    bottom = await staff.category("Tencere", parent_id=middle["id"])
    for parent in (bottom, middle, top):
        assert_problem(await staff.send("PATCH", f"categories/{top['id']}", {"parent_id": parent["id"]}), 409,
                       "category_cycle")  # fmt: skip
    assert (await staff.get(f"categories/{top['id']}"))["parent_id"] is None
    unknown = str(uuid.uuid4())
    body = assert_problem(await staff.send("PATCH", f"categories/{top['id']}", {"parent_id": unknown}), 422)
    assert body["errors"][0]["loc"] == ["body", "parent_id"]
    assert_problem(await staff.send("POST", "categories", {"name": "Y", "code": "Y1", "parent_id": unknown}), 422)
    # moving a subtree elsewhere is fine
    other = await staff.category("Bahçe")
    assert (await staff.patch(f"categories/{middle['id']}", parent_id=other["id"]))["parent_id"] == other["id"]


async def test_brand_crud_list_and_search(api: Api) -> None:
    staff = await catalog_admin(api)
    brands = [await staff.brand(name, description="Yerli") for name in ("Koton", "Şık Giyim", "Mavi", "Ipekyol")]
    assert set(brands[0]) == {"id", "name", "code", "slug", "description", "is_active", "created_at", "updated_at"}
    assert [b["slug"] for b in brands] == ["koton", "sik-giyim", "mavi", "ipekyol"]

    first = await staff.get("brands", limit=3)
    assert len(first["items"]) == 3 and first["next_cursor"]
    every = await staff.listed("brands", limit=3)
    assert [b["id"] for b in every] == [b["id"] for b in reversed(brands)]  # newest first, each once
    for q in ("GIYIM", "sik", "ŞIK"):  # Turkish letters folded
        found = await staff.get("brands", q=q)
        assert [b["id"] for b in found["items"]] == [brands[1]["id"]], q

    changed = await staff.patch(f"brands/{brands[0]['id']}", name="Koton Kids", description="", is_active=False)
    assert (changed["name"], changed["description"], changed["is_active"], changed["slug"]) == (
        "Koton Kids", "", False, "koton")  # fmt: skip
    assert_problem(await staff.send("PATCH", f"brands/{brands[0]['id']}", {"code": brands[2]["code"]}), 409,
                   "duplicate_code")  # fmt: skip
    assert_problem(await staff.send("PATCH", f"brands/{brands[0]['id']}", {"name": None}), 422)
    assert_problem(await staff.send("PATCH", f"brands/{brands[0]['id']}", {"id": str(uuid.uuid4())}), 422)

    category = await staff.category("Giyim")
    await staff.product("Tişört", brands[2], category)
    assert_problem(await staff.send("DELETE", f"brands/{brands[2]['id']}"), 409, "brand_in_use")
    assert (await staff.send("DELETE", f"brands/{brands[3]['id']}")).status_code == 204
    assert_problem(await staff.send("GET", f"brands/{brands[3]['id']}"), 404)
    assert brands[3]["id"] not in [b["id"] for b in await staff.listed("brands")]
    assert_problem(await staff.send("GET", "brands", limit=101), 422)
    assert_problem(await staff.send("GET", "brands", cursor="not-a-cursor"), 422)


async def test_option_key_crud(api: Api) -> None:
    staff = await catalog_admin(api)
    created = await staff.create("option-keys", key="Beden", description="Giysi bedeni", values=[
        {"value": "L", "sorting": 3}, {"value": "S", "sorting": 1}, {"value": "M", "sorting": 2}])  # fmt: skip
    assert set(created) == {"id", "key", "description", "is_variant_creator", "values", "is_active", "created_at",
                            "updated_at"}  # fmt: skip
    assert created["is_variant_creator"] is True
    assert [(v["value"], v["sorting"]) for v in created["values"]] == [("S", 1), ("M", 2), ("L", 3)]
    assert all(set(v) == {"id", "value", "sorting"} for v in created["values"])
    small = created["values"][0]

    changed = await staff.patch(f"option-keys/{created['id']}", description="", values=[
        {"id": small["id"], "value": "Small", "sorting": 0}, {"value": "XL", "sorting": 4}])  # fmt: skip
    assert [v["value"] for v in changed["values"]] == ["Small", "M", "L", "XL"]
    assert changed["values"][0]["id"] == small["id"] and changed["description"] == ""
    assert await staff.get(f"option-keys/{created['id']}") == changed
    duplicate_value = await staff.send("PATCH", f"option-keys/{created['id']}", {"values": [{"value": "xl"}]})
    assert_problem(duplicate_value, 409, "duplicate_value")
    assert_problem(await staff.send("PATCH", f"option-keys/{created['id']}", {"values": None}), 422)
    assert_problem(await staff.send("POST", "option-keys", {"key": "beden"}), 409, "duplicate_key")
    twice = {"key": "Renk", "values": [{"value": "Işık"}, {"value": "isik"}]}
    assert_problem(await staff.send("POST", "option-keys", twice), 409, "duplicate_value")
    assert_problem(await staff.send("POST", "option-keys", {"key": "Renk", "values": [{"value": ""}]}), 422)

    material = await staff.option_key("Malzeme", "Pamuk", is_variant_creator=False)
    assert material["is_variant_creator"] is False
    keys = (await staff.get("option-keys"))["items"]
    assert [k["key"] for k in keys] == ["Beden", "Malzeme"]

    product = await staff.product("Tişört", await staff.brand("Koton"), await staff.category("Giyim"))
    await staff.variant(product, option_value_ids=[small["id"]])
    assert_problem(await staff.send("DELETE", f"option-keys/{created['id']}"), 409, "option_key_in_use")
    assert (await staff.send("DELETE", f"option-keys/{material['id']}")).status_code == 204
    assert_problem(await staff.send("GET", f"option-keys/{material['id']}"), 404)
    assert [k["key"] for k in (await staff.get("option-keys"))["items"]] == ["Beden"]


async def test_product_crud(api: Api) -> None:
    staff = await catalog_admin(api)
    brand, category = await staff.brand("Koton"), await staff.category("Giyim")
    specs = [{"key": "Malzeme", "value": "Pamuk"}, {"key": "Yaka", "value": "Bisiklet"}]
    product = await staff.product("Basic Tişört", brand, category, code="TSHIRT-1", barcode=EAN13,
                                  description="Rahat kesim", specifications=specs, tax_rate="10",
                                  meta_title="Tişört")  # fmt: skip
    assert set(product) == {"id", "name", "code", "slug", "brand_id", "category_id", "barcode", "description",
                            "specifications", "tax_rate", "meta_title", "meta_description", "is_active",
                            "created_at", "updated_at"}  # fmt: skip
    assert (product["slug"], product["barcode"], product["tax_rate"], product["specifications"]) == (
        "basic-tisort", EAN13, "10", specs)  # fmt: skip
    plain = await staff.product("Kazak", brand, category)
    assert (plain["tax_rate"], plain["barcode"], plain["specifications"], plain["description"]) == ("20", None, [], "")

    variant = await staff.variant(product, "199.90")
    detail = await staff.get(f"products/{product['id']}")
    assert {k: v for k, v in detail.items() if k != "variants"} == product
    assert [v["id"] for v in detail["variants"]] == [variant["id"]]

    other_brand, other_category = await staff.brand("Mavi"), await staff.category("Üst Giyim")
    changed = await staff.patch(f"products/{product['id']}", name="Oversize Tişört", tax_rate="20",
                                brand_id=other_brand["id"], category_id=other_category["id"], barcode=None,
                                specifications=[], slug="oversize-tisort")  # fmt: skip
    assert (changed["name"], changed["tax_rate"], changed["brand_id"], changed["category_id"]) == (
        "Oversize Tişört", "20", other_brand["id"], other_category["id"])  # fmt: skip
    assert (changed["barcode"], changed["specifications"], changed["slug"]) == (None, [], "oversize-tisort")

    listed = await staff.listed("products", limit=1)
    assert [p["id"] for p in listed] == [plain["id"], product["id"]]
    assert [p["id"] for p in (await staff.get("products", q="TISORT"))["items"]] == [product["id"]]
    assert [p["id"] for p in (await staff.get("products", q="tshirt-1"))["items"]] == [product["id"]]

    assert (await staff.send("DELETE", f"products/{product['id']}")).status_code == 204
    assert_problem(await staff.send("GET", f"products/{product['id']}"), 404)
    assert_problem(await staff.send("GET", f"variants/{variant['id']}"), 404)  # its variants went with it
    assert [p["id"] for p in await staff.listed("products")] == [plain["id"]]


async def test_product_validation(api: Api) -> None:
    staff = await catalog_admin(api)
    brand, category = await staff.brand("Koton"), await staff.category("Giyim")
    valid = {"name": "Tişört", "code": "T-1", "brand_id": brand["id"], "category_id": category["id"]}
    product = await staff.create("products", **valid, slug="tisort")
    unknown = str(uuid.uuid4())
    cases = [
        ({"brand_id": unknown}, "unknown_reference", ["body", "brand_id"]),
        ({"category_id": unknown}, "unknown_reference", ["body", "category_id"]),
        ({"barcode": "4006381333932"}, "invalid_barcode", ["body", "barcode"]),
        ({"barcode": "12345"}, "invalid_barcode", ["body", "barcode"]),
        ({"tax_rate": "18"}, "invalid_tax_rate", ["body", "tax_rate"]),
        ({"tax_rate": 20}, None, ["body", "tax_rate"]),
        ({"tax_rate": "twenty"}, None, ["body", "tax_rate"]),
        ({"brand_id": "not-a-uuid"}, None, ["body", "brand_id"]),
        ({"specifications": [{"key": "Renk"}]}, None, ["body", "specifications", 0, "value"]),
        ({"is_superuser": True}, None, ["body", "is_superuser"]),
    ]
    for change, code, loc in cases:
        body = assert_problem(await staff.send("POST", "products", {**valid, "code": unique_code("T"), **change}),
                              422, code)  # fmt: skip
        assert loc in [e["loc"] for e in body["errors"]], (change, body)
    assert_problem(await staff.send("POST", "products", {**valid, "name": "Başka"}), 409, "duplicate_code")
    assert_problem(await staff.send("POST", "products", {**valid, "code": "T-2", "slug": "tisort"}), 409,
                   "duplicate_slug")  # fmt: skip
    assert (await staff.create("products", **{**valid, "code": "T-3"}))["slug"] == "tisort-2"

    path = f"products/{product['id']}"
    for change, status in (({"tax_rate": "18"}, 422), ({"brand_id": unknown}, 422), ({"brand_id": None}, 422),
                           ({"barcode": "123"}, 422), ({"code": "T-3"}, 409), ({"created_at": "x"}, 422)):  # fmt: skip
        assert_problem(await staff.send("PATCH", path, change), status)
    assert (await staff.get(path))["tax_rate"] == "20"


async def colour_and_size(staff: Catalog) -> tuple[dict[str, Any], dict[str, Any]]:
    colour = await staff.option_key("Renk", "Kırmızı", "Mavi")
    size = await staff.option_key("Beden", "S", "M", "L")
    return colour, size


def value_ids(*keys: dict[str, Any]) -> list[str]:
    return [v["id"] for key in keys for v in key["values"]]


async def test_variants_are_generated_once_per_combination(api: Api) -> None:
    staff = await catalog_admin(api)
    colour, size = await colour_and_size(staff)
    product = await staff.product("Tişört", await staff.brand("Koton"), await staff.category("Giyim"), code="TS")
    path = f"products/{product['id']}/variants/generate"
    made = await staff.create(path, option_value_ids=value_ids(colour, size), price=money("249.90"))
    variants = made["items"]
    assert len(variants) == 6
    assert len({v["code"] for v in variants}) == 6 and len({v["slug"] for v in variants}) == 6
    assert {frozenset(v["option_value_ids"]) for v in variants} == {
        frozenset({c, s}) for c in value_ids(colour) for s in value_ids(size)}  # fmt: skip
    first = variants[0]
    assert set(first) == {"id", "product_id", "name", "code", "slug", "barcode", "option_value_ids", "price",
                          "prices", "is_active", "created_at", "updated_at"}  # fmt: skip
    assert first["price"] == money("249.90") and first["product_id"] == product["id"]
    assert first["prices"] == [{"price": money("249.90"), "discount": money("0.00"), "sale_price": money("249.90")}]
    assert first["name"].startswith("Tişört - ")

    again = await staff.create(path, option_value_ids=value_ids(colour, size), price=money("249.90"))
    assert again == {"items": []}
    detail = await staff.get(f"products/{product['id']}")
    assert len(detail["variants"]) == 6

    red, small = colour["values"][0]["id"], size["values"][0]["id"]
    twin = await staff.send("POST", f"products/{product['id']}/variants",
                            {"code": "TS-X", "option_value_ids": [small, red], "price": money("1.00")})  # fmt: skip
    assert_problem(twin, 409, "duplicate_combination")
    # a new size adds only its own combinations
    grown = await staff.patch(f"option-keys/{size['id']}", values=[{"value": "XL", "sorting": 9}])
    xl = grown["values"][-1]["id"]
    added = await staff.create(path, option_value_ids=[*value_ids(colour), xl], price=money("259.90"))
    assert len(added["items"]) == 2 and all(xl in v["option_value_ids"] for v in added["items"])
    assert_problem(await staff.send("POST", path, {"option_value_ids": [], "price": money("1.00")}), 422)
    assert_problem(await staff.send("POST", path, {"option_value_ids": [str(uuid.uuid4())],
                                                   "price": money("1.00")}), 422)  # fmt: skip
    unknown_product = f"products/{uuid.uuid4()}/variants/generate"
    assert_problem(await staff.send("POST", unknown_product, {"option_value_ids": [red], "price": money("1.00")}),
                   404)  # fmt: skip


async def test_variant_crud_and_validation(api: Api) -> None:
    staff = await catalog_admin(api)
    colour, size = await colour_and_size(staff)
    material = await staff.option_key("Malzeme", "Pamuk", is_variant_creator=False)
    product = await staff.product("Gömlek", await staff.brand("Koton"), await staff.category("Giyim"))
    red, blue = value_ids(colour)
    small = value_ids(size)[0]
    variant = await staff.variant(product, "300.00", [red, small], code="G-RED-S", barcode=EAN13,
                                  discount=money("50.00"))  # fmt: skip
    assert (variant["code"], variant["barcode"], variant["option_value_ids"]) == ("G-RED-S", EAN13, [red, small])
    assert variant["price"] == money("250.00")
    assert variant["prices"] == [{"price": money("300.00"), "discount": money("50.00"),
                                  "sale_price": money("250.00")}]  # fmt: skip
    # products without options: variants with no values, as many as needed
    bare = await staff.variant(product, "10.00")
    assert bare["option_value_ids"] == [] and (await staff.variant(product, "12.00"))["option_value_ids"] == []

    variants = f"products/{product['id']}/variants"
    bad_bodies = [
        ({"price": {"amount": 10.5, "currency": "TRY"}}, ["body", "price"]),
        ({"price": {"amount": "10.001", "currency": "TRY"}}, ["body", "price", "amount"]),
        ({"price": {"amount": "10", "currency": "XYZ"}}, None),
        ({"price": {"amount": "-1.00", "currency": "TRY"}}, ["body", "price"]),
        ({"price": "10.00"}, ["body", "price"]),
        ({"price": money("10.00"), "discount": money("11.00")}, ["body", "discount"]),
        ({"option_value_ids": [red, blue]}, ["body", "option_value_ids"]),
        ({"option_value_ids": [red, red]}, ["body", "option_value_ids"]),
        ({"option_value_ids": [str(uuid.uuid4())]}, ["body", "option_value_ids"]),
        ({"option_value_ids": [material["values"][0]["id"]]}, ["body", "option_value_ids"]),
        ({"barcode": "1234567890123"}, ["body", "barcode"]),
    ]
    for change, loc in bad_bodies:
        body = {"code": unique_code("G"), "option_value_ids": [blue], "price": money("10.00"), **change}
        problem = assert_problem(await staff.send("POST", variants, body), 422)
        if loc is not None:
            assert loc in [e["loc"] for e in problem["errors"]], (change, problem)
    assert_problem(await staff.send("POST", variants, {"code": "G-RED-S", "option_value_ids": [blue],
                                                       "price": money("1.00")}), 409, "duplicate_code")  # fmt: skip

    path = f"variants/{variant['id']}"
    assert await staff.get(path) == variant
    changed = await staff.patch(path, name="Kırmızı S", code="G-R-S", barcode=None, is_active=False)
    assert (changed["name"], changed["code"], changed["barcode"], changed["is_active"]) == (
        "Kırmızı S", "G-R-S", None, False)  # fmt: skip
    assert_problem(await staff.send("PATCH", path, {"option_value_ids": []}), 422)
    assert_problem(await staff.send("PATCH", path, {"code": bare["code"]}), 409, "duplicate_code")

    priced = await api.client.put(f"{CATALOG}/{path}/price", json={"price": money("400.00")},
                                  headers=staff.who.headers)  # fmt: skip
    assert priced.status_code == 200, priced.text
    assert priced.json()["prices"] == [{"price": money("400.00"), "discount": money("0.00"),
                                        "sale_price": money("400.00")}]  # fmt: skip
    euro = await api.client.put(f"{CATALOG}/{path}/price", json={"price": money("20.00", "EUR"),
                                                                 "discount": money("2.50", "EUR")},
                                headers=staff.who.headers)  # fmt: skip
    assert [p["sale_price"] for p in euro.json()["prices"]] == [money("17.50", "EUR"), money("400.00")]
    assert euro.json()["price"] == money("400.00")  # the TRY price leads
    for bad in ({"price": money("10.00"), "discount": money("10.01")}, {"price": {"amount": 10, "currency": "TRY"}},
                {"price": money("10.00"), "discount": money("1.00", "EUR")}, {"price": money("1.234")},
                {"discount": money("1.00")}):  # fmt: skip
        response = await api.client.put(f"{CATALOG}/{path}/price", json=bad, headers=staff.who.headers)
        assert_problem(response, 422)
    unknown = await api.client.put(f"{CATALOG}/variants/{uuid.uuid4()}/price", json={"price": money("1.00")},
                                   headers=staff.who.headers)  # fmt: skip
    assert_problem(unknown, 404)

    assert (await staff.send("DELETE", path)).status_code == 204
    assert_problem(await staff.send("GET", path), 404)
    assert_problem(await staff.send("DELETE", path), 404)
    remaining = (await staff.get(f"products/{product['id']}"))["variants"]
    assert variant["id"] not in [v["id"] for v in remaining] and len(remaining) == 2


async def test_unknown_ids_are_404(api: Api) -> None:
    staff = await catalog_admin(api)
    unknown = uuid.uuid4()
    for kind in ("categories", "brands", "option-keys", "products"):
        assert_problem(await staff.send("GET", f"{kind}/{unknown}"), 404)
        assert_problem(await staff.send("PATCH", f"{kind}/{unknown}", {}), 404)
        assert_problem(await staff.send("DELETE", f"{kind}/{unknown}"), 404)
    assert_problem(await staff.send("GET", f"variants/{unknown}"), 404)
    assert_problem(await staff.send("PATCH", f"variants/{unknown}", {"name": "x"}), 404)
    assert_problem(await staff.send("DELETE", f"variants/{unknown}"), 404)
    new_variant = {"code": "V1", "option_value_ids": [], "price": money("1.00")}
    assert_problem(await staff.send("POST", f"products/{unknown}/variants", new_variant), 404)
    assert_problem(await staff.send("GET", "products/not-a-uuid"), 404)
