"""Staff work on coupons (`promotions.manage`): one by one, generated in bulk for a campaign, and exported as
CSV. Codes are unique among live coupons, compared upper-cased. Every change is audited."""

from __future__ import annotations

import csv
import io
import re
import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.use_cases.common import Revision, checked, flag, referenced
from core.platform.audit import audit
from core.promotions.model import (
    CODE_ALPHABET,
    Coupon,
    coupon_code,
    dates_in_order,
    limit,
    normalize_code,
    optional_moment,
)
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.uow import UnitOfWork

MAX_GENERATED = 10_000
CSV_COLUMNS = ("code", "total_usage_limit", "usage_limit_per_user", "used_count", "start_date", "end_date",
               "is_active")  # fmt: skip
_PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
_ROUNDS = 10


@attrs.frozen
class NewCoupon:
    actor: Actor
    code: str
    campaign_id: uuid.UUID
    total_usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool = True


async def _free_code(uow: UnitOfWork, code: str, current: uuid.UUID | None = None) -> str:
    found = await uow.promotions.coupon_by_code(code)
    if found is not None and found.id != current:
        raise Conflict(f"coupon code {code} is taken", code="duplicate_coupon_code")
    return code


async def _campaign_ref(uow: UnitOfWork, campaign_id: Any) -> uuid.UUID:
    if not isinstance(campaign_id, uuid.UUID):
        raise Invalid.field("campaign_id", "a campaign id")
    return (await referenced(uow.promotions.get_campaign, campaign_id, "campaign_id")).id


def _within_uses(coupon: Coupon, total: int | None) -> None:
    if total is not None and total < coupon.used_count:
        raise Conflict(f"the coupon has been used {coupon.used_count} times already", code="limit_below_uses")


@attrs.define
class CreateCoupon:
    """A code that brings its campaign; a code a live coupon has (in any case) is 409 `duplicate_coupon_code`."""

    uow: UnitOfWork

    async def __call__(self, cmd: NewCoupon) -> Coupon:
        coupon = Coupon(
            code=coupon_code(cmd.code), campaign_id=cmd.campaign_id,
            total_usage_limit=limit("total_usage_limit", cmd.total_usage_limit),
            usage_limit_per_user=limit("usage_limit_per_user", cmd.usage_limit_per_user),
            start_date=optional_moment("start_date", cmd.start_date),
            end_date=optional_moment("end_date", cmd.end_date), is_active=flag("is_active")(cmd.is_active),
        )  # fmt: skip
        dates_in_order(coupon.start_date, coupon.end_date)
        async with self.uow:
            await _campaign_ref(self.uow, cmd.campaign_id)
            await _free_code(self.uow, coupon.code)
            await self.uow.promotions.add_coupon(coupon)
            await audit(self.uow, cmd.actor, "coupon.create", "coupon", coupon.id,
                        {"code": [None, coupon.code], "campaign_id": [None, coupon.campaign_id]})  # fmt: skip
            await self.uow.commit()
        return coupon


@attrs.define
class ChangeCoupon:
    """A PATCH; limits and dates take null to remove them. A total limit below the uses so far is 409
    `limit_below_uses`."""

    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> Coupon:
        values = checked(cmd.changes, {
            "code": coupon_code, "campaign_id": lambda v: v, "is_active": flag("is_active"),
            "total_usage_limit": lambda v: limit("total_usage_limit", v),
            "usage_limit_per_user": lambda v: limit("usage_limit_per_user", v),
            "start_date": lambda v: optional_moment("start_date", v),
            "end_date": lambda v: optional_moment("end_date", v),
        })  # fmt: skip
        async with self.uow:
            coupon = await self.uow.promotions.get_coupon(cmd.target_id)
            if "campaign_id" in values:
                values["campaign_id"] = await _campaign_ref(self.uow, values["campaign_id"])
            if "code" in values:
                await _free_code(self.uow, values["code"], coupon.id)
            if "total_usage_limit" in values:
                _within_uses(coupon, values["total_usage_limit"])
            changes = coupon.revise(**values)
            await audit(self.uow, cmd.actor, "coupon.update", "coupon", coupon.id, changes)
            await self.uow.commit()
        return coupon


