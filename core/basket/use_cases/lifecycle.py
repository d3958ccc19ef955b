"""A guest basket merged into the user's when they log in (or ask), and idle baskets marked abandoned."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.basket import settings as keys
from core.basket.use_cases.baskets import retrying, view
from core.basket.views import BasketView
from core.promotions.settings import MAX_COUPONS
from core.shared.actor import Actor
from core.shared.errors import NotFound

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class Merge:
    actor: Actor
    basket_id: uuid.UUID
    token: str


@attrs.define
class MergeBasket:
    """The guest basket (its id and token) into the caller's active basket; when they have none, the guest
    basket becomes theirs. Merging again what was merged into theirs (or made theirs) answers their basket."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: Merge) -> BasketView:
        # two merges of one user's guest baskets at once: the second adoption meets the one-active-basket
        # constraint (basket_exists) and runs again, now merging into the first
        return await retrying(lambda: self._merge(cmd), ("stale_write", "basket_exists"))

    async def _merge(self, cmd: Merge) -> BasketView:
        user_id = cmd.actor.user_id
        async with self.uow:
            guest = await self.uow.baskets.get(cmd.basket_id, for_update=True)
            if guest is not None and user_id is not None and guest.user_id == user_id:
                mine = await self.uow.baskets.for_user(user_id)
                return await view(self.uow, self.settings, mine or guest)
            if guest is None or user_id is None or guest.user_id is not None or not guest.check_access(None, cmd.token):
                raise NotFound(f"no basket with id {cmd.basket_id}")
            if guest.status == "merged" and guest.merged_into_id is not None:  # merged before: into this user's?
                earlier = await self.uow.baskets.get(guest.merged_into_id)
                if earlier is not None and earlier.user_id == user_id:
                    return await view(self.uow, self.settings, earlier)
            guest.require_active()
            now = self.clock.now()
            target = await self.uow.baskets.for_user(user_id)
            if target is None:
                guest.adopt(user_id, now)
                target = guest
            else:
                target = await self.uow.baskets.get(target.id, for_update=True)
                assert target is not None
                codes = list(guest.coupon_codes)
                target.take_lines(guest, now, max_lines=await self.settings.get(keys.MAX_LINES),
                                  max_quantity=await self.settings.get(keys.MAX_QUANTITY))  # fmt: skip
                most = await self.settings.get(MAX_COUPONS)
                new = [c for c in codes if c not in target.coupon_codes]
                for code in new[: max(0, most - len(target.coupon_codes))]:  # the guest's codes, while there is room
                    target.add_coupon(code, now, most=most)
            await self.uow.commit()
            return await view(self.uow, self.settings, target)


@attrs.define
class AbandonBaskets:
    """The scheduled job: active baskets idle longer than `basket.abandon_after_hours` become abandoned, in
    batches of one UPDATE each."""

    uow: UnitOfWork
    clock: Clock
    settings: RuntimeSettings

    async def __call__(self, payload: dict[str, Any] | None = None, batch: int = 500) -> int:
        before = self.clock.now() - timedelta(hours=await self.settings.get(keys.ABANDON_AFTER_HOURS))
        total = 0
        while True:
            async with self.uow:
                marked = await self.uow.baskets.abandon_idle(before, batch)
                await self.uow.commit()
            total += marked
            if marked < batch:
                return total
