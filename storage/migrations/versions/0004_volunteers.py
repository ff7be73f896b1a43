"""Volunteers, their short referral codes, linked chat accounts and one-time link tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "volunteer",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "referral_code",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("volunteer_code", sa.String(16), sa.ForeignKey("volunteer.code", ondelete="CASCADE"), nullable=False),
        sa.Column("procedure_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_referral_code_target", "referral_code", ["volunteer_code", "procedure_id"], unique=True)
    op.create_table(
        "volunteer_account",
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("volunteer_code", sa.String(16), sa.ForeignKey("volunteer.code", ondelete="CASCADE"), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "volunteer_link_token",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("volunteer_code", sa.String(16), sa.ForeignKey("volunteer.code", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    # /thongke and the dashboard count events by volunteer code.
    op.create_index("ix_event_ref", "event", ["ref", "kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_event_ref", "event")
    op.drop_table("volunteer_link_token")
    op.drop_table("volunteer_account")
    op.drop_index("ix_referral_code_target", "referral_code")
    op.drop_table("referral_code")
    op.drop_table("volunteer")
