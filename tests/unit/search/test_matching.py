"""Core's matching rules (the memory and SQLite adapters rank with them)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.search.documents import PRICE_STEPS, PriceRange, price_bucket, price_ranges
from core.search.matching import allowed_edits, quality, score, terms, within_edits


def test_terms_fold_turkish_letters_and_split_on_punctuation() -> None:
    assert terms("  İSTANBUL IŞIK-kazak ") == ["istanbul", "isik", "kazak"]
    assert terms("ÇİÇEK, şal; ÖĞÜT") == ["cicek", "sal", "ogut"]
    assert terms("%_\\") == [] and terms(None) == []
    assert len(terms(" ".join(["a"] * 50))) == 10


@pytest.mark.parametrize(
    ("term", "word", "expected"),
    [
        ("kazak", "kazak", "1"),
        ("kaz", "kazak", "0.8"),  # a prefix
        ("kazaklar", "kazak", "0.7"),  # an inflected form
        ("kazk", "kazak", "0.5"),  # one letter missing
        ("istanbl", "istanbul", "0.5"),
        ("kaz", "kaza", "0.8"),
        ("kzk", "kazak", "0"),  # below 4 letters: no typos
        ("tisort", "tisort", "1"),
        ("kahve", "kazak", "0"),
    ],
)
def test_a_word_matches_equal_prefix_inflected_or_with_typos(term: str, word: str, expected: str) -> None:
    assert quality(term, word) == Decimal(expected)


def test_allowed_edits_follow_elasticsearch_auto_4_8() -> None:
    assert [allowed_edits("x" * n) for n in (1, 3, 4, 7, 8, 12)] == [0, 0, 1, 1, 2, 2]
    assert within_edits("kazk", "kazak", 1) and not within_edits("kzk", "kazak", 1)
    assert within_edits("abcdefgh", "abcdefxy", 2) and not within_edits("abcdefgh", "abxyefzz", 2)


def test_every_word_must_match_and_fields_weigh_differently() -> None:
    fields = {"a": "istanbul yun kazak kzk-1", "b": "koton ust giyim", "c": "sicak tutar"}
    assert score(["kazak"], fields) == Decimal("1.0")
    assert score(["koton"], fields) == Decimal("0.4")
    assert score(["sicak"], fields) == Decimal("0.1")
    assert score(["kazak", "koton"], fields) == Decimal("1.4")
    assert score(["kazak", "kahve"], fields) is None


def test_price_ranges_are_fixed_steps_listing_the_non_empty_ones() -> None:
    assert price_bucket(Decimal("99.99")) == 0 and price_bucket(Decimal(100)) == 1
    assert price_bucket(Decimal(10**9)) == len(PRICE_STEPS) - 1
    assert price_ranges({0: 2, 3: 0, 7: 1}) == [PriceRange(Decimal(0), Decimal(100), 2),
                                                PriceRange(Decimal(10000), None, 1)]  # fmt: skip
