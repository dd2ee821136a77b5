"""Events: the Secretariat (any event) and community coordinators (workshops of their communities) create,
change, publish and cancel them; everyone reads the published ones. Every change is audited.

The programme lives in `event_programme`, registrations in `event_registrations`, calendar invitations and
notices in `event_invitations`, participation figures in `event_statistics`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pycountry
import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    Event,
    EventFormat,
    EventKind,
    EventPartner,
    EventStatus,
    PartnerRole,
    PortCommunity,
    User,
    WorkshopTopic,
)
from ..models.base import utcnow
from . import audit, countries, event_invitations, event_registrations, rooms, time_zones
from .changes import apply_changes
from .text_input import bounded_line, web_link

LOCALES = ("es", "en", "pt")
MAX_TITLE = 200
MAX_TEXT = 10000
MAX_PLACE = 300
MAX_REASON = 500
MAX_PARTNERS = 20
MAX_PARTNER_NAME = 200
MAX_EDITION = 200
MAX_CAPACITY = 100_000
MAX_DECLARED = 1_000_000
# What registrants received in their calendar: a change sends them the event again (a revised SEQUENCE).
CALENDAR_FIELDS = ("starts_at", "ends_at", "time_zone", "format", "place", "online_link", "title")


@dataclass(frozen=True)
class EventData:
    """An event as its organiser enters it; times are wall-clock times in `time_zone`, texts by locale."""

    kind: EventKind
    title: Mapping[str, str]
    format: EventFormat
    local_start: datetime | None
    local_end: datetime | None
    time_zone: str
    workshop_topic: WorkshopTopic | None = None
    edition: int | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, str] = field(default_factory=dict)
    place: str | None = None
    country_id: int | None = None
    online_link: str | None = None
    community_ids: Sequence[int] = ()
    organisers: Sequence[str] = ()
    partners: Sequence[str] = ()
    registration_open: bool = False
    capacity: int | None = None
    registration_deadline: date | None = None  # the last day, in the event's zone
    waiting_list: bool = True
    declared_participants: int | None = None
    declared_countries: Sequence[str] = ()


def get(event_id: int) -> Event | None:
    """The event with this id."""
    return db.session.get(Event, event_id)


# --- validation ---------------------------------------------------------------------------------------


def _link(value: str | None) -> str | None:
    return web_link(value, "online_link", _("Enter the link starting with https://."))


def _texts(values: Mapping[str, str], limit: int, prefix: str) -> dict[str, str]:
    cleaned = {locale: (values.get(locale) or "").strip() for locale in LOCALES}
    for locale, text in cleaned.items():
        if len(text) > limit:
            message = _("Keep this text under %(num)d characters.", num=limit)
            raise DomainError(message, field=f"{prefix}_{locale}")
    return {locale: text for locale, text in cleaned.items() if text}


def _moment(local: datetime | None, zone: str, field_name: str) -> datetime:
    if local is None:
        raise DomainError(_("Give the date and time."), field=field_name)
    try:
        return time_zones.to_utc(local, zone)
    except ValueError:
        message = _("That time does not exist in this time zone (the clocks change that day).")
        raise DomainError(message, field=field_name) from None


def _when(data: EventData) -> dict:
    if not time_zones.is_known(data.time_zone):
        raise DomainError(_("Choose one of the listed time zones."), field="time_zone")
    starts_at = _moment(data.local_start, data.time_zone, "start_date")
    ends_at = _moment(data.local_end, data.time_zone, "end_date")
    if ends_at < starts_at:
        raise DomainError(_("The event cannot end before it starts."), field="end_date")
    deadline = None
    if data.registration_deadline is not None:
        last_minute = datetime.combine(data.registration_deadline, time(23, 59))
        deadline = min(_moment(last_minute, data.time_zone, "registration_deadline"), ends_at)
    return {"starts_at": starts_at, "ends_at": ends_at, "time_zone": data.time_zone, "deadline": deadline}


def _where(data: EventData, current: Event | None) -> dict:
    place = bounded_line(data.place, MAX_PLACE, "place", _("Keep the place under 300 characters."))
    if data.format in {EventFormat.IN_PERSON, EventFormat.HYBRID} and not place:
        raise DomainError(_("Say where the event takes place."), field="place")
    country = None
    if data.country_id:
        country = countries.usable_country(data.country_id, current.country_id if current else None)
    return {
        "format": EventFormat(data.format),
        "place": place,
        "country_id": country.id if country else None,
        "online_link": _link(data.online_link),
    }


def _whole_number(value: int | None, limit: int, field_name: str, minimum: int = 1) -> int | None:
    if value is not None and not minimum <= value <= limit:
        raise DomainError(
            _("Give a number from %(low)d to %(high)d.", low=minimum, high=limit), field=field_name
        )
    return value


def _what(data: EventData) -> dict:
    title = _texts(data.title, MAX_TITLE, "title")
    if not title:
        raise DomainError(_("Give the event a title in at least one language."), field="title_es")
    kind = EventKind(data.kind)
    if data.workshop_topic and kind != EventKind.WORKSHOP:
        raise DomainError(_("Only workshops have a workshop topic."), field="workshop_topic")
    return {
        "kind": kind,
        "workshop_topic": WorkshopTopic(data.workshop_topic) if data.workshop_topic else None,
        "edition": _whole_number(data.edition, MAX_EDITION, "edition"),
        "title": title,
        "description": _texts(data.description, MAX_TEXT, "description"),
        "outcomes": _texts(data.outcomes, MAX_TEXT, "outcomes"),
    }


def declared_country_codes(codes: Sequence[str]) -> list[str]:
    """ISO 3166-1 alpha-2 codes, upper case, each once, in the given order; DomainError on an unknown one."""
    found: list[str] = []
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:  # noqa: PLR2004
            message = _("“%(code)s” is not an ISO 3166-1 alpha-2 country code.", code=raw.strip())
            raise DomainError(message, field="declared_countries")
        if code not in found:
            found.append(code)
    return found


def _registration(data: EventData, deadline: datetime | None) -> dict:
    return {
        "registration_open": bool(data.registration_open),
        "capacity": _whole_number(data.capacity, MAX_CAPACITY, "capacity"),
        "registration_deadline": deadline,
        "waiting_list": bool(data.waiting_list),
        "declared_participants": _whole_number(
            data.declared_participants, MAX_DECLARED, "declared_participants", minimum=0
        ),
        "declared_countries": declared_country_codes(data.declared_countries),
    }


def _validated(data: EventData, current: Event | None = None) -> dict:
    """Checked values of an event's own columns; raises DomainError before anything changes."""
    values = _what(data) | _where(data, current)
    when = _when(data)
    deadline = when.pop("deadline")
    return values | when | _registration(data, deadline)


