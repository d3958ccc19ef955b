"""payment providers, methods, transactions and refunds

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MONEY: Any = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")
JSON: Any = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OPEN = "status IN ('pending', 'requires_action', 'succeeded')"


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


def _live_code(table: str) -> None:
    op.create_index(f"uq_{table}_code_live", table, ["code"], unique=True,
                    postgresql_where=sa.text("NOT is_deleted"), sqlite_where=sa.text("is_deleted = 0"))  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "payment_providers", *_core("payment_providers"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("configuration", JSON, nullable=False),
    )  # fmt: skip
    _live_code("payment_providers")
    op.create_table(
        "payment_methods", *_core("payment_methods"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("configuration", JSON, nullable=False),
        sa.Column("commission_rate", MONEY, nullable=False),
        sa.Column("min_amount", MONEY, nullable=True),
        sa.Column("max_amount", MONEY, nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["payment_providers.id"],
                                name=op.f("fk_payment_methods_provider_id_payment_providers")),
    )  # fmt: skip
    _live_code("payment_methods")
    op.create_index(op.f("ix_payment_methods_provider_id"), "payment_methods", ["provider_id"])
    op.create_table(
        "payment_transactions", *_core("payment_transactions"),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("method_id", sa.Uuid(), nullable=False),
        sa.Column("method_code", sa.String(length=64), nullable=False),
        sa.Column("provider_code", sa.String(length=64), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("installments", sa.Integer(), nullable=False),
        sa.Column("card_bin", sa.String(length=8), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("provider_transaction_id", sa.String(length=200), nullable=True),
        sa.Column("provider_response", JSON, nullable=False),
        sa.Column("redirect_url", sa.String(length=2000), nullable=True),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_amount", MONEY, nullable=False),
        sa.CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount",
                           name=op.f("ck_payment_transactions_refund_within_amount")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payment_transactions_order_id_orders")),
        sa.ForeignKeyConstraint(["method_id"], ["payment_methods.id"],
                                name=op.f("fk_payment_transactions_method_id_payment_methods")),
    )  # fmt: skip
    op.create_index(op.f("ix_payment_transactions_method_id"), "payment_transactions", ["method_id"])
    op.create_index("ix_payment_transactions_order", "payment_transactions", ["order_id", "created_at"])
    op.create_index("ix_payment_transactions_created", "payment_transactions", ["created_at", "id"])
    op.create_index("uq_payment_transactions_open", "payment_transactions", ["order_id"], unique=True,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))  # fmt: skip
    op.create_index("uq_payment_transactions_provider_id", "payment_transactions",
                    ["provider_code", "provider_transaction_id"], unique=True)  # fmt: skip
    op.create_table(
        "payment_refunds", *_core("payment_refunds"),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=200), nullable=True),
        sa.Column("provider_response", JSON, nullable=False),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["transaction_id"], ["payment_transactions.id"],
                                name=op.f("fk_payment_refunds_transaction_id_payment_transactions")),
    )  # fmt: skip
    op.create_index(op.f("ix_payment_refunds_transaction_id"), "payment_refunds", ["transaction_id"])
    op.create_index("uq_payment_refunds_event", "payment_refunds", ["transaction_id", "source_event_id"], unique=True)


def downgrade() -> None:
    op.drop_table("payment_refunds")
    op.drop_table("payment_transactions")
    op.drop_table("payment_methods")
    op.drop_table("payment_providers")
