"""Minutes of a governance body's session: drafts kept as numbered versions, amendments proposed by the
attendees, and approval, after which the minutes are locked for good.

The lock is enforced three times: the services refuse, the mapper events below refuse any ORM change to
approved minutes, their versions or amendments, and database triggers (SQLite and PostgreSQL, created with
the tables here and by the migration) refuse UPDATEs of an approved row and new or changed versions and
amendments, whatever client sends them. Deleting whole minutes stays possible for a database administrator
(and the test suite's teardown); the application never deletes them.
"""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .committee import CommitteeSession
from .committee_vote import Motion
from .user import User


class LockedMinutesError(ValueError):
    """Something tried to change approved minutes (the services refuse it first)."""


class MinutesStatus(enum.StrEnum):
    """draft -> open for amendments (until a deadline) -> approved, which locks the minutes."""

    DRAFT = "draft"
    AMENDMENTS = "amendments"
    APPROVED = "approved"


class AmendmentStatus(enum.StrEnum):
    """An attendee's proposed change, until the secretary accepts or rejects it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class VersionOrigin(enum.StrEnum):
    """How a version of the text came about."""

    GENERATED = "generated"  # from the session record
    EDITED = "edited"  # by an officer
    AMENDMENT = "amendment"  # an accepted amendment applied


class CommitteeMinutes(TimestampMixin, db.Model):
    """The minutes of one session; the text is the newest of `versions` until approval fixes it."""

    __tablename__ = "committee_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_session.id"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus), default=MinutesStatus.DRAFT)
    # The language the text was generated in (the secretary's); people write the edits in it too.
    locale: Mapped[str] = mapped_column(sa.String(8))
    amendments_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # The carried motion (of a later session, or voted between sessions) that approved the minutes.
    approval_motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_motion.id"))
    # Fixed at approval: the approved text and the sha256 of its UTF-8 bytes.
    locked_text: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    session: Mapped[CommitteeSession] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    approval_motion: Mapped[Motion | None] = relationship()
    versions: Mapped[list["MinutesVersion"]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.number"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "status != 'approved' OR (locked_text IS NOT NULL AND content_hash IS NOT NULL "
            "AND approved_at IS NOT NULL)",
            name="approved_is_fixed",
        ),
        sa.CheckConstraint("status != 'amendments' OR amendments_close_at IS NOT NULL", name="window_end"),
    )

    @property
    def is_approved(self) -> bool:
        """Approved minutes are locked."""
        return self.status == MinutesStatus.APPROVED

    @property
    def current(self) -> "MinutesVersion":
        """The newest version (minutes always have one)."""
        return self.versions[-1]

    @property
    def text(self) -> str:
        """The approved text once locked, else the newest draft."""
        return self.locked_text if self.locked_text is not None else self.current.text

    def window_open(self, now: datetime | None = None) -> bool:
        """Whether attendees may propose amendments now."""
        return (
            self.status == MinutesStatus.AMENDMENTS
            and self.amendments_close_at is not None
            and (now or utcnow()) < self.amendments_close_at
        )


class MinutesVersion(db.Model):
    """One version of the minutes' text (markdown); versions are only ever added, never changed."""

    __tablename__ = "committee_minutes_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_minutes.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    origin: Mapped[VersionOrigin] = mapped_column(enum_column(VersionOrigin))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[CommitteeMinutes] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("minutes_id", "number"),
        sa.CheckConstraint("number >= 1", name="positive_number"),
    )


class MinutesAmendment(db.Model):
    """A change to the draft proposed by an attendee: the passage to replace (optional) and the new text."""

    __tablename__ = "committee_minutes_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_minutes.id", ondelete="CASCADE"), index=True
    )
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    original: Mapped[str | None] = mapped_column(sa.Text)
    proposed: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus), default=AmendmentStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(1000))  # why it was rejected
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_minutes_version.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[CommitteeMinutes] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    version: Mapped[MinutesVersion | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("status != 'rejected' OR reason IS NOT NULL", name="rejection_reason"),
        sa.CheckConstraint("status != 'accepted' OR version_id IS NOT NULL", name="accepted_version"),
    )


# --- the lock in the ORM ------------------------------------------------------------------------------

_minutes = CommitteeMinutes.__table__


def _stored_status(connection: sa.Connection, minutes_id: int | None) -> str | None:
    # Read from the database, not the object: an in-memory status change must not unlock anything.
    if minutes_id is None:
        return None
    return connection.scalar(sa.select(_minutes.c.status).where(_minutes.c.id == minutes_id))


def _refuse_if_locked(connection: sa.Connection, minutes_id: int | None, what: str) -> None:
    if _stored_status(connection, minutes_id) == MinutesStatus.APPROVED.value:
        raise LockedMinutesError(f"minutes {minutes_id} are approved and locked; refusing to {what}")


