"""`carsi search`: the product search index."""

from __future__ import annotations

import click
import punq

from core.search.use_cases.reindex import Reindex


@click.group()
def search() -> None:
    """The product search index (the database's own, or Elasticsearch when ELASTICSEARCH_URL is set)."""


async def rebuild(c: punq.Container) -> tuple[int, int]:
    use = c.resolve(Reindex)
    with click.progressbar(length=await use.total(), label="search index", show_pos=True) as bar:
        return await use(progress=bar.update)


@search.command("reindex")
def reindex() -> None:
    """Rebuild the whole index from the catalog without downtime: searches keep answering from the old index
    (Elasticsearch: a new index is filled, then the alias `products` is switched to it and the old one
    dropped; SQL: documents are rewritten batch by batch)."""
    from entrypoints.cli.main import _run

    read, indexed = _run(rebuild)
    click.echo(f"{indexed} products indexed ({read - indexed} not visible: inactive, or under an inactive brand "
               "or category)")  # fmt: skip
