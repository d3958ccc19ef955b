"""Entering and removing coupon codes on a basket. A code is kept only when it applies to the basket now;
otherwise the answer is 409 with the reason (`coupon_not_found`, `coupon_expired`, `coupon_not_started`,
`coupon_exhausted`, `coupon_user_limit_reached`, `minimum_not_met`, `not_applicable`) and nothing changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from core.basket.use_cases.baskets import Access, reachable, retrying
from core.basket.views import BasketView
from core.promotions import settings as keys
from core.promotions.apply import Buyer, price
from core.promotions.model import normalize_code
from core.promotions.redeem import refuse

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class CouponCode:
    access: Access
    code: str


@attrs.define
class ApplyCoupon:
    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: CouponCode) -> BasketView:
        code = normalize_code(cmd.code)
        return await retrying(lambda: self._apply(cmd.access, code))

    async def _apply(self, a: Access, code: str) -> BasketView:
        async with self.uow:
            basket = await reachable(self.uow, a.basket_id, a.actor, a.token, for_update=True)
            basket.require_active()
            if await self.uow.promotions.coupon_by_code(code) is None:
                raise refuse("coupon_not_found", code)
            basket.add_coupon(code, self.clock.now(), most=await self.settings.get(keys.MAX_COUPONS))
            user_id = a.actor.user_id if a.actor is not None else basket.user_id
            priced = await price(self.uow, self.settings, basket, Buyer(user_id), self.clock.now())
            refused = next((n for n in (priced.outcome.not_applied if priced.outcome else ()) if n.coupon_code == code),
                           None)  # fmt: skip
            if refused is not None and not (refused.reason == "not_applicable" and not priced.lines):
                raise refuse(refused.reason, code, refused.detail)
            await self.uow.commit()
            return BasketView(basket, priced.lines, priced.totals, None, priced.outcome)


@attrs.define
class RemoveCoupon:
    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: CouponCode) -> None:
        code = normalize_code(cmd.code)
        await retrying(lambda: self._remove(cmd.access, code))

    async def _remove(self, a: Access, code: str) -> None:
        async with self.uow:
            basket = await reachable(self.uow, a.basket_id, a.actor, a.token, for_update=True)
            basket.remove_coupon(code, self.clock.now())
            await self.uow.commit()
