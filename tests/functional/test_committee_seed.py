"""`flask seed demo` adds the network's governance bodies, seats for the demo accounts and one scheduled
session of the directive committee; a second run changes nothing."""

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AgendaItem,
    Body,
    BodyKind,
    CommitteeSession,
    Seat,
    SeatRole,
    SessionStatus,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_seats, committee_sessions, seed_index
from ports_network.services.committee_seed import seed_committees


@pytest.fixture(autouse=True)
def _without_the_index_demo(monkeypatch):
    """The index's demo data (data call, peer groups) is not what these tests are about."""
    monkeypatch.setattr(seed_index, "seed_index_demo", lambda: 0)


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_adds_the_bodies_of_the_network(app):
    seed(app)
    kinds = sorted(body.kind.value for body in db.session.scalars(sa.select(Body)))
    expected = ["directive_committee", *["technical_committee"] * 3, "expert_group", "action_committee"]
    assert kinds == sorted(expected)


def test_the_directive_committee_is_chaired_for_peru_s_national_port_authority(app):
    seed(app)
    tdc = db.session.scalars(sa.select(Body).where(Body.kind == BodyKind.DIRECTIVE_COMMITTEE)).one()
    assert tdc.name["en"] == "Transitional Directive Committee" and tdc.requires_mou
    chair = db.session.scalars(
        sa.select(Seat).where(Seat.body_id == tdc.id, Seat.role == SeatRole.CHAIR)
    ).one()
    assert chair.organisation.name == "Autoridad Portuaria Nacional" and chair.community.slug == "callao"
    assert chair.user.email == "coordinator.callao@demo.puertos.example"


def test_seeded_seats_keep_the_seat_rules(app):
    seed(app)
    for seat in db.session.scalars(sa.select(Seat)):
        committee_seats.check_eligibility(seat.body, seat.role, seat.community)
        committee_seats.check_overlap(seat.body, seat.user, seat.role, (seat.start_date, seat.end_date), seat)


def test_the_directive_committee_has_a_scheduled_session_with_an_agenda(app):
    seed(app)
    session = db.session.scalars(sa.select(CommitteeSession)).one()
    assert session.status == SessionStatus.SCHEDULED and session.starts_at > utcnow()
    assert session.time_zone == "America/Lima" and committee_sessions.local_start(session).hour == 10
    assert len(session.items) == 5 and session.items[1].presenter.email == "secretariat@demo.puertos.example"
    assert committee_sessions.quorum_of(session).voting_seats == 4  # chair, vice-chair, secretary, member


def test_seeding_twice_changes_nothing(app):
    seed(app)
    counts = [
        db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Body, Seat, CommitteeSession, AgendaItem)
    ]
    assert seed_committees() == 0
    assert counts == [
        db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Body, Seat, CommitteeSession, AgendaItem)
    ]
