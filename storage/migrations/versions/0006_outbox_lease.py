"""Outbox leases: replies are stored with their update and sent by whichever process holds the lease.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Delivered rows are deleted from now on; drop the ones earlier versions kept.
    op.execute("DELETE FROM outbox WHERE sent_at IS NOT NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_received_at", "inbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease_until")
