"""The composition root: settings from the environment, adapters chosen from them, one punq container.

The HTTP app, the worker and the CLI all start here; tests call `bootstrap()` with overrides.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import secrets
from pathlib import Path
from typing import Any

import attrs
import punq
from dotenv import dotenv_values

import core
from adapters.arq.queue import RUN_JOB as RUN_JOB  # re-exported: entry points reach adapters only through here
from adapters.jobs.runner import JobRunner as JobRunner
from core.catalog.use_cases.common import CatalogCache
from ports.address import GeoSource
from ports.catalog import Barcodes, CatalogViews, ProductSearch, Slugs
from ports.company import CompanyCodes
from ports.files import FileStorage
from ports.gallery import ImageProcessor
from ports.notifications import MailTemplates
from ports.payments import PaymentGateways
from ports.platform import IdempotencyStore
from ports.services import (
    AccessTokens,
    Cache,
    Clock,
    LanguageSource,
    Mailer,
    OutboxRelayTrigger,
    PasswordHasher,
    PhoneNumbers,
    RateLimiter,
    RuntimeSettings,
    SmsSender,
    TaskQueue,
    Templates,
)
from ports.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent
PROFILES = ("embedded", "production", "test")


def _int(value: str | int) -> int:
    return int(value)


def _opt(value: str | None) -> str | None:
    return value or None


def _on_off(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    if value.strip().lower() not in ("on", "off", "true", "false", "1", "0"):
        raise ValueError(f"expected on or off, not {value!r}")
    return value.strip().lower() in ("on", "true", "1")


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the process needs from its environment. Names are the environment variables'."""

    profile: str = attrs.field(default="embedded", validator=attrs.validators.in_(PROFILES))
    database_url: str = f"sqlite:///{ROOT / 'var' / 'carsi.db'}"
    redis_url: str | None = attrs.field(default=None, converter=_opt)
    storage_url: str | None = attrs.field(default=None, converter=_opt)
    elasticsearch_url: str | None = attrs.field(default=None, converter=_opt)
    smtp_url: str | None = attrs.field(default=None, converter=_opt)
    mail_from: str = "Çarşı <no-reply@carsi.local>"
    sentry_dsn: str | None = attrs.field(default=None, converter=_opt)
    sentry_environment: str | None = attrs.field(default=None, converter=_opt)
    secret_key: str | None = attrs.field(default=None, converter=_opt)
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8000, converter=_int)
    workers: int = attrs.field(default=1, converter=_int)
    log_level: str = "INFO"
    log_format: str = attrs.field(default="json", validator=attrs.validators.in_(("json", "text")))
    max_body_bytes: int = attrs.field(default=1024 * 1024, converter=_int)
    phone_region: str = "TR"
    argon2_time_cost: int = attrs.field(default=0, converter=_int)
    argon2_memory_cost: int = attrs.field(default=0, converter=_int)
    job_backoff_seconds: float = attrs.field(default=2.0, converter=float)
    catalog_cache: bool = attrs.field(default=True, converter=_on_off)
    catalog_cache_seconds: int = attrs.field(default=300, converter=_int)
    var_dir: str = str(ROOT / "var")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
        """Read `.env` (if any), then the process environment on top of it."""
        values: dict[str, Any] = {}
        if env_file and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        names = {f.name.upper(): f.name for f in attrs.fields(cls)}
        return cls(**{names[k]: v for k, v in values.items() if k in names})

    @property
    def is_memory(self) -> bool:
        return self.database_url.startswith("memory:")

    def signing_key(self) -> str:
        """SECRET_KEY, or in the embedded and test profiles one generated once and kept under var/."""
        if self.secret_key:
            return self.secret_key
        if self.profile == "production":
            raise RuntimeError("SECRET_KEY must be set in the production profile")
        path = Path(self.var_dir) / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def bootstrap(settings: Settings | None = None, overrides: dict[Any, Any] | None = None) -> punq.Container:
    """Build the container: adapters picked from `settings`, then `overrides` ({port: instance}) on top."""
    from adapters import console, system
    from adapters.catalog_text import PythonSlugify, StdnumBarcodes
    from adapters.company_codes import StdnumCompanyCodes
    from adapters.geo.source import GeoData
    from adapters.mail_templates import JinjaMailTemplates
    from adapters.runtime_settings import CachedRuntimeSettings

    settings = settings or Settings.from_env()
    c = punq.Container()
    c.register(Settings, instance=settings)
    c.register(punq.Container, instance=c)

    _register_storage(c, settings)
    _register_search(c, settings)
    _register_redis_or_memory(c, settings)
    _register_files(c, settings)
    c.register(JobRunner, factory=lambda: JobRunner(c.resolve, backoff_base=settings.job_backoff_seconds))
    c.register(RuntimeSettings, instance=CachedRuntimeSettings(lambda: c.resolve(UnitOfWork), c.resolve(Cache)))
    c.register(Clock, instance=system.SystemClock())
    c.register(PasswordHasher, instance=system.Argon2Hasher(settings.argon2_time_cost, settings.argon2_memory_cost))
    c.register(AccessTokens, instance=system.JwtAccessTokens(settings.signing_key()))
    c.register(PhoneNumbers, instance=system.PhoneNumbersAdapter(settings.phone_region))
    c.register(LanguageSource, instance=system.PycountryLanguages())
    c.register(Templates, instance=system.JinjaTemplates())
    c.register(MailTemplates, instance=JinjaMailTemplates())
    c.register(Slugs, instance=PythonSlugify())
    c.register(Barcodes, instance=StdnumBarcodes())
    c.register(GeoSource, instance=GeoData())
    c.register(CompanyCodes, instance=StdnumCompanyCodes())
    if settings.smtp_url:
        from adapters.smtp import SmtpMailer

        c.register(Mailer, instance=SmtpMailer(settings.smtp_url, settings.mail_from))
    else:
        c.register(Mailer, instance=console.ConsoleMailer())
    c.register(SmsSender, instance=console.ConsoleSms())
    c.register(PaymentGateways, instance=_payment_gateways(settings))
    for use_case in use_case_classes():
        c.register(use_case)
    c.register(
        CatalogCache,
        factory=lambda: CatalogCache(c.resolve(Cache), settings.catalog_cache_seconds, enabled=settings.catalog_cache),
        scope=punq.Scope.singleton,
    )
    for port, instance in (overrides or {}).items():
        c.register(port, instance=instance)
    return c


