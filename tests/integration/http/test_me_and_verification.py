"""The caller's own account (GET/PATCH /me, no mass assignment), e-mail and phone verification, password reset."""

from __future__ import annotations

from tests.integration.http.conftest import PASSWORD, Api, assert_problem, bearer, unique_email


async def test_email_verification_with_the_mailed_link(api: Api) -> None:
    user = await api.customer()
    await api.drain()
    token = api.link_token(user.email, "/verify-email")
    assert not (await api.client.get("/api/v1/me", headers=user.headers)).json()["is_email_verified"]

    confirm = await api.client.post("/api/v1/auth/email-verification/confirm", json={"token": token})
    assert confirm.status_code == 204, confirm.text
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json()["is_email_verified"] is True

    again = await api.client.post("/api/v1/auth/email-verification/confirm", json={"token": token})
    assert_problem(again, 422, "invalid_token")
    resend = await api.client.post("/api/v1/auth/email-verification", headers=user.headers)
    assert_problem(resend, 409, "already_verified")


async def test_a_resent_link_works_and_a_made_up_one_does_not(api: Api) -> None:
    user = await api.customer()
    resend = await api.client.post("/api/v1/auth/email-verification", headers=user.headers)
    assert resend.status_code == 202, resend.text
    assert set(resend.json()) == {"detail"}
    await api.drain()
    assert len(api.mails_to(user.email)) == 2  # at registration and now
    bad = await api.client.post("/api/v1/auth/email-verification/confirm", json={"token": "made-up"})
    assert_problem(bad, 422, "invalid_token")
    good = await api.client.post("/api/v1/auth/email-verification/confirm",
                                 json={"token": api.link_token(user.email, "/verify-email")})  # fmt: skip
    assert good.status_code == 204
    assert_problem(await api.client.post("/api/v1/auth/email-verification"), 401)


async def test_password_reset_flow(api: Api) -> None:
    user = await api.customer()
    second_device = await api.login(user.email)
    requested = await api.client.post("/api/v1/auth/password-reset", json={"email": user.email})
    assert requested.status_code == 202, requested.text
    unknown = await api.client.post("/api/v1/auth/password-reset", json={"email": unique_email()})
    assert (unknown.status_code, unknown.json()) == (requested.status_code, requested.json())  # no leak
    await api.drain()
    token = api.link_token(user.email, "/reset-password")

    short = await api.client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "short"})
    assert_problem(short, 422)
    new_password = "brand-new-secret-1"
    done = await api.client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": new_password})
    assert done.status_code == 204, done.text

    # every open session ended; the old password fails, the new one works
    assert_problem(await api.client.get("/api/v1/me", headers=user.headers), 401)
    assert_problem(await api.client.get("/api/v1/me", headers=bearer(second_device["access_token"])), 401)
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}), 401)
    assert_problem(await api.token(user.email, PASSWORD), 401, "invalid_credentials")
    pair = await api.login(user.email, new_password)
    me = await api.client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert me.json()["is_email_verified"] is True  # the link reached the inbox

    reused = await api.client.post("/api/v1/auth/password-reset/confirm",
                                   json={"token": token, "password": "yet-another-one-2"})  # fmt: skip
    assert_problem(reused, 422, "invalid_token")


async def test_phone_verification_with_the_texted_code(api: Api) -> None:
    user = await api.customer(phone="+90 532 765 43 21")
    sent = await api.client.post("/api/v1/auth/phone-verification", headers=user.headers)
    assert sent.status_code == 202, sent.text
    await api.drain()
    code = api.sms_code("+905327654321")
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)

    bad = await api.client.post("/api/v1/auth/phone-verification/confirm", json={"code": wrong}, headers=user.headers)
    assert_problem(bad, 422, "invalid_token")
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json()["is_phone_verified"] is False
    ok = await api.client.post("/api/v1/auth/phone-verification/confirm", json={"code": code}, headers=user.headers)
    assert ok.status_code == 204, ok.text
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json()["is_phone_verified"] is True
    assert_problem(await api.client.post("/api/v1/auth/phone-verification", headers=user.headers), 409,
                   "already_verified")  # fmt: skip


