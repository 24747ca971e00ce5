"""held letters: letters to people from advisor commands wait, and #cancel can stop them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("held_command", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("held_prior_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("held_undo", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_held_by"), ["held_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_held_by"))
        batch_op.drop_column("held_undo")
        batch_op.drop_column("held_prior_status")
        batch_op.drop_column("held_command")
        batch_op.drop_column("held_by")
