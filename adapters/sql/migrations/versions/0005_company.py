"""company profiles

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "companies",
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
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("tax_no", sa.String(length=11), nullable=False),
        sa.Column("tax_office", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("trade_registry_no", sa.String(length=32), nullable=False),
        sa.Column("mersis_no", sa.String(length=16), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("default_language", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("work_start_hour", sa.Time(), nullable=False),
        sa.Column("work_end_hour", sa.Time(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("address_line", sa.String(length=300), nullable=True),
        sa.Column("address_country", sa.String(length=2), nullable=True),
        sa.Column("address_city_id", sa.Uuid(), nullable=True),
        sa.Column("address_city", sa.String(length=100), nullable=True),
        sa.Column("address_township_id", sa.Uuid(), nullable=True),
        sa.Column("address_township", sa.String(length=100), nullable=True),
        sa.Column("address_district_id", sa.Uuid(), nullable=True),
        sa.Column("address_district", sa.String(length=100), nullable=True),
        sa.Column("address_postal_code", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["address_city_id"], ["geo_cities.id"], name=op.f("fk_companies_address_city_id_geo_cities")
        ),
        sa.ForeignKeyConstraint(
            ["address_township_id"], ["geo_townships.id"], name=op.f("fk_companies_address_township_id_geo_townships")
        ),
        sa.ForeignKeyConstraint(
            ["address_district_id"], ["geo_districts.id"], name=op.f("fk_companies_address_district_id_geo_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index(
            "uq_companies_tax_no_live",
            ["tax_no"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("is_deleted = 0"),
        )
        batch_op.create_index(
            "uq_companies_default",
            ["is_default"],
            unique=True,
            postgresql_where=sa.text("is_default AND NOT is_deleted"),
            sqlite_where=sa.text("is_default = 1 AND is_deleted = 0"),
        )


def downgrade() -> None:
    op.drop_table("companies")
