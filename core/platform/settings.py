from __future__ import annotations

from core.shared.settings import declare

SHOP_NAME = declare("shop.name", str, "Çarşı", "The shop's name in e-mails and messages.")
STOREFRONT_URL = declare("shop.storefront_url", str, "http://127.0.0.1:8000",
                         "Base URL of the storefront; e-mailed links point there.")  # fmt: skip
JOB_MAX_TRIES = declare("jobs.max_tries", int, 5, "Tries of a failing background job before it is dead-lettered.",
                        min=1, max=20)  # fmt: skip
OUTBOX_RETENTION_HOURS = declare("jobs.outbox_retention_hours", int, 24,
                                 "How long relayed events are kept before they are deleted.",
                                 min=1, max=24 * 90)  # fmt: skip
