"""LoadLanguages (ISO 639-1 from pycountry, native names from CLDR) and ListLanguages."""

from __future__ import annotations

import pycountry

from core.platform.use_cases import ListLanguages, LoadLanguages
from tests.unit.conftest import App


async def test_load_inserts_every_iso_639_1_language_once(app: App) -> None:
    expected = {lang.alpha_2 for lang in pycountry.languages if getattr(lang, "alpha_2", None)}
    assert await app.use(LoadLanguages)() == len(expected)
    assert await app.use(LoadLanguages)() == 0  # idempotent
    languages = await app.use(ListLanguages)()
    assert {lang.iso639_1 for lang in languages} == expected
    assert len(languages) == len(expected)


async def test_turkish_and_english_are_the_system_languages(app: App) -> None:
    await app.use(LoadLanguages)()
    system = await app.use(ListLanguages)(system_only=True)
    assert sorted(lang.iso639_1 for lang in system) == ["en", "tr"]
    everything = await app.use(ListLanguages)()
    assert {lang.iso639_1 for lang in everything if lang.is_system_language} == {"en", "tr"}


async def test_names_codes_and_flags(app: App) -> None:
    await app.use(LoadLanguages)()
    by_code = {lang.iso639_1: lang for lang in await app.use(ListLanguages)()}
    tr, en, de = by_code["tr"], by_code["en"], by_code["de"]
    assert (tr.name, tr.native_name, tr.iso639_2, tr.flag) == ("Turkish", "Türkçe", "tur", "🇹🇷")
    assert (en.name, en.native_name, en.iso639_2) == ("English", "English", "eng")
    assert (de.name, de.native_name, de.iso639_2) == ("German", "Deutsch", "ger")  # bibliographic code
    assert all(lang.name and lang.native_name for lang in by_code.values())


async def test_languages_are_listed_by_name(app: App) -> None:
    await app.use(LoadLanguages)()
    names = [lang.name for lang in await app.use(ListLanguages)()]
    assert names == sorted(names)


async def test_nothing_loaded_nothing_listed(app: App) -> None:
    assert await app.use(ListLanguages)() == []
    assert await app.use(ListLanguages)(system_only=True) == []
