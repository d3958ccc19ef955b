"""Bundle deals: the combination of bundle applications that saves the most.

Each bundle may apply several times while its items remain; a set takes the most expensive units of each of its
variants. A set saves (its units' prices) - price, or percent of that sum. The search is exhaustive with pruning
(few bundles touch one basket): bundles with the best single-set saving first and the most sets first, so the
first combination tried is the greedy one, and a node budget keeps the worst case bounded (the best found by
then wins).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from core.shared.money import Money

if TYPE_CHECKING:
    from core.promotions.engine import BundleOffer, Item

NODE_BUDGET = 2_000
Stock = dict[
    uuid.UUID, tuple[tuple[uuid.UUID, Decimal, int], ...]
]  # variant -> (line, unit price, count), dearest first


@attrs.frozen
class BundleUse:
    offer: BundleOffer
    times: int
    saving: Money
    used: tuple[tuple[uuid.UUID, Money], ...]  # (line_id, the amount of its units the sets took)


def best_bundles(items: Sequence[Item], offers: Sequence[BundleOffer], currency: str,
                 ) -> tuple[list[BundleUse], list[tuple[BundleOffer, str]]]:  # fmt: skip
    """The chosen applications, and the offers touching the basket that were not used (with why)."""
    runs: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal, int]]] = {}
    for it in items:
        runs.setdefault(it.variant_id, []).append((it.line_id, it.unit_price.amount, it.quantity))
    stock: Stock = {v: tuple(sorted(r, key=lambda u: -u[1])) for v, r in runs.items()}
    touching = [o for o in offers if any(v in stock for v, _ in o.items)]
    unused: dict[uuid.UUID, tuple[BundleOffer, str]] = {}
    usable: list[tuple[BundleOffer, dict[uuid.UUID, int]]] = []
    for o in touching:
        need: dict[uuid.UUID, int] = {}
        for v, q in o.items:
            need[v] = need.get(v, 0) + q
        if o.price is not None and o.price.currency != currency:
            unused[o.bundle_id] = o, f"the bundle is priced in {o.price.currency}"
        elif _times(need, stock) == 0:
            unused[o.bundle_id] = o, "the basket does not hold the whole set"
        elif _gain(o, _take(need, 1, stock)[1]) <= 0:
            unused[o.bundle_id] = o, "the set costs no more than the bundle price"
        else:
            usable.append((o, need))
    usable.sort(key=lambda u: -_gain(u[0], _take(u[1], 1, stock)[1]))
    chosen = _search(usable, stock)
    uses = []
    for k, t in chosen:
        offer, need = usable[k]
        stock, took = _take(need, t, stock)
        used = tuple((line, Money.rounded(amount, currency)) for line, amount in took.items())
        worth = sum((m for _, m in used), Money.zero(currency))
        saving = worth - offer.price * t if offer.price is not None else worth.percent(offer.percent or Decimal(0))
        uses.append(BundleUse(offer, t, saving, used))
    picked = {usable[k][0].bundle_id for k, _ in chosen}
    for o, _ in usable:
        if o.bundle_id not in picked:
            unused[o.bundle_id] = o, "a better combination of bundles applies"
    return uses, list(unused.values())


def _times(need: dict[uuid.UUID, int], stock: Stock) -> int:
    return min(sum(n for _, _, n in stock.get(v, ())) // q for v, q in need.items())


def _take(need: dict[uuid.UUID, int], times: int, stock: Stock) -> tuple[Stock, dict[uuid.UUID, Decimal]]:
    """The stock left after `times` sets, and the amount each line gave (dearest units first)."""
    left = dict(stock)
    took: dict[uuid.UUID, Decimal] = {}
    for v, q in need.items():
        want, rest = q * times, []
        for line, price, n in stock[v]:
            k = min(n, want)
            if k:
                took[line] = took.get(line, Decimal(0)) + price * k
            want -= k
            if n > k:
                rest.append((line, price, n - k))
        left[v] = tuple(rest)
    return left, took


def _gain(offer: BundleOffer, took: dict[uuid.UUID, Decimal], times: int = 1) -> Decimal:
    worth = sum(took.values(), Decimal(0))
    if offer.price is not None:
        return worth - offer.price.amount * times
    return worth * (offer.percent or Decimal(0)) / 100


def _search(usable: list[tuple[BundleOffer, dict[uuid.UUID, int]]], stock: Stock) -> list[tuple[int, int]]:
    """(index into usable, times) of the combination with the greatest saving."""
    best: list[tuple[Decimal, list[tuple[int, int]]]] = [(Decimal(0), [])]
    budget = [NODE_BUDGET]

    def alone(k: int, left: Stock) -> Decimal:  # the most bundle k could still save: an upper bound
        offer, need = usable[k]
        total = Decimal(0)
        for _ in range(_times(need, left)):
            left, took = _take(need, 1, left)
            if (gain := _gain(offer, took)) <= 0:
                break  # later sets take cheaper units
            total += gain
        return total

    def visit(k: int, left: Stock, saving: Decimal, chosen: list[tuple[int, int]]) -> None:
        if saving > best[0][0]:
            best[0] = (saving, chosen)
        if k == len(usable) or budget[0] <= 0:
            return
        if saving + sum(alone(j, left) for j in range(k, len(usable))) <= best[0][0]:
            return
        offer, need = usable[k]
        for times in range(_times(need, left), -1, -1):
            budget[0] -= 1
            after, took = _take(need, times, left)
            visit(k + 1, after, saving + _gain(offer, took, times), [*chosen, (k, times)] if times else chosen)

    visit(0, stock, Decimal(0), [])
    return best[0][1]
