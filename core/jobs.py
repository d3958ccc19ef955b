"""Which use cases run as jobs, and which handle each event. Workers and the in-process runner read this."""

from __future__ import annotations

from typing import Any

from core.accounts.events import MessageRequested
from core.accounts.handlers import DeliverMessage
from core.catalog.events import CatalogChanged
from core.catalog.handlers import InvalidateCatalogCache
from core.gallery.events import MediaUploaded
from core.gallery.handlers import MakeThumbnails
from core.platform.outbox import PruneOutbox, RelayOutbox
from core.search.handlers import FollowCatalog

JOBS: dict[str, type[Any]] = {
    "relay_outbox": RelayOutbox,
    "prune_outbox": PruneOutbox,
}
"""Job name -> use case called with the job's payload dict."""

EVENT_HANDLERS: dict[str, list[type[Any]]] = {
    MessageRequested.name: [DeliverMessage],
    MediaUploaded.name: [MakeThumbnails],
    CatalogChanged.name: [FollowCatalog, InvalidateCatalogCache],  # the index first: the cache bump follows it
}
"""Event name -> use cases called with the StoredEvent, each at most once per event id."""
