"""The schema, one place: tables for every context. Alembic migrations are written to match it."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.types import JSON, ExactDecimal, Percent, UTCDateTime, UuidList

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)


def core_columns() -> list[sa.Column[object]]:
    """The seed's CoreModel fields, on every aggregate's table."""
    return [
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=True),
        sa.Column("is_active", sa.Boolean, nullable=False, default=True),
        sa.Column("is_deleted", sa.Boolean, nullable=False, default=False),
        sa.Column("deleted_at", UTCDateTime, nullable=True),
        sa.Column("deleted_by", sa.Uuid, nullable=True),
        sa.Column("data", JSON, nullable=False, default=dict),
        sa.Column("version", sa.Integer, nullable=False),
    ]


# --- accounts ---------------------------------------------------------------------------------------------

roles = sa.Table(
    "roles", metadata, *core_columns(),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("permissions", JSON, nullable=False),
    sa.Index("uq_roles_code_live", "code", unique=True, postgresql_where=sa.text("NOT is_deleted"),
             sqlite_where=sa.text("is_deleted = 0")),
)  # fmt: skip

accounts = sa.Table(
    "accounts", metadata, *core_columns(),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("first_name", sa.String(100), nullable=False, default=""),
    sa.Column("last_name", sa.String(100), nullable=False, default=""),
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("gender", sa.String(16), nullable=True),
    sa.Column("birthdate", sa.Date, nullable=True),
    sa.Column("is_email_verified", sa.Boolean, nullable=False, default=False),
    sa.Column("email_verified_at", UTCDateTime, nullable=True),
    sa.Column("is_phone_verified", sa.Boolean, nullable=False, default=False),
    sa.Column("phone_verified_at", UTCDateTime, nullable=True),
    sa.Column("is_superuser", sa.Boolean, nullable=False, default=False),
    sa.Column("last_login_at", UTCDateTime, nullable=True),
    sa.Column("search_key", sa.String(500), nullable=False, default=""),  # Account.search_text(), kept on flush
)  # fmt: skip

account_roles = sa.Table(
    "account_roles", metadata,
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.Uuid, sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)  # fmt: skip

auth_sessions = sa.Table(
    "auth_sessions", metadata, *core_columns(),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("user_agent", sa.String(300), nullable=False, default=""),
)  # fmt: skip

refresh_tokens = sa.Table(
    "refresh_tokens", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("session_id", sa.Uuid, sa.ForeignKey("auth_sessions.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime, nullable=True),
)  # fmt: skip

one_time_tokens = sa.Table(
    "one_time_tokens", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("target", sa.String(254), nullable=False, default=""),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("used_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_one_time_tokens_lookup", "purpose", "token_hash"),
    sa.Index("ix_one_time_tokens_account", "account_id", "purpose", "created_at"),
)  # fmt: skip

# --- platform ---------------------------------------------------------------------------------------------

languages = sa.Table(
    "languages", metadata, *core_columns(),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("native_name", sa.String(100), nullable=False),
    sa.Column("flag", sa.String(16), nullable=False, default=""),
    sa.Column("iso639_1", sa.String(2), nullable=False, unique=True),
    sa.Column("iso639_2", sa.String(3), nullable=False),
    sa.Column("is_system_language", sa.Boolean, nullable=False, default=False),
)  # fmt: skip

setting_overrides = sa.Table(
    "setting_overrides", metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", JSON, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.Uuid, nullable=True),
)  # fmt: skip

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor_id", sa.Uuid, nullable=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("target_type", sa.String(64), nullable=False),
    sa.Column("target_id", sa.String(100), nullable=False),
    sa.Column("changes", JSON, nullable=False),
    sa.Index("ix_audit_log_at", "at", "id"),
    sa.Index("ix_audit_log_actor", "actor_id", "at"),
    sa.Index("ix_audit_log_target", "target_type", "target_id", "at"),
)  # fmt: skip

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("payload", JSON, nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("dispatched_at", UTCDateTime, nullable=True),
    sa.Index("ix_outbox_pending", "occurred_at", postgresql_where=sa.text("dispatched_at IS NULL"),
             sqlite_where=sa.text("dispatched_at IS NULL")),
)  # fmt: skip

processed_events = sa.Table(
    "processed_events", metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("handler", sa.String(200), primary_key=True),
    sa.Column("processed_at", UTCDateTime, nullable=False),
)  # fmt: skip

dead_letters = sa.Table(
    "dead_letters", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("job", sa.String(100), nullable=False),
    sa.Column("payload", JSON, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False),
    sa.Column("failed_at", UTCDateTime, nullable=False, index=True),
    sa.Column("retried_at", UTCDateTime, nullable=True),
)  # fmt: skip

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("scope", sa.String(100), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("status", sa.Integer, nullable=True),
    sa.Column("headers", JSON, nullable=True),
    sa.Column("body", sa.LargeBinary, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, index=True),
)  # fmt: skip


# --- catalog ----------------------------------------------------------------------------------------------


def _live_unique(table: str, *columns: str, also: str = "") -> sa.Index:
    """Unique among live (not soft-deleted) rows: a deleted item's code or slug can be used again.

    The predicate is written as queries write it (`is_deleted = false`, SQLite: `= 0`): SQLite uses a partial
    index only when the query holds the index's condition word for word."""
    return sa.Index(f"uq_{table}_{'_'.join(columns)}_live", *columns, unique=True,
                    postgresql_where=sa.text("NOT is_deleted" + also),
                    sqlite_where=sa.text("is_deleted = 0" + also))  # fmt: skip


