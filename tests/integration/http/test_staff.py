"""Staff work over HTTP: roles and their assignment, runtime settings, the audit log, languages, failed jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.platform.use_cases import LoadLanguages
from tests.integration.http.conftest import Api, User, assert_problem

ROLES = "/api/v1/admin/roles"


async def create_role(api: Api, who: User, code: str, permissions: list[str], **extra: Any) -> dict[str, Any]:
    response = await api.client.post(ROLES, json={"code": code, "name": code.title(), "permissions": permissions,
                                                  **extra}, headers=who.headers)  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_permissions_list_names_every_permission(api: Api) -> None:
    admin = await api.admin()
    response = await api.client.get("/api/v1/admin/permissions", headers=admin.headers)
    assert response.status_code == 200
    codes = [p["code"] for p in response.json()["items"]]
    assert {"accounts.manage", "settings.manage", "audit.read", "jobs.manage", "catalog.manage"} <= set(codes)
    assert all(p["description"] for p in response.json()["items"])


async def test_role_crud(api: Api) -> None:
    admin = await api.admin()
    role = await create_role(api, admin, "picker", ["inventory.manage", "catalog.manage"], description="Depo")
    assert set(role) == {"id", "code", "name", "description", "permissions", "created_at", "updated_at"}
    assert role["permissions"] == ["catalog.manage", "inventory.manage"]
    assert role["description"] == "Depo"

    listed = (await api.client.get(ROLES, headers=admin.headers)).json()["items"]
    assert [r for r in listed if r["id"] == role["id"]] == [role]

    patch = {"name": "Toplayıcı", "permissions": ["orders.manage"]}
    changed = await api.client.patch(f"{ROLES}/{role['id']}", json=patch, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["permissions"]) == ("Toplayıcı", ["orders.manage"])
    assert changed.json()["code"] == "picker"

    deleted = await api.client.delete(f"{ROLES}/{role['id']}", headers=admin.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    listed = (await api.client.get(ROLES, headers=admin.headers)).json()["items"]
    assert role["id"] not in [r["id"] for r in listed]
    assert_problem(await api.client.patch(f"{ROLES}/{role['id']}", json={"name": "x"}, headers=admin.headers), 404)
    assert_problem(await api.client.delete(f"{ROLES}/{role['id']}", headers=admin.headers), 404)


async def test_role_validation(api: Api) -> None:
    admin = await api.admin()
    await create_role(api, admin, "packer", ["orders.manage"])
    unknown = await api.client.post(ROLES, json={"code": "x1", "name": "X", "permissions": ["root.everything"]},
                                    headers=admin.headers)  # fmt: skip
    body = assert_problem(unknown, 422, "unknown_permission")
    assert body["errors"][0]["loc"][:2] == ["body", "permissions"]
    duplicate = await api.client.post(ROLES, json={"code": "packer", "name": "Again", "permissions": []},
                                      headers=admin.headers)  # fmt: skip
    assert_problem(duplicate, 409, "duplicate_code")
    for bad in ({"code": "", "name": "X", "permissions": []}, {"code": "x" * 65, "name": "X", "permissions": []},
                {"code": "ok", "name": "X" * 201, "permissions": []}, {"code": "ok", "name": "X"},
                {"code": "ok", "name": "X", "permissions": "orders.manage"}):  # fmt: skip
        assert_problem(await api.client.post(ROLES, json=bad, headers=admin.headers), 422)
    role_id = (await api.client.get(ROLES, headers=admin.headers)).json()["items"][0]["id"]
    patch = await api.client.patch(f"{ROLES}/{role_id}", json={"permissions": ["nope"]}, headers=admin.headers)
    assert_problem(patch, 422, "unknown_permission")
    assert_problem(await api.client.patch(f"{ROLES}/{role_id}", json={"code": "renamed"}, headers=admin.headers), 422)


async def test_assigning_roles_grants_their_permissions(api: Api) -> None:
    admin = await api.admin()
    role = await create_role(api, admin, "auditor", ["audit.read"])
    user = await api.customer()
    assert_problem(await api.client.get("/api/v1/admin/audit-log", headers=user.headers), 403)

    assigned = await api.client.put(f"/api/v1/admin/accounts/{user.id}/roles", json={"role_ids": [role["id"]]},
                                    headers=admin.headers)  # fmt: skip
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["roles"], assigned.json()["permissions"]) == (["auditor"], ["audit.read"])
    # the change holds from the next request on, with the same token
    assert (await api.client.get("/api/v1/admin/audit-log", headers=user.headers)).status_code == 200
    me = (await api.client.get("/api/v1/me", headers=user.headers)).json()
    assert me["permissions"] == ["audit.read"]
    assert_problem(await api.client.get("/api/v1/admin/settings", headers=user.headers), 403)

    unknown = await api.client.put(
        f"/api/v1/admin/accounts/{user.id}/roles",
        json={"role_ids": ["00000000-0000-4000-8000-000000000000"]},
        headers=admin.headers,
    )
    body = assert_problem(unknown, 422)
    assert body["errors"][0]["loc"] == ["body", "role_ids", 0]

    cleared = await api.client.put(f"/api/v1/admin/accounts/{user.id}/roles", json={"role_ids": []},
                                   headers=admin.headers)  # fmt: skip
    assert cleared.json()["roles"] == []
    assert_problem(await api.client.get("/api/v1/admin/audit-log", headers=user.headers), 403)

    # deleting a role takes its permissions away from its holders
    await api.client.put(f"/api/v1/admin/accounts/{user.id}/roles", json={"role_ids": [role["id"]]},
                         headers=admin.headers)  # fmt: skip
    await api.client.delete(f"{ROLES}/{role['id']}", headers=admin.headers)
    assert_problem(await api.client.get("/api/v1/admin/audit-log", headers=user.headers), 403)


async def test_staff_cannot_grant_what_they_lack(api: Api) -> None:
    admin = await api.admin()
    manager = await api.staff("accounts.manage")
    settings_role = await create_role(api, admin, "settings_admin", ["settings.manage"])
    accounts_role = await create_role(api, admin, "account_admin", ["accounts.manage"])
    target = await api.customer()

    escalate = await api.client.put(
        f"/api/v1/admin/accounts/{target.id}/roles", json={"role_ids": [settings_role["id"]]}, headers=manager.headers
    )
    assert_problem(escalate, 403, "cannot_escalate")
    themselves = await api.client.put(
        f"/api/v1/admin/accounts/{manager.id}/roles", json={"role_ids": [settings_role["id"]]}, headers=manager.headers
    )
    assert_problem(themselves, 403, "cannot_escalate")
    # nothing was granted
    assert (await api.client.get("/api/v1/me", headers=target.headers)).json()["roles"] == []
    assert_problem(await api.client.get("/api/v1/admin/settings", headers=manager.headers), 403)
    # what they hold themselves they may grant
    ok = await api.client.put(f"/api/v1/admin/accounts/{target.id}/roles", json={"role_ids": [accounts_role["id"]]},
                              headers=manager.headers)  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert ok.json()["permissions"] == ["accounts.manage"]
    # a superuser holds every permission, so may grant any role
    by_admin = await api.client.put(
        f"/api/v1/admin/accounts/{target.id}/roles", json={"role_ids": [settings_role["id"]]}, headers=admin.headers
    )
    assert by_admin.status_code == 200


async def test_staff_cannot_escalate_through_roles_or_touch_a_superuser(api: Api) -> None:
    admin = await api.admin()
    manager = await api.staff("accounts.manage")
    made = await api.client.post(ROLES, json={"code": "god", "name": "God", "permissions": ["settings.manage"]},
                                 headers=manager.headers)  # fmt: skip
    assert_problem(made, 403, "cannot_escalate")
    assert "god" not in [r["code"] for r in (await api.client.get(ROLES, headers=admin.headers)).json()["items"]]

    # the manager's own role, widened by its holder: refused, and the role is unchanged
    own = next(r for r in (await api.client.get(ROLES, headers=admin.headers)).json()["items"]
               if r["permissions"] == ["accounts.manage"])  # fmt: skip
    widened = await api.client.patch(f"{ROLES}/{own['id']}", json={"permissions": ["accounts.manage", "audit.read"]},
                                     headers=manager.headers)  # fmt: skip
    assert_problem(widened, 403, "cannot_escalate")
    assert_problem(await api.client.get("/api/v1/admin/audit-log", headers=manager.headers), 403)
    renamed = await api.client.patch(f"{ROLES}/{own['id']}", json={"name": "Account keepers"}, headers=manager.headers)
    assert renamed.status_code == 200, renamed.text  # what grants nothing new is fine

    disable = await api.client.patch(f"/api/v1/admin/accounts/{admin.id}", json={"is_active": False},
                                     headers=manager.headers)  # fmt: skip
    assert_problem(disable, 403, "permission_denied")
    assert (await api.client.get("/api/v1/me", headers=admin.headers)).status_code == 200


async def test_accounts_list_and_search(api: Api) -> None:
    admin = await api.admin()
    users = [await api.customer(first_name=f"Zeynep{i}") for i in range(3)]
    listed = await api.client.get("/api/v1/admin/accounts", params={"limit": 2}, headers=admin.headers)
    assert listed.status_code == 200
    page = listed.json()
    assert set(page) == {"items", "next_cursor"} and len(page["items"]) == 2 and page["next_cursor"]
    seen = [a["id"] for a in page["items"]]
    for _ in range(10):
        if not page["next_cursor"]:
            break
        page = (await api.client.get("/api/v1/admin/accounts", params={"limit": 2, "cursor": page["next_cursor"]},
                                     headers=admin.headers)).json()  # fmt: skip
        seen += [a["id"] for a in page["items"]]
    assert page["next_cursor"] is None
    assert sorted(seen) == sorted({*seen}) and {u.id for u in users} | {admin.id} == set(seen)

    found = await api.client.get("/api/v1/admin/accounts", params={"q": "zeynep1"}, headers=admin.headers)
    assert [a["id"] for a in found.json()["items"]] == [users[1].id]
    one = await api.client.get(f"/api/v1/admin/accounts/{users[0].id}", headers=admin.headers)
    assert one.json()["email"] == users[0].email


SETTINGS = "/api/v1/admin/settings"


async def test_settings_read_write_reset(api: Api) -> None:
    admin = await api.admin()
    listed = await api.client.get(SETTINGS, headers=admin.headers)
    assert listed.status_code == 200
    by_key = {s["key"]: s for s in listed.json()["items"]}
    minutes = by_key["auth.access_token_minutes"]
    assert set(minutes) == {"key", "type", "default", "value", "help", "is_default"}
    assert (minutes["type"], minutes["default"], minutes["value"], minutes["is_default"]) == ("integer", 15, 15, True)

    for bad in ("30", 30.5, True, [30], {"v": 30}):
        assert_problem(await api.client.put(f"{SETTINGS}/auth.access_token_minutes", json={"value": bad},
                                            headers=admin.headers), 422, "wrong_type")  # fmt: skip
    assert_problem(await api.client.put(f"{SETTINGS}/auth.access_token_minutes", json={"value": 0},
                                        headers=admin.headers), 422, "out_of_range")  # fmt: skip
    assert_problem(await api.client.put(f"{SETTINGS}/auth.access_token_minutes", json={},
                                        headers=admin.headers), 422)  # fmt: skip
    assert_problem(await api.client.put(f"{SETTINGS}/shop.name", json={"value": 5}, headers=admin.headers), 422)

    put = await api.client.put(f"{SETTINGS}/auth.access_token_minutes", json={"value": 30}, headers=admin.headers)
    assert put.status_code == 200, put.text
    assert (put.json()["value"], put.json()["is_default"]) == (30, False)
    again = {s["key"]: s for s in (await api.client.get(SETTINGS, headers=admin.headers)).json()["items"]}
    assert (again["auth.access_token_minutes"]["value"], again["auth.access_token_minutes"]["is_default"]) == (
        30,
        False,
    )
    # and it takes effect: new access tokens live 30 minutes
    user = await api.register()
    assert (await api.login(user["email"]))["expires_in"] == 30 * 60

    name = await api.client.put(f"{SETTINGS}/shop.name", json={"value": "Kapalıçarşı"}, headers=admin.headers)
    assert name.json()["value"] == "Kapalıçarşı"

    reset = await api.client.delete(f"{SETTINGS}/auth.access_token_minutes", headers=admin.headers)
    assert reset.status_code == 204
    after = {s["key"]: s for s in (await api.client.get(SETTINGS, headers=admin.headers)).json()["items"]}
    assert (after["auth.access_token_minutes"]["value"], after["auth.access_token_minutes"]["is_default"]) == (15, True)
    assert after["shop.name"]["value"] == "Kapalıçarşı"
    assert (await api.login(user["email"]))["expires_in"] == 15 * 60
    null_reset = await api.client.put(f"{SETTINGS}/shop.name", json={"value": None}, headers=admin.headers)
    assert null_reset.status_code == 200 and null_reset.json()["is_default"] is True


async def test_audit_log_records_staff_writes_and_filters(api: Api) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    admin = await api.admin()
    other_admin = await api.admin()
    role = await create_role(api, admin, "audited", ["audit.read"])
    await api.client.put(f"{SETTINGS}/auth.access_token_minutes", json={"value": 20}, headers=admin.headers)
    await api.client.delete(f"{SETTINGS}/auth.access_token_minutes", headers=other_admin.headers)
    target = await api.customer()
    await api.client.patch(f"/api/v1/admin/accounts/{target.id}", json={"is_active": False}, headers=admin.headers)
    log = "/api/v1/admin/audit-log"

    mine = (await api.client.get(log, params={"actor_id": admin.id}, headers=admin.headers)).json()["items"]
    assert {e["actor_id"] for e in mine} == {admin.id}
    assert {"role.create", "setting.update", "account.update"} <= {e["action"] for e in mine}
    entry = next(e for e in mine if e["action"] == "role.create")
    assert set(entry) == {"id", "at", "actor_id", "action", "target_type", "target_id", "changes"}
    assert entry["target_type"] == "role" and entry["target_id"] == role["id"]
    assert entry["changes"]["code"] == [None, "audited"]

    setting = (await api.client.get(log, params={"target_type": "setting", "target_id": "auth.access_token_minutes"},
                                    headers=admin.headers)).json()["items"]  # fmt: skip
    assert [(e["actor_id"], e["changes"]["value"]) for e in setting] == [
        (other_admin.id, [20, 15]),
        (admin.id, [15, 20]),
    ]  # newest first
    account = (await api.client.get(log, params={"target_type": "account", "target_id": target.id},
                                    headers=admin.headers)).json()["items"]  # fmt: skip
    assert [e["changes"] for e in account] == [{"is_active": [True, False]}]

    since_before = (await api.client.get(log, params={"since": before.isoformat(), "limit": 100},
                                         headers=admin.headers)).json()["items"]  # fmt: skip
    assert len(since_before) >= 5
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await api.client.get(log, params={"since": future}, headers=admin.headers)).json()["items"] == []
    assert (await api.client.get(log, params={"until": before.isoformat()}, headers=admin.headers)).json()[
        "items"
    ] == []
    zulu = await api.client.get(log, params={"since": before.strftime("%Y-%m-%dT%H:%M:%SZ")}, headers=admin.headers)
    assert zulu.status_code == 200 and len(zulu.json()["items"]) >= 5
    naive = await api.client.get(log, params={"since": "2026-01-01T00:00:00"}, headers=admin.headers)
    assert_problem(naive, 422)
    assert_problem(await api.client.get(log, params={"actor_id": "nope"}, headers=admin.headers), 422)


async def test_languages_are_public_after_loading(api: Api) -> None:
    assert (await api.client.get("/api/v1/languages")).json() == {"items": []}
    added = await api.resolve(LoadLanguages)()
    assert added > 100
    response = await api.client.get("/api/v1/languages")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == added
    by_code = {lang["iso639_1"]: lang for lang in items}
    assert by_code["tr"]["native_name"] == "Türkçe" and by_code["tr"]["is_system_language"] is True
    assert set(by_code["en"]) == {"id", "name", "native_name", "flag", "iso639_1", "iso639_2", "is_system_language"}
    system = (await api.client.get("/api/v1/languages", params={"system": "true"})).json()["items"]
    assert sorted(lang["iso639_1"] for lang in system) == ["en", "tr"]
    assert_problem(await api.client.get("/api/v1/languages", params={"system": "maybe"}), 422)


async def test_dead_letters_list_and_retry(api: Api) -> None:
    admin = await api.admin()
    empty = await api.client.get("/api/v1/admin/jobs/dead-letters", headers=admin.headers)
    assert empty.status_code == 200 and empty.json() == {"items": [], "next_cursor": None}
    put = await api.client.put(f"{SETTINGS}/jobs.max_tries", json={"value": 1}, headers=admin.headers)
    assert put.status_code == 200
    await api.drain()

    api.mailer.failing = True  # the verification e-mail cannot go out
    user = await api.register()
    await api.drain()
    letters = (await api.client.get("/api/v1/admin/jobs/dead-letters", headers=admin.headers)).json()["items"]
    assert len(letters) == 1
    letter = letters[0]
    assert set(letter) == {"id", "job", "payload", "error", "tries", "failed_at", "retried_at"}
    assert letter["tries"] == 1 and "smtp server unreachable" in letter["error"] and letter["retried_at"] is None
    assert api.mails_to(user["email"]) == []

    api.mailer.failing = False
    retried = await api.client.post(f"/api/v1/admin/jobs/dead-letters/{letter['id']}/retry", headers=admin.headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["retried_at"] is not None
    await api.drain()
    assert len(api.mails_to(user["email"])) == 1  # the retried job delivered it
    listed = (await api.client.get("/api/v1/admin/jobs/dead-letters", headers=admin.headers)).json()["items"]
    assert [(d["id"], d["retried_at"] is not None) for d in listed] == [(letter["id"], True)]
