"""`flask seed demo` adds the network's governance bodies, seats for the demo accounts, one scheduled session
of the directive committee and the one it held at the II Regional Meeting in Cartagena (July 2017) with its
roll call, decision, actions and locked minutes; a second run changes nothing."""

import json
from datetime import date, datetime
from importlib import resources

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Ballot,
    Body,
    BodyKind,
    CommitteeMinutes,
    CommitteeSession,
    MinutesVersion,
    Motion,
    MotionStatus,
    Seat,
    SeatRole,
    SessionStatus,
    User,
    VoteChoice,
    VoteMethod,
)
from ports_network.models.base import utcnow
from ports_network.services import (
    action_items,
    committee_minutes,
    committee_seats,
    committee_sessions,
    seed_index,
)
from ports_network.services.committee_seed import seed_committees
from tests.conftest import login_as


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
    session = db.session.scalars(
        sa.select(CommitteeSession).where(CommitteeSession.status == SessionStatus.SCHEDULED)
    ).one()
    assert session.starts_at > utcnow()
    assert session.time_zone == "America/Lima" and committee_sessions.local_start(session).hour == 10
    assert len(session.items) == 5 and session.items[1].presenter.email == "secretariat@demo.puertos.example"
    assert committee_sessions.quorum_of(session).voting_seats == 4  # chair, vice-chair, secretary, member


SEEDED = (Body, Seat, CommitteeSession, AgendaItem, Attendance, Motion, Ballot, ActionItem, CommitteeMinutes)


def _counts() -> list[int]:
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in SEEDED]


def test_seeding_twice_changes_nothing(app):
    seed(app)
    counts = _counts()
    assert seed_committees() == 0
    assert counts == _counts()


# --- the session held in 2017 ------------------------------------------------------------------------


def _past() -> CommitteeSession:
    return db.session.scalars(
        sa.select(CommitteeSession).where(CommitteeSession.status == SessionStatus.CLOSED)
    ).one()


def _demo(name: str) -> User:
    return db.session.scalars(sa.select(User).filter_by(email=f"{name}@demo.puertos.example")).one()


def _email(user: User) -> str:
    return user.email.split("@")[0]


def test_the_directive_committee_met_at_the_regional_meeting_in_cartagena_in_july_2017(app):
    seed(app)
    past = _past()
    assert past.body.kind == BodyKind.DIRECTIVE_COMMITTEE
    assert committee_sessions.local_start(past).replace(tzinfo=None) == datetime(2017, 7, 27, 15, 0)
    assert past.time_zone == "America/Bogota" and "Cartagena de Indias" in past.place
    assert past.started_at < past.closed_at and past.closed_at.date() == date(2017, 7, 27)
    assert [item.kind for item in past.items].count(AgendaItemKind.DECISION) == 1


def test_its_roll_call_has_a_proxy_and_the_quorum_was_reached(app):
    seed(app)
    counted = committee_sessions.quorum_of(_past())
    assert counted.reached and (counted.present, counted.proxies, counted.required) == (3, 1, 3)
    holder = db.session.scalar(sa.select(Attendance).where(Attendance.proxy_holder_id.is_not(None)))
    assert (_email(holder.user), _email(holder.proxy_holder)) == ("focal.callao", "coordinator.callao")


def test_its_decision_was_carried_by_named_vote_with_the_proxy_weighing_in(app):
    seed(app)
    decision = db.session.scalars(sa.select(Motion).where(Motion.session_id == _past().id)).one()
    assert decision.status == MotionStatus.CARRIED and decision.vote_method == VoteMethod.NAMED
    assert decision.agenda_item.kind == AgendaItemKind.DECISION
    assert {(_email(b.voter), b.choice, b.weight) for b in decision.ballots} == {
        ("coordinator.callao", VoteChoice.YES, 2),
        ("coordinator.cartagena", VoteChoice.YES, 1),
        ("validator.callao", VoteChoice.ABSTAIN, 1),
    }
    assert (decision.yes_votes, decision.no_votes, decision.abstentions, decision.eligible_votes) == (
        3,
        0,
        1,
        4,
    )


def test_two_actions_came_from_it_one_aimed_at_a_governance_indicator_and_one_overdue(app):
    seed(app)
    past = _past()
    items = action_items.of_session(past)
    assert {(i.community.slug, _email(i.owner)) for i in items} == {
        ("callao", "coordinator.callao"),
        ("cartagena", "coordinator.cartagena"),
    }
    assert all(item.motion is not None and item.motion.session_id == past.id for item in items)
    aimed = next(item for item in items if item.indicator_code)
    assert aimed.status == ActionItemStatus.DONE and aimed.on_time
    assert [item.title for item in items if item.is_overdue(action_items.today())] == [
        next(item.title for item in items if item.community.slug == "cartagena")
    ]
    methodology = json.loads(
        resources.files("ports_network.index_engine").joinpath("default_methodology.json").read_text()
    )
    governance = {
        indicator["code"]
        for pillar in methodology["pillars"]
        for sub in pillar.get("sub_pillars", [])
        if sub["code"] == "governance"
        for indicator in sub["indicators"]
    }
    assert {aimed.indicator_code, "action_items_on_time"} <= governance  # the computed one's sub-pillar
    assert aimed.indicator_code in {code for code, _name in action_items.indicator_choices("en")}


def test_its_minutes_were_approved_by_a_later_vote_between_sessions_and_are_locked(app):
    seed(app)
    past = _past()
    minutes = committee_minutes.of_session(past)
    assert minutes.is_approved and committee_minutes.verified(minutes)
    approval = minutes.approval_motion
    assert approval.between_sessions and approval.status == MotionStatus.CARRIED
    assert approval.opened_at > past.closed_at and approval.yes_votes >= approval.required_turnout
    assert approval in [c.motion for c in committee_minutes.approval_candidates(minutes)]
    versions = db.session.scalars(sa.select(MinutesVersion).where(MinutesVersion.minutes_id == minutes.id))
    assert [v.text for v in versions] == [minutes.locked_text]
    for words in ("Presente", "en manos de", "Votación nominal", "Cartagena", "(Abierta)"):
        assert words in minutes.locked_text
    with pytest.raises(DomainError, match="locked"):
        committee_minutes.edit(_demo("validator.callao"), minutes, "Otro texto", None, None)


def test_a_network_member_downloads_the_seeded_minutes(app, client):
    seed(app)
    minutes = committee_minutes.of_session(_past())
    login_as(
        client,
        db.session.scalars(sa.select(User).filter_by(email="member.kingston@demo.puertos.example")).one(),
    )
    page = client.get(f"/committees/minutes/{minutes.id}").get_data(as_text=True)
    assert minutes.content_hash in page
    response = client.get(f"/committees/minutes/{minutes.id}/minutes.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["X-Content-SHA256"] == minutes.content_hash
