"""The catalog's text services and pure rules: Turkish slugs, barcode check digits, the tree helpers."""

from __future__ import annotations

import uuid

import pytest

from adapters.catalog_text import PythonSlugify, StdnumBarcodes
from core.catalog.model import check_move, code, combination_key, descendants, slug
from core.shared.errors import Conflict, Invalid
from ports.catalog import Barcodes, Slugs
from tests.unit.conftest import App


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Çiçek Şalı", "cicek-sali"),
        ("ÇİÇEK ŞALI", "cicek-sali"),
        ("İstanbul Işıkları", "istanbul-isiklari"),
        ("IĞDIR", "igdir"),
        ("Öğretmen Günü Üzümü", "ogretmen-gunu-uzumu"),
        ("  Ağaç -- Ev!! ", "agac-ev"),
        ("T-Shirt / Beyaz", "t-shirt-beyaz"),
        ("%100 Pamuk", "100-pamuk"),
        ("???", ""),
    ],
)
def test_slugs_transliterate_turkish(text: str, expected: str) -> None:
    assert PythonSlugify().slugify(text) == expected


def test_long_slugs_are_cut_at_a_word() -> None:
    result = PythonSlugify().slugify("kelime " * 60)
    assert len(result) <= 200 and not result.endswith("-") and result.endswith("kelime")


def test_every_slug_it_makes_is_a_valid_explicit_slug() -> None:
    for text in ("Çiçek Şalı", "İğne & İplik", "a" * 250, "x-1", "Ürün 2025"):
        assert slug(PythonSlugify().slugify(text))


@pytest.mark.parametrize(
    ("barcode", "kind"),
    [("4006381333931", "EAN-13"), ("5901234123457", "EAN-13"), ("96385074", "EAN-8"), ("73513537", "EAN-8"),
     ("036000291452", "UPC-A"), ("012345678905", "UPC-A")],
)  # fmt: skip
def test_valid_barcodes(barcode: str, kind: str) -> None:
    assert StdnumBarcodes().check(barcode) == barcode, kind


@pytest.mark.parametrize(
    "barcode",
    ["4006381333930", "5901234123458", "96385075", "73513530", "036000291450", "012345678901", "123", "", "abcdefgh",
     "00000000000000", "4006381333931 1"],
)  # fmt: skip
def test_invalid_barcodes(barcode: str) -> None:
    with pytest.raises(Invalid) as e:
        StdnumBarcodes().check(barcode)
    assert e.value.code == "invalid_barcode"


def test_the_container_wires_the_text_services(app: App) -> None:
    assert app.use(Slugs).slugify("Çiçek Şalı") == "cicek-sali"  # type: ignore[type-abstract]
    assert app.use(Barcodes).check("73513537") == "73513537"  # type: ignore[type-abstract]


@pytest.mark.parametrize("value", ["SKU-1", "a.b_c/d", "0", "X" * 64])
def test_good_codes(value: str) -> None:
    assert code(value) == value


def test_codes_are_trimmed() -> None:
    assert code("  SKU-1 ") == "SKU-1"


def test_cycles_are_found_at_any_depth() -> None:
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    parents = {a: None, b: a, c: b, d: None}
    for target in (a, b, c):
        with pytest.raises(Conflict):
            check_move(a, target, parents)
    check_move(a, d, parents)
    check_move(c, a, parents)
    check_move(b, None, parents)


def test_descendants() -> None:
    a, b, c, d, e = (uuid.uuid4() for _ in range(5))
    parents = {a: None, b: a, c: b, d: a, e: None}
    assert descendants(a, parents) == {a, b, c, d}
    assert descendants(b, parents) == {b, c}
    assert descendants(e, parents) == {e}


def test_combination_keys_ignore_order_and_none_means_no_options() -> None:
    x, y = uuid.uuid4(), uuid.uuid4()
    assert combination_key([x, y]) == combination_key([y, x])
    assert combination_key([x]) != combination_key([x, y])
    assert combination_key([]) is None