@attrs.define
class DeleteCoupon:
    """Soft delete: the code stops working and may be given to a new coupon."""

    uow: UnitOfWork

    async def __call__(self, actor: Actor, coupon_id: uuid.UUID) -> None:
        async with self.uow:
            coupon = await self.uow.promotions.get_coupon(coupon_id)
            coupon.delete(actor.user_id)
            await audit(self.uow, actor, "coupon.delete", "coupon", coupon.id, {"code": [coupon.code, None]})
            await self.uow.commit()


@attrs.define
class GetCoupon:
    uow: UnitOfWork

    async def __call__(self, coupon_id: uuid.UUID) -> Coupon:
        async with self.uow:
            return await self.uow.promotions.get_coupon(coupon_id)


@attrs.define
class ListCoupons:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, campaign_id: uuid.UUID | None = None,
                       q: str | None = None) -> Page[Coupon]:  # fmt: skip
        async with self.uow:
            return await self.uow.promotions.list_coupons(page, campaign_id=campaign_id,
                                                          q=normalize_code(q) if q else None)  # fmt: skip


# --- generated in bulk ---------------------------------------------------------------------------------------


@attrs.frozen
class CouponBatch:
    actor: Actor
    campaign_id: uuid.UUID
    count: int
    prefix: str = ""
    length: int = 10
    total_usage_limit: int | None = 1
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@attrs.frozen
class Generated:
    count: int
    codes: list[str]


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_GENERATED:
        raise Invalid.field("count", f"a whole number from 1 to {MAX_GENERATED}")
    return value


def _prefix(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid.field("prefix", "must be a string")
    prefix = normalize_code(value)
    if prefix and not _PREFIX.fullmatch(prefix):
        raise Invalid.field("prefix", "up to 20 of A-Z, 0-9, - and _, starting with a letter or digit")
    return prefix


def _length(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 6 <= value <= 32:
        raise Invalid.field("length", "a whole number from 6 to 32 (random characters after the prefix)")
    return value


def random_code(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@attrs.define
class GenerateCoupons:
    """`count` coupons of a campaign with unique random codes (`prefix` + `length` characters without 0/O/1/I),
    each used at most `total_usage_limit` times (default once). Codes a live coupon has are drawn again."""

    uow: UnitOfWork

    async def __call__(self, cmd: CouponBatch) -> Generated:
        count, prefix, length = _count(cmd.count), _prefix(cmd.prefix), _length(cmd.length)
        total = limit("total_usage_limit", cmd.total_usage_limit)
        per_user = limit("usage_limit_per_user", cmd.usage_limit_per_user)
        start, end = optional_moment("start_date", cmd.start_date), optional_moment("end_date", cmd.end_date)
        dates_in_order(start, end)
        async with self.uow:
            campaign = await self.uow.promotions.get_campaign(cmd.campaign_id)
            codes = await self._draw(count, prefix, length)
            coupons = [Coupon(code=code, campaign_id=campaign.id, total_usage_limit=total,
                              usage_limit_per_user=per_user, start_date=start, end_date=end)
                       for code in codes]  # fmt: skip
            await self.uow.promotions.add_coupons(coupons)
            made = {"count": [None, count], "prefix": [None, prefix], "total_usage_limit": [None, total]}
            await audit(self.uow, cmd.actor, "coupon.generate", "campaign", campaign.id, made)
            await self.uow.commit()
        return Generated(len(codes), codes)

    async def _draw(self, count: int, prefix: str, length: int) -> list[str]:
        codes: set[str] = set()
        for _ in range(_ROUNDS):
            wanted = count - len(codes)
            drawn = {random_code(prefix, length) for _ in range(wanted)} - codes
            codes |= drawn - await self.uow.promotions.taken_codes(drawn)
            if len(codes) == count:
                return sorted(codes)
        raise Conflict("not enough free codes of this length: make them longer", code="code_space_exhausted")


@attrs.define
class ExportCoupons:
    """A campaign's live coupons as CSV (by code): code, limits, uses, dates, active."""

    uow: UnitOfWork

    async def __call__(self, campaign_id: uuid.UUID) -> str:
        async with self.uow:
            campaign = await self.uow.promotions.get_campaign(campaign_id)
            coupons = await self.uow.promotions.coupons_of(campaign.id)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for c in coupons:
            writer.writerow([c.code, _cell(c.total_usage_limit), _cell(c.usage_limit_per_user), c.used_count,
                             _cell(c.start_date), _cell(c.end_date), "true" if c.is_active else "false"])  # fmt: skip
        return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)
