"""Demo governance bodies (seed_data/committees.json): the Transitional Directive Committee, three technical
committees, the Expert Group and the action committee, with seats for the demo accounts, one scheduled
session of the directive committee and one it held in 2017 (`committee_seed_past`). Running it twice changes
nothing."""

import json
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    AgendaItem,
    AgendaItemKind,
    Body,
    BodyKind,
    CommitteeSession,
    Organisation,
    PortCommunity,
    ProxyRule,
    QuorumRule,
    Seat,
    SeatRole,
    SessionKind,
    User,
    VotingRule,
)
from ..models.base import utcnow
from . import committee_seed_past, rooms, time_zones

SESSION_IN_DAYS = 30
TUESDAY = 1


def load_committee_data() -> dict[str, Any]:
    """The demo bodies file shipped with the package."""
    text = resources.files("ports_network.seed_data").joinpath("committees.json").read_text(encoding="utf-8")
    return json.loads(text)


def _body(entry: dict[str, Any]) -> tuple[Body, int]:
    kind = BodyKind(entry["kind"])
    for body in db.session.scalars(sa.select(Body).where(Body.kind == kind)):
        if body.name.get("en") == entry["name"]["en"]:
            return body, 0
    body = Body(
        kind=kind,
        name=entry["name"],
        mandate=entry["mandate"],
        term_start=date.fromisoformat(entry["term_start"]),
        requires_mou=entry.get("requires_mou", False),
        voting_rule=VotingRule(entry.get("voting_rule", "simple_majority")),
        quorum_rule=QuorumRule(entry.get("quorum_rule", "majority")),
        quorum_count=entry.get("quorum_count"),
        proxy_rule=ProxyRule(entry.get("proxy_rule", "none")),
        max_proxies=entry.get("max_proxies", 1),
    )
    db.session.add(body)
    db.session.flush()
    return body, 1


def _user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def _seat(body: Body, entry: dict[str, Any]) -> int:
    user = _user(entry["email"])
    if db.session.scalar(sa.select(Seat.id).where(Seat.body_id == body.id, Seat.user_id == user.id)):
        return 0
    community = organisation = None
    if "community" in entry:
        community = db.session.scalars(sa.select(PortCommunity).filter_by(slug=entry["community"])).one()
        organisation = db.session.scalars(
            sa.select(Organisation).filter_by(name=entry["organisation"], country_id=community.country_id)
        ).one()
    db.session.add(
        Seat(
            body=body,
            user=user,
            community=community,
            organisation=organisation,
            role=SeatRole(entry["role"]),
            start_date=body.term_start,
        )
    )
    return 1


def _session(body: Body, entry: dict[str, Any]) -> int:
    query = sa.select(CommitteeSession.id).where(
        CommitteeSession.body_id == body.id, CommitteeSession.title == entry["title"]
    )
    if db.session.scalar(query):
        return 0
    day = utcnow().date() + timedelta(days=SESSION_IN_DAYS)
    day += timedelta(days=(TUESDAY - day.weekday()) % 7)  # a working day, whatever the date of seeding
    wall_clock = datetime.combine(day, time.fromisoformat(entry["local_time"]))
    session = CommitteeSession(
        body=body,
        title=entry["title"],
        kind=SessionKind(entry["kind"]),
        place=entry.get("place"),
        link=entry.get("link"),
        starts_at=time_zones.to_utc(wall_clock, entry["time_zone"]),
        time_zone=entry["time_zone"],
        duration_minutes=entry["duration_minutes"],
    )
    db.session.add(session)
    for position, item in enumerate(entry["agenda"], start=1):
        presenter = _user(item["presenter"]) if "presenter" in item else None
        session.items.append(
            AgendaItem(
                position=position,
                title=item["title"],
                kind=AgendaItemKind(item["kind"]),
                presenter=presenter,
                time_box_minutes=item.get("minutes"),
                description=item.get("description"),
            )
        )
    return 1 + len(entry["agenda"])


def seed_committees() -> int:
    """Create the demo bodies, seats and sessions that are missing; returns how many rows were created.
    Needs the demo accounts and communities (seed.seed_demo creates them first); the caller commits."""
    created = 0
    for entry in load_committee_data()["bodies"]:
        body, added = _body(entry)
        created += added
        created += sum(_seat(body, seat) for seat in entry["seats"])
        if "session" in entry:
            created += _session(body, entry["session"])
        if "past_session" in entry:
            created += committee_seed_past.seed_past_session(body, entry["past_session"])
    db.session.flush()
    return created


def seed_committee_rooms() -> None:
    """Make sure every body and session has its room, as creating them through the services does."""
    for body in db.session.scalars(sa.select(Body)).all():
        rooms.room_for_body(body)
    for session in db.session.scalars(sa.select(CommitteeSession)).all():
        rooms.room_for_session(session)
