"""The materials library: a material (one work) with language variants, each with numbered versions,
caption files for recordings, and the normalised text the search index reads (DOMAIN.md "Events and
materials").

A material's permalink is its id: it always serves the newest version of the reader's language variant.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .committee import Body, CommitteeSession
from .community import PortCommunity
from .event import Event, EventSession
from .methodology import MethodologyVersion
from .stored_file import StoredFile
from .user import User

MATERIAL_LANGUAGES = ("es", "en", "pt", "fr")


class MaterialType(enum.StrEnum):
    """What kind of document a material is (DOMAIN.md "Events and materials")."""

    GUIDELINES = "guidelines"
    RECOMMENDATIONS = "recommendations"
    WORK_PLAN = "work_plan"
    RAPPORTEUR_REPORT = "rapporteur_report"
    PRESENTATION = "presentation"
    RECORDING = "recording"
    STUDY = "study"
    SURVEY_RESULTS = "survey_results"
    BEST_PRACTICE = "best_practice"
    MINUTES = "minutes"
    METHODOLOGY_NOTE = "methodology_note"
    OTHER = "other"


class MaterialAccess(enum.StrEnum):
    """Who may see a material (and find it, download it, preview it)."""

    PUBLIC = "public"
    MEMBERS = "members"  # every network member (and the Secretariat)
    # Not "community" and "body": labels.LABELS is keyed by value, and Visibility.COMMUNITY is "community".
    COMMUNITY = "one_community"  # the members of one community
    BODY = "one_body"  # the current seat holders of one governance body


class TextStatus(enum.StrEnum):
    """Where the extraction of a variant's text for the search index stands."""

    PENDING = "pending"  # waiting for the background job (large files)
    INDEXED = "indexed"
    FAILED = "failed"  # the file could not be read; metadata stays searchable


