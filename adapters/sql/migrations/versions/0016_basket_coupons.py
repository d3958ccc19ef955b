"""coupon codes on baskets, and what an order's discount is made of

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

JSON: Any = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("baskets") as batch:
        batch.add_column(sa.Column("coupon_codes", JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("promotions", JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("reward_points", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("reward_points")
        batch.drop_column("promotions")
    with op.batch_alter_table("baskets") as batch:
        batch.drop_column("coupon_codes")
