"""recipients as a JSON list; loop-guard flag on outbox rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 17:45:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_reply", sa.Boolean(), nullable=False, server_default=sa.true()))
    # Old rows held a comma-joined string; they become the list they were meant to be. Delivery
    # validates every entry again, so an old row with a bad address fails instead of fanning out.
    conn = op.get_bind()
    outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("recipients", sa.String))
    for row_id, value in conn.execute(sa.select(outbox.c.id, outbox.c.recipients)).all():
        if value is None or value.startswith("["):
            continue
        pieces = [p.strip() for p in value.split(",") if p.strip()]
        conn.execute(outbox.update().where(outbox.c.id == row_id).values(recipients=json.dumps(pieces)))


def downgrade() -> None:
    conn = op.get_bind()
    outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("recipients", sa.String))
    for row_id, value in conn.execute(sa.select(outbox.c.id, outbox.c.recipients)).all():
        if value and value.startswith("["):
            conn.execute(
                outbox.update().where(outbox.c.id == row_id).values(recipients=",".join(json.loads(value)))
            )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("auto_reply")
