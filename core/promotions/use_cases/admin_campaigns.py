"""Staff work on campaigns (`promotions.manage`): a discount with dates, limits and rules. Every change is in
the audit log, in the transaction that makes it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.use_cases.common import Revision, checked, flag
from core.platform.audit import audit
from core.promotions.model import (
    Campaign,
    currency,
    discount_type,
    discount_value,
    limit,
    moment,
    name,
    optional_amount,
    optional_moment,
    priority,
    text,
)
from core.promotions.rules import parse_rules, rules_json
from core.shared.actor import Actor
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.uow import UnitOfWork

RULES_LOC = ("body", "rules")


@attrs.frozen
class NewCampaign:
    actor: Actor
    name: str
    discount_type: str
    discount_value: str
    start_date: datetime
    end_date: datetime | None = None
    minimum_cart_amount: str | None = None
    usage_limit: int | None = None
    rules: Any = None  # JSON rules (core/promotions/rules.py); None: none
    description: str = ""
    automatic: bool = False
    currency: str = "TRY"
    priority: int = 0
    exclusive: bool = False
    is_active: bool = True


def _description(v: Any) -> str:
    return text("description", v, 2000)


def _rules(v: Any) -> list[Any]:
    return list(parse_rules([] if v is None else v, RULES_LOC))


def _later(v: Any) -> Any:
    return v  # checked against the discount type and the currency once both are known


def _within_uses(campaign: Campaign, usage_limit: int | None) -> None:
    if usage_limit is not None and usage_limit < campaign.used_count:
        raise Conflict(f"the campaign has been used {campaign.used_count} times already", code="limit_below_uses")


@attrs.define
class CreateCampaign:
    uow: UnitOfWork

    async def __call__(self, cmd: NewCampaign) -> Campaign:
        money = currency(cmd.currency)
        kind = discount_type(cmd.discount_type)
        campaign = Campaign(
            name=name(cmd.name), description=_description(cmd.description), automatic=flag("automatic")(cmd.automatic),
            discount_type=kind, discount_value=discount_value(kind, cmd.discount_value, money), currency=money,
            minimum_cart_amount=optional_amount("minimum_cart_amount", cmd.minimum_cart_amount, money),
            start_date=moment("start_date", cmd.start_date), end_date=optional_moment("end_date", cmd.end_date),
            usage_limit=limit("usage_limit", cmd.usage_limit), priority=priority(cmd.priority),
            exclusive=flag("exclusive")(cmd.exclusive), is_active=flag("is_active")(cmd.is_active),
            rules=_rules(cmd.rules),
        )  # fmt: skip
        campaign.check()
        async with self.uow:
            await self.uow.promotions.add_campaign(campaign)
            made = {
                "name": [None, campaign.name],
                "discount_type": [None, kind],
                "discount_value": [None, campaign.discount_value],
                "rules": [None, rules_json(campaign.rules)],
            }
            await audit(self.uow, cmd.actor, "campaign.create", "campaign", campaign.id, made)
            await self.uow.commit()
        return campaign


@attrs.define
class ChangeCampaign:
    """A PATCH; `rules` replaces all the rules (null: none); `end_date`, `minimum_cart_amount` and
    `usage_limit` take null to remove them. A usage limit below the uses so far is 409 `limit_below_uses`."""

    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> Campaign:
        values = checked(cmd.changes, {
            "name": name, "description": _description, "automatic": flag("automatic"),
            "discount_type": discount_type, "discount_value": _later, "currency": currency,
            "minimum_cart_amount": _later,
            "start_date": lambda v: moment("start_date", v), "end_date": lambda v: optional_moment("end_date", v),
            "usage_limit": lambda v: limit("usage_limit", v), "priority": priority,
            "exclusive": flag("exclusive"), "is_active": flag("is_active"), "rules": _rules,
        })  # fmt: skip
        rules_sent, rules = "rules" in values, values.pop("rules", [])
        async with self.uow:
            campaign = await self.uow.promotions.get_campaign(cmd.target_id)
            money = values.get("currency", campaign.currency)
            kind = values.get("discount_type", campaign.discount_type)
            if "discount_value" in values:
                values["discount_value"] = discount_value(kind, values["discount_value"], money)
            if "minimum_cart_amount" in values:
                values["minimum_cart_amount"] = optional_amount("minimum_cart_amount", values["minimum_cart_amount"],
                                                                money)  # fmt: skip
            if "usage_limit" in values:
                _within_uses(campaign, values["usage_limit"])
            changes = campaign.revise(**values)
            if rules_sent:
                before = rules_json(campaign.rules)
                campaign.rules = rules
                if rules_json(campaign.rules) != before:
                    changes["rules"] = [before, rules_json(campaign.rules)]
                    await self.uow.promotions.put_rules(campaign)
            await audit(self.uow, cmd.actor, "campaign.update", "campaign", campaign.id, changes)
            await self.uow.commit()
        return campaign


@attrs.define
class DeleteCampaign:
    """Soft delete: its coupons stop working (coupon_not_found) and it no longer applies."""

    uow: UnitOfWork

    async def __call__(self, actor: Actor, campaign_id: uuid.UUID) -> None:
        async with self.uow:
            campaign = await self.uow.promotions.get_campaign(campaign_id)
            campaign.delete(actor.user_id)
            await audit(self.uow, actor, "campaign.delete", "campaign", campaign.id)
            await self.uow.commit()


@attrs.define
class GetCampaign:
    uow: UnitOfWork

    async def __call__(self, campaign_id: uuid.UUID) -> Campaign:
        async with self.uow:
            return await self.uow.promotions.get_campaign(campaign_id)


@attrs.define
class ListCampaigns:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None, automatic: bool | None = None) -> Page[Campaign]:
        async with self.uow:
            return await self.uow.promotions.list_campaigns(page, q=q, automatic=automatic)
