"""notifications, notification preferences and notification e-mails

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

JSON: Any = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


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
        "notifications", *_core("notifications"),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("notification_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("related_object_type", sa.String(length=64), nullable=True),
        sa.Column("related_object_id", sa.String(length=64), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expire_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["accounts.id"], name=op.f("fk_notifications_user_id_accounts"),
                                ondelete="CASCADE"),
    )  # fmt: skip
    op.create_index("ix_notifications_user_list", "notifications", ["user_id", "status", "created_at", "id"])
    op.create_table(
        "notification_preferences", *_core("notification_preferences"),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("notification_type", sa.String(length=32), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("sms_enabled", sa.Boolean(), nullable=False),
        sa.Column("push_enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["accounts.id"],
                                name=op.f("fk_notification_preferences_user_id_accounts"), ondelete="CASCADE"),
    )  # fmt: skip
    op.create_index("uq_notification_preferences_user_type_live", "notification_preferences",
                    ["user_id", "notification_type"], unique=True, postgresql_where=sa.text("NOT is_deleted"),
                    sqlite_where=sa.text("is_deleted = 0"))  # fmt: skip
    op.create_table(
        "notification_emails", *_core("notification_emails"),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("to", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("context", JSON, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )  # fmt: skip
    op.create_index(op.f("ix_notification_emails_source_event_id"), "notification_emails", ["source_event_id"])


def downgrade() -> None:
    op.drop_table("notification_emails")
    op.drop_table("notification_preferences")
    op.drop_table("notifications")
