"""campaigns, promotion rules, coupons, coupon uses, bundle deals, order promotions

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON: Any = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MONEY: Any = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")


def _core(table: str) -> list[Any]:
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
        sa.Column("data", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "campaigns", *_core("campaigns"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("discount_type", sa.String(length=16), nullable=False),
        sa.Column("discount_value", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("minimum_cart_amount", MONEY, nullable=True),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.CheckConstraint("discount_type IN ('percentage', 'fixed_amount')",
                           name=op.f("ck_campaigns_discount_type_known")),
        sa.CheckConstraint("used_count >= 0 AND (usage_limit IS NULL OR used_count <= usage_limit)",
                           name=op.f("ck_campaigns_used_within_limit")),
    )  # fmt: skip
    op.create_index("ix_campaigns_created", "campaigns", ["created_at", "id"])
    op.create_index("ix_campaigns_automatic", "campaigns", ["automatic", "currency", "start_date"])
    op.create_table(
        "promotion_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule_type", sa.String(length=8), nullable=False),
        sa.Column("conditions", JSON, nullable=False),
        sa.Column("actions", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_rules")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_promotion_rules_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.UniqueConstraint("campaign_id", "position", name=op.f("uq_promotion_rules_campaign_id")),
    )  # fmt: skip
    op.create_table(
        "coupons", *_core("coupons"),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("total_usage_limit", sa.Integer(), nullable=True),
        sa.Column("usage_limit_per_user", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("used_count >= 0 AND (total_usage_limit IS NULL OR used_count <= total_usage_limit)",
                           name=op.f("ck_coupons_used_within_limit")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_coupons_campaign_id_campaigns")),
    )  # fmt: skip
    op.create_index("uq_coupons_code_live", "coupons", ["code"], unique=True,
                    postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("is_deleted = 0"))  # fmt: skip
    op.create_index("ix_coupons_campaign", "coupons", ["campaign_id", "created_at", "id"])
    op.create_index("ix_coupons_created", "coupons", ["created_at", "id"])
    op.create_table(
        "coupon_customer_uses",
        sa.Column("coupon_id", sa.Uuid(), nullable=False),
        sa.Column("customer_key", sa.String(length=300), nullable=False),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("used_count >= 0", name=op.f("ck_coupon_customer_uses_used_not_negative")),
        sa.PrimaryKeyConstraint("coupon_id", "customer_key", name=op.f("pk_coupon_customer_uses")),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"], name=op.f("fk_coupon_customer_uses_coupon_id_coupons"),
                                ondelete="CASCADE"),
    )  # fmt: skip
    op.create_table(
        "bundle_deals", *_core("bundle_deals"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("price", MONEY, nullable=True),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_date", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(price IS NULL) <> (percent IS NULL)", name=op.f("ck_bundle_deals_price_or_percent")),
    )  # fmt: skip
    op.create_index("ix_bundle_deals_created", "bundle_deals", ["created_at", "id"])
    op.create_table(
        "bundle_items",
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_bundle_items_quantity_positive")),
        sa.PrimaryKeyConstraint("bundle_id", "variant_id", name=op.f("pk_bundle_items")),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundle_deals.id"], name=op.f("fk_bundle_items_bundle_id_bundle_deals"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], name=op.f("fk_bundle_items_variant_id_variants"),
                                ondelete="CASCADE"),
    )  # fmt: skip
    op.create_table(
        "order_promotions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("bundle_id", sa.Uuid(), nullable=True),
        sa.Column("coupon_id", sa.Uuid(), nullable=True),
        sa.Column("coupon_code", sa.String(length=64), nullable=True),
        sa.Column("customer_key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('campaign', 'bundle')", name=op.f("ck_order_promotions_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_promotions")),
    )  # fmt: skip
    op.create_index("ix_order_promotions_order", "order_promotions", ["order_id", "created_at", "position"])


def downgrade() -> None:
    op.drop_table("order_promotions")
    op.drop_table("bundle_items")
    op.drop_table("bundle_deals")
    op.drop_table("coupon_customer_uses")
    op.drop_table("coupons")
    op.drop_table("promotion_rules")
    op.drop_table("campaigns")
