"""Engines for the two databases: an SQLite file (embedded) or PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from adapters.sql.mapping import SOFT_DELETE_CRITERIA
from core.shared.actor import current_actor
from core.shared.entity import Entity
from core.shared.errors import Conflict
from core.shared.time import utcnow


def async_url(url: str) -> sa.URL:
    """`postgresql://…` selects psycopg 3, `sqlite:///…` aiosqlite; explicit drivers are kept."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def sync_url(url: str) -> sa.URL:
    parsed = async_url(url)
    return parsed.set(drivername={"sqlite+aiosqlite": "sqlite"}.get(parsed.drivername, parsed.drivername))


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(target, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 20)  # a worker under load holds a connection per request in flight
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(target, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """BEGIN IMMEDIATE: take the write lock at the start, so two writers queue instead of deadlocking
    on a lock upgrade — SQLite's stand-in for row locks."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class _Session(Session):
    """A version check failing in any flush (commit, or the autoflush before a query or an insert) is the
    domain's stale-write Conflict, not a bare StaleDataError that would surface as a 500."""

    def flush(self, objects: Any = None) -> None:
        try:
            super().flush(objects)
        except StaleDataError:
            raise Conflict("someone else changed this at the same time; read it again", code="stale_write") from None
        except IntegrityError as exc:
            raise integrity_conflict(exc) from None


# A unique key a concurrent writer got to first -> the code the use case gives when it sees the duplicate itself.
# Keys: PostgreSQL's constraint name, SQLite's "table.column".
UNIQUE_CODES = {
    "uq_accounts_email": "email_taken",
    "accounts.email": "email_taken",
    "uq_roles_code_live": "duplicate_code",
    "roles.code": "duplicate_code",
    **{f"uq_{table}_code_live": "duplicate_code" for table in ("categories", "brands", "products", "variants")},
    **{f"{table}.code": "duplicate_code" for table in ("categories", "brands", "products", "variants")},
    **{f"uq_{table}_slug_live": "duplicate_slug" for table in ("categories", "brands", "products", "variants")},
    **{f"{table}.slug": "duplicate_slug" for table in ("categories", "brands", "products", "variants")},
    "uq_option_keys_key_live": "duplicate_key",
    "option_keys.key": "duplicate_key",
    "uq_variants_product_id_combination_live": "duplicate_combination",
    "variants.product_id": "duplicate_combination",
    "uq_companies_tax_no_live": "duplicate_tax_no",
    "companies.tax_no": "duplicate_tax_no",
    "uq_companies_default": "company_default_taken",
    "companies.is_default": "company_default_taken",
    "uq_warehouses_code_live": "duplicate_code",
    "warehouses.code": "duplicate_code",
    **{f"uq_{table}_code_live": "duplicate_code" for table in ("payment_providers", "payment_methods")},
    **{f"{table}.code": "duplicate_code" for table in ("payment_providers", "payment_methods")},
    "uq_payment_transactions_open": "payment_in_progress",
    "uq_baskets_user_active": "basket_exists",
    "baskets.user_id": "basket_exists",
    "uq_basket_lines_basket_id": "stale_write",
    "basket_lines.basket_id": "stale_write",
    "payment_transactions.order_id": "payment_in_progress",
    "uq_coupons_code_live": "duplicate_coupon_code",
    "coupons.code": "duplicate_coupon_code",
}


def integrity_conflict(exc: IntegrityError) -> Conflict:
    """A constraint the database enforced (a race the use case's own check lost) as a 409, never a 500."""
    text = str(exc.orig)
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if constraint is None and "UNIQUE constraint failed: " in text:
        constraint = text.split("UNIQUE constraint failed: ", 1)[1].split(",")[0].strip()
    if constraint is not None and ("unique" in text.lower() or "duplicate key" in text):
        return Conflict("this already exists", code=UNIQUE_CODES.get(constraint, "duplicate"))
    return Conflict("this conflicts with other data that changed meanwhile; read it again", code="integrity_conflict")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True, sync_session_class=_Session)


@event.listens_for(Session, "do_orm_execute")
def _hide_soft_deleted(state: Any) -> None:
    """Soft-deleted rows are invisible unless a query asks with `execution_options(include_deleted=True)`."""
    if state.is_select and not state.is_column_load and not state.execution_options.get("include_deleted"):
        state.statement = state.statement.options(*SOFT_DELETE_CRITERIA)


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    """created_*/updated_* from the clock and the acting user of this request or job."""
    actor = current_actor.get()
    by, now = (actor.user_id if actor else None), utcnow()
    for obj in session.new:
        if isinstance(obj, Entity):
            obj.stamp(by, now, created=True)
            _keep_search_key(obj)
    for obj in session.dirty:
        if isinstance(obj, Entity) and session.is_modified(obj, include_collections=True):
            obj.stamp(by, now, created=False)
            _keep_search_key(obj)


def _keep_search_key(obj: Any) -> None:
    """Entities that say what they are searched by (`search_text()`) have it kept in a `search_key` column."""
    if hasattr(obj, "search_text") and hasattr(type(obj), "_search_key"):
        obj._search_key = obj.search_text()
