"""The conventions of API.md that every route shares: bodies, problems, lists, request ids, idempotency keys."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import AsyncIterator

from starlette.requests import Request

from core.shared.time import utcnow
from entrypoints.http.idempotency import caller_scope, request_fingerprint
from ports.platform import IdempotencyStore
from tests.integration.http.conftest import PASSWORD, Api, assert_problem, unique_email

REGISTER = "/api/v1/auth/register"
MIB = 1024 * 1024


async def test_malformed_json_is_400(api: Api) -> None:
    for raw in (b"{", b"{'email': 1}", b"\xff\xfe", b"[1,", b"nul"):
        response = await api.client.post(REGISTER, content=raw, headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "malformed_json")
    empty = await api.client.post(REGISTER, content=b"", headers={"Content-Type": "application/json"})
    assert_problem(empty, 400)


async def test_wrong_content_type_is_400(api: Api) -> None:
    body = json.dumps({"email": unique_email(), "password": PASSWORD}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = await api.client.post(REGISTER, content=body, headers={"Content-Type": content_type})
        assert_problem(response, 400, "unsupported_media_type")
    form = await api.client.post(REGISTER, data={"email": unique_email(), "password": PASSWORD})
    assert_problem(form, 400)
    ok = await api.client.post(REGISTER, content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 201


async def test_a_json_body_that_is_not_an_object_is_422(api: Api) -> None:
    for raw in ("[]", "1", '"text"', "null", "true"):
        response = await api.client.post(REGISTER, content=raw, headers={"Content-Type": "application/json"})
        assert_problem(response, 422)


async def test_bodies_over_one_mib_are_413(api: Api) -> None:
    padding = "x" * MIB
    big = await api.client.post(REGISTER, json={"email": unique_email(), "password": PASSWORD, "pad": padding})
    assert_problem(big, 413, "payload_too_large")
    assert big.headers.get("x-request-id")

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "a@example.com", "pad": "'
        for _ in range(18):
            yield b"y" * 65536
        yield b'"}'

    chunked = await api.client.post(REGISTER, content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in chunked.request.headers
    assert_problem(chunked, 413, "payload_too_large")

    # exactly the limit is allowed through (and then judged on its fields)
    head = json.dumps({"email": unique_email(), "password": PASSWORD, "pad": ""})
    at_limit = head[:-2] + "z" * (MIB - len(head)) + head[-2:]
    assert len(at_limit.encode()) == MIB
    response = await api.client.post(REGISTER, content=at_limit, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 422)
    assert ["body", "pad"] in [e["loc"] for e in body["errors"]]
    lying = await api.client.post(REGISTER, content=b"{}", headers={"Content-Type": "application/json",
                                                                     "Content-Length": "abc"})  # fmt: skip
    assert lying.status_code in (400, 413)


async def test_unknown_fields_are_422_with_their_location(api: Api) -> None:
    response = await api.client.post(REGISTER, json={"email": unique_email(), "password": PASSWORD,
                                                     "is_superuser": True, "nickname": "x"})  # fmt: skip
    body = assert_problem(response, 422)
    locs = [e["loc"] for e in body["errors"]]
    assert ["body", "is_superuser"] in locs and ["body", "nickname"] in locs
    assert all(isinstance(e["msg"], str) and e["msg"] for e in body["errors"])
    missing = assert_problem(await api.client.post(REGISTER, json={"email": unique_email()}), 422)
    assert ["body", "password"] in [e["loc"] for e in missing["errors"]]
    wrong_type = assert_problem(await api.client.post(REGISTER, json={"email": 5, "password": PASSWORD}), 422)
    assert ["body", "email"] in [e["loc"] for e in wrong_type["errors"]]


async def test_text_with_nul_characters_is_422_never_500(api: Api) -> None:
    """PostgreSQL stores no U+0000 in text; such input is refused up front on both databases alike."""
    admin = await api.admin()
    h, nul, roles = admin.headers, "a\u0000b", "/api/v1/admin/roles"
    body_cases = [
        ("POST", REGISTER, {"email": unique_email(), "password": PASSWORD, "last_name": nul}, {},
         ["body", "last_name"]),
        ("POST", REGISTER, {"email": unique_email(), "password": PASSWORD + nul}, {}, ["body", "password"]),
        ("POST", "/api/v1/auth/token", {"email": f"{nul}@example.com", "password": PASSWORD}, {}, ["body", "email"]),
        ("POST", "/api/v1/auth/password-reset", {"email": f"{nul}@example.com"}, {}, ["body", "email"]),
        ("POST", roles, {"code": "r1", "name": "R", "permissions": [nul]}, h, ["body", "permissions", 0]),
        ("POST", roles, {"code": nul, "name": "R", "permissions": []}, h, ["body", "code"]),
        ("PUT", "/api/v1/admin/settings/shop.name", {"value": nul}, h, ["body", "value"]),
        ("PATCH", "/api/v1/me", {"last_name": nul}, h, ["body", "last_name"]),
        ("POST", REGISTER, {"email": unique_email(), "password": PASSWORD, nul: 1}, {}, ["body", nul]),
    ]  # fmt: skip
    for method, path, payload, headers, loc in body_cases:
        response = await api.client.request(method, path, json=payload, headers=headers)
        body = assert_problem(response, 422)
        assert loc in [e["loc"] for e in body["errors"]], (path, body)
    for path, param in (("/api/v1/admin/audit-log", "target_type"), ("/api/v1/admin/accounts", "q")):
        body = assert_problem(await api.client.get(path, params={param: nul}, headers=h), 422)
        assert body["errors"][0]["loc"] == ["query", param]
    keyed = await api.client.post(REGISTER, json={"email": unique_email(), "password": PASSWORD},
                                  headers={"Idempotency-Key": nul})  # fmt: skip
    assert_problem(keyed, 422, "invalid_idempotency_key")
    shop = await api.client.get("/api/v1/admin/settings", headers=h)
    assert {s["key"]: s for s in shop.json()["items"]}["shop.name"]["is_default"] is True


async def test_list_limits_and_cursors(api: Api) -> None:
    admin = await api.admin()
    for path in ("/api/v1/admin/accounts", "/api/v1/admin/audit-log", "/api/v1/admin/jobs/dead-letters"):
        for limit in ("101", "0", "-1", "abc", "1.5"):
            body = assert_problem(await api.client.get(path, params={"limit": limit}, headers=admin.headers), 422)
            assert body["errors"][0]["loc"] == ["query", "limit"], body
        assert (await api.client.get(path, params={"limit": "100"}, headers=admin.headers)).status_code == 200
        forged = [b"!!!", b"bm90IGpzb24", base64.urlsafe_b64encode(b'{"a": 1}'), base64.urlsafe_b64encode(b"[1, 2]"),
                  base64.urlsafe_b64encode(b'["x", "y"]'), base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", "x"]'),
                  base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00+00:00"]).encode())]  # fmt: skip
        for cursor in forged:
            response = await api.client.get(path, params={"cursor": cursor.decode()}, headers=admin.headers)
            body = assert_problem(response, 422)
            assert body["errors"][0]["loc"] == ["query", "cursor"], (cursor, body)
    default = (await api.client.get("/api/v1/admin/accounts", headers=admin.headers)).json()
    assert set(default) == {"items", "next_cursor"}


async def test_a_cursor_with_a_time_without_offset_is_422_not_500(api: Api) -> None:
    """Cursors are opaque but client-held: a forged one naming a naive time must be refused, not crash."""
    admin = await api.admin()
    cursor = base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00", str(uuid.uuid4())]).encode()).decode()
    for path in ("/api/v1/admin/accounts", "/api/v1/admin/audit-log", "/api/v1/admin/jobs/dead-letters"):
        body = assert_problem(await api.client.get(path, params={"cursor": cursor}, headers=admin.headers), 422)
        assert body["errors"][0]["loc"] == ["query", "cursor"]
    aware = base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00+03:00", str(uuid.uuid4())]).encode())
    response = await api.client.get("/api/v1/admin/accounts", params={"cursor": aware.decode()}, headers=admin.headers)
    assert response.status_code == 200 and response.json()["items"] == []  # nobody registered before 2026


async def test_request_ids_are_echoed_or_made(api: Api) -> None:
    echoed = await api.client.get("/health/live", headers={"X-Request-ID": "req-123.abc"})
    assert echoed.headers["x-request-id"] == "req-123.abc"
    made = await api.client.get("/health/live")
    other = await api.client.get("/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers["x-request-id"] != other.headers["x-request-id"]
    unsafe = await api.client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])
    too_long = await api.client.get("/health/live", headers={"X-Request-ID": "a" * 200})
    assert too_long.headers["x-request-id"] != "a" * 200
    for response in (await api.client.get("/nope", headers={"X-Request-ID": "r1"}),
                     await api.client.post(REGISTER, content=b"{", headers={"X-Request-ID": "r2",
                                                                             "Content-Type": "application/json"}),
                     await api.client.get("/api/v1/me", headers={"X-Request-ID": "r3"})):  # fmt: skip
        assert response.headers["x-request-id"] == response.request.headers["x-request-id"]


async def test_unknown_routes_and_methods_are_problems(api: Api) -> None:
    for path in ("/nope", "/api/v1/nope", "/api/v2/me", "/api/v1/admin/roles/not-a-uuid"):
        body = assert_problem(await api.client.get(path), 404, "not_found")
        assert body["title"] == "Not Found"
    wrong = await api.client.delete("/api/v1/me")
    assert_problem(wrong, 405, "method_not_allowed")
    assert "GET" in wrong.headers["allow"]
    assert_problem(await api.client.put(REGISTER, json={}), 405)
    assert_problem(await api.client.post("/health/live"), 405)


async def test_register_with_an_idempotency_key_replays_the_first_answer(api: Api) -> None:
    email = unique_email()
    payload = {"email": email, "password": PASSWORD, "first_name": "Can"}
    headers = {"Idempotency-Key": "reg-" + uuid.uuid4().hex}
    first = await api.client.post(REGISTER, json=payload, headers=headers)
    assert first.status_code == 201
    # the same body with other key order and spacing is the same request
    same = json.dumps({"first_name": "Can", "password": PASSWORD, "email": email}, indent=2)
    replay = await api.client.post(REGISTER, content=same, headers={**headers, "Content-Type": "application/json"})
    assert replay.status_code == 201
    assert replay.content == first.content
    assert replay.headers["content-type"] == first.headers["content-type"]
    assert replay.headers.get("idempotent-replayed") == "true"

    # it was done once: one account, one verification e-mail
    await api.drain()
    assert len(api.mails_to(email)) == 1
    admin = await api.admin()
    found = (await api.client.get("/api/v1/admin/accounts", params={"q": email}, headers=admin.headers)).json()
    assert [a["id"] for a in found["items"]] == [first.json()["id"]]
    without_key = await api.client.post(REGISTER, json=payload)
    assert_problem(without_key, 409, "email_taken")

    different = await api.client.post(REGISTER, json={**payload, "first_name": "Cem"}, headers=headers)
    assert_problem(different, 422, "idempotency_key_reused")


async def test_idempotency_keys_are_per_caller_and_failures_replay_too(api: Api) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    email = unique_email()
    first = await api.client.post(REGISTER, json={"email": email, "password": "short"}, headers=key)
    assert_problem(first, 422)
    again = await api.client.post(REGISTER, json={"email": email, "password": "short"}, headers=key)
    assert (again.status_code, again.content) == (first.status_code, first.content)

    shared = {"Idempotency-Key": "shared-key"}
    mine = await api.client.post(REGISTER, json={"email": email, "password": PASSWORD}, headers=shared)
    assert mine.status_code == 201
    async with api.client_at("10.9.8.7") as elsewhere:  # the same key from another caller is another request
        theirs = await elsewhere.post(REGISTER, json={"email": email, "password": PASSWORD}, headers=shared)
        assert_problem(theirs, 409, "email_taken")
    assert_problem(await api.client.post(REGISTER, json={"email": unique_email(), "password": PASSWORD},
                                         headers={"Idempotency-Key": "k" * 256}), 422)  # fmt: skip
    assert_problem(await api.client.post(REGISTER, json={"email": unique_email(), "password": PASSWORD},
                                         headers={"Idempotency-Key": ""}), 422)  # fmt: skip


async def test_a_key_still_in_flight_is_409(api: Api) -> None:
    """The first request with the key has begun and not finished (as when it is still running elsewhere)."""
    payload = json.dumps({"email": unique_email(), "password": PASSWORD}).encode()
    key = uuid.uuid4().hex
    scope = {"type": "http", "method": "POST", "path": REGISTER, "headers": [], "query_string": b"",
             "client": ("127.0.0.1", 123), "server": ("test", 80), "scheme": "http"}  # fmt: skip
    request = Request(scope)
    store = api.resolve(IdempotencyStore)
    assert await store.begin(caller_scope(request, None), key, request_fingerprint(request, payload), utcnow()) is None

    response = await api.client.post(
        REGISTER, content=payload, headers={"Idempotency-Key": key, "Content-Type": "application/json"}
    )
    assert_problem(response, 409, "idempotency_key_in_progress")
