"""Runtime settings of the rewards programme (staff may override them; see core/shared/settings.py)."""

from __future__ import annotations

from decimal import Decimal

from core.shared.settings import declare

ENABLED = declare("rewards.enabled", bool, True,
                  "Whether delivered orders earn points and checkout may spend them.")  # fmt: skip
EARN_POINTS_PER_UNIT = declare("rewards.earn_points_per_unit", Decimal, Decimal(1),
                               "Points per 1.00 of a delivered order's total minus shipping and refunds "
                               "(rounded down to whole points).", min=Decimal(0), max=Decimal(1000))  # fmt: skip
POINT_VALUE = declare("rewards.point_value", Decimal, Decimal("0.01"),
                      "What one point is worth at checkout, in the order's currency.",
                      min=Decimal(0), max=Decimal(1000))  # fmt: skip
MAX_SPEND_SHARE = declare("rewards.max_spend_share", Decimal, Decimal(50),
                          "At most this percent of an order's total may be paid with points.",
                          min=Decimal(0), max=Decimal(100))  # fmt: skip
EXPIRE_AFTER_DAYS = declare("rewards.expire_after_days", int, 365,
                            "Days earned (and staff-given) points stay spendable.", min=1, max=36500)  # fmt: skip
