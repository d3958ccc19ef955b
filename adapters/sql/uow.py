from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.sql import address, catalog, gallery, payments
from adapters.sql import basket as basket_repos
from adapters.sql import company as company_repos
from adapters.sql import discounts as discount_repos
from adapters.sql import inventory as inventory_repos
from adapters.sql import notifications as notification_repos
from adapters.sql import ordering as ordering_repos
from adapters.sql import promotions as promotion_repos
from adapters.sql import repositories as repos
from adapters.sql import rewards as reward_repos
from adapters.sql import tables as t
from core.shared.entity import Entity
from core.shared.events import Event
from ports.services import OutboxRelayTrigger


class SqlUnitOfWork:
    """One AsyncSession, one transaction. Commit writes the outbox rows in the same transaction."""

    def __init__(self, factory: async_sessionmaker[Any], trigger: OutboxRelayTrigger | None = None) -> None:
        self._factory = factory
        self.trigger = trigger

    async def __aenter__(self) -> Self:
        self.session = self._factory()
        self.seen: list[Entity] = []
        self.seen_ids: set[int] = set()
        self.emitted: list[Event] = []
        self.accounts = repos.SqlAccounts(self)
        self.roles = repos.SqlRoles(self)
        self.sessions = repos.SqlSessions(self)
        self.one_time_tokens = repos.SqlOneTimeTokens(self)
        self.setting_overrides = repos.SqlSettingOverrides(self)
        self.languages = repos.SqlLanguages(self)
        self.audit = repos.SqlAuditLog(self)
        self.dead_letters = repos.SqlDeadLetters(self)
        self.processed_events = repos.SqlProcessedEvents(self)
        self.outbox = repos.SqlOutbox(self)
        self.categories = catalog.SqlCategories(self)
        self.brands = catalog.SqlBrands(self)
        self.option_keys = catalog.SqlOptionKeys(self)
        self.products = catalog.SqlProducts(self)
        self.variants = catalog.SqlVariants(self)
        self.companies = company_repos.SqlCompanies(self)
        self.geo = address.SqlGeo(self)
        self.addresses = address.SqlAddresses(self)
        self.media = gallery.SqlMedia(self)
        self.product_images = gallery.SqlProductImages(self)
        self.warehouses = inventory_repos.SqlWarehouses(self)
        self.stock = inventory_repos.SqlStock(self)
        self.stock_movements = inventory_repos.SqlMovements(self)
        self.payment_providers = payments.SqlPaymentProviders(self)
        self.payment_methods = payments.SqlPaymentMethods(self)
        self.payment_transactions = payments.SqlPaymentTransactions(self)
        self.payment_refunds = payments.SqlPaymentRefunds(self)
        self.orders = ordering_repos.SqlOrders(self)
        self.baskets = basket_repos.SqlBaskets(self)
        self.notifications = notification_repos.SqlNotifications(self)
        self.notification_preferences = notification_repos.SqlNotificationPreferences(self)
        self.notification_emails = notification_repos.SqlNotificationEmails(self)
        self.discounts = discount_repos.SqlDiscounts(self)
        self.rewards = reward_repos.SqlRewards(self)
        self.promotions = promotion_repos.SqlPromotions(self)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            # Detach first: what was read stays readable after the unit of work (rollback would expire it).
            self.session.expunge_all()
            await self.session.rollback()
        finally:
            await self.session.close()

    def track(self, entity: Entity) -> None:
        if id(entity) not in self.seen_ids:
            self.seen_ids.add(id(entity))
            self.seen.append(entity)

    def emit(self, event: Event) -> None:
        self.emitted.append(event)

    async def commit(self) -> None:
        events = [e for entity in self.seen for e in entity.events] + self.emitted
        if events:
            await self.session.execute(sa.insert(t.outbox), [
                {"id": e.event_id, "name": e.name, "payload": e.payload(), "occurred_at": e.occurred_at}
                for e in events
            ])  # fmt: skip
        await self.session.commit()  # a stale write raises Conflict from the session's flush (engine._Session)
        for entity in self.seen:
            entity.events.clear()
        self.emitted.clear()
        if events and self.trigger is not None:
            self.trigger.poke()

    async def rollback(self) -> None:
        await self.session.rollback()
        self.seen.clear()  # what was recorded before the rollback must not reach the outbox on a later commit
        self.seen_ids.clear()
        self.emitted.clear()
