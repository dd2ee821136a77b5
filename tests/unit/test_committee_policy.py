"""Who may see, run and read what in the governance bodies; `bodies_visible_to` matches `committees.see`."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ports_network.extensions import db
from ports_network.models import Body, BodyStatus, SeatRole
from ports_network.models.base import utcnow
from ports_network.security import bodies_visible_to, can
from tests import factories

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
