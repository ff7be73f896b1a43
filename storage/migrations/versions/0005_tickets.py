"""Hand-off tickets: a citizen's question for staff, until 30 days after it is closed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(16), nullable=True),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_ticket_user", "ticket", ["channel", "user_id", "closed_at"])
    op.create_index("ix_ticket_staff_message", "ticket", ["staff_message_id"])
    op.create_index("ix_ticket_closed_at", "ticket", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_closed_at", "ticket")
    op.drop_index("ix_ticket_staff_message", "ticket")
    op.drop_index("ix_ticket_user", "ticket")
    op.drop_table("ticket")
