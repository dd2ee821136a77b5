"""A closed session of a body with a roll call, motions and votes, for the minutes and action-item tests."""

from dataclasses import dataclass
from datetime import timedelta

from ports_network.extensions import db
from ports_network.models import (
    AgendaItemKind,
    AttendanceStatus,
    CommitteeSession,
    MinutesStatus,
    Motion,
    MotionStatus,
    SeatRole,
    SecretTally,
    SessionStatus,
    User,
    VoteChoice,
    VoteMethod,
    VotingRule,
)
from ports_network.models.base import utcnow

from . import factories


@dataclass
class Meeting:
    """The session, its people (chair, member who attended, member excused) and its motions."""

    session: CommitteeSession
    chair: User
    attendee: User
    excused: User
    named: Motion
    secret: Motion


def closed_meeting(chair: User, attendee: User, excused: User) -> Meeting:
    """A closed session two days ago: a decision item with a carried named vote and a rejected secret one."""
    body = factories.BodyFactory(name={"en": "Operations committee", "es": "Comité de operaciones"})
    factories.SeatFactory(body=body, user=chair, role=SeatRole.CHAIR)
    factories.SeatFactory(body=body, user=attendee, role=SeatRole.MEMBER)
    factories.SeatFactory(body=body, user=excused, role=SeatRole.MEMBER)
    session = factories.CommitteeSessionFactory(
        body=body,
        title="First ordinary session",
        status=SessionStatus.CLOSED,
        starts_at=(utcnow() - timedelta(days=2)).replace(microsecond=0),
    )
    item = factories.AgendaItemFactory(
        session=session, position=1, title="Work plan 2026", kind=AgendaItemKind.DECISION
    )
    factories.AttendanceFactory(session=session, user=chair, status=AttendanceStatus.PRESENT)
    factories.AttendanceFactory(session=session, user=attendee, status=AttendanceStatus.REMOTE)
    factories.AttendanceFactory(session=session, user=excused, status=AttendanceStatus.EXCUSED)
    named = factories.MotionFactory(
        session=session,
        agenda_item=item,
        text="The committee adopts the work plan 2026.",
        mover=chair,
        seconder=attendee,
        status=MotionStatus.CARRIED,
        vote_method=VoteMethod.NAMED,
        voting_rule=VotingRule.SIMPLE_MAJORITY,
        yes_votes=2,
        no_votes=0,
        abstentions=0,
    )
    factories.BallotFactory(motion=named, voter=chair, choice=VoteChoice.YES)
    factories.BallotFactory(motion=named, voter=attendee, choice=VoteChoice.YES)
    secret = factories.MotionFactory(
        session=session,
        agenda_item=item,
        text="The committee elects a new rapporteur.",
        mover=attendee,
        status=MotionStatus.REJECTED,
        vote_method=VoteMethod.SECRET,
        voting_rule=VotingRule.SIMPLE_MAJORITY,
    )
    db.session.add_all(
        [
            SecretTally(motion_id=secret.id, choice=VoteChoice.YES, votes=1),
            SecretTally(motion_id=secret.id, choice=VoteChoice.NO, votes=1),
        ]
    )
    db.session.commit()
    return Meeting(session, chair, attendee, excused, named, secret)


def later_approval_motion(session: CommitteeSession, **fields) -> Motion:
    """A carried motion on a decision item of a later session of the same body."""
    later = factories.CommitteeSessionFactory(
        body=session.body, status=SessionStatus.CLOSED, starts_at=session.starts_at + timedelta(days=1)
    )
    item = factories.AgendaItemFactory(
        session=later, position=1, title="Approval of the minutes", kind=AgendaItemKind.DECISION
    )
    values = {"status": MotionStatus.CARRIED, "text": "The minutes are approved.", **fields}
    return factories.MotionFactory(session=later, agenda_item=item, **values)


def ready_for_approval(minutes, officer) -> None:
    """Open the amendment window and close it again, so the minutes can be approved."""
    from ports_network.services import committee_minutes

    committee_minutes.open_amendments(officer, minutes, utcnow() + timedelta(days=3))
    committee_minutes.close_amendments(officer, minutes)
    assert minutes.status == MinutesStatus.AMENDMENTS
