"""Registrations for events: signed-in people register (with the country, organisation and optional gender
the statistics count), within the capacity and before the deadline, or join the waiting list; they cancel,
and the first person waiting takes the freed place. Each step sends a notice (with the calendar entry).

Places are taken one at a time per event (the event row is locked on PostgreSQL, SQLite writers queue), so
two people never get the last place together.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..database import one_writer
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    Country,
    Event,
    EventRegistration,
    EventStatus,
    Gender,
    Membership,
    MembershipStatus,
    RegistrationStatus,
    StakeholderType,
    User,
)
from ..models.base import utcnow
from . import audit, event_invitations
from .text_input import one_line

MAX_ORGANISATION = 200
REMIND_BEFORE = timedelta(days=1)
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


@dataclass(frozen=True)
class RegistrationData:
    """What a person tells when registering; the statistics count it (gender only as totals)."""

    country_id: int | None
    organisation_name: str | None = None
    stakeholder_type: StakeholderType | None = None
    gender: Gender | None = None


@dataclass(frozen=True)
class Availability:
    """Whether the person may register now, and why not; places left and people waiting."""

    may_register: bool
    reason: str | None
    registered: int
    waiting: int
    places_left: int | None  # None: no limit
    mine: EventRegistration | None

    @property
    def full(self) -> bool:
        """No place left (new registrations go to the waiting list, or are refused without one)."""
        return self.places_left == 0


def registration_of(user: User, event: Event) -> EventRegistration | None:
    """The person's registration row for the event (any status), if any."""
    if not security.is_signed_in(user):
        return None
    query = sa.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.user_id == user.id
    )
    return db.session.scalar(query)


def counts(event: Event) -> tuple[int, int]:
    """(places taken, people waiting)."""
    rows = db.session.execute(
        sa.select(EventRegistration.status, sa.func.count(EventRegistration.id))
        .where(EventRegistration.event_id == event.id, EventRegistration.status.in_(ACTIVE))
        .group_by(EventRegistration.status)
    )
    found = dict(rows.all())
    return found.get(RegistrationStatus.REGISTERED, 0), found.get(RegistrationStatus.WAITLISTED, 0)


def deadline_of(event: Event) -> datetime:
    """The last moment to register: the deadline the organisers set, else the start of the event."""
    return event.registration_deadline or event.starts_at


def _closed_reason(event: Event) -> str | None:
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not open for registration.")
    if not event.registration_open:
        return _("The organisers do not take registrations on the platform for this event.")
    if utcnow() > deadline_of(event):
        return _("Registration for this event has closed.")
    return None


def availability(user: User, event: Event) -> Availability:
    """What the event page says about registering, for this person."""
    registered, waiting = counts(event)
    places_left = None if event.capacity is None else max(0, event.capacity - registered)
    reason = _closed_reason(event)
    if reason is None and places_left == 0 and not event.waiting_list:
        reason = _("This event is full.")
    mine = registration_of(user, event)
    if mine is not None and mine.status in ACTIVE:
        reason = reason or _("You are already registered.")
    return Availability(reason is None, reason, registered, waiting, places_left, mine)


def waiting_position(registration: EventRegistration) -> int:
    """The person's place in the waiting list (1 = next to get a place)."""
    ahead = sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.event_id == registration.event_id,
        EventRegistration.status == RegistrationStatus.WAITLISTED,
        sa.tuple_(EventRegistration.registered_at, EventRegistration.id)
        < sa.tuple_(registration.registered_at, registration.id),
    )
    return (db.session.scalar(ahead) or 0) + 1


def defaults_for(user: User) -> RegistrationData:
    """What the registration form proposes: the person's country and the organisation of their first
    active membership."""
    membership = db.session.scalar(
        sa.select(Membership)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
        .limit(1)
    )
    organisation = membership.organisation if membership else None
    return RegistrationData(
        country_id=user.country_id or (organisation.country_id if organisation else None),
        organisation_name=organisation.name if organisation else None,
        stakeholder_type=organisation.stakeholder_type if organisation else None,
    )


def _checked(data: RegistrationData) -> dict:
    country = db.session.get(Country, data.country_id) if data.country_id else None
    if country is None:
        raise DomainError(_("Choose the country you come from."), field="country_id")
    name = one_line(data.organisation_name) or None
    if name and len(name) > MAX_ORGANISATION:
        message = _("Keep the organisation's name under 200 characters.")
        raise DomainError(message, field="organisation_name")
    return {
        "country_id": country.id,
        "organisation_name": name,
        "stakeholder_type": StakeholderType(data.stakeholder_type) if data.stakeholder_type else None,
        "gender": Gender(data.gender) if data.gender else None,
    }


def _organisation_id(user: User, name: str | None) -> int | None:
    # Linked when the person names the organisation of one of their memberships.
    for membership in user.memberships:
        if membership.is_active and membership.organisation.name == name:
            return membership.organisation_id
    return None


