"""Promotions in SQL: campaigns, coupons and bundle deals through the mapper (their rules and items are rows
this repository reads and writes itself), and the counters — coupon, per-customer and campaign uses — only
through single conditional statements, so racing checkouts cannot spend the same use twice."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.sql import tables as t
from adapters.sql.engine import integrity_conflict
from adapters.sql.repositories import _Repo, insert_for, keyset_page, like_escaped
from core.promotions.model import BundleDeal, BundleItem, Campaign, Coupon, OrderPromotion
from core.promotions.rules import parse_rules, rules_json
from core.shared.actor import current_actor
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key
from core.shared.time import utcnow

ca, co, cu = t.campaigns.c, t.coupons.c, t.coupon_customer_uses.c
bd, bi, op, pr = t.bundle_deals.c, t.bundle_items.c, t.order_promotions.c, t.promotion_rules.c
_CHUNK = 1000  # codes per IN (...) list


def _live_campaigns(currency: str, at: datetime) -> list[Any]:
    return [ca.automatic == sa.true(), ca.is_active == sa.true(), ca.is_deleted == sa.false(), ca.currency == currency,
            ca.start_date <= at, sa.or_(ca.end_date.is_(None), ca.end_date > at)]  # fmt: skip


def _live_bundles(currency: str, at: datetime) -> list[Any]:
    return [bd.is_active == sa.true(), bd.is_deleted == sa.false(), bd.currency == currency,
            sa.or_(bd.start_date.is_(None), bd.start_date <= at),
            sa.or_(bd.end_date.is_(None), bd.end_date > at)]  # fmt: skip


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


class SqlPromotions(_Repo):
    # --- campaigns ---------------------------------------------------------------------------------------
    async def add_campaign(self, campaign: Campaign) -> None:
        await self.add(campaign)
        await self.session.flush()  # the rules' rows point at it
        await self._insert_rules(campaign)

    async def get_campaign(self, campaign_id: uuid.UUID) -> Campaign:
        found = await self.session.get(Campaign, campaign_id)
        if found is None:
            raise NotFound(f"no campaign with id {campaign_id}")
        return (await self._with_rules([self._seen(found)]))[0]

    async def put_rules(self, campaign: Campaign) -> None:
        await self.session.execute(sa.delete(t.promotion_rules).where(pr.campaign_id == campaign.id))
        await self._insert_rules(campaign)

    async def _insert_rules(self, campaign: Campaign) -> None:
        rows = [{"id": uuid.uuid4(), "campaign_id": campaign.id, "position": i, **rule}
                for i, rule in enumerate(rules_json(campaign.rules))]  # fmt: skip
        if rows:
            await self.session.execute(sa.insert(t.promotion_rules), rows)

    async def _with_rules(self, campaigns: Sequence[Campaign]) -> list[Campaign]:
        by_id: dict[uuid.UUID, list[dict[str, Any]]] = {c.id: [] for c in campaigns}
        if by_id:
            stmt = (sa.select(pr.campaign_id, pr.rule_type, pr.conditions, pr.actions)
                    .where(pr.campaign_id.in_(list(by_id))).order_by(pr.campaign_id, pr.position))  # fmt: skip
            for row in await self.session.execute(stmt):
                by_id[row.campaign_id].append(
                    {"rule_type": row.rule_type, "conditions": row.conditions, "actions": row.actions}
                )
        for c in campaigns:
            c.rules = list(parse_rules(by_id[c.id], ("rules",)))
        return list(campaigns)

    async def list_campaigns(self, page: PageRequest, *, q: str | None = None,
                             automatic: bool | None = None) -> Page[Campaign]:  # fmt: skip
        stmt = sa.select(Campaign)
        if automatic is not None:
            stmt = stmt.where(ca.automatic == automatic)
        if q:  # few rows, and SQL's lower() does not fold Turkish letters: match the folded text here
            wanted = search_key(q)
            rows = await self.session.execute(sa.select(ca.id, ca.name).where(~ca.is_deleted))
            stmt = stmt.where(ca.id.in_([r.id for r in rows if wanted in search_key(r.name)]))
        found = await keyset_page(self.session, stmt, page, [ca.created_at, ca.id])
        return Page(await self._with_rules([self._seen(c) for c in found.items]), found.next_cursor)

    async def automatic_campaigns(self, currency: str, at: datetime) -> list[Campaign]:
        stmt = sa.select(Campaign).where(*_live_campaigns(currency, at)).order_by(ca.priority.desc(), ca.name, ca.id)
        return await self._with_rules([self._seen(c) for c in (await self.session.scalars(stmt)).all()])

    async def offered(self, currency: str, at: datetime) -> tuple[list[Campaign], list[BundleDeal]]:
        stmt = sa.select(
            sa.exists().where(*_live_campaigns(currency, at)), sa.exists().where(*_live_bundles(currency, at))
        )  # one round trip when nothing is on offer
        any_campaign, any_bundle = (await self.session.execute(stmt)).one()
        campaigns = await self.automatic_campaigns(currency, at) if any_campaign else []
        return campaigns, await self.active_bundles(currency, at) if any_bundle else []

    async def claim_campaign(self, campaign_id: uuid.UUID) -> bool:
        stmt = (sa.update(Campaign)
                .where(ca.id == campaign_id, sa.or_(ca.usage_limit.is_(None), ca.used_count < ca.usage_limit))
                .values(used_count=ca.used_count + 1)
                .execution_options(synchronize_session="fetch"))  # a loaded campaign sees its new count  # fmt: skip
        return _rowcount(await self.session.execute(stmt)) == 1

    # --- coupons -----------------------------------------------------------------------------------------
    async def add_coupon(self, coupon: Coupon) -> None:
        await self.add(coupon)

    async def add_coupons(self, coupons: list[Coupon]) -> None:
        if not coupons:
            return
        await self.session.flush()  # their campaign first, if it is new in this transaction
        now, actor = utcnow(), current_actor.get()
        by = actor.user_id if actor else None
        rows = [
            {"id": c.id, "created_at": now, "created_by": by, "updated_at": now, "updated_by": by,
             "is_active": c.is_active, "is_deleted": False, "data": c.data, "version": 1, "code": c.code,
             "campaign_id": c.campaign_id, "total_usage_limit": c.total_usage_limit,
             "usage_limit_per_user": c.usage_limit_per_user, "start_date": c.start_date, "end_date": c.end_date,
             "used_count": 0}
            for c in coupons
        ]  # fmt: skip
        try:
            await self.session.execute(sa.insert(t.coupons), rows)
        except IntegrityError as exc:  # a code another transaction took meanwhile
            raise integrity_conflict(exc) from None
        for c in coupons:
            c.created_at = c.updated_at = now
            c.created_by = c.updated_by = by
            c.version = 1

    async def get_coupon(self, coupon_id: uuid.UUID) -> Coupon:
        found = await self.session.get(Coupon, coupon_id)
        if found is None:
            raise NotFound(f"no coupon with id {coupon_id}")
        return self._seen(found)  # type: ignore[no-any-return]

    async def coupon_by_code(self, code: str) -> Coupon | None:
        return await self._first(sa.select(Coupon).where(co.code == code, co.is_deleted == sa.false()))  # type: ignore[no-any-return]

    async def taken_codes(self, codes: Collection[str]) -> set[str]:
        wanted, taken = list(codes), set()
        for i in range(0, len(wanted), _CHUNK):
            stmt = sa.select(co.code).where(co.code.in_(wanted[i : i + _CHUNK]), co.is_deleted == sa.false())
            taken |= set((await self.session.scalars(stmt)).all())
        return taken

    async def list_coupons(self, page: PageRequest, *, campaign_id: uuid.UUID | None = None,
                           q: str | None = None) -> Page[Coupon]:  # fmt: skip
        stmt = sa.select(Coupon)
        if campaign_id is not None:
            stmt = stmt.where(co.campaign_id == campaign_id)
        if q:
            stmt = stmt.where(co.code.like(f"{like_escaped(q)}%", escape="\\"))
        found = await keyset_page(self.session, stmt, page, [co.created_at, co.id])
        return Page([self._seen(c) for c in found.items], found.next_cursor)

    async def coupons_of(self, campaign_id: uuid.UUID) -> list[Coupon]:
        stmt = sa.select(Coupon).where(co.campaign_id == campaign_id).order_by(co.code)
        return list((await self.session.scalars(stmt)).all())

    async def customer_uses(self, coupon_id: uuid.UUID, customer_key: str) -> int:
        stmt = sa.select(cu.used_count).where(cu.coupon_id == coupon_id, cu.customer_key == customer_key)
        return int(await self.session.scalar(stmt) or 0)

    async def claim_coupon(self, coupon_id: uuid.UUID, customer_key: str, per_user_limit: int | None) -> str | None:
        await self.session.execute(insert_for(self.session, t.coupon_customer_uses)
                                   .values(coupon_id=coupon_id, customer_key=customer_key, used_count=0)
                                   .on_conflict_do_nothing(index_elements=["coupon_id", "customer_key"]))  # fmt: skip
        mine = sa.and_(cu.coupon_id == coupon_id, cu.customer_key == customer_key)
        under = sa.true() if per_user_limit is None else cu.used_count < per_user_limit
        counted = await self.session.execute(
            sa.update(t.coupon_customer_uses).where(mine, under).values(used_count=cu.used_count + 1)
        )
        if _rowcount(counted) != 1:
            return "coupon_user_limit_reached"
        stmt = (sa.update(Coupon)
                .where(co.id == coupon_id,
                       sa.or_(co.total_usage_limit.is_(None), co.used_count < co.total_usage_limit))
                .values(used_count=co.used_count + 1)
                .execution_options(synchronize_session="fetch"))  # fmt: skip
        if _rowcount(await self.session.execute(stmt)) != 1:
            return "coupon_exhausted"
        return None

    # --- bundles -----------------------------------------------------------------------------------------
    async def add_bundle(self, bundle: BundleDeal) -> None:
        await self.add(bundle)
        await self.session.flush()
        await self._insert_items(bundle)

    async def get_bundle(self, bundle_id: uuid.UUID) -> BundleDeal:
        found = await self.session.get(BundleDeal, bundle_id)
        if found is None:
            raise NotFound(f"no bundle deal with id {bundle_id}")
        return (await self._with_items([self._seen(found)]))[0]

    async def put_items(self, bundle: BundleDeal) -> None:
        await self.session.execute(sa.delete(t.bundle_items).where(bi.bundle_id == bundle.id))
        await self._insert_items(bundle)

    async def _insert_items(self, bundle: BundleDeal) -> None:
        rows = [{"bundle_id": bundle.id, "variant_id": item.variant_id, "position": i, "quantity": item.quantity}
                for i, item in enumerate(bundle.items)]  # fmt: skip
        if rows:
            await self.session.execute(sa.insert(t.bundle_items), rows)

    async def _with_items(self, bundles: Sequence[BundleDeal]) -> list[BundleDeal]:
        by_id: dict[uuid.UUID, list[BundleItem]] = {b.id: [] for b in bundles}
        if by_id:
            stmt = (sa.select(bi.bundle_id, bi.variant_id, bi.quantity).where(bi.bundle_id.in_(list(by_id)))
                    .order_by(bi.bundle_id, bi.position))  # fmt: skip
            for row in await self.session.execute(stmt):
                by_id[row.bundle_id].append(BundleItem(row.variant_id, row.quantity))
        for b in bundles:
            b.items = by_id[b.id]
        return list(bundles)

    async def list_bundles(self, page: PageRequest) -> Page[BundleDeal]:
        found = await keyset_page(self.session, sa.select(BundleDeal), page, [bd.created_at, bd.id])
        return Page(await self._with_items([self._seen(b) for b in found.items]), found.next_cursor)

    async def active_bundles(self, currency: str, at: datetime) -> list[BundleDeal]:
        stmt = sa.select(BundleDeal).where(*_live_bundles(currency, at)).order_by(bd.name, bd.id)
        return await self._with_items([self._seen(b) for b in (await self.session.scalars(stmt)).all()])

    # --- what orders were given --------------------------------------------------------------------------
    async def record(self, rows: list[OrderPromotion]) -> None:
        if not rows:
            return
        await self.session.execute(sa.insert(t.order_promotions), [
            {"id": r.id, "order_id": r.order_id, "kind": r.kind, "campaign_id": r.campaign_id,
             "bundle_id": r.bundle_id, "coupon_id": r.coupon_id, "coupon_code": r.coupon_code,
             "customer_key": r.customer_key, "name": r.name[:200], "amount": r.amount, "currency": r.currency,
             "released_at": r.released_at, "created_at": r.created_at, "position": i}
            for i, r in enumerate(rows)
        ])  # fmt: skip

    async def of_order(self, order_id: uuid.UUID) -> list[OrderPromotion]:
        stmt = sa.select(*_COLUMNS).where(op.order_id == order_id).order_by(op.created_at, op.position)
        return [_order_promotion(r) for r in await self.session.execute(stmt)]

    async def release(self, order_id: uuid.UUID, at: datetime) -> list[OrderPromotion]:
        stmt = (sa.update(t.order_promotions).where(op.order_id == order_id, op.released_at.is_(None))
                .values(released_at=at).returning(*_COLUMNS, op.position))  # fmt: skip
        rows = sorted(await self.session.execute(stmt), key=lambda r: (r.created_at, r.position))
        released = [_order_promotion(r) for r in rows]
        for row in released:
            if row.coupon_id is not None:
                await self.session.execute(
                    sa.update(t.coupon_customer_uses)
                    .where(cu.coupon_id == row.coupon_id, cu.customer_key == row.customer_key, cu.used_count > 0)
                    .values(used_count=cu.used_count - 1)
                )
                await self._give_back(Coupon, co, row.coupon_id)
            if row.campaign_id is not None:
                await self._give_back(Campaign, ca, row.campaign_id)
        return released

    async def _give_back(self, model: type[Any], c: Any, key: uuid.UUID) -> None:
        await self.session.execute(sa.update(model).where(c.id == key, c.used_count > 0)
                                   .values(used_count=c.used_count - 1)
                                   .execution_options(synchronize_session="fetch"))  # fmt: skip


_COLUMNS = (op.id, op.order_id, op.kind, op.name, op.amount, op.currency, op.customer_key, op.campaign_id,
            op.bundle_id, op.coupon_id, op.coupon_code, op.released_at, op.created_at)  # fmt: skip


def _order_promotion(row: Any) -> OrderPromotion:
    m = row._mapping
    return OrderPromotion(
        id=m["id"], order_id=m["order_id"], kind=m["kind"], name=m["name"], amount=m["amount"],
        currency=m["currency"], customer_key=m["customer_key"], campaign_id=m["campaign_id"],
        bundle_id=m["bundle_id"], coupon_id=m["coupon_id"], coupon_code=m["coupon_code"],
        released_at=m["released_at"], created_at=m["created_at"],
    )  # fmt: skip
