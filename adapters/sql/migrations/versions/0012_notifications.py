"""notifications and notification preferences

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder reserved in the chain; filled in by its context's change


def downgrade() -> None:
    pass
