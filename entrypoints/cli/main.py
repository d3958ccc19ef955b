"""`carsi`: serve the API, run the worker, migrate, load demo data, manage users."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import IO, Any, TypeVar

import click
import punq

from bootstrap import Settings, bootstrap, migrate_database, new_migration, shutdown
from core.shared.actor import SYSTEM
from core.shared.errors import DomainError, Invalid
from entrypoints.cli import geo as geo_commands
from entrypoints.cli import search as search_commands

T = TypeVar("T")
DEMO_ADMIN = ("admin@demo.carsi.local", "carsi-demo-admin")


def _run(work: Callable[[punq.Container], Awaitable[T]]) -> T:
    """Run `work` with a container built from the environment, closing it afterwards."""

    async def main() -> T:
        container = bootstrap()
        try:
            return await work(container)
        finally:
            await shutdown(container)

    try:
        return asyncio.run(main())
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None


@click.group()
def cli() -> None:
    """Çarşı: a headless-commerce backend. Configured by environment variables and .env (see README)."""


@cli.command()
@click.option("--host", default=None, help="Bind address (default: HOST, else 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: PORT, else 8000).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, reload: bool) -> None:
    """Serve the HTTP API with uvicorn."""
    import uvicorn

    settings = Settings.from_env()
    uvicorn.run("entrypoints.http.app:app_from_env", factory=True, host=host or settings.host,
                port=port or settings.port, workers=None if reload else settings.workers, reload=reload,
                log_config=None, access_log=False, proxy_headers=True)  # fmt: skip


@cli.command()
def worker() -> None:
    """Run the background worker (arq on REDIS_URL): outbox relay, e-mails, retries."""
    from entrypoints.worker.main import run_worker

    settings = Settings.from_env()
    if not settings.redis_url:
        raise click.ClickException("the worker needs REDIS_URL; without it jobs run inside the API process")
    run_worker(settings)


@cli.command()
@click.option("--revision", default="head", help="Target revision (default: head).")
def migrate(revision: str) -> None:
    """Apply database migrations."""
    settings = Settings.from_env()
    if settings.is_memory:
        click.echo("DATABASE_URL is memory://: nothing to migrate")
        return
    migrate_database(settings, revision)
    click.echo(f"database at {revision}")


@cli.group()
def db() -> None:
    """Schema management."""


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the tables and the database."""
    new_migration(Settings.from_env(), message)


@cli.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--products", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Products in the demo catalog (0: no catalog). Loading more later adds to it.")  # fmt: skip
def demo_load(products: int) -> None:
    """Load languages, the default roles, a demo admin and a demo catalog (idempotent); prints the admin's login."""
    from core.accounts.use_cases.staff import CreateAdmin, NewAdmin, SeedRoles
    from core.inventory.use_cases.demo import StockDemoCatalog
    from core.payments.use_cases.setup import LoadSandbox
    from core.platform.use_cases import LoadLanguages
    from entrypoints.cli.catalog import load_demo_catalog
    from entrypoints.cli.geo import describe as describe_geo
    from entrypoints.cli.geo import load_geo

    if Settings.from_env().profile == "production":
        raise click.ClickException("demo data is not loaded in the production profile")

    async def load(c: punq.Container) -> dict[str, Any]:
        click.echo(describe_geo(*await load_geo(c)))
        languages = await c.resolve(LoadLanguages)()
        roles = await c.resolve(SeedRoles)()
        await c.resolve(CreateAdmin)(NewAdmin(*DEMO_ADMIN))
        await c.resolve(LoadSandbox)()  # payments: the built-in sandbox method
        started = time.monotonic()
        catalog = await load_demo_catalog(c, products) if products else None
        stocked = await c.resolve(StockDemoCatalog)()  # inventory: a default warehouse and demo stock
        click.echo(f"demo stock: {stocked} variants stocked")
        return {"languages": languages, "roles": len(roles), "catalog": catalog, "seconds": time.monotonic() - started}

    added = _run(load)
    click.echo(f"languages added: {added['languages']}; roles added: {added['roles']}")
    if added["catalog"] is not None:
        created, skipped = added["catalog"]
        made = ", ".join(f"{kind}: {n}" for kind, n in sorted(created.items())) or "nothing new"
        click.echo(f"demo catalog of {products} products ({skipped} loaded before) in {added['seconds']:.1f} s; "
                   f"created {made}")  # fmt: skip
    click.echo(f"demo admin: {DEMO_ADMIN[0]} / password: {DEMO_ADMIN[1]}")


@cli.group()
def catalog() -> None:
    """The catalog in bulk: CSV with one row per variant (`carsi catalog export` shows the columns)."""


@catalog.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Check every row and report what would change; write nothing.")
def catalog_import(file: IO[str], dry_run: bool) -> None:
    """Create or update brands, categories, option keys, products and variants from FILE ('-': stdin), all in
    one transaction: if any row is bad, each bad row is printed and nothing is imported (exit code 1)."""
    from core.catalog.use_cases.importing import CatalogImport, ImportCatalog, ImportResult
    from entrypoints.cli.catalog import read_csv

    rows = read_csv(file)

    async def work(c: punq.Container) -> ImportResult | Invalid:
        try:
            return await c.resolve(ImportCatalog)(CatalogImport(SYSTEM, rows, dry_run))
        except Invalid as exc:
            return exc

    outcome = _run(work)
    if isinstance(outcome, Invalid):
        for error in outcome.errors:
            click.echo(f"line {error.loc[1]}, {error.loc[2]}: {error.msg}", err=True)
        click.echo(f"{len({e.loc[1] for e in outcome.errors})} bad rows; nothing was imported", err=True)
        sys.exit(1)
    verb = "would create" if dry_run else "created"
    for label, counts in ((verb, outcome.created), (verb.replace("create", "update"), outcome.updated)):
        click.echo(f"{label}: " + (", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "nothing"))
    click.echo(f"{outcome.rows} rows checked" + (" (dry run: nothing written)" if dry_run else ""))


@catalog.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=True), default="-")
def catalog_export(file: IO[str]) -> None:
    """Write every live product and variant to FILE (default '-': stdout) in the import's columns."""
    from core.catalog.use_cases.importing import ExportCatalog
    from entrypoints.cli.catalog import write_csv

    rows = _run(lambda c: c.resolve(ExportCatalog)())
    write_csv(file, rows)
    if file.name != "<stdout>":
        click.echo(f"{len(rows)} rows written to {file.name}", err=True)


@cli.group()
def users() -> None:
    """Accounts."""


@users.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters.")
def create_admin(email: str, password: str) -> None:
    """Create a superuser, or make an existing account one and set its password (idempotent)."""
    from core.accounts.use_cases.staff import CreateAdmin, NewAdmin

    account = _run(lambda c: c.resolve(CreateAdmin)(NewAdmin(email, password)))
    click.echo(f"superuser {account.email} ({account.id})")


cli.add_command(geo_commands.geo)
cli.add_command(search_commands.search)


if __name__ == "__main__":
    cli()
