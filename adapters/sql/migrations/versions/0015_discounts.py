"""standalone discounts

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

JSON: Any = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MONEY: Any = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "discounts",
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
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("discount_type", sa.String(length=16), nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_date", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("target_type IN ('product', 'variant', 'category', 'brand')",
                           name=op.f("ck_discounts_target_type_known")),
        sa.CheckConstraint("discount_type IN ('percentage', 'fixed_amount')",
                           name=op.f("ck_discounts_discount_type_known")),
        sa.CheckConstraint("value > 0", name=op.f("ck_discounts_value_positive")),
        sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name=op.f("ck_discounts_period_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discounts")),
    )  # fmt: skip
    op.create_index("ix_discounts_live", "discounts", ["currency", "start_date"])
    op.create_index("ix_discounts_target", "discounts", ["target_type", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_discounts_target", table_name="discounts")
    op.drop_index("ix_discounts_live", table_name="discounts")
    op.drop_table("discounts")
