"""An event's programme: sessions (title, description, optional time within the event) and their speakers
and moderators (name and affiliation, optionally a platform account). Changed by the event's organisers;
audited on the event, so its history tells the whole story."""

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import Event, EventSession, EventSpeaker, EventStatus, SpeakerRole, User
from . import audit, time_zones
from .text_input import one_line

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_NAME = 160
MAX_AFFILIATION = 200
MAX_SPEAKERS = 30


@dataclass(frozen=True)
class SessionData:
    """A programme session; the time is optional (a day with a start, and optionally an end, in the
    event's zone)."""

    title: str
    description: str | None = None
    day: date | None = None
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class SpeakerData:
    """A speaker or moderator; `email` links the platform account with that address."""

    name: str
    affiliation: str | None = None
    role: SpeakerRole = SpeakerRole.SPEAKER
    email: str | None = None


def get_session(session_id: int) -> EventSession | None:
    """The programme session with this id."""
    return db.session.get(EventSession, session_id)


def get_speaker(speaker_id: int) -> EventSpeaker | None:
    """The speaker with this id."""
    return db.session.get(EventSpeaker, speaker_id)


def _ensure_manages(actor: User, event: Event) -> None:
    if not security.can(actor, "events.manage", event):
        raise NotAllowed(_("Only the event's organisers change its programme."))
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("This event is cancelled: it can no longer be changed."))


def _text(value: str | None, limit: int, field_name: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(_("Keep this text under %(num)d characters.", num=limit), field=field_name)
    return text or None


def _times(event: Event, data: SessionData) -> tuple[datetime | None, datetime | None]:
    if data.day is None and data.start is None and data.end is None:
        return None, None
    if data.day is None or data.start is None:
        raise DomainError(_("Give the day and the start time, or neither."), field="start")
    try:
        starts_at = time_zones.to_utc(datetime.combine(data.day, data.start), event.time_zone)
        ends_at = (
            time_zones.to_utc(datetime.combine(data.day, data.end), event.time_zone) if data.end else None
        )
    except ValueError:
        message = _("That time does not exist in this time zone (the clocks change that day).")
        raise DomainError(message, field="start") from None
    if ends_at is not None and ends_at < starts_at:
        raise DomainError(_("The session cannot end before it starts."), field="end")
    if starts_at < event.starts_at or (ends_at or starts_at) > event.ends_at:
        raise DomainError(_("A session takes place while the event does."), field="day")
    return starts_at, ends_at


def _validated(event: Event, data: SessionData) -> dict:
    title = _text(one_line(data.title), MAX_TITLE, "title")
    if not title:
        raise DomainError(_("Give the session a title."), field="title")
    starts_at, ends_at = _times(event, data)
    description = _text(data.description, MAX_DESCRIPTION, "description")
    return {"title": title, "description": description, "starts_at": starts_at, "ends_at": ends_at}


def _renumber(event: Event) -> None:
    # Timed sessions in time order, then the others in the order they were added.
    ordered = sorted(
        event.sessions,
        key=lambda part: (
            part.starts_at is None,
            part.starts_at or event.starts_at,
            part.position,
            part.id or 0,
        ),
    )
    for position, part in enumerate(ordered):
        part.position = position


def add_session(actor: User, event: Event, data: SessionData) -> EventSession:
    """Add a session to the programme."""
    _ensure_manages(actor, event)
    values = _validated(event, data)
    part = EventSession(event=event, position=len(event.sessions), **values)
    db.session.add(part)
    db.session.flush()
    _renumber(event)
    audit.record(actor, "event_session.add", event, new={"session": values["title"]})
    db.session.commit()
    return part


def update_session(actor: User, part: EventSession, data: SessionData) -> EventSession:
    """Change a session of the programme."""
    event = part.event
    _ensure_manages(actor, event)
    values = _validated(event, data)
    changed = {key: value for key, value in values.items() if getattr(part, key) != value}
    if not changed:
        return part
    old = {key: getattr(part, key) for key in changed}
    for key, value in changed.items():
        setattr(part, key, value)
    _renumber(event)
    label = {"session": part.title}
    audit.record(actor, "event_session.update", event, old=old | label, new=changed | label)
    db.session.commit()
    return part


def remove_session(actor: User, part: EventSession) -> None:
    """Remove a session (and its speakers) from the programme."""
    event = part.event
    _ensure_manages(actor, event)
    audit.record(actor, "event_session.remove", event, old={"session": part.title})
    event.sessions.remove(part)
    db.session.flush()
    _renumber(event)
    db.session.commit()


def _account(email: str | None) -> User | None:
    address = (email or "").strip()
    if not address:
        return None
    person = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == address.casefold()))
    if person is None or person.is_deleted:
        message = _("No account has this address: leave it empty to name the speaker without an account.")
        raise DomainError(message, field="email")
    return person


def add_speaker(actor: User, part: EventSession, data: SpeakerData) -> EventSpeaker:
    """Add a speaker or moderator to a session."""
    _ensure_manages(actor, part.event)
    name = _text(one_line(data.name), MAX_NAME, "name")
    if not name:
        raise DomainError(_("Give the speaker's name."), field="name")
    if len(part.speakers) >= MAX_SPEAKERS:
        raise DomainError(_("A session has at most 30 speakers."), field="name")
    affiliation = _text(data.affiliation, MAX_AFFILIATION, "affiliation")
    person = _account(data.email)
    speaker = EventSpeaker(
        session=part,
        name=name,
        affiliation=affiliation,
        role=SpeakerRole(data.role),
        user=person,
        position=len(part.speakers),
    )
    db.session.add(speaker)
    new = {"session": part.title, "speaker": name, "affiliation": affiliation}
    audit.record(actor, "event_speaker.add", part.event, new=new)
    db.session.commit()
    return speaker


def remove_speaker(actor: User, speaker: EventSpeaker) -> None:
    """Remove a speaker from a session."""
    part = speaker.session
    _ensure_manages(actor, part.event)
    old = {"session": part.title, "speaker": speaker.name}
    audit.record(actor, "event_speaker.remove", part.event, old=old)
    part.speakers.remove(speaker)
    db.session.commit()
