"""The schema, one place: tables for every context. Alembic migrations are written to match it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

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


# --- address ----------------------------------------------------------------------------------------------
# Reference rows (ids derived from natural keys, see core.address.model.geo_id), then customers' addresses.

geo_countries = sa.Table(
    "geo_countries", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("alpha2code", sa.String(2), nullable=False, unique=True),
    sa.Column("alpha3code", sa.String(3), nullable=False),
    sa.Column("calling_code", sa.String(8), nullable=False),
)  # fmt: skip

geo_regions = sa.Table(
    "geo_regions", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
)  # fmt: skip

geo_cities = sa.Table(
    "geo_cities", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("region_id", sa.Uuid, sa.ForeignKey("geo_regions.id"), nullable=True),
    sa.UniqueConstraint("country", "code"),
)  # fmt: skip

geo_townships = sa.Table(
    "geo_townships", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("code", sa.String(120), nullable=False),
    sa.Column("city_id", sa.Uuid, sa.ForeignKey("geo_cities.id"), nullable=False, index=True),
)  # fmt: skip

geo_districts = sa.Table(
    "geo_districts", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("township_id", sa.Uuid, sa.ForeignKey("geo_townships.id"), nullable=False, index=True),
    sa.Column("postal_code", sa.String(10), nullable=True),
)  # fmt: skip


def _one_default(kind: str) -> sa.Index:
    """At most one live default address of a kind per owner, held by the database under concurrency."""
    return sa.Index(f"uq_addresses_default_{kind}", "owner_id", unique=True,
                    postgresql_where=sa.text(f"is_default_{kind} AND NOT is_deleted"),
                    sqlite_where=sa.text(f"is_default_{kind} = 1 AND is_deleted = 0"))  # fmt: skip


addresses = sa.Table(
    "addresses", metadata, *core_columns(),
    sa.Column("owner_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("recipient_name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(20), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("city_id", sa.Uuid, sa.ForeignKey("geo_cities.id"), nullable=True),
    sa.Column("city", sa.String(100), nullable=False),
    sa.Column("township_id", sa.Uuid, sa.ForeignKey("geo_townships.id"), nullable=True),
    sa.Column("township", sa.String(100), nullable=False),
    sa.Column("district_id", sa.Uuid, sa.ForeignKey("geo_districts.id"), nullable=True),
    sa.Column("district", sa.String(100), nullable=True),
    sa.Column("postal_code", sa.String(20), nullable=True),
    sa.Column("line", sa.String(500), nullable=False),
    sa.Column("description", sa.String(500), nullable=False, default=""),
    sa.Column("is_default_shipping", sa.Boolean, nullable=False, default=False),
    sa.Column("is_default_billing", sa.Boolean, nullable=False, default=False),
    _one_default("shipping"),
    _one_default("billing"),
)  # fmt: skip

# --- company ----------------------------------------------------------------------------------------------

companies = sa.Table(
    "companies", metadata, *core_columns(),
    sa.Column("legal_name", sa.String(300), nullable=False),
    sa.Column("tax_no", sa.String(11), nullable=False),  # VKN (10 digits) or a sole proprietor's TCKN (11)
    sa.Column("tax_office", sa.String(100), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("trade_registry_no", sa.String(32), nullable=False, default=""),
    sa.Column("mersis_no", sa.String(16), nullable=True),
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("default_language", sa.String(2), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("work_start_hour", sa.Time, nullable=False),
    sa.Column("work_end_hour", sa.Time, nullable=False),
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("address_line", sa.String(300), nullable=True),
    sa.Column("address_country", sa.String(2), nullable=True),
    sa.Column("address_city_id", sa.Uuid, sa.ForeignKey("geo_cities.id"), nullable=True),
    sa.Column("address_city", sa.String(100), nullable=True),
    sa.Column("address_township_id", sa.Uuid, sa.ForeignKey("geo_townships.id"), nullable=True),
    sa.Column("address_township", sa.String(100), nullable=True),
    sa.Column("address_district_id", sa.Uuid, sa.ForeignKey("geo_districts.id"), nullable=True),
    sa.Column("address_district", sa.String(100), nullable=True),
    sa.Column("address_postal_code", sa.String(20), nullable=True),
    _live_unique("companies", "tax_no"),
    # exactly one default company (the one invoices and e-mails use), held by the database under concurrency
    sa.Index("uq_companies_default", "is_default", unique=True,
             postgresql_where=sa.text("is_default AND NOT is_deleted"),
             sqlite_where=sa.text("is_default = 1 AND is_deleted = 0")),
)  # fmt: skip

# --- search -----------------------------------------------------------------------------------------------

search_documents = sa.Table(
    "search_documents", metadata,
    sa.Column("product_id", sa.Uuid, sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),  # the product version it was built from: older = stale
    sa.Column("generation", sa.String(32), nullable=False),  # the reindex run (or "live") that wrote it
    sa.Column("text_a", sa.Text, nullable=False),  # folded name, code, barcode
    sa.Column("text_b", sa.Text, nullable=False),  # folded brand, category path, variant codes and names
    sa.Column("text_c", sa.Text, nullable=False),  # folded description and specifications
    sa.Column("words", sa.Text, nullable=False),  # the distinct folded words of a and b, for typo matching
    # PostgreSQL: the weighted tsvector (turkish configuration); SQLite keeps its FTS5 table beside it
    sa.Column("document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False),
    sa.Index("ix_search_documents_document", "document", postgresql_using="gin"),
    sa.Index("ix_search_documents_words", "words", postgresql_using="gin",
             postgresql_ops={"words": "gin_trgm_ops"}),
    sa.Index("ix_search_documents_version", "product_id", "version"),  # is a product's document up to date?
)  # fmt: skip
"""One row per indexed product, written by the search index adapter (core/search/handlers.py follows the
catalog's outbox events; `carsi search reindex` rebuilds it)."""


# --- gallery ----------------------------------------------------------------------------------------------

media = sa.Table(
    "media", metadata, *core_columns(),
    sa.Column("storage_key", sa.String(500), nullable=False, unique=True),
    sa.Column("content_type", sa.String(50), nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("alt_text", sa.String(300), nullable=False, default=""),
    sa.Column("thumbnails", JSON, nullable=False, default=dict),  # {"200": key, "800": key} once made
    sa.Index("ix_media_created", "created_at", "id"),
)  # fmt: skip

product_images = sa.Table(
    "product_images", metadata, *core_columns(),
    sa.Column("product_id", sa.Uuid, sa.ForeignKey("products.id"), nullable=False),
    sa.Column("media_id", sa.Uuid, sa.ForeignKey("media.id"), nullable=False, index=True),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id"), nullable=True, index=True),
    sa.Column("sorting", sa.Integer, nullable=False, default=0),
    sa.Column("alt_text", sa.String(300), nullable=False, default=""),
    sa.Index("ix_product_images_product", "product_id", "sorting"),
)  # fmt: skip

# --- ordering ---------------------------------------------------------------------------------------------

orders = sa.Table(
    "orders", metadata, *core_columns(),
    sa.Column("number", sa.String(32), nullable=False, unique=True),  # CRS-2026-000123
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("subtotal_amount", ExactDecimal, nullable=False),
    sa.Column("discount_amount", ExactDecimal, nullable=False),
    sa.Column("shipping_amount", ExactDecimal, nullable=False),
    sa.Column("tax_amount", ExactDecimal, nullable=False),
    sa.Column("total_amount", ExactDecimal, nullable=False),
    sa.Column("refunded_amount", ExactDecimal, nullable=False),
    sa.Column("tax_lines", JSON, nullable=False),
    sa.Column("promotions", JSON, nullable=False, default=list),
    sa.Column("reward_points", sa.Integer, nullable=False, default=0),
    sa.Column("shipping_address", JSON, nullable=False),  # copies, not references: the address book may change
    sa.Column("billing_address", JSON, nullable=False),
    sa.Column("payment_method", sa.String(64), nullable=False),
    sa.Column("basket_id", sa.Uuid, nullable=True),
    sa.Column("access_token_hash", sa.String(64), nullable=True),  # a guest's order token, hashed
    sa.Column("estimated_delivery_date", sa.Date, nullable=True),
    sa.Column("actual_delivery_date", sa.Date, nullable=True),
    sa.Column("paid_at", UTCDateTime, nullable=True),
    sa.Column("cancelled_at", UTCDateTime, nullable=True),
    sa.Column("cancel_reason", sa.String(500), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.CheckConstraint("refunded_amount >= 0 AND refunded_amount <= total_amount", name="refunds_within_total"),
    sa.Index("ix_orders_user", "user_id", "created_at", "id"),
    sa.Index("ix_orders_status", "status", "created_at", "id"),
    sa.Index("ix_orders_created", "created_at", "id"),
)  # fmt: skip

order_lines = sa.Table(
    "order_lines", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("order_id", sa.Uuid, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id"), nullable=False),
    sa.Column("product_id", sa.Uuid, nullable=True),
    sa.Column("product_name", sa.String(200), nullable=False),
    sa.Column("variant_name", sa.String(200), nullable=False),
    sa.Column("sku", sa.String(64), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", ExactDecimal, nullable=False),
    sa.Column("total_price", ExactDecimal, nullable=False),
    sa.Column("discount_amount", ExactDecimal, nullable=False),
    sa.Column("tax_rate", Percent, nullable=False),
    sa.Column("tax_amount", ExactDecimal, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
)  # fmt: skip

order_status_changes = sa.Table(
    "order_status_changes", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("order_id", sa.Uuid, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("from_status", sa.String(16), nullable=True),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("changed_by", sa.Uuid, nullable=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("note", sa.String(500), nullable=False),
)  # fmt: skip

order_number_counter = sa.Table(
    "order_number_counter", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)  # fmt: skip
"""SQLite's order-number sequence: one row, incremented in the checkout's transaction (SQLite's writers queue,
so no two see the same value). PostgreSQL uses the SEQUENCE below instead."""

order_numbers = sa.Sequence("order_numbers", metadata=metadata)
"""PostgreSQL: order numbers, unique across processes without locking (created by migration 0010)."""


# --- payments ---------------------------------------------------------------------------------------------

payment_providers = sa.Table(
    "payment_providers", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False, default=""),
    sa.Column("configuration", JSON, nullable=False, default=dict),
    _live_unique("payment_providers", "code"),
)  # fmt: skip

payment_methods = sa.Table(
    "payment_methods", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("provider_id", sa.Uuid, sa.ForeignKey("payment_providers.id"), nullable=False, index=True),
    sa.Column("description", sa.String(1000), nullable=False, default=""),
    sa.Column("configuration", JSON, nullable=False, default=dict),
    sa.Column("commission_rate", ExactDecimal, nullable=False),
    sa.Column("min_amount", ExactDecimal, nullable=True),
    sa.Column("max_amount", ExactDecimal, nullable=True),
    _live_unique("payment_methods", "code"),
)  # fmt: skip

payment_transactions = sa.Table(
    "payment_transactions", metadata, *core_columns(),
    sa.Column("order_id", sa.Uuid, sa.ForeignKey("orders.id"), nullable=False),
    sa.Column("method_id", sa.Uuid, sa.ForeignKey("payment_methods.id"), nullable=False, index=True),
    sa.Column("method_code", sa.String(64), nullable=False),
    sa.Column("provider_code", sa.String(64), nullable=False),
    sa.Column("amount", ExactDecimal, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("installments", sa.Integer, nullable=False),
    sa.Column("card_bin", sa.String(8), nullable=False, default=""),
    sa.Column("card_last4", sa.String(4), nullable=False, default=""),
    sa.Column("provider_transaction_id", sa.String(200), nullable=True),
    sa.Column("provider_response", JSON, nullable=False, default=dict),
    sa.Column("redirect_url", sa.String(2000), nullable=True),
    sa.Column("error_code", sa.String(100), nullable=True),
    sa.Column("error_message", sa.String(1000), nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True),
    sa.Column("refunded_amount", ExactDecimal, nullable=False),
    sa.CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"),
    sa.Index("ix_payment_transactions_order", "order_id", "created_at"),
    sa.Index("ix_payment_transactions_created", "created_at", "id"),
    # one open charge per order: a second payment while one runs, waits for 3-D Secure or has succeeded is refused
    sa.Index("uq_payment_transactions_open", "order_id", unique=True,
             postgresql_where=sa.text("status IN ('pending', 'requires_action', 'succeeded')"),
             sqlite_where=sa.text("status IN ('pending', 'requires_action', 'succeeded')")),
    # a callback finds its transaction by the provider's id, which names one transaction only
    sa.Index("uq_payment_transactions_provider_id", "provider_code", "provider_transaction_id", unique=True),
)  # fmt: skip

payment_refunds = sa.Table(
    "payment_refunds", metadata, *core_columns(),
    sa.Column("transaction_id", sa.Uuid, sa.ForeignKey("payment_transactions.id"), nullable=False, index=True),
    sa.Column("order_id", sa.Uuid, nullable=False),
    sa.Column("amount", ExactDecimal, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("provider_refund_id", sa.String(200), nullable=True),
    sa.Column("provider_response", JSON, nullable=False, default=dict),
    sa.Column("error_message", sa.String(1000), nullable=True),
    sa.Column("processed_at", UTCDateTime, nullable=True),
    sa.Column("source_event_id", sa.Uuid, nullable=True),
    # the order.cancelled handler refunds a transaction once per event
    sa.Index("uq_payment_refunds_event", "transaction_id", "source_event_id", unique=True),
)  # fmt: skip

# --- notifications ----------------------------------------------------------------------------------------

notifications = sa.Table(
    "notifications", metadata, *core_columns(),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("notification_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("related_object_type", sa.String(64), nullable=True),
    sa.Column("related_object_id", sa.String(64), nullable=True),
    sa.Column("read_at", UTCDateTime, nullable=True),
    sa.Column("expire_at", UTCDateTime, nullable=True),
    # a user's list: unread first ("unread" > "read"), then newest
    sa.Index("ix_notifications_user_list", "user_id", "status", "created_at", "id"),
)  # fmt: skip

notification_preferences = sa.Table(
    "notification_preferences", metadata, *core_columns(),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("notification_type", sa.String(32), nullable=False),
    sa.Column("email_enabled", sa.Boolean, nullable=False),
    sa.Column("sms_enabled", sa.Boolean, nullable=False),
    sa.Column("push_enabled", sa.Boolean, nullable=False),
    sa.Index("uq_notification_preferences_user_type_live", "user_id", "notification_type", unique=True,
             postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("is_deleted = 0")),
)  # fmt: skip

notification_emails = sa.Table(
    "notification_emails", metadata, *core_columns(),
    sa.Column("source_event_id", sa.Uuid, nullable=False, index=True),
    sa.Column("to", sa.String(254), nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=True),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("context", JSON, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=True),
)  # fmt: skip
"""Each e-mail a notification decided to send; its id is derived from (event id, recipient)."""

# --- inventory --------------------------------------------------------------------------------------------

warehouses = sa.Table(
    "warehouses", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("address", sa.String(1000), nullable=False, default=""),
    sa.Column("phone", sa.String(30), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("manager", sa.String(200), nullable=False, default=""),
    sa.Column("priority", sa.Integer, nullable=False, default=0),
    sa.Column("storage_capacity", sa.Integer, nullable=True),
    sa.Column("current_capacity", sa.Integer, nullable=True),
    _live_unique("warehouses", "code"),
)  # fmt: skip

stock = sa.Table(
    "stock", metadata, *core_columns(),
    sa.Column("warehouse_id", sa.Uuid, sa.ForeignKey("warehouses.id"), nullable=False),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("reserved_quantity", sa.Integer, nullable=False),
    sa.Column("minimum_quantity", sa.Integer, nullable=False),
    sa.Column("maximum_quantity", sa.Integer, nullable=True),
    sa.Column("unit_cost_amount", ExactDecimal, nullable=True),
    sa.Column("unit_cost_currency", sa.String(3), nullable=True),
    sa.Column("shelf_location", sa.String(100), nullable=False, default=""),
    sa.Column("last_count_date", UTCDateTime, nullable=True),
    sa.CheckConstraint("reserved_quantity >= 0 AND reserved_quantity <= quantity AND quantity >= 0",
                       name="available_not_negative"),
    sa.CheckConstraint("minimum_quantity >= 0", name="minimum_not_negative"),
    sa.UniqueConstraint("warehouse_id", "variant_id", name="uq_stock_warehouse_variant"),
    sa.Index("ix_stock_variant", "variant_id", "warehouse_id"),
)  # fmt: skip

stock_movements = sa.Table(
    "stock_movements", metadata, *core_columns(),
    sa.Column("warehouse_id", sa.Uuid, sa.ForeignKey("warehouses.id"), nullable=False),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("movement_type", sa.String(16), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("change", sa.Integer, nullable=False),
    sa.Column("reference_number", sa.String(100), nullable=False, default=""),
    sa.Column("reference_type", sa.String(30), nullable=False, default=""),
    sa.Column("from_warehouse_id", sa.Uuid, nullable=True),
    sa.Column("to_warehouse_id", sa.Uuid, nullable=True),
    sa.Column("pair_id", sa.Uuid, nullable=True),
    sa.Column("notes", sa.String(1000), nullable=False, default=""),
    sa.Index("ix_stock_movements_created", "created_at", "id"),
    sa.Index("ix_stock_movements_variant", "variant_id", "created_at"),
    sa.Index("ix_stock_movements_warehouse", "warehouse_id", "created_at"),
)  # fmt: skip

stock_reservations = sa.Table(
    "stock_reservations", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("reference_id", sa.Uuid, nullable=False),
    sa.Column("stock_id", sa.Uuid, sa.ForeignKey("stock.id", ondelete="CASCADE"), nullable=False),
    sa.Column("warehouse_id", sa.Uuid, nullable=False),
    sa.Column("variant_id", sa.Uuid, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # reserved, released, consumed
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.Index("ix_stock_reservations_reference", "reference_id", "status"),
)  # fmt: skip

# --- basket -----------------------------------------------------------------------------------------------

baskets = sa.Table(
    "baskets", metadata, *core_columns(),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("token_hash", sa.String(64), nullable=True),  # guests: sha256 of the token handed out once
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("last_activity_at", UTCDateTime, nullable=False),
    sa.Column("merged_into_id", sa.Uuid, nullable=True),
    sa.Column("order_id", sa.Uuid, nullable=True),
    sa.Column("coupon_codes", JSON, nullable=False, default=list),  # promotions: the codes the customer entered
    sa.CheckConstraint("status IN ('active', 'merged', 'abandoned', 'converted')", name="status_known"),
    # one active basket per user, held by the database when two requests open one at once
    sa.Index("uq_baskets_user_active", "user_id", unique=True,
             postgresql_where=sa.text("status = 'active' AND NOT is_deleted"),
             sqlite_where=sa.text("status = 'active' AND is_deleted = 0")),
    sa.Index("ix_baskets_idle", "status", "last_activity_at"),  # the abandon job's sweep
)  # fmt: skip

basket_lines = sa.Table(
    "basket_lines", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("basket_id", sa.Uuid, sa.ForeignKey("baskets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id"), nullable=False, index=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price_amount", ExactDecimal, nullable=False),  # the price the customer last agreed to
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.UniqueConstraint("basket_id", "variant_id"),  # one line per variant
)  # fmt: skip

# --- promotions: standalone discounts (part D) ------------------------------------------------------------

discounts = sa.Table(
    "discounts", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("target_type", sa.String(16), nullable=False),
    sa.Column("target_id", sa.Uuid, nullable=False),  # a product, variant, category or brand (checked on save)
    sa.Column("discount_type", sa.String(16), nullable=False),
    sa.Column("value", ExactDecimal, nullable=False),  # percent (0 < v <= 100), or an amount in `currency`
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("start_date", UTCDateTime, nullable=False),
    sa.Column("end_date", UTCDateTime, nullable=True),
    sa.CheckConstraint("target_type IN ('product', 'variant', 'category', 'brand')", name="target_type_known"),
    sa.CheckConstraint("discount_type IN ('percentage', 'fixed_amount')", name="discount_type_known"),
    sa.CheckConstraint("value > 0", name="value_positive"),  # (SQLite keeps ten-thousandths: no cap of 100 here)
    sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name="period_ordered"),
    sa.Index("ix_discounts_live", "currency", "start_date"),  # the storefront's one read of the live ones
    sa.Index("ix_discounts_target", "target_type", "target_id"),
)  # fmt: skip

# --- promotions: campaigns, coupons, bundles, order promotions (part S) -----------------------------------

campaigns = sa.Table(
    "campaigns", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("automatic", sa.Boolean, nullable=False, default=False),
    sa.Column("discount_type", sa.String(16), nullable=False),
    sa.Column("discount_value", ExactDecimal, nullable=False),  # percent, or an amount in `currency`
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("minimum_cart_amount", ExactDecimal, nullable=True),
    sa.Column("start_date", UTCDateTime, nullable=False),
    sa.Column("end_date", UTCDateTime, nullable=True),
    sa.Column("usage_limit", sa.Integer, nullable=True),
    sa.Column("used_count", sa.Integer, nullable=False, default=0),  # only conditional increments change it
    sa.Column("priority", sa.Integer, nullable=False, default=0),
    sa.Column("exclusive", sa.Boolean, nullable=False, default=False),
    sa.CheckConstraint("discount_type IN ('percentage', 'fixed_amount')", name="discount_type_known"),
    sa.CheckConstraint("used_count >= 0 AND (usage_limit IS NULL OR used_count <= usage_limit)",
                       name="used_within_limit"),
    sa.Index("ix_campaigns_created", "created_at", "id"),
    sa.Index("ix_campaigns_automatic", "automatic", "currency", "start_date"),
)  # fmt: skip

promotion_rules = sa.Table(
    "promotion_rules", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("campaign_id", sa.Uuid, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("rule_type", sa.String(8), nullable=False),  # how item conditions combine: all | any
    sa.Column("conditions", JSON, nullable=False),
    sa.Column("actions", JSON, nullable=False),
    sa.UniqueConstraint("campaign_id", "position"),
)  # fmt: skip

coupons = sa.Table(
    "coupons", metadata, *core_columns(),
    sa.Column("code", sa.String(64), nullable=False),  # normalised: upper-case ASCII, so unique case-insensitively
    sa.Column("campaign_id", sa.Uuid, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("total_usage_limit", sa.Integer, nullable=True),
    sa.Column("usage_limit_per_user", sa.Integer, nullable=True),
    sa.Column("start_date", UTCDateTime, nullable=True),
    sa.Column("end_date", UTCDateTime, nullable=True),
    sa.Column("used_count", sa.Integer, nullable=False, default=0),  # only conditional increments change it
    sa.CheckConstraint("used_count >= 0 AND (total_usage_limit IS NULL OR used_count <= total_usage_limit)",
                       name="used_within_limit"),
    _live_unique("coupons", "code"),
    sa.Index("ix_coupons_campaign", "campaign_id", "created_at", "id"),
    sa.Index("ix_coupons_created", "created_at", "id"),
)  # fmt: skip

coupon_customer_uses = sa.Table(
    "coupon_customer_uses", metadata,
    sa.Column("coupon_id", sa.Uuid, sa.ForeignKey("coupons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("customer_key", sa.String(300), primary_key=True),  # e.g. user:<id>, email:<address>
    sa.Column("used_count", sa.Integer, nullable=False),
    sa.CheckConstraint("used_count >= 0", name="used_not_negative"),
)  # fmt: skip

bundle_deals = sa.Table(
    "bundle_deals", metadata, *core_columns(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("price", ExactDecimal, nullable=True),  # the set's price in `currency`, or
    sa.Column("percent", Percent, nullable=True),  # a percentage off the set's prices
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("start_date", UTCDateTime, nullable=True),
    sa.Column("end_date", UTCDateTime, nullable=True),
    sa.CheckConstraint("(price IS NULL) <> (percent IS NULL)", name="price_or_percent"),
    sa.Index("ix_bundle_deals_created", "created_at", "id"),
)  # fmt: skip

bundle_items = sa.Table(
    "bundle_items", metadata,
    sa.Column("bundle_id", sa.Uuid, sa.ForeignKey("bundle_deals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("variant_id", sa.Uuid, sa.ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
)  # fmt: skip

order_promotions = sa.Table(
    "order_promotions", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("order_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("campaign_id", sa.Uuid, nullable=True),
    sa.Column("bundle_id", sa.Uuid, nullable=True),
    sa.Column("coupon_id", sa.Uuid, nullable=True),
    sa.Column("coupon_code", sa.String(64), nullable=True),
    sa.Column("customer_key", sa.String(300), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("amount", ExactDecimal, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("released_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # its place among the rows recorded with it
    sa.CheckConstraint("kind IN ('campaign', 'bundle')", name="kind_known"),
    sa.Index("ix_order_promotions_order", "order_id", "created_at", "position"),
)  # fmt: skip

# --- rewards (R) ------------------------------------------------------------------------------------------

reward_accounts = sa.Table(
    "reward_accounts", metadata,
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("balance >= 0", name="balance_not_negative"),
)  # fmt: skip
"""One row per user who held points: changed only by conditional UPDATEs under its row lock."""

reward_entries = sa.Table(
    "reward_entries", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("reward_accounts.user_id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("remaining", sa.BigInteger, nullable=False),  # lots (points > 0): not yet spent or expired
    sa.Column("order_id", sa.Uuid, nullable=True),
    sa.Column("expires_at", UTCDateTime, nullable=True),
    sa.Column("note", sa.String(1000), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.Uuid, nullable=True),
    sa.Column("key", sa.String(100), nullable=True),  # earn:<order>, spend:<order>, reverse:<event>...: once each
    sa.Column("basis", ExactDecimal, nullable=True),  # earn: the order amount the points were earned on
    sa.Column("shortfall", sa.BigInteger, nullable=False),  # reverse: points due the balance no longer held
    sa.CheckConstraint("kind IN ('earn', 'spend', 'reverse', 'expire', 'return', 'adjust')", name="kind_known"),
    sa.CheckConstraint("remaining = 0 OR (remaining > 0 AND remaining <= points)", name="remaining_within_points"),
    sa.UniqueConstraint("key", name="uq_reward_entries_key"),
    sa.Index("ix_reward_entries_user_list", "user_id", "created_at", "id"),
    sa.Index("ix_reward_entries_order", "order_id"),
    # the expiry sweep: lots still holding points, by expiry
    sa.Index("ix_reward_entries_expiring", "expires_at", postgresql_where=sa.text("remaining > 0"),
             sqlite_where=sa.text("remaining > 0")),
)  # fmt: skip
