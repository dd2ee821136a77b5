"""The events calendar: upcoming and past events a person may see, filtered by kind, year and country
(where the event takes place or a community concerned is), the portal's next events, and the feed."""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from .. import security
from ..extensions import db
from ..models import Country, Event, EventKind, EventStatus, PortCommunity, User, event_community
from ..models.base import utcnow

MAX_LISTED = 300
FEED_SIZE = 500


@dataclass(frozen=True)
class CalendarFilter:
    """What the calendar is narrowed to; None means any."""

    kind: EventKind | None = None
    year: int | None = None
    country_id: int | None = None


@dataclass(frozen=True)
class Calendar:
    """The events to show, the next ones first, then the past ones newest first."""

    upcoming: list[Event]
    past: list[Event]


def _in_country(country_id: int) -> sa.ColumnElement[bool]:
    concerned = (
        sa.select(event_community.c.event_id)
        .join(PortCommunity, PortCommunity.id == event_community.c.community_id)
        .where(PortCommunity.country_id == country_id)
    )
    return sa.or_(Event.country_id == country_id, Event.id.in_(concerned))


def _narrowed(query: sa.Select, chosen: CalendarFilter) -> sa.Select:
    if chosen.kind is not None:
        query = query.where(Event.kind == chosen.kind)
    if chosen.year is not None:
        start = datetime(chosen.year, 1, 1, tzinfo=UTC)
        query = query.where(Event.starts_at >= start, Event.starts_at < start.replace(year=chosen.year + 1))
    if chosen.country_id is not None:
        query = query.where(_in_country(chosen.country_id))
    return query


def calendar_for(user: User, chosen: CalendarFilter) -> Calendar:
    """The events the person may see (drafts only for their organisers), narrowed by the filter."""
    query = _narrowed(sa.select(Event).where(security.events_visible_to(user)), chosen)
    now = utcnow()
    upcoming = db.session.scalars(
        query.where(Event.ends_at >= now).order_by(Event.starts_at).limit(MAX_LISTED)
    )
    past = db.session.scalars(
        query.where(Event.ends_at < now).order_by(Event.starts_at.desc()).limit(MAX_LISTED)
    )
    return Calendar(list(upcoming), list(past))


def filter_countries(locale: str) -> list[Country]:
    """The countries that events take place in or concern, by their name in `locale`."""
    hosts = sa.select(Event.country_id).where(Event.country_id.is_not(None))
    concerned = sa.select(PortCommunity.country_id).join(
        event_community, event_community.c.community_id == PortCommunity.id
    )
    found = db.session.scalars(
        sa.select(Country).where(sa.or_(Country.id.in_(hosts), Country.id.in_(concerned)))
    )
    return sorted(found, key=lambda country: country.name_in(locale))


def filter_years() -> list[int]:
    """The years of the public events, newest first."""
    starts = db.session.scalars(sa.select(Event.starts_at).where(security.events_visible_to(None)))
    return sorted({moment.year for moment in starts}, reverse=True)


def next_public(limit: int = 3) -> list[Event]:
    """The next published events that have not ended, for the portal's home page."""
    query = (
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def feed_events() -> list[Event]:
    """What the iCalendar feed holds: every public event (cancelled ones marked so), newest first."""
    query = sa.select(Event).where(security.events_visible_to(None)).order_by(Event.starts_at.desc())
    return list(db.session.scalars(query.limit(FEED_SIZE)))
