"""Participation figures of events, per event and per year, as the network's annual reports publish them
(003:261-275, 003:587-605): people registered and attending by country, SELA membership of the country,
stakeholder type of their organisation and self-declared gender, and the countries represented.

Only totals leave this module. Gender totals are withheld while fewer than MIN_GENDER_ANSWERS people
answered, so a small event never reveals one person's answer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..labels import label
from ..models import (
    Country,
    Event,
    EventAttendance,
    EventRegistration,
    EventStatus,
    Gender,
    RegistrationStatus,
)
from ..models import StakeholderType as Stakeholder

MIN_GENDER_ANSWERS = 5


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: people holding a place, and those who attended."""

    label: str
    registered: int
    attended: int


@dataclass(frozen=True)
class Breakdown:
    """Rows by one characteristic; `withheld` when too few answers to show them."""

    lines: list[Line]
    withheld: bool = False


@dataclass(frozen=True)
class CountriesRepresented:
    """Country names, SELA member states apart from the others (as the reports list them)."""

    members: list[str]
    others: list[str]

    @property
    def total(self) -> int:
        """How many countries in all."""
        return len(self.members) + len(self.others)


@dataclass(frozen=True)
class Participation:
    """The figures of one event or of several together."""

    registered: int
    waitlisted: int
    attended: int
    absent: int
    declared: int | None  # the published participant count, for events without registrations
    countries: CountriesRepresented
    by_country: Breakdown
    by_sela: Breakdown
    by_stakeholder: Breakdown
    by_gender: Breakdown


def _counted(event_ids: Sequence[int], key: sa.ColumnElement, *joins: tuple) -> list[tuple]:
    """(key, registered, attended) per value of `key`, over the places held at the events."""
    attended = sa.func.sum(sa.case((EventRegistration.attendance == EventAttendance.ATTENDED, 1), else_=0))
    query = sa.select(key, sa.func.count(EventRegistration.id), attended)
    for target, on in joins:
        query = query.outerjoin(target, on)
    query = query.where(
        EventRegistration.event_id.in_(event_ids), EventRegistration.status == RegistrationStatus.REGISTERED
    )
    return [(value, count, int(came or 0)) for value, count, came in db.session.execute(query.group_by(key))]


def _lines(rows: list[tuple], name: Callable[[object], str]) -> list[Line]:
    lines = [Line(name(value), count, came) for value, count, came in rows]
    return sorted(lines, key=lambda line: (-line.registered, line.label))


def _not_given(value: object, known: Callable[[object], str]) -> str:
    return _("Not given") if value is None else known(value)


def _countries(ids: Sequence[int], locale: str) -> Breakdown:
    rows = _counted(ids, EventRegistration.country_id)
    found = {
        c.id: c for c in db.session.scalars(sa.select(Country).where(Country.id.in_([r[0] for r in rows])))
    }
    return Breakdown(_lines(rows, lambda cid: _not_given(cid, lambda known: found[known].name_in(locale))))


def _sela(ids: Sequence[int]) -> Breakdown:
    join = (Country, Country.id == EventRegistration.country_id)
    rows = _counted(ids, Country.sela_member, join)
    name = {True: _("SELA member states"), False: _("Other countries")}
    return Breakdown(_lines(rows, lambda member: _not_given(member, lambda known: name[bool(known)])))


def _stakeholders(ids: Sequence[int]) -> Breakdown:
    rows = _counted(ids, EventRegistration.stakeholder_type)
    return Breakdown(_lines(rows, lambda kind: _not_given(kind, lambda known: label(Stakeholder(known)))))


def _genders(ids: Sequence[int]) -> Breakdown:
    rows = _counted(ids, EventRegistration.gender)
    answered = sum(count for value, count, _came in rows if value is not None)
    if answered < MIN_GENDER_ANSWERS:
        return Breakdown([], withheld=True)
    unanswered = _("Not answered")
    return Breakdown(_lines(rows, lambda value: unanswered if value is None else label(Gender(value))))


def _status_totals(ids: Sequence[int]) -> dict:
    rows = db.session.execute(
        sa.select(EventRegistration.status, EventRegistration.attendance, sa.func.count(EventRegistration.id))
        .where(EventRegistration.event_id.in_(ids))
        .group_by(EventRegistration.status, EventRegistration.attendance)
    )
    totals = {"registered": 0, "waitlisted": 0, "attended": 0, "absent": 0}
    for status, attendance, count in rows:
        if status == RegistrationStatus.REGISTERED:
            totals["registered"] += count
        elif status == RegistrationStatus.WAITLISTED:
            totals["waitlisted"] += count
        if attendance is not None:
            totals[EventAttendance(attendance).value] += count
    return totals


def represented(codes: set[str], locale: str) -> CountriesRepresented:
    """The countries of these ISO codes, split by the SELA membership flag of the network's countries (a
    country the platform does not hold is not a member: every SELA member state is seeded)."""
    known = {c.alpha2: c for c in db.session.scalars(sa.select(Country).where(Country.alpha2.in_(codes)))}
    members, others = [], []
    for code in codes:
        country = known.get(code) or Country(alpha2=code, sela_member=False)
        (members if country.sela_member else others).append(country.name_in(locale))
    return CountriesRepresented(sorted(members), sorted(others))


def participation(events: Sequence[Event], locale: str) -> Participation:
    """The figures of one or several events: registrations and attendance, plus the published figures."""
    ids = [event.id for event in events]
    declared = [event.declared_participants for event in events if event.declared_participants is not None]
    codes = {code for event in events for code in event.declared_countries}
    registrants = sa.select(Country.alpha2).join(
        EventRegistration, EventRegistration.country_id == Country.id
    )
    registrants = registrants.where(
        EventRegistration.event_id.in_(ids), EventRegistration.status == RegistrationStatus.REGISTERED
    )
    codes |= set(db.session.scalars(registrants))
    return Participation(
        **_status_totals(ids),
        declared=sum(declared) if declared else None,
        countries=represented(codes, locale),
        by_country=_countries(ids, locale),
        by_sela=_sela(ids),
        by_stakeholder=_stakeholders(ids),
        by_gender=_genders(ids),
    )


# --- per year -----------------------------------------------------------------------------------------


def _held(year: int | None = None) -> sa.ColumnElement[bool]:
    condition = Event.status == EventStatus.PUBLISHED
    if year is None:
        return condition
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return sa.and_(condition, Event.starts_at >= start, Event.starts_at < end)


def years() -> list[int]:
    """The years in which published events took (or take) place, newest first."""
    starts = db.session.scalars(sa.select(Event.starts_at).where(_held()))
    return sorted({moment.year for moment in starts}, reverse=True)


@dataclass(frozen=True)
class YearReport:
    """A year's published events, each with its own figures, and the figures of the year together."""

    year: int
    events: list[tuple[Event, Participation]]
    total: Participation


def year_report(year: int, locale: str) -> YearReport:
    """Every published (not cancelled) event starting in that year (UTC), with the year's totals."""
    events = list(db.session.scalars(sa.select(Event).where(_held(year)).order_by(Event.starts_at, Event.id)))
    per_event = [(event, participation([event], locale)) for event in events]
    return YearReport(year, per_event, participation(events, locale))
