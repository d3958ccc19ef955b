from __future__ import annotations

from core.shared.settings import declare

DELIVERY_DAYS = declare("orders.delivery_days", int, 3,
                        "Days from placing an order to its estimated delivery date.", min=0, max=365)  # fmt: skip
UNPAID_CANCEL_AFTER_MINUTES = declare("orders.unpaid_cancel_after_minutes", int, 60,
                                      "Pending (unpaid) orders older than this are cancelled and their stock "
                                      "released by the cancel_unpaid_orders job.", min=1)  # fmt: skip
