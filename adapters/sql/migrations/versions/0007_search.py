"""the database search index (PostgreSQL full text + trigram, SQLite FTS5)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder reserved in the chain; filled in by its context's change


def downgrade() -> None:
    pass