categories = sa.Table(
    "categories", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("parent_id", sa.Uuid, sa.ForeignKey("categories.id"), nullable=True, index=True),
    sa.Column("sorting", sa.Integer, nullable=False, default=0),
    sa.Column("meta_title", sa.String(200), nullable=False, default=""),
    sa.Column("meta_description", sa.String(500), nullable=False, default=""),
    _live_unique("categories", "code"),
    _live_unique("categories", "slug"),
)  # fmt: skip

brands = sa.Table(
    "brands", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    _live_unique("brands", "code"),
    _live_unique("brands", "slug"),
)  # fmt: skip

option_keys = sa.Table(
    "option_keys", metadata, *core_columns(),
    sa.Column("key", sa.String(100), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("is_variant_creator", sa.Boolean, nullable=False, default=True),
    _live_unique("option_keys", "key"),
)  # fmt: skip

option_values = sa.Table(
    "option_values", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("option_key_id", sa.Uuid, sa.ForeignKey("option_keys.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("value", sa.String(100), nullable=False),
    sa.Column("sorting", sa.Integer, nullable=False, default=0),
)  # fmt: skip

products = sa.Table(
    "products", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("brand_id", sa.Uuid, sa.ForeignKey("brands.id"), nullable=False, index=True),
    sa.Column("category_id", sa.Uuid, sa.ForeignKey("categories.id"), nullable=False, index=True),
    sa.Column("barcode", sa.String(14), nullable=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("specifications", JSON, nullable=False, default=list),
    sa.Column("tax_rate", Percent, nullable=False),
    sa.Column("meta_title", sa.String(200), nullable=False, default=""),
    sa.Column("meta_description", sa.String(500), nullable=False, default=""),
    sa.Column("search_key", sa.String(600), nullable=False, default=""),  # Product.search_text(), kept on flush
    _live_unique("products", "code"),
    _live_unique("products", "slug"),
    sa.Index("ix_products_created", "created_at", "id"),
    sa.Index("ix_products_name", "name", "id"),
)  # fmt: skip

variants = sa.Table(
    "variants", metadata, *core_columns(),
    sa.Column("product_id", sa.Uuid, sa.ForeignKey("products.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("barcode", sa.String(14), nullable=True),
    sa.Column("option_value_ids", UuidList, nullable=False),
    sa.Column("combination", sa.String(1200), nullable=True),  # sorted option value ids; NULL without options
    _live_unique("variants", "code"),
    _live_unique("variants", "slug"),
    _live_unique("variants", "product_id", "combination", also=" AND combination IS NOT NULL"),
)  # fmt: skip

variant_prices = sa.Table(
    "variant_prices", metadata, *core_columns(),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", ExactDecimal, nullable=False),
    sa.Column("discount", ExactDecimal, nullable=False),
    sa.CheckConstraint("amount >= 0 AND discount >= 0 AND discount <= amount", name="price_not_negative"),
    _live_unique("variant_prices", "variant_id", "currency"),
)  # fmt: skip

product_listing = sa.Table(
    "product_listing", metadata,
    sa.Column("product_id", sa.Uuid, sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("min_price", ExactDecimal, nullable=False),  # the lowest price a customer pays, discount taken off
    sa.Column("compare_at", ExactDecimal, nullable=True),  # that variant's price before its discount, if any
    sa.Index("ix_product_listing_price", "currency", "min_price", "product_id"),
)  # fmt: skip
"""The storefront's price index: one row per product and currency it has active prices in, kept by the
product repository's refresh_listing in the transaction that changed the prices."""
