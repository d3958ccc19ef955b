"""The catalog as a spreadsheet: one row per variant (a second currency's price on a row of its own), the format
the CSV import and export and the demo catalog share. Reading checks each row on its own and the rows against
each other; what needs the database (codes taken elsewhere, option keys) is checked by the import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import attrs

from core.catalog.model import code, tax_rate, text
from core.shared.errors import FieldError, Invalid
from core.shared.money import Money, check_currency
from core.shared.text import search_key

COLUMNS = (
    "product_code", "product_name", "brand_code", "brand_name", "category_path", "tax_rate", "description",
    "variant_code", "variant_name", "barcode", "options", "currency", "price", "discount",
)  # fmt: skip
REQUIRED = ("product_code", "product_name", "brand_code", "category_path", "tax_rate")
"""Needed on every row; a row naming a variant also needs currency and price. A row without a variant code
only creates or updates its product."""
PATH_SEPARATOR = ">"
OPTION_SEPARATOR, OPTION_EQUALS = ";", "="

Row = dict[str, Any]
"""A row as read: the columns as text (absent ones count as empty) and `line`, its line number in the file
(without it, rows count from line 2, after a header)."""


def format_path(names: Iterable[str]) -> str:
    return f" {PATH_SEPARATOR} ".join(names)


def format_options(pairs: Iterable[tuple[str, str]]) -> str:
    return OPTION_SEPARATOR.join(f"{key}{OPTION_EQUALS}{value}" for key, value in pairs)


@attrs.frozen
class ProductFields:
    code: str
    name: str
    brand_code: str
    brand_name: str
    category_path: tuple[str, ...]
    tax_rate: Decimal
    description: str


@attrs.frozen
class VariantFields:
    code: str
    name: str
    barcode: str | None
    options: tuple[tuple[str, str], ...]
    price: Money
    discount: Money | None

    def same_variant(self, other: VariantFields) -> bool:
        """The same variant named again (for another currency's price): everything but the price agrees."""
        return (self.code, self.name, self.barcode, self.options) == (
            other.code, other.name, other.barcode, other.options)  # fmt: skip


@attrs.frozen
class ParsedRow:
    line: int
    product: ProductFields
    variant: VariantFields | None


class RowErrors:
    """Errors found so far, each at ("line", n, column)."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, line: int, column: str, msg: str) -> None:
        self.items.append(FieldError(("line", line, column), msg))

    def check(self, line: int, column: str, check: Callable[[], Any]) -> Any:
        """`check()`'s value, or None with its Invalid recorded against the column it names, else `column`."""
        try:
            return check()
        except Invalid as exc:
            for error in exc.errors or [FieldError((column,), exc.detail)]:
                named = error.loc[-1] if error.loc else None
                self.add(line, named if isinstance(named, str) and named in COLUMNS else column, error.msg)
            return None

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda e: (int(e.loc[1]), str(e.loc[2])))
            first, lines = ordered[0], len({e.loc[1] for e in ordered})
            raise Invalid(f"{lines} rows have errors; line {first.loc[1]}, {first.loc[2]}: {first.msg}",
                          code="invalid_rows", errors=ordered)  # fmt: skip


def read_rows(rows: Iterable[Row], barcode: Callable[[str], str], errors: RowErrors) -> list[ParsedRow]:
    """Each row checked on its own, then against the rows before it; bad rows are left out (and recorded)."""
    parsed = []
    for index, row in enumerate(rows):
        item = _read_row(int(row.get("line") or index + 2), row, barcode, errors)
        if item is not None:
            parsed.append(item)
    return _consistent(parsed, errors)


