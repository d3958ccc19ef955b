"""the database search index (PostgreSQL full text + trigram, SQLite FTS5)

Revision ID: 0007
Revises: 0006

PostgreSQL gets pg_trgm (typo matching) and GIN indexes on the tsvector and the words. SQLite's FTS5 table
(`search_fts`, trigram tokenizer) is derived data the SQLite search adapter creates itself on first use, so
that the schema compared with adapters/sql/tables.py holds only mapped tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_documents",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("generation", sa.String(length=32), nullable=False),
        sa.Column("text_a", sa.Text(), nullable=False),
        sa.Column("text_b", sa.Text(), nullable=False),
        sa.Column("text_c", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_search_documents_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_document", ["document"], unique=False, postgresql_using="gin")
        batch_op.create_index(
            "ix_search_documents_words",
            ["words"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"words": "gin_trgm_ops"},
        )
        batch_op.create_index("ix_search_documents_version", ["product_id", "version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_version")
        batch_op.drop_index("ix_search_documents_words")
        batch_op.drop_index("ix_search_documents_document")
    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
