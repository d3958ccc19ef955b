"""Permission strings, roles that hold them, and the actor that checks them."""

from __future__ import annotations

import uuid

import pytest

from core.accounts.model import Account, Role
from core.accounts.permissions import DEFAULT_ROLES, PERMISSIONS, check_permissions
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Forbidden, Invalid


def test_check_permissions_sorts_and_dedupes() -> None:
    assert check_permissions(["orders.manage", "catalog.manage", "orders.manage"]) == ["catalog.manage",
                                                                                       "orders.manage"]  # fmt: skip
    assert check_permissions([]) == []


def test_unknown_permission_is_invalid_and_named() -> None:
    with pytest.raises(Invalid) as e:
        check_permissions(["catalog.manage", "catalog.destroy", "root"])
    assert e.value.code == "unknown_permission"
    assert e.value.errors[0].loc == ("body", "permissions")
    assert "catalog.destroy" in e.value.detail and "root" in e.value.detail


def test_default_roles_use_known_permissions_and_admin_has_all() -> None:
    for _name, permissions in DEFAULT_ROLES.values():
        assert check_permissions(permissions) == sorted(permissions)
    assert set(DEFAULT_ROLES["admin"][1]) == set(PERMISSIONS)


def test_role_checks_its_permissions() -> None:
    assert Role(code="r", name="R", permissions=["orders.manage", "catalog.manage"]).permissions == [
        "catalog.manage",
        "orders.manage",
    ]
    with pytest.raises(Invalid):
        Role(code="r", name="R", permissions=["nope"])


def test_role_change_reports_only_what_changed() -> None:
    role = Role(code="r", name="R", permissions=["catalog.manage"])
    assert role.change(name="R", description=None, permissions=["catalog.manage"]) == {}
    assert role.change(name="New", description="d", permissions=["orders.manage"]) == {
        "name": ["R", "New"],
        "description": ["", "d"],
        "permissions": [["catalog.manage"], ["orders.manage"]],
    }
    with pytest.raises(Invalid):
        role.change(name=None, description=None, permissions=["bad"])
    assert role.permissions == ["orders.manage"]


def test_account_permissions_are_the_union_of_its_live_roles() -> None:
    a = Role(code="a", name="A", permissions=["catalog.manage"])
    b = Role(code="b", name="B", permissions=["catalog.manage", "orders.manage"])
    account = Account(email="x@example.com", password_hash="h", roles=[a, b])
    assert account.permissions == {"catalog.manage", "orders.manage"}
    b.delete(None)
    assert account.permissions == {"catalog.manage"}


def test_actor_can_and_require() -> None:
    actor = Actor(uuid.uuid4(), frozenset({"catalog.manage"}))
    assert actor.can("catalog.manage")
    assert not actor.can("orders.manage")
    actor.require("catalog.manage")
    with pytest.raises(Forbidden) as e:
        actor.require("orders.manage")
    assert e.value.code == "permission_denied"


def test_superuser_and_system_can_do_anything() -> None:
    superuser = Actor(uuid.uuid4(), frozenset(), is_superuser=True)
    for permission in PERMISSIONS:
        assert superuser.can(permission)
        assert SYSTEM.can(permission)
    superuser.require("anything.at_all")


def test_anonymous_can_nothing() -> None:
    anonymous = Actor(None)
    assert not any(anonymous.can(p) for p in PERMISSIONS)