def _cell(row: Row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _read_row(line: int, row: Row, barcode: Callable[[str], str], errors: RowErrors) -> ParsedRow | None:
    before = len(errors.items)
    cell = {column: _cell(row, column) for column in COLUMNS}
    for column in REQUIRED:
        if not cell[column]:
            errors.add(line, column, "must not be empty")
    if len(errors.items) > before:
        return None
    product = ProductFields(
        code=errors.check(line, "product_code", lambda: code(cell["product_code"], "product_code")),
        name=errors.check(line, "product_name", lambda: text("product_name", cell["product_name"], 200)),
        brand_code=errors.check(line, "brand_code", lambda: code(cell["brand_code"], "brand_code")),
        brand_name=errors.check(line, "brand_name", lambda: text("brand_name", cell["brand_name"], 200)),
        category_path=errors.check(line, "category_path", lambda: _path(cell["category_path"])),
        tax_rate=errors.check(line, "tax_rate", lambda: tax_rate(cell["tax_rate"])),
        description=errors.check(line, "description", lambda: text("description", cell["description"], 20000)),
    )
    variant = _read_variant(line, cell, barcode, errors)
    return ParsedRow(line, product, variant) if len(errors.items) == before else None


def _read_variant(line: int, cell: dict[str, str], barcode: Callable[[str], str],
                  errors: RowErrors) -> VariantFields | None:  # fmt: skip
    if not cell["variant_code"]:
        for column in ("variant_name", "barcode", "options", "currency", "price", "discount"):
            if cell[column]:
                errors.add(line, column, "a row without a variant_code names no variant")
        return None
    for column in ("currency", "price"):
        if not cell[column]:
            errors.add(line, column, "must not be empty")
    currency = cell["currency"].upper()
    if currency and errors.check(line, "currency", lambda: check_currency(currency)) is None:
        currency = ""
    price = (
        errors.check(line, "price", lambda: Money.of(cell["price"], currency)) if currency and cell["price"] else None
    )
    return VariantFields(
        code=errors.check(line, "variant_code", lambda: code(cell["variant_code"], "variant_code")),
        name=errors.check(line, "variant_name", lambda: text("variant_name", cell["variant_name"], 200)),
        barcode=errors.check(line, "barcode", lambda: barcode(cell["barcode"])) if cell["barcode"] else None,
        options=errors.check(line, "options", lambda: _options(cell["options"])),
        price=price,  # type: ignore[arg-type]  # None only when an error was recorded
        discount=errors.check(line, "discount", lambda: Money.of(cell["discount"], currency))
        if cell["discount"] and currency
        else None,
    )


def _path(value: str) -> tuple[str, ...]:
    names = tuple(text("category_path", name, 200) for name in value.split(PATH_SEPARATOR))
    if not all(names):
        raise Invalid.field("category_path", f"category names separated by {PATH_SEPARATOR!r}, none empty")
    return names


def _options(value: str) -> tuple[tuple[str, str], ...]:
    """'Renk=Kırmızı;Beden=M' -> (("Renk", "Kırmızı"), ("Beden", "M")); one value per key."""
    pairs: list[tuple[str, str]] = []
    for part in filter(None, (p.strip() for p in value.split(OPTION_SEPARATOR))):
        key, equals, val = (s.strip() for s in part.partition(OPTION_EQUALS))
        if not equals or not key or not val:
            raise Invalid.field(
                "options", f"write options as Key{OPTION_EQUALS}Value{OPTION_SEPARATOR}..., not {part!r}"
            )
        pairs.append((text("options", key, 100), text("options", val, 100)))
    keys = [search_key(k) for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Invalid.field("options", "one value per option key")
    return tuple(pairs)


def _consistent(parsed: list[ParsedRow], errors: RowErrors) -> list[ParsedRow]:
    """Rows of one product agree on its fields, rows of one brand on its name; a variant code names one
    variant (again only for another currency); a product's variants differ in their options."""
    products: dict[str, ParsedRow] = {}
    brand_names: dict[str, tuple[int, str]] = {}
    variants: dict[str, list[ParsedRow]] = {}
    combinations: dict[tuple[str, frozenset[tuple[str, str]]], ParsedRow] = {}
    kept = []
    for row in parsed:
        before = len(errors.items)
        first = products.setdefault(row.product.code, row)
        for field in attrs.fields(ProductFields):
            if field.name != "brand_name" and getattr(row.product, field.name) != getattr(first.product, field.name):
                errors.add(row.line, _column(field.name), f"differs from line {first.line} of the same product")
        if row.product.brand_name:
            named_at, name = brand_names.setdefault(row.product.brand_code, (row.line, row.product.brand_name))
            if name != row.product.brand_name:
                errors.add(
                    row.line, "brand_name", f"brand {row.product.brand_code} is named {name!r} on line {named_at}"
                )
        if row.variant is not None:
            _check_variant(row, variants, combinations, errors)
        if len(errors.items) == before:
            kept.append(row)
    return kept


def _check_variant(row: ParsedRow, variants: dict[str, list[ParsedRow]],
                   combinations: dict[tuple[str, frozenset[tuple[str, str]]], ParsedRow],
                   errors: RowErrors) -> None:  # fmt: skip
    assert row.variant is not None
    earlier = variants.setdefault(row.variant.code, [])
    if earlier:
        first = earlier[0]
        assert first.variant is not None
        if first.product.code != row.product.code or not first.variant.same_variant(row.variant):
            errors.add(row.line, "variant_code", f"variant {row.variant.code} is on line {first.line} too")
        elif any(r.variant and r.variant.price.currency == row.variant.price.currency for r in earlier):
            errors.add(row.line, "currency", f"variant {row.variant.code} has a {row.variant.price.currency} price "
                                             f"on line {first.line} already")  # fmt: skip
        earlier.append(row)
        return
    earlier.append(row)
    if row.variant.options:
        folded = frozenset((search_key(k), search_key(v)) for k, v in row.variant.options)
        same = combinations.setdefault((row.product.code, folded), row)
        if same is not row:
            errors.add(row.line, "options", f"the product's variant on line {same.line} has the same options")


def _column(field: str) -> str:
    return (
        field
        if field in ("brand_code", "brand_name", "category_path", "tax_rate", "description")
        else f"product_{field}"
    )
