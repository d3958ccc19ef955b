"""A small geo tree in the shipped data file's layout (real names and postal codes from it), for fast tests."""

from __future__ import annotations

from adapters.geo.source import GeoData

TREE = {
    "source": {"package": "test fixture"},
    "regions": [["MAR", "Marmara"], ["EGE", "Ege"], ["AKD", "Akdeniz"], ["DOG", "Doğu Anadolu"],
                ["GDA", "Güneydoğu Anadolu"], ["ICA", "İç Anadolu"]],
    "cities": [
        ["16", "Bursa", "MAR", []],
        ["17", "Çanakkale", "MAR", [["Çan", {"17400": ["Atatürk Mah", "Cumhuriyet Mah", "İstiklal Mah"]}]]],
        ["20", "Denizli", "EGE", []],
        ["32", "Isparta", "AKD", []],
        ["34", "İstanbul", "MAR", [
            ["Beşiktaş", {}],
            ["Kadıköy", {"34710": ["Caferağa Mah"], "34714": ["Osmanağa Mah"],
                         "34718": ["Acıbadem Mah", "Koşuyolu Mah"], "34726": ["Fenerbahçe Mah"]}],
            ["Sarıyer", {}],
            ["Tuzla", {}],
            ["Çatalca", {}],
            ["Ümraniye", {}],
            ["Üsküdar", {"34660": ["Acıbadem Mah"], "34662": ["Altunizade Mah", "Barbaros Mah"]}],
            ["Şişli", {}],
        ]],
        ["35", "İzmir", "EGE", []],
        ["58", "Sivas", "ICA", []],
        ["63", "Şanlıurfa", "GDA", []],
        ["64", "Uşak", "EGE", []],
        ["76", "Iğdır", "DOG", []],
    ],
}  # fmt: skip
COUNTRIES = ("TR", "DE", "US", "GB", "AZ")


def fixture_source() -> GeoData:
    return GeoData(TREE, only_countries=COUNTRIES)
