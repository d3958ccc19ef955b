"""Text matching and ranking in Python, for the adapters that rank themselves (memory, SQLite on FTS5
candidates), with the rules every adapter follows:

- text is folded (`search_key`: Turkish letters, case), so `istanbul` finds `İstanbul` and `IŞIK` finds `ışık`;
- every word of the query must match a word of the product: equal, as its prefix (`kaz` -> `kazak`), as a
  longer inflected form of it (`kazaklar` -> `kazak`), or within a few typing errors (`kazk` -> `kazak`):
  none below 4 letters, 1 from 4 to 7, 2 from 8 (Elasticsearch's `fuzziness: AUTO:4,8`) — typos only for a
  word no indexed product holds as such (`kazak` does not also find `kazan`; `kazk` finds `kazak`);
- the score adds, per query word, its best match quality times the weight of the field it matched in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from core.catalog.views import ProductCard
from core.search.documents import (
    WEIGHTS,
    FacetCount,
    Facets,
    SearchQuery,
    SearchResult,
    ordered_facets,
    price_bucket,
    price_ranges,
)
from core.shared.pagination import bad_cursor, encode_cursor
from core.shared.text import search_key

_WORD = re.compile(r"[^\W_]+")  # letters and digits
EXACT, PREFIX, INFLECTED, FUZZY = Decimal("1"), Decimal("0.8"), Decimal("0.7"), Decimal("0.5")
MAX_TERMS = 10


def terms(q: str | None) -> list[str]:
    """The folded words of a query (at most MAX_TERMS); punctuation separates words."""
    return _WORD.findall(search_key(q or ""))[:MAX_TERMS]


def words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def allowed_edits(term: str) -> int:
    return 0 if len(term) < 4 else 1 if len(term) < 8 else 2


def within_edits(a: str, b: str, limit: int) -> bool:
    """Whether the Levenshtein distance of a and b is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def quality(term: str, word: str, typos: bool = True) -> Decimal:
    if word == term:
        return EXACT
    if word.startswith(term):
        return PREFIX
    if len(word) >= 4 and term.startswith(word) and len(term) - len(word) <= 4:
        return INFLECTED
    edits = allowed_edits(term) if typos else 0
    if edits and within_edits(term, word, edits):
        return FUZZY
    return Decimal(0)


def score(query_terms: Sequence[str], fields: dict[str, str], known: Collection[str] = ()) -> Decimal | None:
    """The document's score for these terms (fields as SearchDocument.texts()), or None when a term is missing.
    Terms in `known` (held without typos by some document: `known_terms`) match without typos."""
    by_field = {name: words(text) for name, text in fields.items()}
    total = Decimal(0)
    for term in query_terms:
        typos = term not in known
        best = max((WEIGHTS[name] * quality(term, w, typos) for name, ws in by_field.items() for w in ws),
                   default=Decimal(0))  # fmt: skip
        if not best:
            return None
        total += best
    return total


def known_terms(query_terms: Sequence[str], documents: Iterable[dict[str, str]]) -> set[str]:
    """The terms some document holds as a word, a word's beginning or an inflected form (no typo needed)."""
    missing, known = set(query_terms), set()
    for fields in documents:
        for text in fields.values():
            for word in words(text):
                found = {t for t in missing if quality(t, word, typos=False)}
                known |= found
                missing -= found
        if not missing:
            break
    return known


# --- ordering, keyset pages and facets over ranked cards ----------------------------------------------------


def _key(hit: tuple[Decimal, ProductCard], sq: SearchQuery) -> tuple[Any, str]:
    rank, card = hit
    if sq.relevance:
        return (rank, str(card.id))
    sort = sq.products.sort
    if sort in ("price", "-price"):
        assert card.price is not None
        return (card.price.amount, str(card.id))
    if sort == "name":
        return (card.name, str(card.id))
    return (card.created_at.isoformat(), str(card.id))


def _after(position: list[Any], sq: SearchQuery) -> tuple[Any, str]:
    if len(position) != 2:
        raise bad_cursor()
    first: Any = position[0]
    if sq.relevance or sq.products.sort in ("price", "-price"):
        try:
            first = Decimal(first)
        except ArithmeticError:
            raise bad_cursor() from None
        if not first.is_finite():
            raise bad_cursor()
    return (first, position[1])


def page_hits(hits: list[tuple[Decimal, ProductCard]], sq: SearchQuery) -> SearchResult:
    """Order (score or the asked sort, then id), cut one keyset page, and count facets over all hits."""
    descending = sq.relevance or sq.products.sort.startswith("-")
    hits = sorted(hits, key=lambda h: _key(h, sq), reverse=descending)
    position = sq.products.page.position()
    if position is not None:
        after = _after(position, sq)
        hits_after = [h for h in hits if (_key(h, sq) < after if descending else _key(h, sq) > after)]
    else:
        hits_after = hits
    limit = sq.products.page.limit
    page = hits_after[:limit]
    cursor = encode_cursor(_key(page[-1], sq)) if len(hits_after) > limit else None
    return SearchResult([card for _, card in page], cursor, facets_of([c for _, c in hits]) if sq.facets else None)


def facets_of(cards: list[ProductCard]) -> Facets:
    brands: Counter[Any] = Counter((c.brand.id, c.brand.slug, c.brand.name) for c in cards)
    categories: Counter[Any] = Counter((c.category.id, c.category.slug, c.category.name) for c in cards)
    buckets = Counter(price_bucket(c.price.amount) for c in cards if c.price is not None)
    return Facets(
        ordered_facets([FacetCount(i, slug, name, n) for (i, slug, name), n in brands.items()]),
        ordered_facets([FacetCount(i, slug, name, n) for (i, slug, name), n in categories.items()]),
        price_ranges(dict(buckets)),
    )


def rounded_score(value: Decimal | float) -> Decimal:
    """Scores as cursors carry them: 6 decimal places, exact."""
    return Decimal(str(value)).quantize(Decimal("0.000001"))
