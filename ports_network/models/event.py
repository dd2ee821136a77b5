"""Events of the network: regional meetings, workshops, seminars, webinars and technical visits, with their
programme (sessions and speakers), organisers and partners, the communities concerned and registrations
with attendance (DOMAIN.md "Events and materials").

Other features point at `event.id` and `event_session.id` (materials attach to an event or one session).
"""

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, localized, utcnow
from .community import PortCommunity
from .country import Country
from .organisation import Organisation, StakeholderType
from .user import User


class EventKind(enum.StrEnum):
    """The kinds of event the documents describe (000:465-469, 001:498, 003:259-287)."""

    REGIONAL_MEETING = "regional_meeting"
    WORKSHOP = "workshop"
    SEMINAR = "seminar"
    WEBINAR = "webinar"
    TECHNICAL_VISIT = "technical_visit"


class WorkshopTopic(enum.StrEnum):
    """The two workshops the programme gives communities (000:465-466); other workshops have no topic."""

    STRATEGIC_DIAGNOSIS = "strategic_diagnosis"
    LOGISTIC_CHAIN_MANAGEMENT = "logistic_chain_management"


class EventFormat(enum.StrEnum):
    """Where people take part."""

    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class EventStatus(enum.StrEnum):
    """Only published (and cancelled, once published) events are public; drafts are their organisers'."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class PartnerRole(enum.StrEnum):
    """How an organisation takes part in putting on an event."""

    ORGANISER = "organiser"
    PARTNER = "partner"  # co-organiser, supporter or sponsor (CAF, CICTE-OAS, a municipality...)


class SpeakerRole(enum.StrEnum):
    """What a person does in a programme session."""

    SPEAKER = "speaker"
    MODERATOR = "moderator"


class RegistrationStatus(enum.StrEnum):
    """A registration holds a place, waits for one, or was cancelled by the person."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class EventAttendance(enum.StrEnum):
    """What the organisers recorded for a registered person."""

    ATTENDED = "attended"
    ABSENT = "absent"


class Gender(enum.StrEnum):
    """Self-declared at registration, optional; shown to others only as aggregate figures."""

    WOMAN = "woman"
    MAN = "man"
    ANOTHER = "another"
    UNDISCLOSED = "prefer_not_to_say"


def new_ical_uid() -> str:
    """A globally unique identifier for the event's calendar entry (RFC 5545 UID)."""
    return f"event-{uuid.uuid4()}@ports-network"


event_community = sa.Table(
    "event_community",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("community_id", sa.ForeignKey("port_community.id", ondelete="CASCADE"), primary_key=True),
)


