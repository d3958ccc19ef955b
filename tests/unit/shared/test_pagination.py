"""Page requests: bounded limits and opaque cursors that refuse anything the API did not hand out."""

from __future__ import annotations

import base64

import pytest

from core.shared.errors import Invalid
from core.shared.pagination import PageRequest, decode_cursor, encode_cursor


def test_default_limit_is_20() -> None:
    assert PageRequest().limit == 20


@pytest.mark.parametrize("limit", [0, -1, 101, 1000])
def test_limit_out_of_bounds_is_invalid(limit: int) -> None:
    with pytest.raises(Invalid) as e:
        PageRequest(limit=limit)
    assert e.value.errors[0].loc == ("query", "limit")


def test_limit_bounds_accepted() -> None:
    assert PageRequest(limit=1).limit == 1
    assert PageRequest(limit=100).limit == 100


def test_cursor_round_trip() -> None:
    cursor = encode_cursor(["2026-01-15T09:00:00+00:00", "c0ffee"])
    assert "=" not in cursor
    assert PageRequest(cursor=cursor).position() == ["2026-01-15T09:00:00+00:00", "c0ffee"]
    assert PageRequest().position() is None


@pytest.mark.parametrize("cursor", ["not base64 !!", base64.urlsafe_b64encode(b"{}").decode(),
                                    base64.urlsafe_b64encode(b"[1, 2]").decode(),
                                    base64.urlsafe_b64encode(b"not json").decode()])  # fmt: skip
def test_foreign_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(Invalid) as e:
        decode_cursor(cursor)
    assert e.value.errors[0].loc == ("query", "cursor")
