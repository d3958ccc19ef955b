from __future__ import annotations

import uuid
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from adapters.memory import address, catalog, gallery, payments
from adapters.memory import basket as basket_repos
from adapters.memory import company as company_repos
from adapters.memory import discounts as discount_repos
from adapters.memory import inventory as inventory_repos
from adapters.memory import notifications as notification_repos
from adapters.memory import ordering as ordering_repos
from adapters.memory import promotions as promotion_repos
from adapters.memory import repositories as repos
from adapters.memory import rewards as reward_repos
from adapters.memory.store import MemoryStore
from core.shared.actor import current_actor
from core.shared.entity import Entity
from core.shared.errors import Conflict
from core.shared.events import Event, StoredEvent
from core.shared.time import utcnow
from ports.services import OutboxRelayTrigger


class MemoryUnitOfWork:
    """A transaction over a MemoryStore: reads are copies, commit writes the changed ones back with the
    events; leaving without commit drops them (and undoes its claims), as the SQL adapter does."""

    def __init__(self, store: MemoryStore, trigger: OutboxRelayTrigger | None = None) -> None:
        self.store = store
        self.trigger = trigger

    async def __aenter__(self) -> Self:
        self._reset()
        self.accounts = repos.MemoryAccounts(self)
        self.roles = repos.MemoryRoles(self)
        self.sessions = repos.MemorySessions(self)
        self.refresh_tokens = repos.MemoryRefreshTokens(self)
        self.one_time_tokens = repos.MemoryOneTimeTokens(self)
        self.setting_overrides = repos.MemorySettingOverrides(self)
        self.languages = repos.MemoryLanguages(self)
        self.audit = repos.MemoryAuditLog(self)
        self.dead_letters = repos.MemoryDeadLetters(self)
        self.processed_events = repos.MemoryProcessedEvents(self)
        self.outbox = repos.MemoryOutbox(self)
        self.categories = catalog.MemoryCategories(self)
        self.brands = catalog.MemoryBrands(self)
        self.option_keys = catalog.MemoryOptionKeys(self)
        self.products = catalog.MemoryProducts(self)
        self.variants = catalog.MemoryVariants(self)
        self.companies = company_repos.MemoryCompanies(self)
        self.geo = address.MemoryGeo(self)
        self.addresses = address.MemoryAddresses(self)
        self.media = gallery.MemoryMedia(self)
        self.product_images = gallery.MemoryProductImages(self)
        self.warehouses = inventory_repos.MemoryWarehouses(self)
        self.stock = inventory_repos.MemoryStock(self)
        self.stock_reservations = inventory_repos.MemoryReservations(self)
        self.stock_movements = inventory_repos.MemoryMovements(self)
        self.payment_providers = payments.MemoryPaymentProviders(self)
        self.payment_methods = payments.MemoryPaymentMethods(self)
        self.payment_transactions = payments.MemoryPaymentTransactions(self)
        self.payment_refunds = payments.MemoryPaymentRefunds(self)
        self.orders = ordering_repos.MemoryOrders(self)
        self.baskets = basket_repos.MemoryBaskets(self)
        self.notifications = notification_repos.MemoryNotifications(self)
        self.notification_preferences = notification_repos.MemoryNotificationPreferences(self)
        self.notification_emails = notification_repos.MemoryNotificationEmails(self)
        self.discounts = discount_repos.MemoryDiscounts(self)
        self.reward_accounts = reward_repos.MemoryRewardAccounts(self)
        self.rewards = reward_repos.MemoryRewards(self)
        self.promotions = promotion_repos.MemoryPromotions(self)
        return self

    def _reset(self) -> None:
        self.identity: dict[tuple[str, Any], Any] = {}
        self.snapshots: dict[tuple[str, Any], Any] = {}
        self.new: set[tuple[str, Any]] = set()
        self.removed: set[tuple[str, Any]] = set()
        self.claims: list[tuple[str, Any]] = []
        self.seen: list[Entity] = []
        self.seen_ids: set[int] = set()
        self.emitted: list[Event] = []
        self.dispatched: set[tuple[uuid.UUID, datetime]] = set()
        self.pruned: set[uuid.UUID] = set()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    def track(self, entity: Entity) -> None:
        if id(entity) not in self.seen_ids:
            self.seen_ids.add(id(entity))
            self.seen.append(entity)

    def emit(self, event: Event) -> None:
        self.emitted.append(event)

    def claim(self, repo: repos._Repo, key: uuid.UUID, at: datetime) -> bool:
        """'UPDATE ... SET used_at WHERE used_at IS NULL': applied to the store at once (as a row lock would
        hold it), undone on rollback."""
        committed = self.store.tables[repo.table].get(key)
        if committed is None or committed["used_at"] is not None:
            return False
        committed["used_at"] = at
        self.claims.append((repo.table, key))
        mine = self.identity.get((repo.table, key))
        if mine is not None:
            mine.used_at = at
            self.snapshots[(repo.table, key)]["used_at"] = at
        return True

    def _repo(self, table: str) -> repos._Repo:
        return next(r for r in vars(self).values() if isinstance(r, repos._Repo) and r.table == table)

    async def commit(self) -> None:
        """Write what changed, refusing (409 stale_write) when another unit of work committed a newer version
        of an entity this one changed; nothing is written then. The unit of work stays usable afterwards."""
        now, actor = utcnow(), current_actor.get()
        changed: list[tuple[str, Any, Any, bool]] = []
        for (table, key), row in self.identity.items():
            repo = self._repo(table)
            is_new = (table, key) in self.new
            if is_new or repos._state(repo.dump(row)) != self.snapshots.get((table, key)):
                changed.append((table, key, row, is_new))
        for table, key, row, is_new in changed:
            committed = self.store.tables[table].get(key)
            if isinstance(row, Entity) and not is_new and committed is not None and committed["version"] != row.version:
                raise Conflict("someone else changed this at the same time; read it again", code="stale_write")
        events: list[Event] = []
        for entity in self.seen:
            events.extend(entity.events)
            entity.events.clear()
        events.extend(self.emitted)
        for table, key, row, is_new in changed:
            repo = self._repo(table)
            if isinstance(row, Entity):
                row.stamp(actor.user_id if actor else None, now, created=is_new)
                row.version = 1 if is_new else row.version + 1
            self.store.write(table, key, repo.dump(row))
            self.snapshots[(table, key)] = repos._state(repo.dump(row))
        for table, key in self.removed:
            self.store.tables[table].pop(key, None)
        self.store.outbox.extend(StoredEvent(e.event_id, e.name, e.payload(), e.occurred_at) for e in events)
        self.store.dispatched.update(self.dispatched)
        if self.pruned:
            self.store.outbox = [e for e in self.store.outbox if e.id not in self.pruned]
            for event_id in self.pruned:
                self.store.dispatched.pop(event_id, None)
        self.new.clear()
        self.removed.clear()
        self.claims.clear()
        self.emitted.clear()
        self.dispatched.clear()
        self.pruned.clear()
        if events and self.trigger is not None:
            self.trigger.poke()

    async def rollback(self) -> None:
        for table, key in self.claims:
            self.store.tables[table][key]["used_at"] = None
        self._reset()
