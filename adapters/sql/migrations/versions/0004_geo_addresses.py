"""the address tree (countries, regions, cities, townships, districts) and the address book

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _core_columns() -> list[sa.Column]:  # type: ignore[type-arg]
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
        "geo_countries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("alpha2code", sa.String(length=2), nullable=False),
        sa.Column("alpha3code", sa.String(length=3), nullable=False),
        sa.Column("calling_code", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_countries")),
        sa.UniqueConstraint("alpha2code", name=op.f("uq_geo_countries_alpha2code")),
    )
    op.create_table(
        "geo_regions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_regions")),
        sa.UniqueConstraint("code", name=op.f("uq_geo_regions_code")),
    )
    op.create_table(
        "geo_cities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["region_id"], ["geo_regions.id"], name=op.f("fk_geo_cities_region_id_geo_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_cities")),
        sa.UniqueConstraint("country", "code", name=op.f("uq_geo_cities_country")),
    )
    op.create_table(
        "geo_townships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["geo_cities.id"], name=op.f("fk_geo_townships_city_id_geo_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_townships")),
    )
    with op.batch_alter_table("geo_townships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_geo_townships_city_id"), ["city_id"], unique=False)
    op.create_table(
        "geo_districts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("township_id", sa.Uuid(), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["township_id"], ["geo_townships.id"], name=op.f("fk_geo_districts_township_id_geo_townships")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_districts")),
    )
    with op.batch_alter_table("geo_districts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_geo_districts_township_id"), ["township_id"], unique=False)

    op.create_table(
        "addresses",
        *_core_columns(),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("township_id", sa.Uuid(), nullable=True),
        sa.Column("township", sa.String(length=100), nullable=False),
        sa.Column("district_id", sa.Uuid(), nullable=True),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("line", sa.String(length=500), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("is_default_shipping", sa.Boolean(), nullable=False),
        sa.Column("is_default_billing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.id"], name=op.f("fk_addresses_owner_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["city_id"], ["geo_cities.id"], name=op.f("fk_addresses_city_id_geo_cities")),
        sa.ForeignKeyConstraint(
            ["township_id"], ["geo_townships.id"], name=op.f("fk_addresses_township_id_geo_townships")
        ),
        sa.ForeignKeyConstraint(
            ["district_id"], ["geo_districts.id"], name=op.f("fk_addresses_district_id_geo_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addresses_owner_id"), ["owner_id"], unique=False)
        for kind in ("shipping", "billing"):
            batch_op.create_index(
                f"uq_addresses_default_{kind}",
                ["owner_id"],
                unique=True,
                postgresql_where=sa.text(f"is_default_{kind} AND NOT is_deleted"),
                sqlite_where=sa.text(f"is_default_{kind} = 1 AND is_deleted = 0"),
            )


def downgrade() -> None:
    op.drop_table("addresses")
    op.drop_table("geo_districts")
    op.drop_table("geo_townships")
    op.drop_table("geo_cities")
    op.drop_table("geo_regions")
    op.drop_table("geo_countries")
