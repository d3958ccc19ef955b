from core.shared.text import search_key


def test_turkish_letters_fold_to_what_people_type() -> None:
    assert search_key("AYŞE IŞIK") == search_key("ayse isik") == "ayse isik"
    assert search_key("İstanbul Çağlayan Göztepe Üsküdar") == "istanbul caglayan goztepe uskudar"


def test_spaces_collapse_and_other_marks_drop() -> None:
    assert search_key("  José\t Müller  ") == "jose muller"
    assert search_key("Straße") == "strasse"  # casefold, not lower
