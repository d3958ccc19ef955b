"""rewards accounts and ledger

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")
LOTS = "remaining > 0"


def upgrade() -> None:
    op.create_table(
        "reward_accounts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_reward_accounts_balance_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["accounts.id"], name=op.f("fk_reward_accounts_user_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reward_accounts")),
    )  # fmt: skip
    op.create_table(
        "reward_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("basis", MONEY, nullable=True),
        sa.Column("shortfall", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('earn', 'spend', 'reverse', 'expire', 'return', 'adjust')",
                           name=op.f("ck_reward_entries_kind_known")),
        sa.CheckConstraint("remaining = 0 OR (remaining > 0 AND remaining <= points)",
                           name=op.f("ck_reward_entries_remaining_within_points")),
        sa.ForeignKeyConstraint(["user_id"], ["reward_accounts.user_id"],
                                name=op.f("fk_reward_entries_user_id_reward_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_entries")),
        sa.UniqueConstraint("key", name="uq_reward_entries_key"),
    )  # fmt: skip
    op.create_index("ix_reward_entries_user_list", "reward_entries", ["user_id", "created_at", "id"])
    op.create_index("ix_reward_entries_order", "reward_entries", ["order_id"])
    op.create_index("ix_reward_entries_expiring", "reward_entries", ["expires_at"],
                    postgresql_where=sa.text(LOTS), sqlite_where=sa.text(LOTS))  # fmt: skip


def downgrade() -> None:
    op.drop_table("reward_entries")
    op.drop_table("reward_accounts")
