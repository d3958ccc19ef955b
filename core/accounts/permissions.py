"""Permission strings, one or more per context, and the roles a fresh shop starts with."""

from __future__ import annotations

from core.shared.errors import Invalid

PERMISSIONS: dict[str, str] = {
    "accounts.manage": "read and manage customer and staff accounts, roles and their assignment",
    "settings.manage": "read and change runtime settings",
    "audit.read": "read the audit log",
    "jobs.manage": "read and retry failed background jobs",
    "catalog.manage": "manage categories, brands, options, products, variants, prices and media",
    "inventory.manage": "manage warehouses, stock and movements; receives low-stock notices",
    "orders.manage": "read all orders and change their status",
    "payments.manage": "manage payment providers and methods; refund payments",
    "promotions.manage": "manage campaigns, coupons, discounts, bundles and rewards",
    "company.manage": "manage the company profile",
}

DEFAULT_ROLES: dict[str, tuple[str, list[str]]] = {
    "admin": ("Administrator", sorted(PERMISSIONS)),
    "catalog_manager": ("Catalog manager", ["catalog.manage", "inventory.manage"]),
    "order_manager": ("Order manager", ["orders.manage", "payments.manage", "inventory.manage"]),
    "marketing": ("Marketing", ["promotions.manage", "catalog.manage"]),
    "support": ("Customer support", ["accounts.manage", "orders.manage"]),
}


def check_permissions(permissions: list[str]) -> list[str]:
    unknown = sorted(set(permissions) - PERMISSIONS.keys())
    if unknown:
        raise Invalid.field("permissions", f"unknown permissions: {', '.join(unknown)}", code="unknown_permission")
    return sorted(set(permissions))
