"""Materials library: materials, language variants, versions, captions, search text

Revision ID: 95340ec23dac
Revises: 8a8732ed2b13
Create Date: 2026-12-02 07:08:33.263187

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '95340ec23dac'
down_revision = '8a8732ed2b13'
branch_labels = None
depends_on = None

# SQLite's full-text index of material_text (FTS5, accents removed by the tokenizer), kept in step by
# triggers. Copied from ports_network/models/material.py (FTS_DDL) so this file imports nothing from the app.
FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS material_fts USING fts5(heading, summary, content, "
    "content='material_text', content_rowid='variant_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS material_text_ai AFTER INSERT ON material_text BEGIN "
    "INSERT INTO material_fts(rowid, heading, summary, content) "
    "VALUES (new.variant_id, new.heading, new.summary, new.content); END",
    "CREATE TRIGGER IF NOT EXISTS material_text_ad AFTER DELETE ON material_text BEGIN "
    "INSERT INTO material_fts(material_fts, rowid, heading, summary, content) "
    "VALUES ('delete', old.variant_id, old.heading, old.summary, old.content); END",
    "CREATE TRIGGER IF NOT EXISTS material_text_au AFTER UPDATE ON material_text BEGIN "
    "INSERT INTO material_fts(material_fts, rowid, heading, summary, content) "
    "VALUES ('delete', old.variant_id, old.heading, old.summary, old.content); "
    "INSERT INTO material_fts(rowid, heading, summary, content) "
    "VALUES (new.variant_id, new.heading, new.summary, new.content); END",
)
FTS_DROP = (
    "DROP TRIGGER IF EXISTS material_text_ai",
    "DROP TRIGGER IF EXISTS material_text_ad",
    "DROP TRIGGER IF EXISTS material_text_au",
    "DROP TABLE IF EXISTS material_fts",
)


def _on_sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('access', sa.String(length=32), nullable=False),
    sa.Column('access_community_id', sa.Integer(), nullable=True),
    sa.Column('access_body_id', sa.Integer(), nullable=True),
    sa.Column('embargo_until', sa.Date(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('committee_session_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('event_session_id', sa.Integer(), nullable=True),
    sa.Column('methodology_version_id', sa.Integer(), nullable=True),
    sa.Column('indicator_code', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(access = 'one_body') = (access_body_id IS NOT NULL)", name=op.f('ck_material_body_level_names_one')),
    sa.CheckConstraint("(access = 'one_community') = (access_community_id IS NOT NULL)", name=op.f('ck_material_community_level_names_one')),
    sa.ForeignKeyConstraint(['access_body_id'], ['committee_body.id'], name=op.f('fk_material_access_body_id_committee_body'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['access_community_id'], ['port_community.id'], name=op.f('fk_material_access_community_id_port_community'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['body_id'], ['committee_body.id'], name=op.f('fk_material_body_id_committee_body'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['committee_session_id'], ['committee_session.id'], name=op.f('fk_material_committee_session_id_committee_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['port_community.id'], name=op.f('fk_material_community_id_port_community'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_material_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_material_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_session_id'], ['event_session.id'], name=op.f('fk_material_event_session_id_event_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['methodology_version_id'], ['methodology_version.id'], name=op.f('fk_material_methodology_version_id_methodology_version'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material'))
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_access_body_id'), ['access_body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_access_community_id'), ['access_community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_committee_session_id'), ['committee_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_event_session_id'), ['event_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_methodology_version_id'), ['methodology_version_id'], unique=False)

    op.create_table('material_variant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('text_status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_variant_material_id_material'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_variant')),
    sa.UniqueConstraint('material_id', 'language', name=op.f('uq_material_variant_material_id'))
    )
    with op.batch_alter_table('material_variant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_variant_material_id'), ['material_id'], unique=False)

    op.create_table('material_caption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_material_caption_stored_file_id_stored_file')),
    sa.ForeignKeyConstraint(['variant_id'], ['material_variant.id'], name=op.f('fk_material_caption_variant_id_material_variant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_caption')),
    sa.UniqueConstraint('variant_id', 'language', name=op.f('uq_material_caption_variant_id'))
    )
    with op.batch_alter_table('material_caption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_caption_stored_file_id'), ['stored_file_id'], unique=False)

    op.create_table('material_text',
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.Column('rank_tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['variant_id'], ['material_variant.id'], name=op.f('fk_material_text_variant_id_material_variant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', name=op.f('pk_material_text'))
    )
    with op.batch_alter_table('material_text', schema=None) as batch_op:
        batch_op.create_index('ix_material_text_tsv', ['tsv'], unique=False, postgresql_using='gin')

    op.create_table('material_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(stored_file_id IS NULL) != (link IS NULL)', name=op.f('ck_material_version_file_or_link')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_material_version_positive_number')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_material_version_stored_file_id_stored_file')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_material_version_uploaded_by_id_user_account')),
    sa.ForeignKeyConstraint(['variant_id'], ['material_variant.id'], name=op.f('fk_material_version_variant_id_material_variant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_version')),
    sa.UniqueConstraint('variant_id', 'number', name=op.f('uq_material_version_variant_id'))
    )
    with op.batch_alter_table('material_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_version_stored_file_id'), ['stored_file_id'], unique=False)

    if _on_sqlite():
        for statement in FTS_DDL:
            op.execute(statement)


def downgrade():
    if _on_sqlite():
        for statement in FTS_DROP:
            op.execute(statement)
    with op.batch_alter_table('material_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_version_stored_file_id'))

    op.drop_table('material_version')
    with op.batch_alter_table('material_text', schema=None) as batch_op:
        batch_op.drop_index('ix_material_text_tsv', postgresql_using='gin')

    op.drop_table('material_text')
    with op.batch_alter_table('material_caption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_caption_stored_file_id'))

    op.drop_table('material_caption')
    with op.batch_alter_table('material_variant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_variant_material_id'))

    op.drop_table('material_variant')
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_methodology_version_id'))
        batch_op.drop_index(batch_op.f('ix_material_kind'))
        batch_op.drop_index(batch_op.f('ix_material_issued_on'))
        batch_op.drop_index(batch_op.f('ix_material_event_session_id'))
        batch_op.drop_index(batch_op.f('ix_material_event_id'))
        batch_op.drop_index(batch_op.f('ix_material_community_id'))
        batch_op.drop_index(batch_op.f('ix_material_committee_session_id'))
        batch_op.drop_index(batch_op.f('ix_material_body_id'))
        batch_op.drop_index(batch_op.f('ix_material_access_community_id'))
        batch_op.drop_index(batch_op.f('ix_material_access_body_id'))

    op.drop_table('material')
