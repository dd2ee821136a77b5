"""The speakers' queue of a live session: who asked for the floor, in which order, and who has it now.

A request is kept after it ends (done or withdrawn), so the minutes can say who spoke on which item.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow
from .committee import AgendaItem, CommitteeSession
from .user import User


class SpeakerStatus(enum.StrEnum):
    """A request for the floor: waiting its turn, speaking now, done, or withdrawn by its author."""

    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


# A person is in the queue while their request is waiting or speaking.
QUEUED_STATES = frozenset({SpeakerStatus.WAITING, SpeakerStatus.SPEAKING})


def _partial_unique(name: str, *columns: str, where: str) -> sa.Index:
    """A unique index among the rows matching `where` (partial, on SQLite and PostgreSQL alike)."""
    condition = sa.text(where)
    return sa.Index(name, *columns, unique=True, sqlite_where=condition, postgresql_where=condition)


class SpeakerRequest(db.Model):
    """One request for the floor in a session, on the agenda item under discussion when it was made."""

    __tablename__ = "committee_speaker_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_agenda_item.id", ondelete="SET NULL")
    )
    status: Mapped[SpeakerStatus] = mapped_column(enum_column(SpeakerStatus), default=SpeakerStatus.WAITING)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[CommitteeSession] = relationship()
    user: Mapped[User] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()

    __table_args__ = (
        sa.Index("ix_committee_speaker_request_session", "session_id", "status", "id"),
        # Once in the queue at a time per person, and one speaker at a time, even when two requests race.
        _partial_unique(
            "uq_committee_speaker_request_queued",
            "session_id",
            "user_id",
            where="status IN ('waiting', 'speaking')",
        ),
        _partial_unique("uq_committee_speaker_request_speaking", "session_id", where="status = 'speaking'"),
    )
