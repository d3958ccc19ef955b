"""live-row partial indexes on SQLite declared as queries write the condition (is_deleted = 0)

SQLite uses a partial index only when the query contains the index's condition word for word; SQLAlchemy
writes the soft-delete filter as `is_deleted = 0` there. PostgreSQL normalises `NOT is_deleted` and
`is_deleted = false` alike, so its indexes stay as they are.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = [
    ("uq_roles_code_live", "roles", "code", ""),
    *[
        (f"uq_{t}_{c}_live", t, c, "")
        for t in ("categories", "brands", "products", "variants")
        for c in ("code", "slug")
    ],
    ("uq_option_keys_key_live", "option_keys", "key", ""),
    ("uq_variant_prices_variant_id_currency_live", "variant_prices", "variant_id, currency", ""),
    ("uq_variants_product_id_combination_live", "variants", "product_id, combination", " AND combination IS NOT NULL"),
]


def _recreate(condition: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, table, columns, extra in INDEXES:
        op.execute(f"DROP INDEX {name}")
        op.execute(f"CREATE UNIQUE INDEX {name} ON {table} ({columns}) WHERE {condition}{extra}")


def upgrade() -> None:
    _recreate("is_deleted = 0")


def downgrade() -> None:
    _recreate("NOT is_deleted")