@contextmanager
def _one_at_a_time(event: Event) -> Iterator[None]:
    """Take places for one event at a time; commits what the block did, or rolls it back."""
    db.session.commit()  # end the transaction that read the page: the counts below see every taken place
    with one_writer(db.session):
        db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _ensure_may_register(user: User, event: Event) -> None:
    if not security.is_signed_in(user):
        raise NotAllowed(_("Sign in to register."))
    reason = _closed_reason(event)
    if reason or not security.can(user, "events.register", event):
        raise NotAllowed(reason or _("This event is not open for registration."))
    if not user.is_confirmed:
        raise NotAllowed(_("Confirm your email address first: the confirmation is sent there."))


def register(user: User, event: Event, data: RegistrationData) -> EventRegistration:
    """Register the person (or put them on the waiting list when the event is full); they are told."""
    _ensure_may_register(user, event)
    values = _checked(data)
    with _one_at_a_time(event):
        row = registration_of(user, event)
        if row is not None and row.status in ACTIVE:
            raise DomainError(_("You are already registered."))
        registered, _waiting = counts(event)
        full = event.capacity is not None and registered >= event.capacity
        if full and not event.waiting_list:
            raise DomainError(_("This event is full."))
        row = row or EventRegistration(event_id=event.id, user_id=user.id)
        row.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED
        row.registered_at, row.cancelled_at, row.attendance = utcnow(), None, None
        row.organisation_id = _organisation_id(user, values["organisation_name"])
        for key, value in values.items():
            setattr(row, key, value)
        db.session.add(row)
        db.session.flush()
        new = {"person": user.name, "status": row.status}
        audit.record(user, "event_registration.create", event, new=new)
        _tell(row, "events.waitlisted" if full else "events.registered")
    return row


def _tell(row: EventRegistration, kind: str) -> None:
    extra = {"position": waiting_position(row)} if row.status == RegistrationStatus.WAITLISTED else {}
    event_invitations.send(row.event, [row.user], kind, **extra)


def cancel(user: User, event: Event) -> EventRegistration:
    """The person cancels their registration (or leaves the waiting list) before the event starts."""
    row = registration_of(user, event)
    if row is None or row.status not in ACTIVE:
        raise DomainError(_("You are not registered for this event."))
    if event.starts_at <= utcnow():
        raise DomainError(_("The event has started: registrations can no longer be cancelled."))
    with _one_at_a_time(event):
        held = row.status == RegistrationStatus.REGISTERED
        old = {"person": user.name, "status": row.status}
        row.status, row.cancelled_at, row.attendance = RegistrationStatus.CANCELLED, utcnow(), None
        audit.record(user, "event_registration.cancel", event, old=old, new={"status": row.status})
        if held:
            event_invitations.send(event, [user], "events.registration_cancelled")
            _promote(event)
    return row


def _promote(event: Event) -> int:
    """Give the free places to the people waiting, in the order they registered; returns how many."""
    if event.status != EventStatus.PUBLISHED or event.starts_at <= utcnow():
        return 0
    registered, _waiting = counts(event)
    query = (
        sa.select(EventRegistration)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(EventRegistration.registered_at, EventRegistration.id)
    )
    if event.capacity is not None:
        query = query.limit(max(0, event.capacity - registered))
    promoted = list(db.session.scalars(query))
    for row in promoted:
        row.status = RegistrationStatus.REGISTERED
        audit.record(None, "event_registration.promote", event, new={"person": row.user.name})
        _tell(row, "events.promoted")
    return len(promoted)


def fill_free_places(event: Event) -> int:
    """After the capacity grew (or the limit was lifted), serve the waiting list; returns how many moved."""
    with _one_at_a_time(event):
        return _promote(event)


def check_capacity(event: Event, capacity: int | None) -> None:
    """A capacity below the places already taken is refused (nobody loses a place they were given)."""
    registered, _waiting = counts(event)
    if capacity is not None and capacity < registered:
        message = _("%(num)d people already hold a place: the capacity cannot be lower.", num=registered)
        raise DomainError(message, field="capacity")


def people_holding_or_awaiting(event: Event) -> list[User]:
    """Everyone registered or waiting (told when the event changes or is cancelled)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(EventRegistration, EventRegistration.user_id == User.id)
            .where(EventRegistration.event_id == event.id, EventRegistration.status.in_(ACTIVE))
            .order_by(User.id)
        )
    )


def remind_due(now: datetime | None = None) -> int:
    """Remind, once, everyone holding a place at a published event that starts within a day (the hourly
    job `events.remind_registrants`); returns how many were reminded."""
    now = now or utcnow()
    rows = db.session.scalars(
        sa.select(EventRegistration)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + REMIND_BEFORE,
            EventRegistration.status == RegistrationStatus.REGISTERED,
            EventRegistration.reminded_at.is_(None),
        )
    ).all()
    for row in rows:
        event_invitations.send(row.event, [row.user], "events.reminder")
        row.reminded_at = now
    db.session.commit()
    return len(rows)
