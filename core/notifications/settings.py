from __future__ import annotations

from core.shared.settings import declare

DEFAULT_LANGUAGE = declare("notifications.default_language", str, "tr",
                           "Language (tr or en) of notices whose event names none (low stock).")  # fmt: skip
STOCK_NOTICE_DAYS = declare("notifications.stock_notice_days", int, 30,
                            "Days a low-stock notice stays listed.", min=1, max=365)  # fmt: skip