def _payment_gateways(settings: Settings) -> Any:
    """Payment gateways by provider code: the built-in sandbox (signed with the signing key) and iyzico."""
    from adapters.payments import GatewayRegistry
    from adapters.payments.iyzico import IyzicoGateway
    from adapters.payments.sandbox import SandboxGateway

    return GatewayRegistry({"sandbox": SandboxGateway(settings.signing_key()), "iyzico": IyzicoGateway()})


def _register_storage(c: punq.Container, settings: Settings) -> None:
    if settings.is_memory:
        from adapters.memory.catalog import MemoryCatalogViews, MemoryProductSearch
        from adapters.memory.idempotency import MemoryIdempotencyStore
        from adapters.memory.store import MemoryStore
        from adapters.memory.uow import MemoryUnitOfWork

        store = MemoryStore()
        c.register(MemoryStore, instance=store)
        c.register(UnitOfWork, factory=lambda: MemoryUnitOfWork(store, c.resolve(OutboxRelayTrigger)))
        c.register(IdempotencyStore, instance=MemoryIdempotencyStore())
        c.register(CatalogViews, instance=MemoryCatalogViews(store))
        c.register(ProductSearch, instance=MemoryProductSearch(store))
        return
    from adapters.sql.catalog_views import SqlCatalogViews, SqlProductSearch
    from adapters.sql.engine import make_engine, session_factory
    from adapters.sql.idempotency import SqlIdempotencyStore
    from adapters.sql.mapping import start_mappers
    from adapters.sql.uow import SqlUnitOfWork

    start_mappers()
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    c.register("engine", instance=engine)
    c.register(UnitOfWork, factory=lambda: SqlUnitOfWork(factory, c.resolve(OutboxRelayTrigger)))
    c.register(IdempotencyStore, instance=SqlIdempotencyStore(factory))
    c.register(CatalogViews, instance=SqlCatalogViews(engine))
    c.register(ProductSearch, instance=SqlProductSearch(engine))


def _register_files(c: punq.Container, settings: Settings) -> None:
    """STORAGE_URL: unset or `file:///dir` a local directory (default `<VAR_DIR>/media`), `s3://bucket/prefix?...`
    an S3-compatible bucket (see adapters/files/__init__.py); Pillow processes the images."""
    from adapters.files import storage_from_url
    from adapters.images import PillowImages

    c.register(FileStorage, instance=storage_from_url(settings.storage_url, settings.var_dir))
    c.register(ImageProcessor, instance=PillowImages())


