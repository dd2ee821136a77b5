"""Demo events (seed_data/events.json): the regional meetings, webinars, seminars and Phase III strategic
diagnosis workshops the documents describe, with their published participation figures, and one upcoming
workshop open for registration. Running it twice changes nothing."""

import json
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Country,
    Event,
    EventFormat,
    EventKind,
    EventPartner,
    EventRegistration,
    EventSession,
    EventSpeaker,
    EventStatus,
    PartnerRole,
    PortCommunity,
    RegistrationStatus,
    SpeakerRole,
    User,
    WorkshopTopic,
)
from ..models.base import utcnow
from . import event_registrations, rooms, time_zones


def load_event_data() -> dict[str, Any]:
    """The demo events file shipped with the package."""
    text = resources.files("ports_network.seed_data").joinpath("events.json").read_text(encoding="utf-8")
    return json.loads(text)


def seed_uid(key: str) -> str:
    """The calendar UID of a seeded event: stable, so a second run finds it."""
    return f"seed-{key}@ports-network"


def _utc(wall_clock: datetime, zone: str) -> datetime:
    return time_zones.to_utc(wall_clock, zone)


def _user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def _partners(entry: dict[str, Any]) -> list[EventPartner]:
    named = [(PartnerRole.ORGANISER, name) for name in entry["organisers"]]
    named += [(PartnerRole.PARTNER, name) for name in entry["partners"]]
    return [EventPartner(role=role, name=name, position=n) for n, (role, name) in enumerate(named)]


def _event(entry: dict[str, Any], starts_at: datetime, ends_at: datetime) -> Event:
    country_code = entry.get("country")
    country = (
        db.session.scalar(sa.select(Country).where(Country.alpha2 == country_code)) if country_code else None
    )
    communities = db.session.scalars(
        sa.select(PortCommunity).where(PortCommunity.slug.in_(entry["communities"]))
    ).all()
    return Event(
        kind=EventKind(entry["kind"]),
        workshop_topic=WorkshopTopic(entry["workshop_topic"]) if entry.get("workshop_topic") else None,
        edition=entry.get("edition"),
        title=entry["title"],
        description=entry.get("description", {}),
        outcomes=entry.get("outcomes", {}),
        format=EventFormat(entry["format"]),
        place=entry.get("place"),
        country=country,
        online_link=entry.get("online_link"),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=entry["time_zone"],
        status=EventStatus.PUBLISHED,
        published_at=utcnow(),
        declared_participants=entry.get("declared_participants"),
        declared_countries=entry.get("declared_countries", []),
        ical_uid=seed_uid(entry["key"]),
        communities=list(communities),
        partners=_partners(entry),
    )


def _exists(key: str) -> bool:
    return db.session.scalar(sa.select(Event.id).where(Event.ical_uid == seed_uid(key))) is not None


def _past_event(entry: dict[str, Any]) -> int:
    if _exists(entry["key"]):
        return 0
    zone = entry["time_zone"]
    starts_at = _utc(datetime.fromisoformat(entry["start"]), zone)
    event = _event(entry, starts_at, _utc(datetime.fromisoformat(entry["end"]), zone))
    event.sessions = [
        EventSession(position=n, title=part["title"], description=part.get("description"))
        for n, part in enumerate(entry["sessions"])
    ]
    db.session.add(event)
    return 1 + len(event.sessions) + len(event.partners)


def _speakers(entry: dict[str, Any]) -> list[EventSpeaker]:
    return [
        EventSpeaker(
            position=n,
            name=speaker["name"],
            affiliation=speaker.get("affiliation"),
            role=SpeakerRole(speaker.get("role", "speaker")),
            user=_user(speaker["email"]) if speaker.get("email") else None,
        )
        for n, speaker in enumerate(entry.get("speakers", []))
    ]


def _upcoming_sessions(entry: dict[str, Any], day: date, zone: str) -> list[EventSession]:
    return [
        EventSession(
            position=n,
            title=part["title"],
            starts_at=_utc(datetime.combine(day, time.fromisoformat(part["start"])), zone),
            ends_at=_utc(datetime.combine(day, time.fromisoformat(part["end"])), zone),
            speakers=_speakers(part),
        )
        for n, part in enumerate(entry["sessions"])
    ]


def _register(event: Event, email: str) -> None:
    person = _user(email)
    defaults = event_registrations.defaults_for(person)
    db.session.add(
        EventRegistration(
            event=event,
            user=person,
            status=RegistrationStatus.REGISTERED,
            country_id=defaults.country_id,
            organisation_name=defaults.organisation_name,
            stakeholder_type=defaults.stakeholder_type,
        )
    )


def _upcoming_event(entry: dict[str, Any]) -> int:
    """An event some weeks after the day of seeding (a working day), open for registration."""
    if _exists(entry["key"]):
        return 0
    zone = entry["time_zone"]
    day = utcnow().date() + timedelta(days=entry["in_days"])
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
    start = _utc(datetime.combine(day, time.fromisoformat(entry["local_start"])), zone)
    event = _event(entry, start, _utc(datetime.combine(day, time.fromisoformat(entry["local_end"])), zone))
    rules = entry["registration"]
    event.registration_open, event.capacity, event.waiting_list = (
        True,
        rules["capacity"],
        rules["waiting_list"],
    )
    last_day = datetime.combine(day - timedelta(days=rules["deadline_days_before"]), time(23, 59))
    event.registration_deadline = _utc(last_day, zone)
    event.created_by = _user(entry["created_by"])
    event.sessions = _upcoming_sessions(entry, day, zone)
    db.session.add(event)
    for registration in entry.get("registrations", []):
        _register(event, registration["email"])
    return 1 + len(event.sessions) + len(entry.get("registrations", []))


def seed_events() -> int:
    """Create the demo events that are missing and their rooms; returns how many rows were created.
    Needs the countries, communities and demo accounts (seed.seed_demo creates them first); commits."""
    data = load_event_data()
    created = sum(_past_event(entry) for entry in data["events"])
    created += sum(_upcoming_event(entry) for entry in data["upcoming"])
    db.session.commit()
    for event in db.session.scalars(sa.select(Event).where(Event.status == EventStatus.PUBLISHED)).all():
        rooms.room_for_event(event)  # as publishing through the service does
    return created
