"""Runtime settings of baskets and shipping (staff may override them; see core/shared/settings.py)."""

from __future__ import annotations

from decimal import Decimal

from core.shared.settings import declare

CURRENCIES = declare("basket.currencies", str, "TRY",
                     "Currencies a basket may be opened in, comma-separated; the first is the default.")  # fmt: skip
MAX_LINES = declare("basket.max_lines", int, 50, "Most lines (distinct variants) one basket holds (409 beyond).",
                    min=1, max=1000)  # fmt: skip
MAX_QUANTITY = declare("basket.max_quantity", int, 99, "Most units of one variant in a basket line (409 beyond).",
                       min=1, max=100000)  # fmt: skip
ABANDON_AFTER_HOURS = declare("basket.abandon_after_hours", int, 72,
                              "An active basket untouched this long is marked abandoned by a periodic job.",
                              min=1)  # fmt: skip
SHIPPING_FLAT_FEE = declare("shipping.flat_fee", Decimal, Decimal("49.90"),
                            "Shipping charged on a non-empty basket, KDV included, in the basket's currency.",
                            min=Decimal(0))  # fmt: skip
SHIPPING_FREE_ABOVE = declare("shipping.free_above", Decimal, Decimal("500.00"),
                              "Shipping is free when the goods (after discounts) cost at least this much.",
                              min=Decimal(0))  # fmt: skip
SHIPPING_TAX_RATE = declare("shipping.tax_rate", Decimal, Decimal(20), "KDV rate (percent) contained in shipping.",
                            min=Decimal(0), max=Decimal(100))  # fmt: skip