def _register_search(c: punq.Container, settings: Settings) -> None:
    """The catalog reads the index builds from, and the index: Elasticsearch when ELASTICSEARCH_URL is set,
    else the database's own (PostgreSQL full text, SQLite FTS5, or the memory store)."""
    from ports.search import SearchIndex, SearchSource

    index: Any
    if settings.is_memory:
        from adapters.memory.store import MemoryStore
        from adapters.search.memory import MemorySearchIndex, MemorySearchSource

        store = c.resolve(MemoryStore)
        c.register(SearchSource, instance=MemorySearchSource(store))
        index = MemorySearchIndex(store)
    else:
        from adapters.search.sql_source import SqlSearchSource

        engine = c.resolve("engine")
        c.register(SearchSource, instance=SqlSearchSource(engine))
        if engine.dialect.name == "postgresql":
            from adapters.search.sql_postgres import PostgresSearchIndex

            index = PostgresSearchIndex(engine)
        else:
            from adapters.search.sql_sqlite import SqliteSearchIndex

            index = SqliteSearchIndex(engine)
    if settings.elasticsearch_url:
        from adapters.search.elastic import ElasticSearchIndex

        index = ElasticSearchIndex(settings.elasticsearch_url)
        c.register("elasticsearch", instance=index)
    c.register(SearchIndex, instance=index)


def _register_redis_or_memory(c: punq.Container, settings: Settings) -> None:
    if settings.redis_url:
        from arq.connections import ArqRedis

        from adapters.arq.queue import ArqTaskQueue
        from adapters.redis.cache import RedisCache, RedisRateLimiter

        redis = ArqRedis.from_url(settings.redis_url)
        c.register("redis", instance=redis)
        c.register(Cache, instance=RedisCache(redis))
        c.register(RateLimiter, instance=RedisRateLimiter(redis))
        queue: Any = ArqTaskQueue(redis)
    else:
        from adapters.jobs.inprocess import InProcessTaskQueue
        from adapters.memory.services import MemoryCache, MemoryRateLimiter

        c.register(Cache, instance=MemoryCache())
        c.register(RateLimiter, instance=MemoryRateLimiter())
        queue = InProcessTaskQueue(lambda: c.resolve(JobRunner))
    c.register(TaskQueue, instance=queue)
    c.register(OutboxRelayTrigger, instance=queue)


@functools.cache
def use_case_classes() -> tuple[type[Any], ...]:
    """Every service class of the core (non-frozen attrs classes in use_cases, handlers and outbox modules).

    Commands are frozen attrs classes and are left out."""
    found: list[type[Any]] = []
    for module_info in pkgutil.walk_packages(core.__path__, "core."):
        name = module_info.name
        if not any(part in ("use_cases", "handlers", "outbox") for part in name.split(".")):
            continue
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if (isinstance(obj, type) and obj.__module__ == name and attrs.has(obj)
                    and obj.__setattr__.__name__ != "_frozen_setattrs"):  # fmt: skip
                found.append(obj)
    return tuple(found)


def migrate_database(settings: Settings, revision: str = "head") -> None:
    from adapters.sql.migrate import upgrade

    upgrade(settings.database_url, revision)


def new_migration(settings: Settings, message: str) -> None:
    """Write a migration from the difference between the mapped tables and the database."""
    from adapters.sql.mapping import start_mappers
    from adapters.sql.migrate import new_revision

    start_mappers()
    new_revision(settings.database_url, message)


async def readiness(c: punq.Container) -> dict[str, str | None]:
    """Each backing service → None when it answers, else why not. The database always; Redis and Elasticsearch
    when set."""
    import sqlalchemy as sa

    checks: dict[str, str | None] = {"database": None}
    settings: Settings = c.resolve(Settings)
    if not settings.is_memory:
        try:
            async with c.resolve("engine").connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001  (any failure means not ready)
            checks["database"] = type(exc).__name__
    if settings.redis_url:
        checks["redis"] = None
        try:
            await c.resolve("redis").ping()
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = type(exc).__name__
    if settings.elasticsearch_url:
        checks["elasticsearch"] = None
        try:
            if not await c.resolve("elasticsearch").client.ping():
                checks["elasticsearch"] = "unreachable"
        except Exception as exc:  # noqa: BLE001
            checks["elasticsearch"] = type(exc).__name__
    return checks


async def shutdown(c: punq.Container) -> None:
    """Close what bootstrap opened: database pool, Redis connections, pending in-process jobs."""
    queue = c.resolve(TaskQueue)
    drain = getattr(queue, "drain", None)
    if drain is not None:
        await drain()
    for key in ("engine", "redis", "elasticsearch"):
        try:
            resource = c.resolve(key)
        except punq.MissingDependencyError:
            continue
        close = getattr(resource, "dispose", None) or getattr(resource, "aclose", None)
        if close is not None:
            await close()
