"""What `carsi catalog` and `carsi demo load` do with the catalog: CSV in and out, the demo catalog in batches."""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

import click
import punq

from core.catalog.demo import demo_products, option_values, product_code
from core.catalog.rows import COLUMNS, REQUIRED, Row
from core.catalog.use_cases.importing import CatalogImport, FindProductCodes, ImportCatalog
from core.catalog.use_cases.taxonomy import CreateOptionKey, ListOptionKeys, NewOptionKey, ValueIn
from core.shared.actor import SYSTEM
from core.shared.text import search_key

T = TypeVar("T")
DEMO_BATCH = 250
"""Demo products per transaction."""


def read_csv(file: IO[str]) -> list[Row]:
    """The rows with their line numbers; the delimiter (comma, semicolon or tab) is taken from the header."""
    header = file.readline()
    try:
        dialect: Any = csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(itertools.chain([header], file), dialect=dialect)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing, unknown = [c for c in REQUIRED if c not in columns], [c for c in columns if c not in COLUMNS]
    if missing or unknown:
        raise click.ClickException("; ".join(filter(None, [
            f"missing columns: {', '.join(missing)}" if missing else "",
            f"unknown columns: {', '.join(unknown)}" if unknown else "",
            f"the columns are: {','.join(COLUMNS)}",
        ])))  # fmt: skip
    reader.fieldnames = columns
    rows, last = [], reader.line_num
    for record in reader:
        rows.append({**record, "line": last + 1})
        last = reader.line_num
    return rows


def write_csv(file: IO[str], rows: Iterable[Row]) -> None:
    writer = csv.DictWriter(file, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


async def load_demo_catalog(c: punq.Container, count: int) -> tuple[Counter[str], int]:
    """The first `count` demo products, `DEMO_BATCH` per transaction; a batch whose last product exists was
    loaded before (batches commit whole) and is skipped. Returns what was created and how many were skipped."""
    await _demo_option_keys(c)
    ends = [min(start + DEMO_BATCH, count) for start in range(0, count, DEMO_BATCH)]
    loaded = await c.resolve(FindProductCodes)([product_code(end) for end in ends])
    created: Counter[str] = Counter()
    skipped = 0
    with click.progressbar(length=count, label="demo catalog", show_pos=True) as bar:
        for batch in _chunks(demo_products(count), DEMO_BATCH):
            if batch[-1][0]["product_code"] in loaded:
                skipped += len(batch)
            else:
                rows = [row for rows in batch for row in rows]
                created.update((await c.resolve(ImportCatalog)(CatalogImport(SYSTEM, rows))).created)
            bar.update(len(batch))
    return created, skipped


async def _demo_option_keys(c: punq.Container) -> None:
    """The demo's option keys, made first so that their values sort as sizes do (S, M, L), not as met."""
    existing = {search_key(k.key) for k in await c.resolve(ListOptionKeys)()}
    for key, values in option_values().items():
        if search_key(key) not in existing:
            items = [ValueIn(value, sorting) for sorting, value in enumerate(values)]
            await c.resolve(CreateOptionKey)(NewOptionKey(SYSTEM, key, values=items))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
