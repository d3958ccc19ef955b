"""The geo data source: every ISO 3166 country (pycountry) with its calling code (phonenumbers), and Turkey's
regions, cities, townships and districts from the tree in data/tr.json.gz (see data/SOURCE.md and
scripts/build_geo_data.py for its layout and origin)."""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import phonenumbers
import pycountry
from slugify import slugify

from core.address.model import City, Country, District, GeoRow, Region, Township, geo_id

DATA_FILE = Path(__file__).parent / "data" / "tr.json.gz"
_TURKISH = [["İ", "i"], ["I", "i"], ["ı", "i"]]


def countries(only: Collection[str] | None = None) -> Iterator[Country]:
    for c in pycountry.countries:
        if only is not None and c.alpha_2 not in only:
            continue
        calling = phonenumbers.country_code_for_region(c.alpha_2)
        name = getattr(c, "common_name", None) or c.name  # "Bolivia", not "Bolivia, Plurinational State of"
        yield Country(id=geo_id("country", c.alpha_2), name=name, alpha2code=c.alpha_2, alpha3code=c.alpha_3,
                      calling_code=str(calling) if calling else "")  # fmt: skip


def tree_rows(tree: dict[str, Any], country: str = "TR") -> Iterator[tuple[str, GeoRow]]:
    """Regions, cities, townships and districts of a tree in the data file's layout."""
    regions = {code: geo_id("region", code) for code, _ in tree["regions"]}
    for code, name in tree["regions"]:
        yield "regions", Region(id=regions[code], name=name, code=code)
    for plate, name, region, _ in tree["cities"]:
        yield "cities", City(id=geo_id("city", country, plate), name=name, country=country, code=plate,
                             region_id=regions.get(region))  # fmt: skip
    for plate, _, _, townships in tree["cities"]:
        city_id = geo_id("city", country, plate)
        for township, _ in townships:
            code = f"{plate}-{slugify(township, replacements=_TURKISH)}"
            yield "townships", Township(id=geo_id("township", country, plate, township), name=township, code=code,
                                        city_id=city_id)  # fmt: skip
    for plate, _, _, townships in tree["cities"]:
        for township, by_postal_code in townships:
            township_id = geo_id("township", country, plate, township)
            for postal_code, districts in by_postal_code.items():
                for district in districts:
                    yield "districts", District(id=geo_id("district", country, plate, township, district),
                                                name=district, township_id=township_id,
                                                postal_code=postal_code or None)  # fmt: skip


class GeoData:
    """Countries then Turkey's tree, parents before children. `tree` defaults to the shipped file (read on
    first use); tests give a small one, and may narrow the countries."""

    def __init__(self, tree: dict[str, Any] | None = None, only_countries: Collection[str] | None = None,
                 path: Path = DATA_FILE) -> None:  # fmt: skip
        self._tree, self._only, self._path = tree, only_countries, path

    @functools.cached_property
    def tree(self) -> dict[str, Any]:
        if self._tree is not None:
            return self._tree
        return json.loads(gzip.decompress(self._path.read_bytes()))  # type: ignore[no-any-return]

    def rows(self) -> Iterator[tuple[str, GeoRow]]:
        for country in countries(self._only):
            yield "countries", country
        yield from tree_rows(self.tree)

    def size(self) -> int:
        """Counted from the tree, without making the rows (`rows` makes them once, for the load)."""
        cities = self.tree["cities"]
        townships = [by_postal_code for *_, towns in cities for _, by_postal_code in towns]
        districts = sum(len(names) for by_postal_code in townships for names in by_postal_code.values())
        tree_size = len(self.tree["regions"]) + len(cities) + len(townships) + districts
        return sum(1 for _ in countries(self._only)) + tree_size
