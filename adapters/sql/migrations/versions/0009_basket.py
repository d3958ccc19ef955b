"""baskets and their lines

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "baskets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Uuid(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'merged', 'abandoned', 'converted')", name=op.f("ck_baskets_status_known")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["accounts.id"], name=op.f("fk_baskets_user_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baskets")),
    )
    op.create_index(
        "uq_baskets_user_active",
        "baskets",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active' AND NOT is_deleted"),
        sqlite_where=sa.text("status = 'active' AND is_deleted = 0"),
    )
    op.create_index("ix_baskets_idle", "baskets", ["status", "last_activity_at"])

    op.create_table(
        "basket_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("basket_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_basket_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["basket_id"], ["baskets.id"], name=op.f("fk_basket_lines_basket_id_baskets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], name=op.f("fk_basket_lines_variant_id_variants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basket_lines")),
        sa.UniqueConstraint("basket_id", "variant_id", name=op.f("uq_basket_lines_basket_id")),
    )
    op.create_index(op.f("ix_basket_lines_variant_id"), "basket_lines", ["variant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_basket_lines_variant_id"), table_name="basket_lines")
    op.drop_table("basket_lines")
    op.drop_index("ix_baskets_idle", table_name="baskets")
    op.drop_index("uq_baskets_user_active", table_name="baskets")
    op.drop_table("baskets")
