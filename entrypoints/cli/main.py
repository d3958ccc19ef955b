"""`carsi`: serve the API, run the worker, migrate, load demo data, manage users."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
import punq

from bootstrap import Settings, bootstrap, migrate_database, new_migration, shutdown
from core.shared.errors import DomainError

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
def demo_load() -> None:
    """Load languages, the default roles and a demo admin (idempotent); prints the admin's login."""
    from core.accounts.use_cases.staff import CreateAdmin, NewAdmin, SeedRoles
    from core.platform.use_cases import LoadLanguages

    if Settings.from_env().profile == "production":
        raise click.ClickException("demo data is not loaded in the production profile")

    async def load(c: punq.Container) -> dict[str, Any]:
        languages = await c.resolve(LoadLanguages)()
        roles = await c.resolve(SeedRoles)()
        await c.resolve(CreateAdmin)(NewAdmin(*DEMO_ADMIN))
        return {"languages": languages, "roles": len(roles)}

    added = _run(load)
    click.echo(f"languages added: {added['languages']}; roles added: {added['roles']}")
    click.echo(f"demo admin: {DEMO_ADMIN[0]} / password: {DEMO_ADMIN[1]}")


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


if __name__ == "__main__":
    cli()
