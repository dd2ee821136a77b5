"""Votes between sessions: put to the voting members with a deadline and a turnout, told at the opening,
reminded once before the deadline, closed by the job at the deadline (or when everyone has voted) with
the result told in the platform and by mail."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    MotionStatus,
    Notification,
    OutboxMail,
    SessionStatus,
    VoteChoice,
    VoteMethod,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_async_votes, committee_motions, jobs
from ports_network.services.committee_async_votes import BallotData
from ports_network.services.committee_motions import MotionData
from ports_network.services.committee_vote_notices import remind_due

OPENED, REMINDER, RESULT = "committees.vote_opened", "committees.vote_reminder", "committees.vote_result"


@pytest.fixture(autouse=True)
def _request(app):
    """Notices build links and mail is rendered in a language: a request context, as in the views."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.kind).filter_by(user_id=user.id).order_by(Notification.id))
    )


def _put(chair, body, *, days=3, method=VoteMethod.NAMED, turnout=None, text="Approve the 2026 budget."):
    ballot = BallotData(method, utcnow() + timedelta(days=days), turnout)
    return committee_async_votes.put_to_members(chair, body, MotionData(text=text), ballot)


def test_a_motion_put_to_the_members_tells_every_voting_member(
    live_body, coordinator, focal_point, member, validator
):
    motion = _put(coordinator, live_body)
    assert (motion.status, motion.between_sessions, motion.session_id) == (MotionStatus.VOTING, True, None)
    assert (motion.eligible_votes, motion.required_turnout) == (3, 2)  # the body's majority of 3 seats
    for person in (coordinator, focal_point, member):
        assert _kinds(person) == [OPENED]
    assert _kinds(validator) == []  # the observer does not vote
    mail = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == member.email)).one()
    assert "Transitional Directive Committee puts a motion to your vote until" in mail.body
    assert "Approve the 2026 budget." in mail.body and f"/committees/motions/{motion.id}" in mail.body


@pytest.mark.parametrize(
    "case",
    [
        ({"days": 0.01}, "between one hour and 60 days"),
        ({"days": 61}, "between one hour and 60 days"),
        ({"turnout": 4}, "between 1 and 3"),
        ({"method": VoteMethod.SHOW_OF_HANDS}, "named or secret ballot"),
    ],
)
def test_a_vote_between_sessions_needs_a_sensible_deadline_turnout_and_method(live_body, coordinator, case):
    changes, message = case
    with pytest.raises(DomainError, match=message):
        _put(coordinator, live_body, **changes)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_only_the_officers_put_motions_to_the_members(live_body, focal_point):
    with pytest.raises(NotAllowed):
        _put(focal_point, live_body)


def test_members_vote_once_and_the_last_ballot_closes_and_announces(
    live_body, coordinator, focal_point, member
):
    motion = _put(coordinator, live_body)
    committee_motions.cast(focal_point, motion, VoteChoice.YES)
    with pytest.raises(DomainError, match="already voted"):
        committee_motions.cast(focal_point, motion, VoteChoice.NO)
    committee_motions.cast(member, motion, VoteChoice.NO)
    assert motion.status == MotionStatus.VOTING
    committee_motions.cast(coordinator, motion, VoteChoice.YES)
    assert (motion.status, motion.yes_votes, motion.no_votes) == (MotionStatus.CARRIED, 2, 1)
    assert _kinds(member) == [OPENED, RESULT]
    notice = db.session.scalars(sa.select(Notification).filter_by(user_id=member.id, kind=RESULT)).one()
    assert (notice.params["result"], notice.params["yes"], notice.params["no"]) == ("carried", 2, 1)


def test_the_observer_and_strangers_do_not_vote_between_sessions(live_body, coordinator, validator, outsider):
    motion = _put(coordinator, live_body)
    for person in (validator, outsider):
        with pytest.raises(NotAllowed):
            committee_motions.cast(person, motion, VoteChoice.YES)


def test_the_vote_jobs_are_in_the_registry_and_run_when_due(live_body, coordinator):
    _put(coordinator, live_body)
    assert {"committees.close_votes", "committees.remind_votes"} <= set(jobs.run_due())


def test_the_reminder_goes_once_to_those_who_have_not_voted(live_body, coordinator, focal_point, member):
    motion = _put(coordinator, live_body, days=3)
    committee_motions.cast(focal_point, motion, VoteChoice.YES)
    assert remind_due(utcnow() + timedelta(days=1)) == 0  # more than a day before the deadline
    assert remind_due(motion.closes_at - timedelta(hours=23)) == 2
    assert remind_due(motion.closes_at - timedelta(hours=1)) == 0
    assert _kinds(member) == [OPENED, REMINDER] and _kinds(focal_point) == [OPENED]


def test_a_short_vote_is_reminded_halfway(live_body, coordinator):
    motion = _put(coordinator, live_body, days=0.5)
    assert remind_due(motion.opened_at + timedelta(hours=5)) == 0
    assert remind_due(motion.opened_at + timedelta(hours=6, minutes=1)) == 3


def test_the_job_closes_a_vote_at_its_deadline_without_quorum_when_too_few_voted(
    live_body, coordinator, focal_point, member
):
    motion = _put(coordinator, live_body, method=VoteMethod.SECRET)
    committee_motions.cast(focal_point, motion, VoteChoice.YES)
    assert committee_async_votes.close_due(utcnow()) == 0  # not due yet
    assert jobs.JOBS["committees.close_votes"].every == timedelta(minutes=1)
    assert committee_async_votes.close_due(motion.closes_at + timedelta(seconds=1)) == 1
    assert (motion.status, motion.yes_votes, motion.required_turnout) == (MotionStatus.NO_QUORUM, 1, 2)
    assert _kinds(member) == [OPENED, RESULT]


def test_a_motion_left_proposed_in_a_closed_session_is_put_to_the_members(live, coordinator, focal_point):
    motion = committee_motions.propose(coordinator, live, MotionData("Adopt the work plan."))
    ballot = BallotData(VoteMethod.NAMED, utcnow() + timedelta(days=2))
    with pytest.raises(DomainError, match="put the motion to the vote there"):
        committee_async_votes.open_between_sessions(coordinator, motion, ballot)
    live.status = SessionStatus.CLOSED
    db.session.commit()
    assert committee_async_votes.open_between_sessions(coordinator, motion, ballot) == 3
    assert (motion.status, motion.between_sessions, motion.session_id) == (MotionStatus.VOTING, True, live.id)
    assert committee_async_votes.open_for(focal_point) == [motion]