@sa.event.listens_for(CommitteeMinutes, "before_update")
@sa.event.listens_for(CommitteeMinutes, "before_delete")
def _approved_minutes_never_change(mapper: Any, connection: sa.Connection, target: CommitteeMinutes) -> None:
    """Approved minutes are neither changed nor deleted through the ORM."""
    _refuse_if_locked(connection, target.id, "change or delete them")


def _guard_part(mapper: Any, connection: sa.Connection, target: Any) -> None:
    """No version or amendment of approved minutes is added, changed or removed through the ORM."""
    state = sa.inspect(target)
    history = state.attrs.minutes_id.history
    for minutes_id in {target.minutes_id, *(history.deleted or ())}:
        _refuse_if_locked(connection, minutes_id, f"change their {mapper.class_.__name__}")


for _model in (MinutesVersion, MinutesAmendment):
    for _event in ("before_insert", "before_update", "before_delete"):
        sa.event.listen(_model, _event, _guard_part)


# --- the lock in the database -------------------------------------------------------------------------

LOCKED_MESSAGE = "approved minutes are locked"
PART_TABLES = ("committee_minutes_version", "committee_minutes_amendment")


def sqlite_triggers() -> list[str]:
    """SQLite triggers refusing changes to approved minutes (also written out in the migration)."""
    statements = [
        "CREATE TRIGGER committee_minutes_locked BEFORE UPDATE ON committee_minutes "
        "FOR EACH ROW WHEN OLD.status = 'approved' "
        f"BEGIN SELECT RAISE(ABORT, '{LOCKED_MESSAGE}'); END"
    ]
    for table in PART_TABLES:
        for event, ids in (("INSERT", "NEW.minutes_id"), ("UPDATE", "OLD.minutes_id, NEW.minutes_id")):
            statements.append(
                f"CREATE TRIGGER {table}_locked_{event.lower()} BEFORE {event} ON {table} FOR EACH ROW "
                f"WHEN EXISTS (SELECT 1 FROM committee_minutes WHERE id IN ({ids}) AND status = 'approved') "
                f"BEGIN SELECT RAISE(ABORT, '{LOCKED_MESSAGE}'); END"
            )
    return statements


POSTGRESQL_FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION committee_minutes_refuse_locked() RETURNS trigger AS $$ BEGIN "
    f"RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION committee_minutes_part_locked() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' THEN IF EXISTS (SELECT 1 FROM committee_minutes WHERE id = OLD.minutes_id "
    f"AND status = 'approved') THEN RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'restrict_violation'; "
    "END IF; END IF; "
    "IF EXISTS (SELECT 1 FROM committee_minutes WHERE id = NEW.minutes_id AND status = 'approved') THEN "
    f"RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'restrict_violation'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql",
]


def postgresql_triggers() -> list[str]:
    """PostgreSQL triggers refusing changes to approved minutes (the functions are created first)."""
    statements = [
        "CREATE TRIGGER committee_minutes_locked BEFORE UPDATE ON committee_minutes FOR EACH ROW "
        "WHEN (OLD.status = 'approved') EXECUTE FUNCTION committee_minutes_refuse_locked()"
    ]
    statements += [
        f"CREATE TRIGGER {table}_locked BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION committee_minutes_part_locked()"
        for table in PART_TABLES
    ]
    return statements


def _ddl(statements: list[str], dialect: str) -> list[sa.DDL]:
    return [sa.DDL(statement.replace("%", "%%")).execute_if(dialect=dialect) for statement in statements]


def _listen(table: sa.Table, event: str, statements: list[sa.DDL]) -> None:
    for statement in statements:
        sa.event.listen(table, event, statement)


_sqlite = sqlite_triggers()
_postgresql = postgresql_triggers()
_listen(_minutes, "after_create", _ddl(POSTGRESQL_FUNCTIONS + _postgresql[:1], "postgresql"))
_listen(_minutes, "after_create", _ddl(_sqlite[:1], "sqlite"))
_listen(MinutesVersion.__table__, "after_create", _ddl(_postgresql[1:2], "postgresql"))
_listen(MinutesVersion.__table__, "after_create", _ddl(_sqlite[1:3], "sqlite"))
_listen(MinutesAmendment.__table__, "after_create", _ddl(_postgresql[2:], "postgresql"))
_listen(MinutesAmendment.__table__, "after_create", _ddl(_sqlite[3:], "sqlite"))
_listen(
    _minutes,
    "after_drop",
    _ddl(
        [
            "DROP FUNCTION IF EXISTS committee_minutes_refuse_locked()",
            "DROP FUNCTION IF EXISTS committee_minutes_part_locked()",
        ],
        "postgresql",
    ),
)