class Material(TimestampMixin, db.Model):
    """One work: its kind, who may see it, what it is attached to; titles live on its language variants."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MaterialType] = mapped_column(enum_column(MaterialType), index=True)
    access: Mapped[MaterialAccess] = mapped_column(enum_column(MaterialAccess))
    access_community_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("port_community.id", ondelete="CASCADE"), index=True
    )
    access_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_body.id", ondelete="CASCADE"), index=True
    )
    # From this day (UTC) on the material is public whatever its level ("members until X, then public").
    embargo_until: Mapped[date | None]
    issued_on: Mapped[date] = mapped_column(index=True)
    authors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # What the material belongs to (any, all or none of them).
    community_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("port_community.id", ondelete="SET NULL"), index=True
    )
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_body.id", ondelete="SET NULL"), index=True
    )
    committee_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_session.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    event_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="SET NULL"), index=True
    )
    # Methodology notes: an indicator of one methodology version.
    methodology_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("methodology_version.id", ondelete="SET NULL"), index=True
    )
    indicator_code: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    access_community: Mapped[PortCommunity | None] = relationship(foreign_keys=[access_community_id])
    access_body: Mapped[Body | None] = relationship(foreign_keys=[access_body_id])
    community: Mapped[PortCommunity | None] = relationship(foreign_keys=[community_id])
    body: Mapped[Body | None] = relationship(foreign_keys=[body_id])
    committee_session: Mapped[CommitteeSession | None] = relationship()
    event: Mapped[Event | None] = relationship()
    event_session: Mapped[EventSession | None] = relationship()
    methodology_version: Mapped[MethodologyVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    variants: Mapped[list["MaterialVariant"]] = relationship(
        back_populates="material", order_by="MaterialVariant.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "(access = 'one_community') = (access_community_id IS NOT NULL)", name="community_level_names_one"
        ),
        sa.CheckConstraint(
            "(access = 'one_body') = (access_body_id IS NOT NULL)", name="body_level_names_one"
        ),
    )

    def is_public_on(self, day: date) -> bool:
        """Public by level, or because its embargo ended on or before `day`."""
        return self.access == MaterialAccess.PUBLIC or (
            self.embargo_until is not None and self.embargo_until <= day
        )

    def variant(self, language: str) -> "MaterialVariant | None":
        """The variant in a language, or None."""
        return next((v for v in self.variants if v.language == language), None)

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.kind}>"


class MaterialVariant(db.Model):
    """A material in one language: its title and description, versions and captions."""

    __tablename__ = "material_variant"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("material.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # markdown
    text_status: Mapped[TextStatus] = mapped_column(enum_column(TextStatus), default=TextStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material] = relationship(back_populates="variants")
    versions: Mapped[list["MaterialVersion"]] = relationship(
        back_populates="variant", order_by="MaterialVersion.number.desc()", cascade="all, delete-orphan"
    )
    captions: Mapped[list["MaterialCaption"]] = relationship(
        back_populates="variant", order_by="MaterialCaption.language", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("material_id", "language"),)

    @property
    def latest(self) -> "MaterialVersion | None":
        """The newest version (what the permalink serves)."""
        return self.versions[0] if self.versions else None


class MaterialVersion(db.Model):
    """One upload of a variant (a stored file, or a link for a recording hosted elsewhere)."""

    __tablename__ = "material_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("material_variant.id", ondelete="CASCADE"))
    number: Mapped[int]
    stored_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), index=True)
    link: Mapped[str | None] = mapped_column(sa.String(500))  # https only
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variant: Mapped[MaterialVariant] = relationship(back_populates="versions")
    stored_file: Mapped[StoredFile | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("variant_id", "number"),
        sa.CheckConstraint("(stored_file_id IS NULL) != (link IS NULL)", name="file_or_link"),
        sa.CheckConstraint("number >= 1", name="positive_number"),
    )


class MaterialCaption(db.Model):
    """A WebVTT caption file of a recording variant, one per caption language."""

    __tablename__ = "material_caption"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("material_variant.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(5))
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), index=True)

    variant: Mapped[MaterialVariant] = relationship(back_populates="captions")
    stored_file: Mapped[StoredFile] = relationship()

    __table_args__ = (sa.UniqueConstraint("variant_id", "language"),)


# The PostgreSQL index column; SQLite searches the FTS5 table kept in step by triggers instead.
TSVECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class MaterialText(db.Model):
    """What search reads for a variant: casefolded text with its accents removed (so "publicacion" finds
    "publicación" without PostgreSQL's unaccent extension), in three fields ranked by weight.

    On PostgreSQL, `tsv` holds every word without positions (small, matched through its GIN index) and
    `rank_tsv` the weighted title and description that order the matches: ranking thousands of matches
    by their whole text would read megabytes of vectors per search."""

    __tablename__ = "material_text"

    variant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("material_variant.id", ondelete="CASCADE"), primary_key=True
    )
    heading: Mapped[str] = mapped_column(sa.Text, default="")  # title, tags, authors
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # description
    content: Mapped[str] = mapped_column(sa.Text, default="")  # text extracted from the newest file
    tsv: Mapped[str | None] = mapped_column(TSVECTOR)
    rank_tsv: Mapped[str | None] = mapped_column(TSVECTOR)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.Index("ix_material_text_tsv", "tsv", postgresql_using="gin"),)


# --- SQLite full-text index: an FTS5 table over material_text, kept in step by triggers -----------------

FTS_TABLE = "material_fts"
FTS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(heading, summary, content, "
    "content='material_text', content_rowid='variant_id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS material_text_ai AFTER INSERT ON material_text BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, heading, summary, content) "
    "VALUES (new.variant_id, new.heading, new.summary, new.content); END",
    f"CREATE TRIGGER IF NOT EXISTS material_text_ad AFTER DELETE ON material_text BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, heading, summary, content) "
    "VALUES ('delete', old.variant_id, old.heading, old.summary, old.content); END",
    f"CREATE TRIGGER IF NOT EXISTS material_text_au AFTER UPDATE ON material_text BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, heading, summary, content) "
    "VALUES ('delete', old.variant_id, old.heading, old.summary, old.content); "
    f"INSERT INTO {FTS_TABLE}(rowid, heading, summary, content) "
    "VALUES (new.variant_id, new.heading, new.summary, new.content); END",
)
FTS_DROP = (
    "DROP TRIGGER IF EXISTS material_text_ai",
    "DROP TRIGGER IF EXISTS material_text_ad",
    "DROP TRIGGER IF EXISTS material_text_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def is_search_index_table(name: str | None) -> bool:
    """The FTS5 table and its shadow tables: outside the ORM's metadata, so schema comparisons skip them."""
    return bool(name) and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_"))


for _statement in FTS_DDL:
    sa.event.listen(MaterialText.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in FTS_DROP:
    sa.event.listen(MaterialText.__table__, "before_drop", sa.DDL(_statement).execute_if(dialect="sqlite"))
