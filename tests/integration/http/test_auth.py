"""Registration, tokens, throttling, refresh rotation, logout, expiry and tampering, over HTTP on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.memory.services import FixedClock
from ports.services import AccessTokens, Clock
from tests.integration.http.conftest import (
    PASSWORD,
    Api,
    assert_problem,
    bearer,
    running_api,
    unique_email,
)

ACCOUNT_FIELDS = {"id", "email", "first_name", "last_name", "phone", "gender", "birthdate", "is_email_verified",
                  "is_phone_verified", "is_active", "is_superuser", "roles", "permissions", "last_login_at",
                  "created_at"}  # fmt: skip


async def test_register_returns_the_new_account(api: Api) -> None:
    email = unique_email()
    response = await api.client.post("/api/v1/auth/register", json={
        "email": f"  {email.upper()} ", "password": PASSWORD, "first_name": "Ayşe", "last_name": "Yılmaz",
        "phone": "0532 123 45 67"})  # fmt: skip

    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == ACCOUNT_FIELDS
    assert uuid.UUID(body["id"])
    assert body["email"] == email  # trimmed and lower-cased
    assert (body["first_name"], body["last_name"]) == ("Ayşe", "Yılmaz")
    assert body["phone"] == "+905321234567"
    assert body["is_email_verified"] is False and body["is_phone_verified"] is False
    assert body["is_active"] is True and body["is_superuser"] is False
    assert body["roles"] == [] and body["permissions"] == []
    assert datetime.fromisoformat(body["created_at"]).utcoffset() == timedelta(0)
    assert "password" not in response.text and "password_hash" not in body


async def test_register_twice_with_the_same_email_is_a_conflict(api: Api) -> None:
    email = unique_email()
    await api.register(email)
    again = await api.client.post("/api/v1/auth/register", json={"email": email.upper(), "password": PASSWORD})
    assert_problem(again, 409, "email_taken")


async def test_register_rejects_bad_fields(api: Api) -> None:
    short = await api.client.post("/api/v1/auth/register", json={"email": unique_email(), "password": "1234567"})
    body = assert_problem(short, 422)
    assert ["body", "password"] in [e["loc"] for e in body["errors"]]

    seven_ok = await api.client.post("/api/v1/auth/register", json={"email": unique_email(), "password": "12345678"})
    assert seven_ok.status_code == 201

    for bad in ({"email": "not-an-email", "password": PASSWORD},
                {"email": unique_email(), "password": PASSWORD, "phone": "12"},
                {"email": unique_email(), "password": PASSWORD, "first_name": "x" * 101},
                {"email": unique_email(), "password": 12345678},
                {"password": PASSWORD}):  # fmt: skip
        assert_problem(await api.client.post("/api/v1/auth/register", json=bad), 422)


async def test_token_pair_shape_and_it_opens_me(api: Api) -> None:
    account = await api.register()
    response = await api.token(account["email"])
    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 15 * 60
    assert pair["access_token"] != pair["refresh_token"]

    me = await api.client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == account["id"]
    assert me.json()["last_login_at"] is not None


async def test_wrong_password_and_unknown_email_answer_the_same(api: Api) -> None:
    account = await api.register()
    wrong = await api.token(account["email"], "not-the-password")
    unknown = await api.token(unique_email(), PASSWORD)
    a, b = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert a == b
    assert a["code"] == "invalid_credentials"
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")


async def test_ten_failures_lock_the_email_even_with_the_right_password(api: Api) -> None:
    account = await api.register()
    for _ in range(9):
        assert_problem(await api.token(account["email"], "wrong-password"), 401)
    assert (await api.token(account["email"])).status_code == 200  # nine failures: not yet locked
    assert_problem(await api.token(account["email"], "wrong-password"), 401)  # the tenth failure

    locked = await api.token(account["email"])
    assert_problem(locked, 429, "rate_limited")
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # the lock is per e-mail: someone else from the same address still logs in
    other = await api.register()
    assert (await api.token(other["email"])).status_code == 200


async def test_throttling_holds_with_redis_configured(sqlite_url: str, redis_url: str, tmp_path: Path) -> None:
    """With REDIS_URL set the failure counts live in Redis: the same limits, shared by every process."""
    async with running_api("sqlite", sqlite_url, tmp_path, redis_url=redis_url) as api:
        account = await api.register()
        for _ in range(10):
            assert_problem(await api.token(account["email"], "wrong-password"), 401)
        locked = await api.token(account["email"])
        assert_problem(locked, 429, "rate_limited")
        assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # another app process over the same Redis sees the lock too
    async with running_api("sqlite", sqlite_url, tmp_path, redis_url=redis_url) as other:
        assert_problem(await other.token(account["email"]), 429)


async def test_email_lock_ends_when_the_window_passes(api: Api) -> None:
    admin = await api.admin()
    put = await api.client.put("/api/v1/admin/settings/auth.login_window_seconds", json={"value": 1},
                               headers=admin.headers)  # fmt: skip
    assert put.status_code == 200, put.text
    account = await api.register()
    for _ in range(10):
        await api.token(account["email"], "wrong-password")
    assert_problem(await api.token(account["email"]), 429)
    await asyncio.sleep(1.2)
    assert (await api.token(account["email"])).status_code == 200


async def test_a_client_address_has_a_much_higher_threshold(api: Api) -> None:
    account = await api.register()
    # API.md: at least 100 failures per address (the declared default of auth.login_failures_per_client).
    # 99 failures from one address, each for another e-mail so that no e-mail is locked
    for _ in range(99):
        assert_problem(await api.token(unique_email("nobody"), "x" * 8), 401)
    assert (await api.token(account["email"])).status_code == 200  # successes never count
    assert_problem(await api.token(unique_email(), "x" * 8), 401)  # the 100th failure

    blocked = await api.token(account["email"])
    assert_problem(blocked, 429, "rate_limited")
    assert int(blocked.headers["retry-after"]) > 0
    async with api.client_at("10.1.2.3") as elsewhere:  # the same account from another address is fine
        response = await elsewhere.post("/api/v1/auth/token", json={"email": account["email"], "password": PASSWORD})
        assert response.status_code == 200


async def test_refresh_rotates_once_and_reuse_revokes_the_session(api: Api) -> None:
    user = await api.customer()
    first = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert first.status_code == 200, first.text
    pair = first.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["refresh_token"] != user.refresh_token
    assert (await api.client.get("/api/v1/me", headers=bearer(pair["access_token"]))).status_code == 200

    reused = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert_problem(reused, 401, "token_reused")
    # the leak ends the whole session: the newest pair is dead too, and so is the first access token
    assert_problem(await api.client.get("/api/v1/me", headers=bearer(pair["access_token"])), 401)
    assert_problem(await api.client.get("/api/v1/me", headers=user.headers), 401)
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)
    # another session of the same account is untouched
    other = await api.login(user.email)
    assert (await api.client.get("/api/v1/me", headers=bearer(other["access_token"]))).status_code == 200


async def test_refresh_with_an_unknown_token_is_401(api: Api) -> None:
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"}), 401,
                   "invalid_token")  # fmt: skip


async def test_logout_ends_the_session(api: Api) -> None:
    user = await api.customer()
    other = await api.login(user.email)  # a second device
    response = await api.client.post("/api/v1/auth/logout", headers=user.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await api.client.get("/api/v1/me", headers=user.headers), 401, "session_ended")
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}), 401)
    assert (await api.client.get("/api/v1/me", headers=bearer(other["access_token"]))).status_code == 200
    assert_problem(await api.client.post("/api/v1/auth/logout"), 401)


async def test_an_expired_access_token_is_401(api: Api) -> None:
    user = await api.customer()
    # the same claims as a real token of this account, signed with the app's key, expired a minute ago
    tokens = api.resolve(AccessTokens)
    claims = tokens.read(user.access_token)
    expired = tokens.issue(claims.account_id, claims.session_id, datetime.now(UTC) - timedelta(minutes=1))
    assert_problem(await api.client.get("/api/v1/me", headers=bearer(expired)), 401, "token_expired")
    still = tokens.issue(claims.account_id, claims.session_id, datetime.now(UTC) + timedelta(minutes=1))
    assert (await api.client.get("/api/v1/me", headers=bearer(still))).status_code == 200


async def test_tokens_and_sessions_end_when_the_clock_passes_them(db_url: tuple[str, str], tmp_path: Path) -> None:
    kind, url = db_url
    clock = FixedClock(datetime.now(UTC))
    async with running_api(kind, url, tmp_path, overrides={Clock: clock}) as api:
        user = await api.customer()
        assert (await api.client.get("/api/v1/me", headers=user.headers)).status_code == 200
        clock.advance(minutes=16)  # past the 15-minute access token
        assert_problem(await api.client.get("/api/v1/me", headers=user.headers), 401, "token_expired")
        refreshed = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
        assert refreshed.status_code == 200, refreshed.text
        pair = refreshed.json()
        assert (await api.client.get("/api/v1/me", headers=bearer(pair["access_token"]))).status_code == 200
        clock.advance(days=31)  # past the 30-day session
        assert_problem(await api.client.get("/api/v1/me", headers=bearer(pair["access_token"])), 401)
        again = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert_problem(again, 401, "session_ended")


async def test_a_tampered_or_foreign_token_is_401(api: Api) -> None:
    user = await api.customer()
    token = user.access_token
    header, payload, signature = token.split(".")
    flipped_sig = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    flipped_payload = payload[:10] + ("x" if payload[10] != "x" else "y") + payload[11:]
    for bad in (f"{header}.{payload}.{flipped_sig}", f"{header}.{flipped_payload}.{signature}", token[:-1],
                "not-a-jwt", token + "x"):  # fmt: skip
        assert_problem(await api.client.get("/api/v1/me", headers=bearer(bad)), 401)
    assert_problem(await api.client.get("/api/v1/me", headers={"Authorization": f"Token {token}"}), 401)
    assert_problem(await api.client.get("/api/v1/me", headers={"Authorization": "Bearer "}), 401)
    # a well-formed token for a session that does not exist
    claims = api.resolve(AccessTokens).read(token)
    forged = api.resolve(AccessTokens).issue(claims.account_id, str(uuid.uuid4()), claims.expires_at)
    assert_problem(await api.client.get("/api/v1/me", headers=bearer(forged)), 401)
    assert (await api.client.get("/api/v1/me", headers=user.headers)).status_code == 200


async def test_a_disabled_accounts_token_stops_working(api: Api) -> None:
    admin = await api.admin()
    user = await api.customer()
    response = await api.client.patch(f"/api/v1/admin/accounts/{user.id}", json={"is_active": False},
                                      headers=admin.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    assert_problem(await api.client.get("/api/v1/me", headers=user.headers), 401, "account_disabled")
    assert_problem(await api.token(user.email), 401, "invalid_credentials")
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}), 401)

    enabled = await api.client.patch(f"/api/v1/admin/accounts/{user.id}", json={"is_active": True},
                                     headers=admin.headers)  # fmt: skip
    assert enabled.json()["is_active"] is True
    assert (await api.token(user.email)).status_code == 200
