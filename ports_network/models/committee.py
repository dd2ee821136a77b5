"""Governance bodies of the network: bodies, the seats people hold in them, their sessions with an agenda,
and the attendance a roll call records (DOMAIN.md "Governance bodies").

Motions, votes, minutes and action items (issue 6, part 2) hang off CommitteeSession, AgendaItem, Seat and
Attendance as new tables; the live console adds the session's own live state (opened, closed, current item).
"""

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, localized, utcnow
from .community import PortCommunity
from .organisation import Organisation
from .stored_file import StoredFile
from .user import User


class BodyKind(enum.StrEnum):
    """The kinds of body the network has had (000:460, 000:487, 001:512, 004:208)."""

    DIRECTIVE_COMMITTEE = "directive_committee"
    TECHNICAL_COMMITTEE = "technical_committee"
    EXPERT_GROUP = "expert_group"
    METHODOLOGICAL_SUPPORT_GROUP = "methodological_support_group"
    STEERING_COMMITTEE = "steering_committee"
    ACTION_COMMITTEE = "action_committee"


class BodyStatus(enum.StrEnum):
    """A closed body keeps its history but schedules no new sessions."""

    ACTIVE = "active"
    CLOSED = "closed"


class VotingRule(enum.StrEnum):
    """How a motion carries (counted in part 2)."""

    SIMPLE_MAJORITY = "simple_majority"
    TWO_THIRDS = "two_thirds"
    CONSENSUS = "consensus"


class QuorumRule(enum.StrEnum):
    """How many voting seats must be represented for a session to deliberate."""

    MAJORITY = "majority"  # more than half of the voting seats
    TWO_THIRDS = "two_thirds"  # at least two thirds of the voting seats
    FIXED = "fixed"  # a fixed number (quorum_count)


class ProxyRule(enum.StrEnum):
    """Who may hold an absent voting member's proxy."""

    NONE = "none"
    VOTING_MEMBER = "voting_member"  # any voting member of the body who attends


class SeatRole(enum.StrEnum):
    """A seat's role; every role but observer votes."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"  # secretary / rapporteur
    MEMBER = "member"
    OBSERVER = "observer"


# Roles that run the body's sessions, and roles only one person holds at a time.
OFFICER_ROLES = frozenset({SeatRole.CHAIR, SeatRole.VICE_CHAIR, SeatRole.SECRETARY})
SINGLE_HOLDER_ROLES = OFFICER_ROLES


class SessionKind(enum.StrEnum):
    """Where a session takes place."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class SessionStatus(enum.StrEnum):
    """Life cycle of a session: scheduled, convened (invitations sent), in progress, closed; or cancelled."""

    SCHEDULED = "scheduled"
    CONVENED = "convened"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# A session's plan (time, place, agenda) can change until it starts.
PLANNED_STATES = frozenset({SessionStatus.SCHEDULED, SessionStatus.CONVENED})


class AgendaItemKind(enum.StrEnum):
    """What an agenda item is for; decisions are where motions are put to the vote (part 2)."""

    INFORMATION = "information"
    DELIBERATION = "deliberation"
    DECISION = "decision"


class AttendanceStatus(enum.StrEnum):
    """A person's answer to the roll call."""

    PRESENT = "present"
    REMOTE = "remote"
    EXCUSED = "excused"
    ABSENT = "absent"


class Body(TimestampMixin, db.Model):
    """A governance body: committee, expert group, support group... with its rules of procedure."""

    __tablename__ = "committee_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind))
    name: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # {locale: text}, like PeerGroup.name
    mandate: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # {locale: markdown}
    term_start: Mapped[date]
    term_end: Mapped[date | None]
    work_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="SET NULL"))
    status: Mapped[BodyStatus] = mapped_column(enum_column(BodyStatus), default=BodyStatus.ACTIVE)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_rule: Mapped[VotingRule] = mapped_column(
        enum_column(VotingRule), default=VotingRule.SIMPLE_MAJORITY
    )
    quorum_rule: Mapped[QuorumRule] = mapped_column(enum_column(QuorumRule), default=QuorumRule.MAJORITY)
    quorum_count: Mapped[int | None]  # only for QuorumRule.FIXED
    proxy_rule: Mapped[ProxyRule] = mapped_column(enum_column(ProxyRule), default=ProxyRule.NONE)
    max_proxies: Mapped[int] = mapped_column(default=1)  # per holder
    requires_mou: Mapped[bool] = mapped_column(default=False)

    work_plan: Mapped[StoredFile | None] = relationship()
    seats: Mapped[list["Seat"]] = relationship(back_populates="body", order_by="Seat.id")

    __table_args__ = (
        sa.CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_order"),
        sa.CheckConstraint("quorum_rule != 'fixed' OR quorum_count >= 1", name="fixed_quorum_count"),
        sa.CheckConstraint("max_proxies >= 0", name="max_proxies_non_negative"),
    )

    def name_in(self, locale: str) -> str:
        """The name in a locale, with fallback to the other languages."""
        return localized(self.name, locale)

    def mandate_in(self, locale: str) -> str:
        """The mandate (markdown) in a locale, with fallback to the other languages."""
        return localized(self.mandate, locale)

    @property
    def is_active(self) -> bool:
        """Active bodies take new seats and sessions."""
        return self.status == BodyStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.kind}>"


