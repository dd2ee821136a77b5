"""Who may see, run and read what in the governance bodies; `bodies_visible_to` matches `committees.see`,
`motions_visible_to` matches `committees.view_motion`; who drives a live session, speaks and votes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ports_network.extensions import db
from ports_network.models import Body, BodyStatus, Motion, SeatRole, SessionStatus
from ports_network.models.base import utcnow
from ports_network.security import bodies_visible_to, can, motions_visible_to
from ports_network.services import committee_motions
from ports_network.services.committee_motions import MotionData
from tests import factories
from tests.live_sessions import motion_in_vote, roll_call

TODAY = utcnow().date()


@pytest.fixture
def personas(outsider, member, coordinator, secretariat, focal_point):
    return {
        "anonymous": AnonymousUserMixin(),
        "outsider": outsider,
        "member": member,
        "coordinator": coordinator,
        "focal_point": focal_point,
        "secretariat": secretariat,
    }


def test_body_predicate_and_sql_builder_agree_for_every_viewer(personas):
    bodies = [factories.BodyFactory(), factories.BodyFactory(status=BodyStatus.CLOSED, closed_at=utcnow())]
    for name, viewer in personas.items():
        listed = set(db.session.scalars(sa.select(Body.id).where(bodies_visible_to(viewer))))
        allowed = {body.id for body in bodies if can(viewer, "committees.see", body)}
        assert listed == allowed, name
    assert can(personas["anonymous"], "committees.see", bodies[0])
    assert not can(personas["anonymous"], "committees.see", bodies[1])
    assert can(personas["member"], "committees.see", bodies[1])


def test_body_pages_are_for_network_members(personas):
    body = factories.BodyFactory()
    allowed = {name for name, viewer in personas.items() if can(viewer, "committees.view", body)}
    assert allowed == {"member", "coordinator", "focal_point", "secretariat"}


@pytest.mark.parametrize(
    ("role", "runs"),
    [
        (SeatRole.CHAIR, True),
        (SeatRole.VICE_CHAIR, True),
        (SeatRole.SECRETARY, True),
        (SeatRole.MEMBER, False),
        (SeatRole.OBSERVER, False),
    ],
)
def test_officers_run_sessions_and_every_seat_holder_reads_the_board_pack(role, runs, member):
    session = factories.CommitteeSessionFactory()
    factories.SeatFactory(body=session.body, user=member, role=role)
    assert can(member, "committees.run_session", session) is runs
    assert can(member, "committees.schedule", session.body) is runs
    assert can(member, "committees.view_session", session)


def test_an_ended_seat_gives_nothing_but_a_seat_starting_by_the_session_day_reads_its_board_pack(
    member, focal_point
):
    session = factories.CommitteeSessionFactory(starts_at=utcnow() + timedelta(days=40))
    body = session.body
    factories.SeatFactory(body=body, user=member, role=SeatRole.CHAIR, end_date=TODAY - timedelta(days=1))
    factories.SeatFactory(body=body, user=focal_point, start_date=TODAY + timedelta(days=30))
    assert not can(member, "committees.run_session", session)
    assert not can(member, "committees.view_session", session)
    assert can(focal_point, "committees.view_session", session)  # convened for that day


def test_the_secretariat_runs_every_session_and_no_session_of_a_closed_body_is_scheduled(secretariat):
    session = factories.CommitteeSessionFactory()
    assert can(secretariat, "committees.run_session", session)
    assert can(secretariat, "committees.view_session", session)
    session.body.status = BodyStatus.CLOSED
    db.session.commit()
    assert not can(secretariat, "committees.schedule", session.body)


def test_seats_in_another_body_give_nothing(member):
    session = factories.CommitteeSessionFactory()
    factories.SeatFactory(user=member, role=SeatRole.CHAIR)  # in another body
    assert not can(member, "committees.view_session", session)
    assert not can(member, "committees.run_session", session)


# --- live sessions, motions and votes ------------------------------------------------------------------


def test_officers_drive_a_session_and_seat_holders_ask_for_the_floor_once_it_runs(live, personas, validator):
    drivers = {name for name, viewer in personas.items() if can(viewer, "committees.drive_session", live)}
    assert drivers == {"coordinator", "secretariat"}
    speakers = {name for name, viewer in personas.items() if can(viewer, "committees.request_floor", live)}
    assert speakers == {"coordinator", "focal_point", "member"}  # seat holders; the Secretariat holds none
    assert can(validator, "committees.request_floor", live)  # observers speak too
    live.status = SessionStatus.CLOSED
    db.session.commit()
    assert not any(can(viewer, "committees.request_floor", live) for viewer in personas.values())


def test_only_voting_members_present_or_remote_vote_in_a_session(
    live, personas, coordinator, focal_point, validator
):
    roll_call(live, coordinator, {coordinator: "present", focal_point: "remote", validator: "present"})
    motion = motion_in_vote(live, coordinator)
    voters = {name for name, viewer in personas.items() if can(viewer, "committees.vote", motion)}
    assert voters == {"coordinator", "focal_point"}  # not the absent member, not the Secretariat
    assert not can(validator, "committees.vote", motion)  # present, but observing


def test_motion_predicate_and_sql_builder_agree_for_every_viewer(
    live, live_body, personas, coordinator, member
):
    in_session = committee_motions.propose(coordinator, live, MotionData("In the session."))
    between = Motion(body=live_body, text="Between sessions.")
    elsewhere = Motion(body=factories.BodyFactory(), text="Another body's.")
    later = factories.CommitteeSessionFactory(body=live_body, starts_at=utcnow() + timedelta(days=60))
    future = Motion(body=live_body, session=later, text="At a later session.")
    db.session.add_all([between, elsewhere, future])
    db.session.commit()
    newcomer = factories.SeatFactory(
        body=live_body, user=personas["outsider"], start_date=TODAY + timedelta(days=59)
    )
    personas["newcomer"] = newcomer.user  # convened to the later session only
    motions = [in_session, between, elsewhere, future]
    for name, viewer in personas.items():
        listed = set(db.session.scalars(sa.select(Motion.id).where(motions_visible_to(viewer))))
        allowed = {m.id for m in motions if can(viewer, "committees.view_motion", m)}
        assert listed == allowed, name
    assert {m.text for m in motions if can(member, "committees.view_motion", m)} == {
        "In the session.",
        "Between sessions.",
        "At a later session.",
    }
    assert [m.text for m in motions if can(personas["newcomer"], "committees.view_motion", m)] == [
        "At a later session."
    ]
