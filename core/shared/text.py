"""Text as people search it: Turkish letters folded, case ignored."""

from __future__ import annotations

import unicodedata

# Turkish dotted/dotless i and the letters people often type without their marks.
_FOLD = str.maketrans({"İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g", "Ç": "c", "ç": "c",
                       "Ö": "o", "ö": "o", "Ü": "u", "ü": "u"})  # fmt: skip


def search_key(text: str) -> str:
    """'AYŞE Işık' and 'ayse isik' give the same key, so either finds the other (as a substring)."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


# The Turkish alphabet's order (PyICU's tr collation would do this, but it is not installed): each letter's
# rank, so Ç sorts after C, Ğ after G, I (dotless) before İ, Ö after O, Ş after S, Ü after U (q, w, x where
# the Latin alphabet has them).
_TR_RANK = {ch: i for i, ch in enumerate("abcçdefgğhıijklmnoöpqrsştuüvwxyz")}
_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def turkish_casefold(text: str) -> str:
    """Lower case by Turkish rules (I → ı, İ → i), for comparing names case-insensitively."""
    return unicodedata.normalize("NFC", text.translate(_TR_LOWER)).lower()


def _tr_weight(ch: str) -> tuple[int, int]:
    if ch in _TR_RANK:
        return (2, _TR_RANK[ch])
    base = unicodedata.normalize("NFD", ch)[0]  # a foreign accented letter sorts with its base letter (é as e)
    if base in _TR_RANK:
        return (2, _TR_RANK[base])
    if ch.isdigit():
        return (1, ord(ch))
    return (3, ord(ch)) if ch.isalpha() else (0, ord(ch))  # spaces and punctuation before digits and letters


def turkish_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sort key in Turkish alphabetical order, case-insensitive (`sorted(names, key=turkish_sort_key)`):
    spaces and punctuation first, then digits, then letters by their Turkish rank."""
    return tuple(_tr_weight(ch) for ch in turkish_casefold(text))
