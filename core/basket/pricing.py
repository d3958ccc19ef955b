"""Pricing a basket from the catalog as it is now: lines, shipping and the KDV each contains.

Prices are tax-inclusive (KDV dahil). The tax of each rate is the KDV contained in everything sold at that rate
(goods and, at its own rate, shipping), rounded once per rate; `tax` is their sum and `total = subtotal -
discount + shipping`. `split_tax` also hands each line its exact share of its rate's tax (for order lines).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from core.basket import settings as keys
from core.shared.money import Money

if TYPE_CHECKING:
    from core.basket.model import Basket
    from ports.services import RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class Offer:
    """What the catalog sells a variant for now (read by the basket repository in one query)."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    variant_name: str
    sku: str
    price: Money | None  # the sale price in the asked currency (discount taken off); None without one
    tax_rate: Decimal
    active: bool  # variant and product both active (and not deleted)
    brand_id: uuid.UUID | None = None  # the product's, for promotions' conditions
    category_id: uuid.UUID | None = None

    @property
    def name(self) -> str:
        return offer_name(self.product_name, self.variant_name)

    @property
    def purchasable(self) -> bool:
        return self.active and self.price is not None


def offer_name(product: str, variant: str) -> str:
    """A line's name: the variant's when it names the product already, else the product's and the variant's."""
    if not variant:
        return product
    return variant if variant.startswith(product) else f"{product} {variant}"


@attrs.frozen
class PricedLine:
    line_id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID | None
    product_name: str  # "" (and so `name`) for a line gone from the catalog
    variant_name: str
    sku: str
    quantity: int
    unit_price: Money
    total_price: Money  # unit_price * quantity - discount_amount
    discount_amount: Money
    tax_rate: Decimal
    price_changed_from: Money | None  # the price the customer agreed to, when today's differs
    purchasable: bool  # false: gone from the catalog, inactive, or no price in the basket's currency

    @property
    def name(self) -> str:
        return offer_name(self.product_name, self.variant_name)


@attrs.frozen
class TaxLine:
    rate: Decimal
    amount: Money


@attrs.frozen
class Totals:
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money
    tax_lines: tuple[TaxLine, ...]
    total: Money


@attrs.frozen
class TaxSplit:
    tax_lines: tuple[TaxLine, ...]
    per_line: dict[uuid.UUID, Money]  # each purchasable line's share of its rate's tax
    shipping_tax: Money


async def priced_lines(uow: UnitOfWork, basket: Basket) -> tuple[list[PricedLine], dict[uuid.UUID, Offer]]:
    """Every line priced from the catalog now (and the offers it was priced from); unpurchasable lines are shown
    at their last agreed price but count in no total (checkout refuses them)."""
    offers = await uow.baskets.offers([ln.variant_id for ln in basket.lines], basket.currency)
    zero = Money.zero(basket.currency)
    lines: list[PricedLine] = []
    for ln in basket.lines:
        offer = offers.get(ln.variant_id)
        agreed = ln.unit_price_at_add
        if offer is not None and offer.purchasable:
            assert offer.price is not None
            unit, changed = offer.price, (agreed if agreed != offer.price else None)
        else:
            unit, changed = agreed, None
        lines.append(PricedLine(
            line_id=ln.id, variant_id=ln.variant_id, product_id=offer.product_id if offer else None,
            product_name=offer.product_name if offer else "", variant_name=offer.variant_name if offer else "",
            sku=offer.sku if offer else "", quantity=ln.quantity,
            unit_price=unit, total_price=unit * ln.quantity, discount_amount=zero,
            tax_rate=offer.tax_rate if offer else Decimal(0), price_changed_from=changed,
            purchasable=offer is not None and offer.purchasable,
        ))  # fmt: skip
    return lines, offers


def discounted(line: PricedLine, discount: Money) -> PricedLine:
    """The line with `discount` off its amount (a promotion's share)."""
    return attrs.evolve(line, discount_amount=discount, total_price=line.unit_price * line.quantity - discount)


