"""Rooms: files attached to messages, and rooms for governance bodies and their sessions

Revision ID: 78bc21cedb39
Revises: 606c4ce469e1
Create Date: 2026-11-25 18:00:47.244555

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '78bc21cedb39'
down_revision = '606c4ce469e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('room_message_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['room_message.id'], name=op.f('fk_room_message_attachment_message_id_room_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_room_message_attachment_stored_file_id_stored_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_message_attachment')),
    sa.UniqueConstraint('message_id', 'position', name=op.f('uq_room_message_attachment_message_id')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_room_message_attachment_stored_file_id'))
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('committee_session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_room_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_committee_session_id'), ['committee_session_id'], unique=False)
        batch_op.create_index('uq_room_body_room', ['body_id'], unique=True, sqlite_where=sa.text("kind = 'body'"), postgresql_where=sa.text("kind = 'body'"))
        batch_op.create_index('uq_room_session_room', ['committee_session_id'], unique=True, sqlite_where=sa.text("kind = 'session'"), postgresql_where=sa.text("kind = 'session'"))
        batch_op.create_foreign_key(batch_op.f('fk_room_body_id_committee_body'), 'committee_body', ['body_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_room_committee_session_id_committee_session'), 'committee_session', ['committee_session_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_room_committee_session_id_committee_session'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_room_body_id_committee_body'), type_='foreignkey')
        batch_op.drop_index('uq_room_session_room', sqlite_where=sa.text("kind = 'session'"), postgresql_where=sa.text("kind = 'session'"))
        batch_op.drop_index('uq_room_body_room', sqlite_where=sa.text("kind = 'body'"), postgresql_where=sa.text("kind = 'body'"))
        batch_op.drop_index(batch_op.f('ix_room_committee_session_id'))
        batch_op.drop_index(batch_op.f('ix_room_body_id'))
        batch_op.drop_column('committee_session_id')
        batch_op.drop_column('body_id')

    op.drop_table('room_message_attachment')