def _partner_names(lines: Sequence[str], field_name: str) -> list[str]:
    names = [" ".join(line.split()) for line in lines if line.strip()]
    if len(names) > MAX_PARTNERS or any(len(name) > MAX_PARTNER_NAME for name in names):
        message = _("Give at most 20 names, each under 200 characters.")
        raise DomainError(message, field=field_name)
    return list(dict.fromkeys(names))


def _communities(actor: User, kind: EventKind, ids: Sequence[int]) -> list[PortCommunity]:
    chosen = list(db.session.scalars(sa.select(PortCommunity).where(PortCommunity.id.in_(set(ids)))))
    if len(chosen) != len(set(ids)):
        raise DomainError(_("Choose communities of the network."), field="community_ids")
    if security.is_secretariat(actor):
        return chosen
    # A coordinator organises workshops of the communities they coordinate, and only those.
    mine = security.coordinated_community_ids(actor)
    if kind != EventKind.WORKSHOP:
        raise DomainError(_("Coordinators organise workshops of their communities."), field="kind")
    if not chosen or any(community.id not in mine for community in chosen):
        raise DomainError(_("Choose one or more of the communities you coordinate."), field="community_ids")
    return chosen


# --- life cycle ---------------------------------------------------------------------------------------

AUDIT_KEYS = {"kind": "event_kind", "format": "event_format", "status": "event_status"}


def _audited(values: Mapping) -> dict:
    return {AUDIT_KEYS.get(key, key): value for key, value in values.items()}


