"""A sweep over every declared endpoint: staff routes need a token and the route's permission; private routes
need a token; unknown or other people's ids are 404."""

from __future__ import annotations

import re
import typing
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import attrs
import httpx

from core.accounts.permissions import PERMISSIONS
from core.shared.money import Money
from entrypoints.http.api import Endpoint
from entrypoints.http.app import endpoints
from tests.integration.http.conftest import Api, assert_problem, bearer

ADMIN = [ep for ep in endpoints() if ep.public_path.startswith("/api/v1/admin")]
PRIVATE = [ep for ep in endpoints() if ep.auth == "required" and not ep.public_path.startswith("/api/v1/admin")]
SETTING_KEY = "auth.access_token_minutes"


def sample(hint: Any) -> Any:
    """A plausible JSON value of this type."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return args[0]
    if origin in (typing.Union, __import__("types").UnionType):
        return sample(next(a for a in args if a is not type(None)))
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    simple = {str: "x", int: 1, bool: True, uuid.UUID: str(uuid.uuid4()), datetime: "2026-01-01T00:00:00+00:00",
              date: "2000-01-01", Decimal: "1", Money: {"amount": "1.00", "currency": "TRY"}}  # fmt: skip
    if hint in simple:
        return simple[hint]
    if attrs.has(hint):
        return sample_body(hint)
    return 1  # Any


def sample_body(cls: type[Any]) -> dict[str, Any]:
    """The required fields of a request body class, each with a plausible value."""
    hints = typing.get_type_hints(cls)
    return {f.name: sample(hints[f.name]) for f in attrs.fields(cls) if f.default is attrs.NOTHING}


def concrete_path(ep: Endpoint) -> str:
    def fill(match: re.Match[str]) -> str:
        name, convertor = match.group(1), match.group(2)
        if convertor == "uuid" or name.endswith("_id") or name == "id":
            return str(uuid.uuid4())
        return SETTING_KEY if name == "key" else "x"

    return re.sub(r"{(\w+)(?::(\w+))?}", fill, ep.path)


async def call(client: httpx.AsyncClient, ep: Endpoint, headers: dict[str, str] | None = None) -> httpx.Response:
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if ep.body is not None:
        kwargs["json"] = sample_body(ep.body)
    return await client.request(ep.method, concrete_path(ep), **kwargs)


def test_the_sweep_covers_the_staff_routes() -> None:
    assert len(ADMIN) >= 14, [e.public_path for e in ADMIN]
    assert len(PRIVATE) >= 6, [e.public_path for e in PRIVATE]
    for ep in ADMIN:
        assert ep.auth == "required" and ep.permission in PERMISSIONS, (ep.method, ep.path, ep.permission)


async def test_every_staff_route_needs_a_token_then_the_permission(api: Api) -> None:
    customer = await api.customer()
    failures = []
    for ep in ADMIN:
        anonymous = await call(api.client, ep)
        as_customer = await call(api.client, ep, customer.headers)
        bad_token = await call(api.client, ep, bearer("garbage"))
        for response, status in ((anonymous, 401), (as_customer, 403), (bad_token, 401)):
            try:
                assert_problem(response, status)
            except AssertionError as exc:
                failures.append(f"{ep.method} {ep.path}: {exc}")
        if anonymous.status_code == 401 and anonymous.headers.get("www-authenticate") != "Bearer":
            failures.append(f"{ep.method} {ep.path}: 401 without WWW-Authenticate: Bearer")
    assert not failures, "\n".join(failures)


async def test_staff_routes_need_the_permission_they_name(api: Api) -> None:
    """A staff member with one permission gets past exactly the routes that name it."""
    auditor = await api.staff("audit.read")
    failures = []
    for ep in ADMIN:
        response = await call(api.client, ep, auditor.headers)
        if ep.permission == "audit.read":
            if response.status_code in (401, 403):
                failures.append(f"{ep.method} {ep.path}: {response.status_code} for its own permission")
        elif response.status_code != 403:
            failures.append(f"{ep.method} {ep.path}: {response.status_code}, expected 403 (needs {ep.permission})")
    assert not failures, "\n".join(failures)
    ok = await api.client.get("/api/v1/admin/audit-log", headers=auditor.headers)
    assert ok.status_code == 200, ok.text


async def test_every_private_route_needs_a_token(api: Api) -> None:
    failures = []
    for ep in PRIVATE:
        for headers in ({}, bearer("garbage"), {"Authorization": "Basic dXNlcjpwYXNz"}):
            response = await call(api.client, ep, headers)
            try:
                assert_problem(response, 401)
            except AssertionError as exc:
                failures.append(f"{ep.method} {ep.path} {headers}: {exc}")
    assert not failures, "\n".join(failures)


async def test_superuser_gets_404_for_unknown_ids(api: Api) -> None:
    admin = await api.admin()
    unknown = str(uuid.uuid4())
    h = admin.headers
    c = api.client
    assert_problem(await c.get(f"/api/v1/admin/accounts/{unknown}", headers=h), 404)
    assert_problem(await c.patch(f"/api/v1/admin/accounts/{unknown}", json={"is_active": False}, headers=h), 404)
    assert_problem(await c.put(f"/api/v1/admin/accounts/{unknown}/roles", json={"role_ids": []}, headers=h), 404)
    assert_problem(await c.patch(f"/api/v1/admin/roles/{unknown}", json={"name": "x"}, headers=h), 404)
    assert_problem(await c.delete(f"/api/v1/admin/roles/{unknown}", headers=h), 404)
    assert_problem(await c.post(f"/api/v1/admin/jobs/dead-letters/{unknown}/retry", headers=h), 404)
    assert_problem(await c.put("/api/v1/admin/settings/no.such.key", json={"value": 1}, headers=h), 404)
    assert_problem(await c.delete("/api/v1/admin/settings/no.such.key", headers=h), 404)
    # a path id that is not a UUID is no route at all
    assert_problem(await c.get("/api/v1/admin/accounts/not-a-uuid", headers=h), 404)


async def test_a_customer_only_ever_sees_their_own_account(api: Api) -> None:
    alice, bob = await api.customer(first_name="Alice"), await api.customer(first_name="Bob")
    assert (await api.client.get("/api/v1/me", headers=alice.headers)).json()["id"] == alice.id
    assert (await api.client.get("/api/v1/me", headers=bob.headers)).json()["id"] == bob.id
    assert_problem(await api.client.get(f"/api/v1/admin/accounts/{bob.id}", headers=alice.headers), 403)
    # Alice's logout ends her session only
    await api.client.post("/api/v1/auth/logout", headers=alice.headers)
    assert (await api.client.get("/api/v1/me", headers=bob.headers)).status_code == 200
    assert_problem(await api.client.get("/api/v1/me", headers=alice.headers), 401)
    # Alice's PATCH /me changes Alice, whatever id she names
    alice_again = await api.login(alice.email)
    sneaky = await api.client.patch("/api/v1/me", json={"id": bob.id, "first_name": "Mallory"},
                                    headers=bearer(alice_again["access_token"]))  # fmt: skip
    assert_problem(sneaky, 422)
    assert (await api.client.get("/api/v1/me", headers=bob.headers)).json()["first_name"] == "Bob"
