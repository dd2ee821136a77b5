"""Presence and typing can be switched off per person

`user_account.share_presence`: whether others in the rooms see when the person is there and typing.
Existing accounts get true, as new ones do.

Revision ID: b10bb142d4bf
Revises: a3d75e5a502f
Create Date: 2026-11-25 16:42:33.808968

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b10bb142d4bf"
down_revision = "a3d75e5a502f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_presence", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("share_presence")
