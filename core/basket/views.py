"""What a basket read hands out: the basket priced now, in the API's shape."""

from __future__ import annotations

from typing import Any

import attrs

from core.basket.model import Basket
from core.basket.pricing import PricedLine, Totals, line_json, totals_json
from core.promotions.apply import promotions_json
from core.promotions.engine import Outcome


@attrs.frozen
class BasketView:
    basket: Basket
    lines: list[PricedLine]
    totals: Totals
    token: str | None = None  # a new guest basket's token: handed out once, never again
    promotions: Outcome | None = None  # what applied and what did not (None: nothing was on offer)


def basket_json(view: BasketView) -> dict[str, Any]:
    b = view.basket
    return {
        "id": str(b.id),
        "token": view.token,
        "status": b.status,
        "currency": b.currency,
        "user_id": str(b.user_id) if b.user_id else None,
        "items": [line_json(ln) for ln in view.lines],
        "totals": totals_json(view.totals),
        "coupons": list(b.coupon_codes),
        "promotions": promotions_json(view.promotions),
        "created_at": b.created_at.isoformat(),
        "updated_at": b.updated_at.isoformat(),
    }