async def test_phone_verification_needs_a_phone(api: Api) -> None:
    user = await api.customer()
    assert_problem(await api.client.post("/api/v1/auth/phone-verification", headers=user.headers), 409, "no_phone")


async def test_phone_code_dies_after_too_many_wrong_tries(api: Api) -> None:
    user = await api.customer(phone="05321112233")
    await api.client.post("/api/v1/auth/phone-verification", headers=user.headers)
    await api.drain()
    code = api.sms_code("+905321112233")
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    for _ in range(5):
        r = await api.client.post("/api/v1/auth/phone-verification/confirm", json={"code": wrong},
                                  headers=user.headers)  # fmt: skip
        assert_problem(r, 422)
    late = await api.client.post("/api/v1/auth/phone-verification/confirm", json={"code": code}, headers=user.headers)
    assert_problem(late, 422, "invalid_token")
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json()["is_phone_verified"] is False


async def test_get_and_patch_me(api: Api) -> None:
    user = await api.customer(first_name="Ali")
    me = await api.client.get("/api/v1/me", headers=user.headers)
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["first_name"]) == (user.email, "Ali")

    patch = {"first_name": "Veli", "last_name": "Öztürk", "gender": "male", "birthdate": "1990-05-17",
             "phone": "0532 999 88 77"}  # fmt: skip
    changed = await api.client.patch("/api/v1/me", json=patch, headers=user.headers)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["first_name"], body["last_name"], body["gender"], body["birthdate"], body["phone"]) == (
        "Veli", "Öztürk", "male", "1990-05-17", "+905329998877")  # fmt: skip
    again = (await api.client.get("/api/v1/me", headers=user.headers)).json()
    assert again == body

    partial = await api.client.patch("/api/v1/me", json={"last_name": ""}, headers=user.headers)
    assert partial.json()["last_name"] == "" and partial.json()["first_name"] == "Veli"


FORBIDDEN_CHANGES = {
    "is_superuser": True, "is_email_verified": True, "is_phone_verified": True, "roles": ["admin"],
    "permissions": ["accounts.manage"], "email": "someone-else@example.com", "id": "0" * 32, "is_active": False,
    "password": "new-password-1", "password_hash": "x", "created_at": "2020-01-01T00:00:00Z",
}  # fmt: skip


async def test_patch_me_refuses_mass_assignment(api: Api) -> None:
    user = await api.customer()
    before = (await api.client.get("/api/v1/me", headers=user.headers)).json()
    for field, value in FORBIDDEN_CHANGES.items():
        response = await api.client.patch("/api/v1/me", json={"first_name": "Mallory", field: value},
                                          headers=user.headers)  # fmt: skip
        body = assert_problem(response, 422)
        assert ["body", field] in [e["loc"] for e in body["errors"]], (field, body)
        assert (await api.client.get("/api/v1/me", headers=user.headers)).json() == before, field  # nothing changed
    everything = await api.client.patch("/api/v1/me", json=FORBIDDEN_CHANGES, headers=user.headers)
    locs = [e["loc"] for e in assert_problem(everything, 422)["errors"]]
    assert all(["body", field] in locs for field in FORBIDDEN_CHANGES), locs
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json() == before
    assert (await api.token(user.email)).status_code == 200
    assert_problem(await api.token("someone-else@example.com"), 401)


async def test_patch_me_rejects_invalid_values(api: Api) -> None:
    user = await api.customer(first_name="Ali")
    before = (await api.client.get("/api/v1/me", headers=user.headers)).json()
    for bad in ({"first_name": None}, {"first_name": 5}, {"gender": "robot"}, {"birthdate": "2999-01-01"},
                {"birthdate": "17/05/1990"}, {"phone": "123"}, {"first_name": "x" * 101}):  # fmt: skip
        response = await api.client.patch("/api/v1/me", json=bad, headers=user.headers)
        assert_problem(response, 422)
    assert (await api.client.get("/api/v1/me", headers=user.headers)).json() == before
    assert_problem(await api.client.patch("/api/v1/me", json={"first_name": "X"}), 401)
