"""issue 17: outbox indexes that lead with the status, so finding the few due, stuck or uncopied
letters reads those rows, not every letter the hub ever sent (with only ix_outbox_hub, SQLite
scanned all of a hub's rows on every poll and every delivery round)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:20:00
"""

from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_status_hub", "outbox", ["status", "hub"])
    op.create_index("ix_outbox_uncopied", "outbox", ["copied_to_sent", "status", "hub"])


def downgrade() -> None:
    op.drop_index("ix_outbox_uncopied", table_name="outbox")
    op.drop_index("ix_outbox_status_hub", table_name="outbox")
