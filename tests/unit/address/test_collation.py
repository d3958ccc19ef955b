"""turkish_sort_key: the Turkish alphabet's order, case-insensitive with Turkish İ/ı."""

from __future__ import annotations

from core.shared.text import turkish_casefold, turkish_sort_key


def test_turkish_letters_sort_after_their_latin_neighbours() -> None:
    names = ["Uşak", "Çorum", "Ceyhan", "Şanlıurfa", "İzmir", "Ünye", "Iğdır", "Sivas", "Denizli", "Ağrı", "Adana",
             "ılgaz", "Isparta", "istanbul", "Zonguldak", "Ödemiş", "Ordu", "Gebze", "Ğ"]  # fmt: skip
    assert sorted(names, key=turkish_sort_key) == [
        "Adana", "Ağrı", "Ceyhan", "Çorum", "Denizli", "Gebze", "Ğ", "Iğdır", "ılgaz", "Isparta", "istanbul",
        "İzmir", "Ordu", "Ödemiş", "Sivas", "Şanlıurfa", "Uşak", "Ünye", "Zonguldak",
    ]  # fmt: skip


def test_case_is_ignored_by_turkish_rules() -> None:
    assert turkish_sort_key("İSTANBUL") == turkish_sort_key("istanbul")
    assert turkish_sort_key("IĞDIR") == turkish_sort_key("ığdır")
    assert turkish_casefold("KADIKÖY") == "kadıköy"
    assert turkish_sort_key("ISPARTA") != turkish_sort_key("isparta")  # I is ı, not i


def test_words_before_longer_words_and_digits_before_letters() -> None:
    assert sorted(["Aliağa", "Ali Bey", "19 Mayıs Mah", "Çay"], key=turkish_sort_key) == [
        "19 Mayıs Mah", "Ali Bey", "Aliağa", "Çay"]  # fmt: skip