class Seat(TimestampMixin, db.Model):
    """A person's seat in a body, on behalf of an organisation and (usually) a community, for a period."""

    __tablename__ = "committee_seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_body.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # None for seats held for no community (the Secretariat, a multilateral partner).
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole), default=SeatRole.MEMBER)
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # the last day the seat is held; None = open-ended

    body: Mapped[Body] = relationship(back_populates="seats")
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    community: Mapped[PortCommunity | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="date_order"),
        sa.Index("ix_committee_seat_body_dates", "body_id", "start_date", "end_date"),
    )

    @property
    def voting(self) -> bool:
        """Observers attend and speak but do not vote."""
        return self.role != SeatRole.OBSERVER

    def held_on(self, day: date) -> bool:
        """Whether the seat is held on that day."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


def new_ical_uid() -> str:
    """A globally unique identifier for the session's calendar event (RFC 5545 UID)."""
    return f"{uuid.uuid4()}@ports-network"


class CommitteeSession(TimestampMixin, db.Model):
    """A meeting of a body: when (UTC plus the zone it is shown in), where, its quorum rule and status."""

    __tablename__ = "committee_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_body.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind))
    place: Mapped[str | None] = mapped_column(sa.String(300))
    link: Mapped[str | None] = mapped_column(sa.String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(sa.String(64))  # IANA name, e.g. America/Lima
    duration_minutes: Mapped[int]
    # None: the body's rule applies.
    quorum_rule: Mapped[QuorumRule | None] = mapped_column(enum_column(QuorumRule))
    quorum_count: Mapped[int | None]
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus), default=SessionStatus.SCHEDULED)
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    ical_uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_ical_uid)
    # RFC 5545 SEQUENCE: raised each time invitations already sent are revised (new time, cancellation).
    ical_sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # The live session: when the chair opened and closed it, the agenda item under discussion, and a
    # counter raised by every change of its live state (clients drop a snapshot older than one they have).
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # use_alter: items point at their session and the session at one item, a cycle only ALTER can close.
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_agenda_item.id", ondelete="SET NULL", use_alter=True)
    )
    live_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    body: Mapped[Body] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        foreign_keys="AgendaItem.session_id",
    )
    current_item: Mapped["AgendaItem | None"] = relationship(foreign_keys=[current_item_id], post_update=True)

    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="positive_duration"),
        sa.CheckConstraint(
            "quorum_rule IS NULL OR quorum_rule != 'fixed' OR quorum_count >= 1", name="fixed_quorum_count"
        ),
    )

    @property
    def is_planned(self) -> bool:
        """Time, place and agenda may still change (scheduled or convened, not started)."""
        return self.status in PLANNED_STATES

    @property
    def effective_quorum_rule(self) -> tuple[QuorumRule, int | None]:
        """The session's own quorum rule, else the body's: (rule, fixed count)."""
        if self.quorum_rule is not None:
            return self.quorum_rule, self.quorum_count
        return self.body.quorum_rule, self.body.quorum_count

    @property
    def is_live(self) -> bool:
        """Opened by the chair and not closed yet: the console drives it."""
        return self.status == SessionStatus.IN_PROGRESS


agenda_item_document = sa.Table(
    "committee_agenda_document",
    db.metadata,
    sa.Column(
        "agenda_item_id", sa.ForeignKey("committee_agenda_item.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("stored_file_id", sa.ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True),
)


class AgendaItem(TimestampMixin, db.Model):
    """One item of a session's agenda, with its presenter, time box and documents (the board pack)."""

    __tablename__ = "committee_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_session.id", ondelete="CASCADE"))
    # Orders the items; gaps are allowed (the shown number is the rank), so removing needs no renumbering.
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[AgendaItemKind] = mapped_column(
        enum_column(AgendaItemKind), default=AgendaItemKind.INFORMATION
    )
    presenter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    time_box_minutes: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(sa.Text)  # markdown

    session: Mapped[CommitteeSession] = relationship(back_populates="items", foreign_keys=[session_id])
    presenter: Mapped[User | None] = relationship()
    documents: Mapped[list[StoredFile]] = relationship(secondary=agenda_item_document, order_by=StoredFile.id)

    __table_args__ = (
        sa.UniqueConstraint("session_id", "position"),
        sa.CheckConstraint("time_box_minutes IS NULL OR time_box_minutes > 0", name="positive_time_box"),
    )


class Attendance(db.Model):
    """A person's roll-call answer for a session, and whose hands their proxy is in (part 2 records it)."""

    __tablename__ = "committee_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_session.id", ondelete="CASCADE"))
    # The seat the person attends for; None for a guest without a seat (a presenter, say).
    seat_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_seat.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    proxy_holder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[CommitteeSession] = relationship()
    seat: Mapped[Seat | None] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proxy_holder: Mapped[User | None] = relationship(foreign_keys=[proxy_holder_id])

    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.CheckConstraint("proxy_holder_id IS NULL OR proxy_holder_id != user_id", name="no_self_proxy"),
    )