class Event(TimestampMixin, db.Model):
    """An event: what, when (UTC plus the zone it is shown in), where, who organises it, registration rules,
    and the participation figures published for it when individual registrations do not exist."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    workshop_topic: Mapped[WorkshopTopic | None] = mapped_column(enum_column(WorkshopTopic))
    edition: Mapped[int | None]  # VIII Regional Meeting -> 8
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # {locale: text}
    description: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # {locale: markdown}
    outcomes: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # {locale: markdown}
    format: Mapped[EventFormat] = mapped_column(enum_column(EventFormat))
    place: Mapped[str | None] = mapped_column(sa.String(300))
    country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("country.id"), index=True)  # host country
    online_link: Mapped[str | None] = mapped_column(sa.String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(sa.String(64))  # IANA name, e.g. America/Mexico_City
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    registration_open: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]  # None: no limit
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waiting_list: Mapped[bool] = mapped_column(default=True)  # when full: wait for a place, or refuse
    # The figures an annual report published (003:271-273, 003:601-605), for events without registrations.
    declared_participants: Mapped[int | None]
    declared_countries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ISO 3166-1 alpha-2
    ical_uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_ical_uid)
    # RFC 5545 SEQUENCE: raised each time a change of time or place revises what registrants received.
    ical_sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    country: Mapped[Country | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    communities: Mapped[list[PortCommunity]] = relationship(
        secondary=event_community, order_by=PortCommunity.name
    )
    partners: Mapped[list["EventPartner"]] = relationship(
        back_populates="event",
        order_by="[EventPartner.position, EventPartner.id]",
        cascade="all, delete-orphan",
    )
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event",
        order_by="[EventSession.position, EventSession.id]",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="date_order"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="positive_capacity"),
        sa.CheckConstraint("edition IS NULL OR edition > 0", name="positive_edition"),
        sa.CheckConstraint(
            "declared_participants IS NULL OR declared_participants >= 0", name="declared_non_negative"
        ),
        sa.CheckConstraint("workshop_topic IS NULL OR kind = 'workshop'", name="topic_of_workshops"),
    )

    def title_in(self, locale: str) -> str:
        """The title in a locale, with fallback to the other languages."""
        return localized(self.title, locale)

    def description_in(self, locale: str) -> str:
        """The description (markdown) in a locale, with fallback to the other languages."""
        return localized(self.description, locale)

    def outcomes_in(self, locale: str) -> str:
        """The outcomes (markdown) in a locale, with fallback to the other languages."""
        return localized(self.outcomes, locale)

    @property
    def is_public(self) -> bool:
        """Published events, and cancelled ones that were published, are shown to everyone."""
        return self.status == EventStatus.PUBLISHED or (
            self.status == EventStatus.CANCELLED and self.published_at is not None
        )

    @property
    def is_past(self) -> bool:
        """The event has ended."""
        return self.ends_at < utcnow()

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind}>"


class EventPartner(db.Model):
    """An organisation that organises or supports an event (named as the documents name it)."""

    __tablename__ = "event_partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: Mapped[PartnerRole] = mapped_column(enum_column(PartnerRole))
    name: Mapped[str] = mapped_column(sa.String(200))
    # Linked when the organisation is one of the platform's; partners like CAF often are not.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="partners")
    organisation: Mapped[Organisation | None] = relationship()


class EventSession(TimestampMixin, db.Model):
    """One session of an event's programme; times are optional (the documents often give only the day)."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)  # markdown
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list["EventSpeaker"]] = relationship(
        back_populates="session",
        order_by="[EventSpeaker.position, EventSpeaker.id]",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at >= starts_at", name="session_time_order"
        ),
    )


class EventSpeaker(db.Model):
    """A speaker or moderator of a session: name and affiliation, optionally a platform account."""

    __tablename__ = "event_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[SpeakerRole] = mapped_column(enum_column(SpeakerRole), default=SpeakerRole.SPEAKER)
    name: Mapped[str] = mapped_column(sa.String(160))
    affiliation: Mapped[str | None] = mapped_column(sa.String(200))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    session: Mapped[EventSession] = relationship(back_populates="speakers")
    user: Mapped[User | None] = relationship()


class EventRegistration(db.Model):
    """A person's registration: one row per person and event (cancelling and registering again reuse it),
    with what the statistics count (country, organisation and its stakeholder type, gender) as given at
    registration, and the attendance the organisers recorded."""

    __tablename__ = "event_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    attendance: Mapped[EventAttendance | None] = mapped_column(enum_column(EventAttendance))
    country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("country.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    organisation_name: Mapped[str | None] = mapped_column(sa.String(200))
    stakeholder_type: Mapped[StakeholderType | None] = mapped_column(enum_column(StakeholderType))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))  # None: not answered
    # When the person (last) registered: the waiting list is served in this order.
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.Index("ix_event_registration_event_status", "event_id", "status"),
        sa.CheckConstraint("attendance IS NULL OR status = 'registered'", name="attendance_of_registered"),
    )

    @property
    def holds_place(self) -> bool:
        """Registered (not waiting, not cancelled)."""
        return self.status == RegistrationStatus.REGISTERED
