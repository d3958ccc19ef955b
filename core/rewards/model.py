"""A user's points: the balance and the ledger entries that explain it, and the arithmetic on them.

Entries that add points (earn, return, a positive adjust) are *lots*: `remaining` counts their points not yet
spent, reversed or expired. Whatever takes points takes them from the lots first-in first-out (the soonest to
expire first), so the balance always equals the sum of the lots' `remaining`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal, get_args

import attrs

from core.shared.time import utcnow

Kind = Literal["earn", "spend", "reverse", "expire", "return", "adjust"]
KINDS: tuple[str, ...] = get_args(Kind)
MAX_ADJUST = 1_000_000_000
"""Most points one staff adjustment gives or takes."""


def earn_key(order_id: uuid.UUID) -> str:
    return f"earn:{order_id}"


def spend_key(order_id: uuid.UUID) -> str:
    return f"spend:{order_id}"


def return_key(order_id: uuid.UUID) -> str:
    return f"return:{order_id}"


def reverse_key(event_id: uuid.UUID) -> str:
    return f"reverse:{event_id}"


def expire_key(lot_id: uuid.UUID) -> str:
    return f"expire:{lot_id}"


@attrs.define(slots=False, eq=False, kw_only=True)
class RewardAccount:
    """One row per user who ever held points; `balance` never goes below zero (the database checks it)."""

    user_id: uuid.UUID
    balance: int = 0
    version: int = 0
    updated_at: datetime = attrs.field(factory=utcnow)


@attrs.define(slots=False, eq=False, kw_only=True)
class RewardEntry:
    """One line of the ledger. `points` is signed; `key` (unique) makes the entry written once per order or
    event however often its cause is handled (`earn:<order>`, `spend:<order>`, `return:<order>`,
    `reverse:<event>`, `expire:<lot>`)."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    user_id: uuid.UUID
    kind: str
    points: int
    remaining: int = 0
    order_id: uuid.UUID | None = None
    expires_at: datetime | None = None
    note: str = ""
    created_at: datetime = attrs.field(factory=utcnow)
    created_by: uuid.UUID | None = None
    key: str | None = None
    basis: Decimal | None = None  # earn: the order amount (total - shipping - refunds) the points were earned on
    shortfall: int = 0  # reverse: points due that the balance no longer held (forgiven)

    @property
    def is_lot(self) -> bool:
        return self.points > 0


def earn_basis(total: Decimal, shipping: Decimal, refunded: Decimal) -> Decimal:
    """What an order earns on: its total without shipping and without what was refunded (refunds count
    against the goods first), never below zero."""
    return max(Decimal(0), total - shipping - refunded)


def earned_points(rate: Decimal, basis: Decimal) -> int:
    """`rate` points per 1.00, rounded down to whole points."""
    return int((rate * basis).to_integral_value(ROUND_FLOOR)) if basis > 0 and rate > 0 else 0


def reversed_target(earned: int, basis: Decimal, basis_now: Decimal) -> int:
    """How many of `earned` points the refunds since earning take back in all: the refunded share of the
    basis (`basis_now` is what is left of it), rounded half up. Computed from the order as it is now, so each
    refund reverses the difference to the previous total and the order of handling does not matter."""
    if basis <= 0 or earned <= 0:
        return 0
    refunded = basis - min(basis, max(Decimal(0), basis_now))
    return min(earned, int((earned * refunded / basis).to_integral_value(ROUND_HALF_UP)))


def fifo(lots: Sequence[RewardEntry]) -> list[RewardEntry]:
    """Lots in the order points are taken from them: soonest to expire first (never-expiring last), then oldest."""
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    return sorted(lots, key=lambda lot: (lot.expires_at or far, lot.created_at, str(lot.id)))


def take_plan(lots: Sequence[RewardEntry], points: int) -> list[tuple[RewardEntry, int]]:
    """Which lots give how many of `points`, in the given order (short when the lots hold fewer)."""
    plan: list[tuple[RewardEntry, int]] = []
    left = points
    for lot in lots:
        if left <= 0:
            break
        n = min(left, lot.remaining)
        if n > 0:
            plan.append((lot, n))
            left -= n
    return plan


def latest_expiry(plan: Sequence[tuple[RewardEntry, int]]) -> datetime | None:
    """The latest expiry among the lots a plan takes from (None when one of them never expires): points given
    back later expire then."""
    expiries = [lot.expires_at for lot, _ in plan]
    if not expiries or any(e is None for e in expiries):
        return None
    return max(e for e in expiries if e is not None)
