"""payment providers, methods, transactions and refunds

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder reserved in the chain; filled in by its context's change


def downgrade() -> None:
    pass
