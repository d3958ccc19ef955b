"""Alembic, driven from code: `carsi migrate` upgrades, `carsi db revision` writes a new migration."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import command
from alembic.config import Config

from adapters.sql.engine import sync_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    if importlib.util.find_spec("ruff") is not None:  # a development install: new revisions pass `make lint`
        config.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
        for name, options in (("ruff_fix", "check --fix --exit-zero --quiet"), ("ruff_format", "format --quiet")):
            config.set_section_option("post_write_hooks", f"{name}.type", "module")
            config.set_section_option("post_write_hooks", f"{name}.module", "ruff")
            config.set_section_option("post_write_hooks", f"{name}.options", f"{options} REVISION_SCRIPT_FILENAME")
    return config


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite"):
        path = sync_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def new_revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
