"""catalog: categories, brands, option keys and values, products, variants, prices, the listing index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:58:29.194047
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brands",
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
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
    )
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.create_index(
            "uq_brands_code_live",
            ["code"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.create_index(
            "uq_brands_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.create_table(
        "categories",
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
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("sorting", sa.Integer(), nullable=False),
        sa.Column("meta_title", sa.String(length=200), nullable=False),
        sa.Column("meta_description", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["categories.id"], name=op.f("fk_categories_parent_id_categories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categories_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            "uq_categories_code_live",
            ["code"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.create_index(
            "uq_categories_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.create_table(
        "option_keys",
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
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_variant_creator", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_keys")),
    )
    with op.batch_alter_table("option_keys", schema=None) as batch_op:
        batch_op.create_index(
            "uq_option_keys_key_live",
            ["key"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.create_table(
        "option_values",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("option_key_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("sorting", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_key_id"],
            ["option_keys.id"],
            name=op.f("fk_option_values_option_key_id_option_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_values")),
    )
    with op.batch_alter_table("option_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_option_values_option_key_id"), ["option_key_id"], unique=False)

    op.create_table(
        "products",
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
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("brand_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("barcode", sa.String(length=14), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "specifications",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("tax_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("meta_title", sa.String(length=200), nullable=False),
        sa.Column("meta_description", sa.String(length=500), nullable=False),
        sa.Column("search_key", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_products_brand_id_brands")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name=op.f("fk_products_category_id_categories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_category_id"), ["category_id"], unique=False)
        batch_op.create_index("ix_products_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_products_name", ["name", "id"], unique=False)
        batch_op.create_index(
            "uq_products_code_live",
            ["code"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.create_index(
            "uq_products_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.create_table(
        "product_listing",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("min_price", sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("compare_at", sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_listing_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", "currency", name=op.f("pk_product_listing")),
    )
    with op.batch_alter_table("product_listing", schema=None) as batch_op:
        batch_op.create_index("ix_product_listing_price", ["currency", "min_price", "product_id"], unique=False)

    op.create_table(
        "variants",
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
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("barcode", sa.String(length=14), nullable=True),
        sa.Column(
            "option_value_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("combination", sa.String(length=1200), nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_variants_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variants")),
    )
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_variants_product_id"), ["product_id"], unique=False)
        batch_op.create_index(
            "uq_variants_code_live",
            ["code"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.create_index(
            "uq_variants_product_id_combination_live",
            ["product_id", "combination"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted AND combination IS NOT NULL"),
            sqlite_where=sa.text("NOT is_deleted AND combination IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_variants_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.create_table(
        "variant_prices",
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
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("discount", sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.CheckConstraint(
            "amount >= 0 AND discount >= 0 AND discount <= amount", name=op.f("ck_variant_prices_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["variants.id"], name=op.f("fk_variant_prices_variant_id_variants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_prices")),
    )
    with op.batch_alter_table("variant_prices", schema=None) as batch_op:
        batch_op.create_index(
            "uq_variant_prices_variant_id_currency_live",
            ["variant_id", "currency"],
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )


def downgrade() -> None:
    with op.batch_alter_table("variant_prices", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_variant_prices_variant_id_currency_live",
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.drop_table("variant_prices")
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_variants_slug_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )
        batch_op.drop_index(
            "uq_variants_product_id_combination_live",
            postgresql_where=sa.text("NOT is_deleted AND combination IS NOT NULL"),
            sqlite_where=sa.text("NOT is_deleted AND combination IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_variants_code_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )
        batch_op.drop_index(batch_op.f("ix_variants_product_id"))

    op.drop_table("variants")
    with op.batch_alter_table("product_listing", schema=None) as batch_op:
        batch_op.drop_index("ix_product_listing_price")

    op.drop_table("product_listing")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_products_slug_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )
        batch_op.drop_index(
            "uq_products_code_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )
        batch_op.drop_index("ix_products_name")
        batch_op.drop_index("ix_products_created")
        batch_op.drop_index(batch_op.f("ix_products_category_id"))
        batch_op.drop_index(batch_op.f("ix_products_brand_id"))

    op.drop_table("products")
    with op.batch_alter_table("option_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_option_values_option_key_id"))

    op.drop_table("option_values")
    with op.batch_alter_table("option_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_option_keys_key_live",
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )

    op.drop_table("option_keys")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_categories_slug_live",
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.drop_index(
            "uq_categories_code_live",
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        )
        batch_op.drop_index(batch_op.f("ix_categories_parent_id"))

    op.drop_table("categories")
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_brands_slug_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )
        batch_op.drop_index(
            "uq_brands_code_live", postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("NOT is_deleted")
        )

    op.drop_table("brands")
