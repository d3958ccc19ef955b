"""warehouses, stock levels, stock movements and reservations

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")


def _core(table: str) -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Uuid(), nullable=True),
        sa.Column(
            "data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "warehouses",
        *_core("warehouses"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=1000), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("manager", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("storage_capacity", sa.Integer(), nullable=True),
        sa.Column("current_capacity", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warehouses")),
    )
    op.create_index(
        "uq_warehouses_code_live",
        "warehouses",
        ["code"],
        unique=True,
        postgresql_where=sa.text("NOT is_deleted"),
        sqlite_where=sa.text("is_deleted = 0"),
    )
    op.create_table(
        "stock",
        *_core("stock"),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved_quantity", sa.Integer(), nullable=False),
        sa.Column("minimum_quantity", sa.Integer(), nullable=False),
        sa.Column("maximum_quantity", sa.Integer(), nullable=True),
        sa.Column("unit_cost_amount", MONEY, nullable=True),
        sa.Column("unit_cost_currency", sa.String(length=3), nullable=True),
        sa.Column("shelf_location", sa.String(length=100), nullable=False),
        sa.Column("last_count_date", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reserved_quantity >= 0 AND reserved_quantity <= quantity AND quantity >= 0",
            name=op.f("ck_stock_available_not_negative"),
        ),
        sa.CheckConstraint("minimum_quantity >= 0", name=op.f("ck_stock_minimum_not_negative")),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], name=op.f("fk_stock_warehouse_id_warehouses")),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["variants.id"], name=op.f("fk_stock_variant_id_variants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock")),
        sa.UniqueConstraint("warehouse_id", "variant_id", name="uq_stock_warehouse_variant"),
    )
    op.create_index("ix_stock_variant", "stock", ["variant_id", "warehouse_id"])
    op.create_table(
        "stock_movements",
        *_core("stock_movements"),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("movement_type", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("reference_number", sa.String(length=100), nullable=False),
        sa.Column("reference_type", sa.String(length=30), nullable=False),
        sa.Column("from_warehouse_id", sa.Uuid(), nullable=True),
        sa.Column("to_warehouse_id", sa.Uuid(), nullable=True),
        sa.Column("pair_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_stock_movements_warehouse_id_warehouses")
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["variants.id"], name=op.f("fk_stock_movements_variant_id_variants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    op.create_index("ix_stock_movements_created", "stock_movements", ["created_at", "id"])
    op.create_index("ix_stock_movements_variant", "stock_movements", ["variant_id", "created_at"])
    op.create_index("ix_stock_movements_warehouse", "stock_movements", ["warehouse_id", "created_at"])
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference_id", sa.Uuid(), nullable=False),
        sa.Column("stock_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_reservations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["stock_id"], ["stock.id"], name=op.f("fk_stock_reservations_stock_id_stock"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
    )
    op.create_index("ix_stock_reservations_reference", "stock_reservations", ["reference_id", "status"])


def downgrade() -> None:
    op.drop_table("stock_reservations")
    op.drop_table("stock_movements")
    op.drop_table("stock")
    op.drop_index("uq_warehouses_code_live", table_name="warehouses")
    op.drop_table("warehouses")
