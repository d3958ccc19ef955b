"""Slugs (python-slugify) and barcode check digits (python-stdnum) for the catalog."""

from __future__ import annotations

from slugify import slugify
from stdnum import ean
from stdnum.exceptions import ValidationError

from core.shared.errors import Invalid

# python-slugify transliterates with unidecode, which already maps ç ğ ı ö ş ü; İ and I are named so that
# upper-case Turkish text never depends on the locale.
_TURKISH = [["İ", "i"], ["I", "i"], ["ı", "i"]]


class PythonSlugify:
    def slugify(self, text: str) -> str:
        return str(slugify(text, replacements=_TURKISH, max_length=200, word_boundary=True))


class StdnumBarcodes:
    """EAN-13, EAN-8 and UPC-A (12 digits), each with its check digit; spaces and hyphens are dropped."""

    def check(self, barcode: str) -> str:
        digits = barcode.replace(" ", "").replace("-", "")
        if len(digits) not in (8, 12, 13):
            raise Invalid.field("barcode", "an EAN-13, EAN-8 or UPC-A barcode has 13, 8 or 12 digits",
                                code="invalid_barcode")  # fmt: skip
        try:
            return str(ean.validate(digits))
        except ValidationError:
            raise Invalid.field("barcode", "the check digit does not match", code="invalid_barcode") from None
