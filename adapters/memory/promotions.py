"""Promotions on the memory store: the same contract as SQL (conditional counters, releases once), for one
process. Campaigns, coupons, bundle deals, customers' coupon uses and order promotions share one table of the
store, told apart by kind; a campaign keeps its rules and a bundle its items in its own row."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs

from adapters.memory.repositories import _created, _page, _Repo, fields_of, rebuild
from core.promotions.model import BundleDeal, Campaign, Coupon, OrderPromotion
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key

_KINDS: dict[str, type[Any]] = {"campaign": Campaign, "coupon": Coupon, "bundle": BundleDeal}
_NAMES = {cls: name for name, cls in _KINDS.items()}
USE, ORDER_PROMOTION = "coupon_use", "order_promotion"


class MemoryPromotions(_Repo):
    table, entity_name = "promotions", "promotion"

    def dump(self, row: Any) -> Any:
        if type(row) in _NAMES:
            return {**fields_of(row), "_kind": _NAMES[type(row)]}
        return row  # a customer's uses of a coupon, or an order promotion: plain dicts

    def restore(self, data: Any) -> Any:
        kind = data.get("_kind")
        return rebuild(_KINDS[kind], data) if kind in _KINDS else data

    def _of(self, cls: type[Any]) -> list[Any]:
        return [r for r in self._all() if isinstance(r, cls)]

    def _one(self, cls: type[Any], key: uuid.UUID, name: str, *, include_deleted: bool = False) -> Any:
        row = self._load(key, include_deleted=include_deleted)
        if not isinstance(row, cls):
            raise NotFound(f"no {name} with id {key}")
        return row

    def _dicts(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self._all() if isinstance(r, dict) and r.get("_kind") == kind]

    # --- campaigns ---------------------------------------------------------------------------------------
    async def add_campaign(self, campaign: Campaign) -> None:
        await self.add(campaign)

    async def get_campaign(self, campaign_id: uuid.UUID) -> Campaign:
        return self._one(Campaign, campaign_id, "campaign")  # type: ignore[no-any-return]

    async def put_rules(self, campaign: Campaign) -> None:
        pass  # the rules are a field of the campaign's row

    async def list_campaigns(self, page: PageRequest, *, q: str | None = None,
                             automatic: bool | None = None) -> Page[Campaign]:  # fmt: skip
        rows = [c for c in self._of(Campaign) if (automatic is None or c.automatic == automatic)
                and (not q or search_key(q) in search_key(c.name))]  # fmt: skip
        return _page(rows, page, _created)

    async def automatic_campaigns(self, currency: str, at: datetime) -> list[Campaign]:
        found = [c for c in self._of(Campaign) if c.automatic and c.currency == currency and c.live(at)]
        return sorted(found, key=lambda c: (-c.priority, c.name, str(c.id)))

    async def offered(self, currency: str, at: datetime) -> tuple[list[Campaign], list[BundleDeal]]:
        return await self.automatic_campaigns(currency, at), await self.active_bundles(currency, at)

    async def claim_campaign(self, campaign_id: uuid.UUID) -> bool:
        campaign = self._load(campaign_id, include_deleted=True)
        if not isinstance(campaign, Campaign):
            return False
        if campaign.usage_limit is not None and campaign.used_count >= campaign.usage_limit:
            return False
        campaign.used_count += 1
        return True

    # --- coupons -----------------------------------------------------------------------------------------
    async def add_coupon(self, coupon: Coupon) -> None:
        await self.add(coupon)

    async def add_coupons(self, coupons: list[Coupon]) -> None:
        for coupon in coupons:
            await self.add(coupon)

    async def get_coupon(self, coupon_id: uuid.UUID) -> Coupon:
        return self._one(Coupon, coupon_id, "coupon")  # type: ignore[no-any-return]

    async def coupon_by_code(self, code: str) -> Coupon | None:
        return next((c for c in self._of(Coupon) if c.code == code), None)

    async def taken_codes(self, codes: Collection[str]) -> set[str]:
        wanted = set(codes)
        return {c.code for c in self._of(Coupon) if c.code in wanted}

    async def list_coupons(self, page: PageRequest, *, campaign_id: uuid.UUID | None = None,
                           q: str | None = None) -> Page[Coupon]:  # fmt: skip
        rows = [c for c in self._of(Coupon) if (campaign_id is None or c.campaign_id == campaign_id)
                and c.code.startswith(q or "")]  # fmt: skip
        return _page(rows, page, _created)

    async def coupons_of(self, campaign_id: uuid.UUID) -> list[Coupon]:
        return sorted((c for c in self._of(Coupon) if c.campaign_id == campaign_id), key=lambda c: c.code)

    def _uses(self, coupon_id: uuid.UUID, customer_key: str, *, create: bool = False) -> dict[str, Any] | None:
        key = (USE, coupon_id, customer_key)
        row = self._load(key)
        if row is None and create:
            row = {"_kind": USE, "coupon_id": coupon_id, "customer_key": customer_key, "used_count": 0}
            self.uow.new.add((self.table, key))
            row = self._keep(key, row)
        return row

    async def customer_uses(self, coupon_id: uuid.UUID, customer_key: str) -> int:
        row = self._uses(coupon_id, customer_key)
        return 0 if row is None else int(row["used_count"])

    async def claim_coupon(self, coupon_id: uuid.UUID, customer_key: str, per_user_limit: int | None) -> str | None:
        uses = self._uses(coupon_id, customer_key, create=True)
        assert uses is not None
        if per_user_limit is not None and uses["used_count"] >= per_user_limit:
            return "coupon_user_limit_reached"
        uses["used_count"] += 1
        coupon = self._load(coupon_id, include_deleted=True)
        if not isinstance(coupon, Coupon) or (
            coupon.total_usage_limit is not None and coupon.used_count >= coupon.total_usage_limit
        ):
            return "coupon_exhausted"
        coupon.used_count += 1
        return None

    # --- bundles -----------------------------------------------------------------------------------------
    async def add_bundle(self, bundle: BundleDeal) -> None:
        await self.add(bundle)

    async def get_bundle(self, bundle_id: uuid.UUID) -> BundleDeal:
        return self._one(BundleDeal, bundle_id, "bundle deal")  # type: ignore[no-any-return]

    async def put_items(self, bundle: BundleDeal) -> None:
        pass  # the items are a field of the bundle's row

    async def list_bundles(self, page: PageRequest) -> Page[BundleDeal]:
        return _page(self._of(BundleDeal), page, _created)

    async def active_bundles(self, currency: str, at: datetime) -> list[BundleDeal]:
        found = [b for b in self._of(BundleDeal) if b.currency == currency and b.live(at)]
        return sorted(found, key=lambda b: (b.name, str(b.id)))

    # --- what orders were given --------------------------------------------------------------------------
    async def record(self, rows: list[OrderPromotion]) -> None:
        for i, row in enumerate(rows):
            self.uow.new.add((self.table, row.id))
            self._keep(row.id, {"_kind": ORDER_PROMOTION, "row": row, "position": i})

    def _order_rows(self, order_id: uuid.UUID) -> list[dict[str, Any]]:
        found = [d for d in self._dicts(ORDER_PROMOTION) if d["row"].order_id == order_id]
        return sorted(found, key=lambda d: (d["row"].created_at, d["position"]))

    async def of_order(self, order_id: uuid.UUID) -> list[OrderPromotion]:
        return [d["row"] for d in self._order_rows(order_id)]

    async def release(self, order_id: uuid.UUID, at: datetime) -> list[OrderPromotion]:
        released = []
        for data in self._order_rows(order_id):
            row: OrderPromotion = data["row"]
            if row.released_at is not None:
                continue
            data["row"] = row = attrs.evolve(row, released_at=at)
            released.append(row)
            if row.coupon_id is not None:
                uses = self._uses(row.coupon_id, row.customer_key)
                if uses is not None and uses["used_count"] > 0:
                    uses["used_count"] -= 1
                self._give_back(row.coupon_id)
            if row.campaign_id is not None:
                self._give_back(row.campaign_id)
        return released

    def _give_back(self, key: uuid.UUID) -> None:
        counted = self._load(key, include_deleted=True)
        if isinstance(counted, Campaign | Coupon) and counted.used_count > 0:
            counted.used_count -= 1