async def totals_of(settings: RuntimeSettings, lines: Sequence[PricedLine], currency: str, *,
                    free_shipping: bool = False) -> Totals:  # fmt: skip
    zero = Money.zero(currency)
    sold = [ln for ln in lines if ln.purchasable]
    subtotal = sum((ln.unit_price * ln.quantity for ln in sold), zero)
    discount = sum((ln.discount_amount for ln in sold), zero)
    shipping, shipping_rate = await shipping_for(settings, subtotal - discount, bool(sold) and not free_shipping)
    split = split_tax(sold, shipping, shipping_rate)
    tax = sum((t.amount for t in split.tax_lines), zero)
    return Totals(subtotal, discount, shipping, tax, split.tax_lines, subtotal - discount + shipping)


async def shipping_for(settings: RuntimeSettings, goods: Money, any_goods: bool) -> tuple[Money, Decimal]:
    """(shipping, its KDV rate): the flat fee, free when the goods cost at least the threshold; 0 when empty."""
    rate = await settings.get(keys.SHIPPING_TAX_RATE)
    if not any_goods:
        return Money.zero(goods.currency), rate
    free_above = Money.rounded(await settings.get(keys.SHIPPING_FREE_ABOVE), goods.currency)
    if goods >= free_above:
        return Money.zero(goods.currency), rate
    return Money.rounded(await settings.get(keys.SHIPPING_FLAT_FEE), goods.currency), rate


def split_tax(lines: Sequence[PricedLine], shipping: Money, shipping_rate: Decimal) -> TaxSplit:
    """The KDV contained in each rate's tax-inclusive amount, rounded once per rate, then allocated exactly over
    that rate's lines (and shipping) by their amounts. Rates come out highest first."""
    shipping_key = uuid.UUID(int=0)
    groups: dict[Decimal, list[tuple[uuid.UUID, Money]]] = {}
    for ln in lines:
        groups.setdefault(ln.tax_rate, []).append((ln.line_id, ln.total_price))
    if not shipping.is_zero:
        groups.setdefault(shipping_rate, []).append((shipping_key, shipping))
    tax_lines: list[TaxLine] = []
    shares: dict[uuid.UUID, Money] = {}
    zero = Money.zero(shipping.currency)
    for rate in sorted(groups, reverse=True):
        members = groups[rate]
        gross = sum((amount for _, amount in members), zero)
        tax = Money.rounded(gross.amount * rate / (100 + rate), gross.currency)
        parts = tax.allocate([a.amount for _, a in members]) if not gross.is_zero else [zero] * len(members)
        shares.update((key, part) for (key, _), part in zip(members, parts, strict=True))
        tax_lines.append(TaxLine(rate, tax))
    shipping_tax = shares.pop(shipping_key, zero)
    return TaxSplit(tuple(tax_lines), shares, shipping_tax)


def money_json(money: Money) -> dict[str, str]:
    return {"amount": str(money.amount), "currency": money.currency}


def rate_text(rate: Decimal) -> str:
    """A rate as API.md writes it: "20", "10", "1", "0", "8.5"."""
    return format(rate.normalize(), "f")


def totals_json(totals: Totals) -> dict[str, Any]:
    return {
        "subtotal": money_json(totals.subtotal),
        "discount": money_json(totals.discount),
        "shipping": money_json(totals.shipping),
        "tax": money_json(totals.tax),
        "tax_lines": [{"rate": rate_text(t.rate), "amount": money_json(t.amount)} for t in totals.tax_lines],
        "total": money_json(totals.total),
    }


def line_json(line: PricedLine) -> dict[str, Any]:
    changed = line.price_changed_from
    return {
        "id": str(line.line_id),
        "variant_id": str(line.variant_id),
        "product_id": str(line.product_id) if line.product_id else None,
        "name": line.name,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": money_json(line.unit_price),
        "total_price": money_json(line.total_price),
        "discount_amount": money_json(line.discount_amount),
        "tax_rate": rate_text(line.tax_rate),
        "price_changed_from": money_json(changed) if changed is not None else None,
        "purchasable": line.purchasable,
    }
