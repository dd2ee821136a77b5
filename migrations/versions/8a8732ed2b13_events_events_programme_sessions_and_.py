"""Events: events, programme sessions and speakers, partners, communities, registrations; rooms for events

Revision ID: 8a8732ed2b13
Revises: 6a85cbf27608
Create Date: 2026-12-02 07:05:15.758211

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a8732ed2b13'
down_revision = '6a85cbf27608'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('workshop_topic', sa.String(length=32), nullable=True),
    sa.Column('edition', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('online_link', sa.String(length=500), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('registration_open', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_deadline', sa.DateTime(), nullable=True),
    sa.Column('waiting_list', sa.Boolean(), nullable=False),
    sa.Column('declared_participants', sa.Integer(), nullable=True),
    sa.Column('declared_countries', sa.JSON(), nullable=False),
    sa.Column('ical_uid', sa.String(length=120), nullable=False),
    sa.Column('ical_sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("workshop_topic IS NULL OR kind = 'workshop'", name=op.f('ck_event_topic_of_workshops')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_event_positive_capacity')),
    sa.CheckConstraint('declared_participants IS NULL OR declared_participants >= 0', name=op.f('ck_event_declared_non_negative')),
    sa.CheckConstraint('edition IS NULL OR edition > 0', name=op.f('ck_event_positive_edition')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_event_date_order')),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_event_country_id_country')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_event_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('ical_uid', name=op.f('uq_event_ical_uid'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('event_community',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['port_community.id'], name=op.f('fk_event_community_community_id_port_community'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_community_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'community_id', name=op.f('pk_event_community'))
    )
    op.create_table('event_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_partner_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_partner_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_partner'))
    )
    with op.batch_alter_table('event_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_partner_event_id'), ['event_id'], unique=False)

    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attendance', sa.String(length=32), nullable=True),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('stakeholder_type', sa.String(length=32), nullable=True),
    sa.Column('gender', sa.String(length=32), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('attendance_recorded_at', sa.DateTime(), nullable=True),
    sa.Column('attendance_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("attendance IS NULL OR status = 'registered'", name=op.f('ck_event_registration_attendance_of_registered')),
    sa.ForeignKeyConstraint(['attendance_recorded_by_id'], ['user_account.id'], name=op.f('fk_event_registration_attendance_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_event_registration_country_id_country')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_registration_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_event_registration_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_registration_event_id'))
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index('ix_event_registration_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_user_id'), ['user_id'], unique=False)

    op.create_table('event_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('starts_at IS NULL OR ends_at IS NULL OR ends_at >= starts_at', name=op.f('ck_event_session_session_time_order')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_session_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_session'))
    )
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_event_id'), ['event_id'], unique=False)

    op.create_table('event_speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_event_speaker_session_id_event_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_event_speaker_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_speaker'))
    )
    with op.batch_alter_table('event_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_speaker_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_room_event_id'), ['event_id'], unique=False)
        batch_op.create_index('uq_room_event_room', ['event_id'], unique=True, sqlite_where=sa.text("kind = 'event'"), postgresql_where=sa.text("kind = 'event'"))
        batch_op.create_foreign_key(batch_op.f('fk_room_event_id_event'), 'event', ['event_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_room_event_id_event'), type_='foreignkey')
        batch_op.drop_index('uq_room_event_room', sqlite_where=sa.text("kind = 'event'"), postgresql_where=sa.text("kind = 'event'"))
        batch_op.drop_index(batch_op.f('ix_room_event_id'))
        batch_op.drop_column('event_id')

    with op.batch_alter_table('event_speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_speaker_session_id'))

    op.drop_table('event_speaker')
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_event_id'))

    op.drop_table('event_session')
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_user_id'))
        batch_op.drop_index('ix_event_registration_event_status')

    op.drop_table('event_registration')
    with op.batch_alter_table('event_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_partner_event_id'))

    op.drop_table('event_partner')
    op.drop_table('event_community')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_country_id'))

    op.drop_table('event')
