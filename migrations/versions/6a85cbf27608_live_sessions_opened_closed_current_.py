"""Live sessions: opened, closed, current item; speakers queue

The session's current item points at an agenda item whose session points back: the foreign key is added
after both tables exist (use_alter), and dropped before the column on the way down.

Revision ID: 6a85cbf27608
Revises: 132c900a7db0
Create Date: 2026-12-02 07:07:41.878146

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a85cbf27608'
down_revision = '132c900a7db0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_speaker_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['committee_agenda_item.id'], name=op.f('fk_committee_speaker_request_agenda_item_id_committee_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_committee_speaker_request_session_id_committee_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_committee_speaker_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_speaker_request'))
    )
    with op.batch_alter_table('committee_speaker_request', schema=None) as batch_op:
        batch_op.create_index('ix_committee_speaker_request_session', ['session_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_speaker_request_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_committee_speaker_request_queued', ['session_id', 'user_id'], unique=True, sqlite_where=sa.text("status IN ('waiting', 'speaking')"), postgresql_where=sa.text("status IN ('waiting', 'speaking')"))
        batch_op.create_index('uq_committee_speaker_request_speaking', ['session_id'], unique=True, sqlite_where=sa.text("status = 'speaking'"), postgresql_where=sa.text("status = 'speaking'"))

    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('current_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('live_revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_committee_session_current_item_id_committee_agenda_item'), 'committee_agenda_item', ['current_item_id'], ['id'], ondelete='SET NULL', use_alter=True)



def downgrade():
    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_committee_session_current_item_id_committee_agenda_item'), type_='foreignkey')
        batch_op.drop_column('live_revision')
        batch_op.drop_column('current_item_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('started_at')

    with op.batch_alter_table('committee_speaker_request', schema=None) as batch_op:
        batch_op.drop_index('uq_committee_speaker_request_speaking', sqlite_where=sa.text("status = 'speaking'"), postgresql_where=sa.text("status = 'speaking'"))
        batch_op.drop_index('uq_committee_speaker_request_queued', sqlite_where=sa.text("status IN ('waiting', 'speaking')"), postgresql_where=sa.text("status IN ('waiting', 'speaking')"))
        batch_op.drop_index(batch_op.f('ix_committee_speaker_request_user_id'))
        batch_op.drop_index('ix_committee_speaker_request_session')

    op.drop_table('committee_speaker_request')