def _set_partners(event: Event, data: EventData) -> dict[str, list[str]]:
    """Replace the organisers and partners when they changed; returns the audit change (empty if none)."""
    wanted = [(PartnerRole.ORGANISER, name) for name in _partner_names(data.organisers, "organisers")]
    wanted += [(PartnerRole.PARTNER, name) for name in _partner_names(data.partners, "partners")]
    current = [(partner.role, partner.name) for partner in event.partners]
    if wanted == current:
        return {}
    event.partners = [
        EventPartner(role=role, name=name, position=position) for position, (role, name) in enumerate(wanted)
    ]
    return {"partners": [f"{role.value}: {name}" for role, name in wanted]}


def create(actor: User, data: EventData) -> Event:
    """The Secretariat, or a coordinator for a workshop of their communities, creates a draft event."""
    if not security.can(actor, "events.create"):
        raise NotAllowed(_("Only the Technical Secretariat and community coordinators create events."))
    values = _validated(data)
    chosen = _communities(actor, values["kind"], data.community_ids)
    event = Event(created_by_id=actor.id, status=EventStatus.DRAFT, **values)
    event.communities = chosen
    partners = _set_partners(event, data)
    db.session.add(event)
    db.session.flush()
    new = _audited(values) | partners | {"communities": [c.name for c in chosen]}
    audit.record(actor, "event.create", event, new=new)
    db.session.commit()
    return event


def _ensure_manages(actor: User, event: Event) -> None:
    if not security.can(actor, "events.manage", event):
        raise NotAllowed(_("Only the event's organisers change it."))
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("This event is cancelled: it can no longer be changed."))


def _community_change(actor: User, event: Event, data: EventData, kind: EventKind) -> dict:
    chosen = _communities(actor, kind, data.community_ids)
    if {c.id for c in chosen} == {c.id for c in event.communities}:
        return {}
    old = [c.name for c in event.communities]
    event.communities = chosen
    return {"old": old, "new": [c.name for c in chosen]}


def update(actor: User, event: Event, data: EventData) -> Event:
    """Change an event; registrants get the revised calendar entry when its time or place changed."""
    _ensure_manages(actor, event)
    values = _validated(data, event)
    event_registrations.check_capacity(event, values["capacity"])
    communities = _community_change(actor, event, data, values["kind"])
    partners = _set_partners(event, data)
    old, new = apply_changes(event, values)
    if communities:
        old["communities"], new["communities"] = communities["old"], communities["new"]
    new |= partners
    if not new:
        return event
    audit.record(actor, "event.update", event, old=_audited(old), new=_audited(new))
    if event.status == EventStatus.PUBLISHED and set(new) & set(CALENDAR_FIELDS):
        event.ical_sequence += 1
        event_invitations.send(event, event_registrations.people_holding_or_awaiting(event), "events.updated")
    db.session.commit()
    event_registrations.fill_free_places(event)  # a larger capacity serves the waiting list
    return event


def publish(actor: User, event: Event) -> Event:
    """Make a draft public; its discussion room opens for the organisers and, as they register, the
    participants."""
    _ensure_manages(actor, event)
    if event.status != EventStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    old, new = {"event_status": EventStatus.DRAFT}, {"event_status": EventStatus.PUBLISHED}
    audit.record(actor, "event.publish", event, old=old, new=new)
    db.session.commit()
    rooms.room_for_event(event)
    return event


def cancel(actor: User, event: Event, reason: str | None) -> Event:
    """Cancel an event, saying why; everyone registered or waiting is told, with a calendar cancellation."""
    _ensure_manages(actor, event)
    reason = bounded_line(reason, MAX_REASON, "reason", _("Keep the reason under 500 characters."))
    if not reason:
        raise DomainError(_("Say why the event is cancelled."), field="reason")
    previous = event.status
    people = event_registrations.people_holding_or_awaiting(event)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.cancel_reason = reason
    event.ical_sequence += 1
    new = {"event_status": EventStatus.CANCELLED, "reason": reason}
    audit.record(actor, "event.cancel", event, old={"event_status": previous}, new=new)
    event_invitations.send(event, people, "events.cancelled")
    db.session.commit()
    return event
