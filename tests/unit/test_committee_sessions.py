"""The sessions service: quorum from seats, roll call and proxies; who is convened; what a change sends."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    Attendance,
    AttendanceStatus,
    OutboxMail,
    ProxyRule,
    QuorumRule,
    SeatRole,
    SessionKind,
    SessionStatus,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_agenda, committee_sessions
from ports_network.services.committee_agenda import ItemData
from ports_network.services.committee_sessions import SessionData
from tests import factories


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def body():
    return factories.BodyFactory(proxy_rule=ProxyRule.VOTING_MEMBER, max_proxies=1)


def seated(body, count, role=SeatRole.MEMBER):
    return [factories.SeatFactory(body=body, role=role).user for _ in range(count)]


def answer(session, person, status, proxy_holder=None):
    db.session.add(
        Attendance(
            session=session,
            user_id=person.id,
            status=status,
            proxy_holder_id=getattr(proxy_holder, "id", None),
        )
    )
    db.session.commit()


def test_quorum_counts_attendance_and_proxies_by_the_body_rules(body):
    a, b, c, d, _silent = seated(body, 5)
    observer = seated(body, 1, SeatRole.OBSERVER)[0]
    session = factories.CommitteeSessionFactory(body=body)
    answer(session, a, AttendanceStatus.PRESENT)
    answer(session, b, AttendanceStatus.REMOTE)
    answer(session, c, AttendanceStatus.EXCUSED, proxy_holder=a)
    answer(session, d, AttendanceStatus.ABSENT, proxy_holder=a)  # a carries one proxy at most
    answer(session, observer, AttendanceStatus.PRESENT)
    result = committee_sessions.quorum_of(session)
    assert (result.voting_seats, result.required, result.represented, result.reached) == (5, 3, 3, True)
    assert result.weights == {a.id: 2, b.id: 1}
    assert result.refused_proxies == (d.id,)


def test_a_session_quorum_rule_overrides_the_body_rule(body):
    seated(body, 4)
    session = factories.CommitteeSessionFactory(body=body, quorum_rule=QuorumRule.FIXED, quorum_count=1)
    assert committee_sessions.quorum_of(session).required == 1
    session.quorum_rule = None
    db.session.commit()
    assert committee_sessions.quorum_of(session).required == 3


def test_the_people_convened_are_the_seat_holders_of_the_session_day(body):
    session = factories.CommitteeSessionFactory(body=body, starts_at=utcnow() + timedelta(days=10))
    day = committee_sessions.session_day(session)
    current = factories.SeatFactory(body=body).user
    factories.SeatFactory(body=body, end_date=day - timedelta(days=1))
    factories.SeatFactory(body=body, start_date=day + timedelta(days=1))
    starting = factories.SeatFactory(body=body, start_date=day).user
    gone = factories.SeatFactory(body=body).user
    gone.deleted_at = utcnow()
    db.session.commit()
    assert {p.id for p in committee_sessions.recipients(session)} == {current.id, starting.id}


def test_changing_a_session_that_was_not_convened_sends_nothing(body, secretariat):
    seated(body, 2)
    session = factories.CommitteeSessionFactory(body=body)
    data = SessionData(
        title="Moved",
        kind=SessionKind.ONLINE,
        local_start=datetime(2031, 5, 6, 9, 0),
        time_zone="America/Mexico_City",
        duration_minutes=60,
        link="https://meet.example.org/x",
    )
    committee_sessions.update(secretariat, session, data)
    assert session.title == "Moved" and session.starts_at.hour == 15  # 09:00 in Mexico City is 15:00 UTC
    assert session.ical_sequence == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_a_session_that_started_can_no_longer_be_changed_or_cancelled(body, secretariat):
    session = factories.CommitteeSessionFactory(body=body, status=SessionStatus.IN_PROGRESS)
    with pytest.raises(DomainError, match="can no longer be changed"):
        committee_sessions.cancel(secretariat, session, "Too late")
    with pytest.raises(DomainError, match="can no longer be changed"):
        committee_agenda.add_item(secretariat, session, ItemData(title="Late item"))


def test_only_officers_schedule(body, member):
    factories.SeatFactory(body=body, user=member, role=SeatRole.MEMBER)
    data = SessionData("S", SessionKind.ONLINE, datetime(2031, 1, 1, 10), "UTC", 60, link="https://x.example")
    with pytest.raises(NotAllowed):
        committee_sessions.schedule(member, body, data)


def test_agenda_items_keep_their_order_when_moved_and_removed(body, secretariat):
    session = factories.CommitteeSessionFactory(body=body)
    first, second, third = (committee_agenda.add_item(secretariat, session, ItemData(title=t)) for t in "ABC")
    committee_agenda.move_item(secretariat, third, -1)
    committee_agenda.move_item(secretariat, first, -1)  # already first: nothing happens
    assert [i.title for i in session.items] == ["A", "C", "B"]
    committee_agenda.remove_item(secretariat, third)
    committee_agenda.move_item(secretariat, second, -1)
    assert [i.title for i in session.items] == ["B", "A"]
    last = committee_agenda.add_item(secretariat, session, ItemData(title="D"))
    assert last.position > max(i.position for i in session.items if i is not last)
