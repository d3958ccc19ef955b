"""the address tree (countries, regions, cities, townships, districts) and the address book

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder reserved in the chain; filled in by its context's change


def downgrade() -> None:
    pass
