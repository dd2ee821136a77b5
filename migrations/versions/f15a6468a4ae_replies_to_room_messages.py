"""Replies to room messages

A message may answer an earlier message of the same room (checked by the service); when the parent row
is removed the reply stays, without its link.

Revision ID: f15a6468a4ae
Revises: 453cf3ede8cd
Create Date: 2026-11-25 15:47:16.409056

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f15a6468a4ae"
down_revision = "453cf3ede8cd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("room_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_room_message_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_room_message_parent_id_room_message"),
            "room_message",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("room_message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_room_message_parent_id_room_message"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_room_message_parent_id"))
        batch_op.drop_column("parent_id")
