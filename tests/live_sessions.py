"""A body with a convened session, for the live console's tests (unit, functional, sockets); its fixtures
are registered for every test by the root conftest.

The body: the coordinator chairs, the focal point and the member vote, the validator observes; proxies go
to any voting member who attends (one each); a majority of the 3 voting seats (2) makes the quorum.
"""

import pytest

from ports_network.models import (
    AttendanceStatus,
    CommitteeSession,
    ProxyRule,
    SeatRole,
    SessionStatus,
    User,
    VoteMethod,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_live, committee_motions

from . import factories


@pytest.fixture
def live_body(coordinator, focal_point, member, validator):
    """A committee chaired by the coordinator: two more voting members and an observer."""
    body = factories.BodyFactory(
        name={"en": "Transitional Directive Committee"}, proxy_rule=ProxyRule.VOTING_MEMBER, max_proxies=1
    )
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    factories.SeatFactory(body=body, user=focal_point, role=SeatRole.MEMBER)
    factories.SeatFactory(body=body, user=member, role=SeatRole.MEMBER)
    factories.SeatFactory(body=body, user=validator, role=SeatRole.OBSERVER)
    return body


@pytest.fixture
def convened(live_body) -> CommitteeSession:
    """A convened session of the body with a two-item agenda."""
    session = factories.CommitteeSessionFactory(
        body=live_body, title="First ordinary session", status=SessionStatus.CONVENED, convened_at=utcnow()
    )
    factories.AgendaItemFactory(session=session, position=1, title="Adoption of the agenda")
    factories.AgendaItemFactory(session=session, position=2, title="Work plan 2026", kind="decision")
    return session


@pytest.fixture
def live(convened, coordinator) -> CommitteeSession:
    """The session opened by its chair."""
    committee_live.open_session(coordinator, convened)
    return convened


def roll_call(session: CommitteeSession, chair: User, answers: dict[User, str], proxies=None) -> None:
    """Record each person's answer (and proxies {giver: holder}) as the chair."""
    proxies = proxies or {}
    for person, status in answers.items():
        holder = proxies.get(person)
        committee_live.record_attendance(
            chair, session, person.id, AttendanceStatus(status), holder.id if holder else None
        )


def motion_in_vote(session, chair, method=VoteMethod.NAMED, text="Adopt the work plan 2026."):
    """A motion proposed and put to the vote in the session."""
    motion = committee_motions.propose(chair, session, committee_motions.MotionData(text=text))
    committee_motions.open_vote(chair, motion, method)
    return motion
