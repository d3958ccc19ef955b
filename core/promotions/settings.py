"""Runtime settings of promotions (staff may override them; see core/shared/settings.py)."""

from __future__ import annotations

from core.shared.settings import declare

MAX_COUPONS = declare("promotions.max_coupons_per_basket", int, 1,
                      "How many coupon codes one basket takes (409 coupon_limit beyond); whether their campaigns "
                      "combine is each campaign's `exclusive` flag.", min=1, max=10)  # fmt: skip
