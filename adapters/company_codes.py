"""Company identifiers checked by libraries: VKN and T.C. kimlik no (python-stdnum), ISO 4217 currencies and
ISO 639-1 languages and ISO 3166-1
countries (pycountry)."""

from __future__ import annotations

import pycountry
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.tr import tckimlik, vkn

from core.shared.errors import Invalid


class StdnumCompanyCodes:
    def tax_no(self, raw: str) -> str:
        number = raw.replace(" ", "")
        if not (number.isascii() and number.isdigit() and len(number) in (10, 11)):
            raise Invalid.field("tax_no", "a VKN has 10 digits (a sole proprietor's T.C. kimlik no 11)",
                                code="invalid_tax_no")  # fmt: skip
        try:
            return str(vkn.validate(number) if len(number) == 10 else tckimlik.validate(number))
        except InvalidChecksum:
            raise Invalid.field("tax_no", "the check digit does not match", code="invalid_tax_no") from None
        except ValidationError as exc:
            raise Invalid.field("tax_no", f"not a valid tax number: {exc}", code="invalid_tax_no") from None

    def currency(self, raw: str) -> str:
        code = raw.strip().upper()
        if not (len(code) == 3 and code.isascii() and code.isalpha()) or pycountry.currencies.get(alpha_3=code) is None:
            raise Invalid.field("currency", "not an ISO 4217 currency code (e.g. TRY)", code="invalid_currency")
        return code

    def language(self, raw: str) -> str:
        code = raw.strip().lower()
        if not (len(code) == 2 and code.isascii() and code.isalpha()) or pycountry.languages.get(alpha_2=code) is None:
            raise Invalid.field("default_language", "not an ISO 639-1 language code (e.g. tr)", code="invalid_language")
        return code

    def country(self, raw: str) -> str:
        code = raw.strip().upper()
        if not (len(code) == 2 and code.isascii() and code.isalpha()) or pycountry.countries.get(alpha_2=code) is None:
            raise Invalid.field("country", "not an ISO 3166-1 alpha-2 country code (e.g. TR)", code="invalid_country")
        return code
