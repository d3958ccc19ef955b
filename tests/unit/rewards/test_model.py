"""The pure arithmetic of points: earning rounds down, reversals follow the refunded share, lots go FIFO."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.rewards.model import (
    RewardEntry,
    earn_basis,
    earned_points,
    fifo,
    latest_expiry,
    reversed_target,
    take_plan,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def lot(remaining: int, days: int | None, *, age: int = 0) -> RewardEntry:
    expires = None if days is None else T0 + timedelta(days=days)
    return RewardEntry(user_id=uuid.uuid4(), kind="earn", points=remaining, remaining=remaining, expires_at=expires,
                       created_at=T0 + timedelta(seconds=age))  # fmt: skip


def test_the_basis_leaves_out_shipping_and_refunds_and_never_goes_negative() -> None:
    assert earn_basis(Decimal("110.00"), Decimal("10.00"), Decimal(0)) == Decimal("100.00")
    assert earn_basis(Decimal("110.00"), Decimal("10.00"), Decimal("30.00")) == Decimal("70.00")
    assert earn_basis(Decimal("110.00"), Decimal("10.00"), Decimal("110.00")) == 0


def test_points_are_rounded_down_to_whole_points() -> None:
    assert earned_points(Decimal(1), Decimal("149.99")) == 149
    assert earned_points(Decimal("1.5"), Decimal("99.99")) == 149  # 149.985
    assert earned_points(Decimal("0.1"), Decimal("9.99")) == 0
    assert earned_points(Decimal(0), Decimal(100)) == 0
    assert earned_points(Decimal(1), Decimal(0)) == 0


def test_the_reversed_share_follows_the_running_refunds_and_stops_at_what_was_earned() -> None:
    assert reversed_target(100, Decimal(100), Decimal(100)) == 0
    assert reversed_target(100, Decimal(100), Decimal("66.67")) == 33  # 33.33 refunded
    assert reversed_target(100, Decimal(100), Decimal("33.34")) == 67  # 66.66 → 66.66 points, half up
    assert reversed_target(100, Decimal(100), Decimal(0)) == 100
    assert reversed_target(100, Decimal(100), Decimal(-10)) == 100  # shipping refunded too
    assert reversed_target(149, Decimal("149.99"), Decimal("74.99")) == 75  # half of it, rounded half up
    assert reversed_target(0, Decimal(100), Decimal(0)) == 0


def test_lots_go_soonest_expiring_first_and_never_expiring_last() -> None:
    never, late, soon, soon_newer = lot(5, None), lot(5, 300), lot(5, 10), lot(5, 10, age=60)
    assert fifo([never, soon_newer, late, soon]) == [soon, soon_newer, late, never]


def test_a_plan_takes_from_the_lots_in_order_and_is_short_when_they_hold_too_few() -> None:
    a, b, c = lot(30, 10), lot(50, 20), lot(40, None)
    assert [(x, n) for x, n in take_plan([a, b, c], 60)] == [(a, 30), (b, 30)]
    assert sum(n for _, n in take_plan([a, b], 500)) == 80
    assert latest_expiry(take_plan([a, b, c], 60)) == b.expires_at
    assert latest_expiry(take_plan([a, b, c], 100)) is None  # the never-expiring lot was touched
    assert latest_expiry([]) is None
