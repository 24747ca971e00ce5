"""letter language: the first language of the letters to the person (ISO 639-1, "en" by default)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "letter_language", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="en"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("letter_language")
