"""contact wishes: call windows (JSON text), email only, texts OK, the referrer's own phone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_windows", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("email_only", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("texts_ok", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("referrer_phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("referrer_phone")
        batch_op.drop_column("texts_ok")
        batch_op.drop_column("email_only")
        batch_op.drop_column("call_windows")
