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
