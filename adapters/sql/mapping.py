"""Imperative mapping: the domain classes stay plain attrs classes; SQLAlchemy learns their tables here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import registry, relationship, with_loader_criteria

from adapters.sql import tables as t
from core.accounts.model import Account, AuthSession, OneTimeToken, RefreshToken, Role
from core.address.model import Address
from core.basket.model import Basket, BasketLine
from core.catalog.model import Brand, Category, OptionKey, OptionValue, Price, Product, Variant
from core.company.model import Company
from core.gallery.model import Media, ProductImage
from core.inventory.model import StockMovement, Warehouse
from core.notifications.model import Notification, NotificationEmail, NotificationPreference
from core.ordering.model import Order, OrderLine, StatusChange
from core.payments.model import PaymentMethod, PaymentProvider, PaymentRefund, PaymentTransaction
from core.platform.model import AuditEntry, DeadLetter, Language, SettingOverride
from core.promotions.discounts import Discount
from core.promotions.model import BundleDeal, Campaign, Coupon
from core.shared.entity import Entity

mapper_registry = registry(metadata=t.metadata)
_mapped = False
SOFT_DELETE_CRITERIA: list[Any] = []
"""`is_deleted IS false` for each mapped entity, added to every ORM select (adapters/sql/engine.py)."""


def _entity(cls: type[Any], table: Any, **props: Any) -> None:
    mapper_registry.map_imperatively(cls, table, properties=props, version_id_col=table.c.version)
    # `= false` (SQLite: `= 0`), not `IS false`: the form the live-row partial indexes are declared with
    SOFT_DELETE_CRITERIA.append(with_loader_criteria(cls, table.c.is_deleted == sa.false(), include_aliases=True))


def start_mappers() -> None:
    """Map every domain class once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    _mapped = True
    _entity(Role, t.roles)
    _entity(Account, t.accounts, roles=relationship(Role, secondary=t.account_roles, lazy="selectin",
                                                    order_by=t.roles.c.code),
            _search_key=t.accounts.c.search_key)  # fmt: skip
    _entity(AuthSession, t.auth_sessions)
    _entity(Language, t.languages)
    _entity(Category, t.categories)
    _entity(Brand, t.brands)
    mapper_registry.map_imperatively(OptionValue, t.option_values)
    _entity(
        OptionKey,
        t.option_keys,
        values=relationship(
            OptionValue,
            lazy="selectin",
            cascade="all, delete-orphan",
            order_by=(t.option_values.c.sorting, t.option_values.c.value),
        ),
    )
    _entity(Product, t.products, _search_key=t.products.c.search_key)
    _entity(Price, t.variant_prices)
    _entity(
        Variant,
        t.variants,
        prices=relationship(Price, lazy="selectin", cascade="all, delete-orphan", order_by=t.variant_prices.c.currency),
    )
    _entity(Address, t.addresses)
    _entity(Company, t.companies)
    _entity(Media, t.media)
    _entity(ProductImage, t.product_images)
    _entity(Warehouse, t.warehouses)
    _entity(StockMovement, t.stock_movements)
    _entity(PaymentProvider, t.payment_providers)
    # never-loaded relationships: only so that one flush inserts a provider before its methods, and so on
    _entity(PaymentMethod, t.payment_methods, _provider=relationship(PaymentProvider, lazy="raise"))
    _entity(PaymentTransaction, t.payment_transactions, _method=relationship(PaymentMethod, lazy="raise"))
    _entity(PaymentRefund, t.payment_refunds, _transaction=relationship(PaymentTransaction, lazy="raise"))
    mapper_registry.map_imperatively(OrderLine, t.order_lines)
    mapper_registry.map_imperatively(StatusChange, t.order_status_changes)
    _entity(Order, t.orders,
            lines=relationship(OrderLine, lazy="selectin", cascade="all, delete-orphan",
                               order_by=t.order_lines.c.position),
            history=relationship(StatusChange, lazy="selectin", cascade="all, delete-orphan",
                                 order_by=(t.order_status_changes.c.changed_at,
                                           t.order_status_changes.c.id)))  # fmt: skip
    _entity(Notification, t.notifications)
    _entity(NotificationPreference, t.notification_preferences)
    _entity(NotificationEmail, t.notification_emails)
    _entity(Discount, t.discounts)  # promotions: standalone discounts
    _entity(Campaign, t.campaigns)  # promotions: rules and bundle items are read and written by SqlPromotions
    _entity(Coupon, t.coupons)
    _entity(BundleDeal, t.bundle_deals)
    mapper_registry.map_imperatively(BasketLine, t.basket_lines)
    _entity(
        Basket,
        t.baskets,
        lines=relationship(
            BasketLine,
            lazy="selectin",
            cascade="all, delete-orphan",
            order_by=(t.basket_lines.c.added_at, t.basket_lines.c.id),
        ),
    )
    mapper_registry.map_imperatively(RefreshToken, t.refresh_tokens)
    mapper_registry.map_imperatively(OneTimeToken, t.one_time_tokens)
    mapper_registry.map_imperatively(SettingOverride, t.setting_overrides)
    mapper_registry.map_imperatively(AuditEntry, t.audit_log)
    mapper_registry.map_imperatively(DeadLetter, t.dead_letters)


def _init_events(target: Any, _context: Any) -> None:
    """attrs' __init__ does not run on load: give loaded entities their (unmapped) event list."""
    target.events = []


event.listen(Entity, "load", _init_events, propagate=True)
