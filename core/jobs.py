"""Which use cases run as jobs, and which handle each event. Workers and the in-process runner read this."""

from __future__ import annotations

from typing import Any

from core.accounts.events import MessageRequested
from core.accounts.handlers import DeliverMessage
from core.basket.use_cases.lifecycle import AbandonBaskets
from core.catalog.events import CatalogChanged
from core.catalog.handlers import InvalidateCatalogCache
from core.gallery.events import MediaUploaded
from core.gallery.handlers import MakeThumbnails
from core.notifications.events import EmailRequested
from core.notifications.handlers import NotifyLowStock, NotifyOrderEvent, SendNotificationEmail
from core.notifications.messages import ORDER_KINDS
from core.ordering.use_cases.orders import CancelUnpaidOrders
from core.payments.handlers import RefundCancelledOrder
from core.platform.outbox import PruneOutbox, RelayOutbox
from core.rewards.handlers import EarnRewards, ReverseRewards
from core.rewards.use_cases.expiry import ExpireRewards
from core.search.handlers import FollowCatalog

JOBS: dict[str, type[Any]] = {
    "relay_outbox": RelayOutbox,
    "prune_outbox": PruneOutbox,
    "cancel_unpaid_orders": CancelUnpaidOrders,
    "abandon_baskets": AbandonBaskets,
    "expire_rewards": ExpireRewards,
}
"""Job name -> use case called with the job's payload dict."""

EVENT_HANDLERS: dict[str, list[type[Any]]] = {
    MessageRequested.name: [DeliverMessage],
    MediaUploaded.name: [MakeThumbnails],
    CatalogChanged.name: [FollowCatalog, InvalidateCatalogCache],  # the index first: the cache bump follows it
    "order.cancelled": [RefundCancelledOrder],  # payments: give back what was captured
    "inventory.low_stock": [NotifyLowStock],
    EmailRequested.name: [SendNotificationEmail],
}
"""Event name -> use cases called with the StoredEvent, each at most once per event id."""

# notifications: appended, so that other contexts' handlers of the same events (e.g. order.cancelled) stay
for _kind in ORDER_KINDS:
    EVENT_HANDLERS.setdefault(f"order.{_kind}", []).append(NotifyOrderEvent)
# rewards: earn on delivery, take back on refunds (cancel returns spent points itself)
EVENT_HANDLERS.setdefault("order.delivered", []).append(EarnRewards)
EVENT_HANDLERS.setdefault("order.refunded", []).append(ReverseRewards)

SCHEDULED: dict[str, float] = {
    "cancel_unpaid_orders": 300.0,  # ordering: pending orders past orders.unpaid_cancel_after_minutes
    "abandon_baskets": 3600.0,  # basket: active baskets idle past basket.abandon_after_hours
    "expire_rewards": 86400.0,  # rewards: lots past their expires_at (rewards.expire_after_days)
}
"""Job name (in JOBS) -> interval in seconds: periodic sweeps, called with an empty payload as the system actor.
The worker runs each as an arq cron (the interval rounded onto the cron grid), the embedded API (no Redis)
enqueues each on its in-process queue every interval. The outbox relay and prune chores are scheduled apart."""
