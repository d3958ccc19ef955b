"""What the promotions use cases need from storage: campaigns (with their rules), coupons and their uses,
bundle deals (with their items), and the promotions recorded on orders. Everything runs in the caller's
transaction; soft-deleted rows are never handed out."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from core.promotions.model import BundleDeal, Campaign, Coupon, OrderPromotion
from core.shared.pagination import Page, PageRequest


class PromotionRepository(Protocol):
    # --- campaigns ---------------------------------------------------------------------------------------
    async def add_campaign(self, campaign: Campaign) -> None:
        """A new campaign, its rules with it."""
        ...

    async def get_campaign(self, campaign_id: uuid.UUID) -> Campaign:
        """The campaign with its rules, or NotFound."""
        ...

    async def put_rules(self, campaign: Campaign) -> None:
        """Store `campaign.rules` in place of the rules stored for it."""
        ...

    async def list_campaigns(self, page: PageRequest, *, q: str | None = None,
                             automatic: bool | None = None) -> Page[Campaign]:  # fmt: skip
        """Newest first, with their rules; `q` matches the name (Turkish letters folded)."""
        ...

    async def automatic_campaigns(self, currency: str, at: datetime) -> list[Campaign]:
        """Active automatic campaigns in `currency` that have started and not ended at `at`, with their rules."""
        ...

    async def offered(self, currency: str, at: datetime) -> tuple[list[Campaign], list[BundleDeal]]:
        """`automatic_campaigns` and `active_bundles` together (one round trip when there are none)."""
        ...

    async def claim_campaign(self, campaign_id: uuid.UUID) -> bool:
        """Count one use now by a conditional increment: False when `usage_limit` is reached."""
        ...

    # --- coupons -----------------------------------------------------------------------------------------
    async def add_coupon(self, coupon: Coupon) -> None: ...
    async def add_coupons(self, coupons: list[Coupon]) -> None:
        """Many new coupons at once (generated codes): one statement, not one flush per coupon."""
        ...

    async def get_coupon(self, coupon_id: uuid.UUID) -> Coupon:
        """The coupon, or NotFound."""
        ...

    async def coupon_by_code(self, code: str) -> Coupon | None:
        """The live coupon with this (normalised) code."""
        ...

    async def taken_codes(self, codes: Collection[str]) -> set[str]:
        """Which of `codes` live coupons have."""
        ...

    async def list_coupons(self, page: PageRequest, *, campaign_id: uuid.UUID | None = None,
                           q: str | None = None) -> Page[Coupon]:  # fmt: skip
        """Newest first; `q` is a code prefix as stored (normalised by the caller)."""
        ...

    async def coupons_of(self, campaign_id: uuid.UUID) -> list[Coupon]:
        """Every live coupon of a campaign, by code (for the CSV export)."""
        ...

    async def customer_uses(self, coupon_id: uuid.UUID, customer_key: str) -> int:
        """How many uses of the coupon are counted for this customer."""
        ...

    async def claim_coupon(self, coupon_id: uuid.UUID, customer_key: str, per_user_limit: int | None) -> str | None:
        """Count one use now by conditional increments: first the customer's (None when `per_user_limit` is
        reached: returns "coupon_user_limit_reached"), then the coupon's ("coupon_exhausted" at its total limit).
        None: counted. A refusal may leave the customer's count raised in this transaction: roll it back."""
        ...

    # --- bundles -----------------------------------------------------------------------------------------
    async def add_bundle(self, bundle: BundleDeal) -> None:
        """A new bundle deal, its items with it."""
        ...

    async def get_bundle(self, bundle_id: uuid.UUID) -> BundleDeal:
        """The bundle with its items, or NotFound."""
        ...

    async def put_items(self, bundle: BundleDeal) -> None:
        """Store `bundle.items` in place of the items stored for it."""
        ...

    async def list_bundles(self, page: PageRequest) -> Page[BundleDeal]:
        """Newest first, with their items."""
        ...

    async def active_bundles(self, currency: str, at: datetime) -> list[BundleDeal]:
        """Active bundles in `currency` within their dates at `at`, with their items."""
        ...

    # --- what orders were given --------------------------------------------------------------------------
    async def record(self, rows: list[OrderPromotion]) -> None: ...
    async def of_order(self, order_id: uuid.UUID) -> list[OrderPromotion]:
        """The order's rows, in the order they were recorded."""
        ...

    async def release(self, order_id: uuid.UUID, at: datetime) -> list[OrderPromotion]:
        """Mark the order's unreleased rows released at `at` and give back what each claimed: one use of its
        campaign (campaign_id set), and one of its coupon and of the coupon's use by `customer_key` (coupon_id
        set), never below 0. Returns the rows released now: a second call releases nothing."""
        ...
