"""Dossier registry, status history, one-time codes, consent and audit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("procedure_id", sa.String(64), nullable=False),
        sa.Column("phone_e164", sa.String(20), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dossier_phone_hash", "dossier", ["phone_hash"])
    op.create_table(
        "dossier_status_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dossier_code", sa.String(64), sa.ForeignKey("dossier.code", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dossier_status_history_code", "dossier_status_history", ["dossier_code", "at"])
    op.create_table(
        "one_time_code",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(32), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_one_time_code_chat", "one_time_code", ["channel", "chat_id", "created_at"])
    op.create_index("ix_one_time_code_phone", "one_time_code", ["phone_hash", "created_at"])
    op.create_index("ix_one_time_code_created", "one_time_code", ["created_at"])
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_version", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
    )
    op.create_index("ix_consent_user", "consent", ["channel", "user_id", "at"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=True),
        sa.Column("phone_hash", sa.String(64), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
    )
    op.create_index("ix_audit_phone", "audit", ["phone_hash", "action", "at"])
    op.create_index("ix_audit_chat", "audit", ["channel", "chat_id", "action", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_chat", "audit")
    op.drop_index("ix_audit_phone", "audit")
    op.drop_table("audit")
    op.drop_index("ix_consent_user", "consent")
    op.drop_table("consent")
    op.drop_index("ix_one_time_code_created", "one_time_code")
    op.drop_index("ix_one_time_code_phone", "one_time_code")
    op.drop_index("ix_one_time_code_chat", "one_time_code")
    op.drop_table("one_time_code")
    op.drop_index("ix_dossier_status_history_code", "dossier_status_history")
    op.drop_table("dossier_status_history")
    op.drop_index("ix_dossier_phone_hash", "dossier")
    op.drop_table("dossier")
