"""Motions and votes in a session: proposing, opening with the quorum, named and secret ballots with proxies
as weights, show of hands recorded by the secretary, one vote per member per motion, the count by rule."""

import os
import threading

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    Ballot,
    Motion,
    MotionStatus,
    SecretBallotReceipt,
    SecretTally,
    User,
    VoteChoice,
    VoteMethod,
    VotingRule,
)
from ports_network.services import committee_live_state, committee_motions
from ports_network.services.committee_motions import MotionData
from tests.live_sessions import motion_in_vote, roll_call

on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="threads share one in-memory SQLite connection; the race needs a real server",
)


@pytest.fixture
def quorate(live, coordinator, focal_point, member):
    """The chair present, the focal point remote, the member absent with their proxy in the chair's hands."""
    roll_call(
        live,
        coordinator,
        {coordinator: "present", focal_point: "remote", member: "absent"},
        {member: coordinator},
    )
    return live


def test_the_chair_records_a_motion_with_mover_and_seconder_on_the_current_item(
    live, coordinator, focal_point
):
    data = MotionData(text="Adopt the **work plan**.", mover_id=focal_point.id, seconder_id=coordinator.id)
    motion = committee_motions.propose(coordinator, live, data)
    assert (motion.status, motion.mover, motion.seconder) == (MotionStatus.PROPOSED, focal_point, coordinator)
    assert motion.agenda_item_id == live.current_item_id and motion.body_id == live.body_id
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "motion.propose")).one()
    assert audit.new["mover"] == focal_point.name


@pytest.mark.parametrize(
    "case",
    [
        ("focal_point", "focal_point", "someone other than the mover"),
        ("validator", None, "voting members of the body"),  # an observer moves nothing
        ("outsider", None, "voting members of the body"),
    ],
)
def test_movers_and_seconders_are_two_voting_members(live, coordinator, request, case):
    mover, seconder, message = case
    people = {name: request.getfixturevalue(name) for name in {mover, seconder} if name}
    data = MotionData("Adopt it.", people[mover].id, people[seconder].id if seconder else None)
    with pytest.raises(DomainError, match=message):
        committee_motions.propose(coordinator, live, data)


def test_no_vote_without_quorum_and_one_vote_at_a_time(live, coordinator, focal_point):
    motion = committee_motions.propose(coordinator, live, MotionData("First."))
    with pytest.raises(DomainError, match="quorum is not reached"):
        committee_motions.open_vote(coordinator, motion, VoteMethod.NAMED)
    roll_call(live, coordinator, {coordinator: "present", focal_point: "present"})
    committee_motions.open_vote(coordinator, motion, VoteMethod.NAMED)
    assert (motion.status, motion.voting_rule, motion.eligible_votes) == (
        MotionStatus.VOTING,
        VotingRule.SIMPLE_MAJORITY,
        2,
    )
    second = committee_motions.propose(coordinator, live, MotionData("Second."))
    with pytest.raises(DomainError, match="Another vote is open"):
        committee_motions.open_vote(coordinator, second, VoteMethod.NAMED)


def test_a_named_vote_weighs_proxies_and_closes_when_everyone_has_voted(quorate, coordinator, focal_point):
    motion = motion_in_vote(quorate, coordinator)
    assert motion.eligible_votes == 3  # the chair's own vote, the proxy, the focal point
    assert not committee_motions.cast(coordinator, motion, VoteChoice.YES)
    assert committee_motions.cast(focal_point, motion, VoteChoice.NO)  # the last ballot decides
    assert (motion.status, motion.yes_votes, motion.no_votes, motion.abstentions) == (
        MotionStatus.CARRIED,
        2,
        1,
        0,
    )
    ballots = {b.voter_id: (b.choice, b.weight) for b in motion.ballots}
    assert ballots == {coordinator.id: (VoteChoice.YES, 2), focal_point.id: (VoteChoice.NO, 1)}
    state = committee_live_state.snapshot(quorate)["motions"][0]
    assert state["totals"] == {"yes": 2, "no": 1, "abstain": 0}
    assert {(b["name"], b["choice"], b["weight"]) for b in state["ballots"]} == {
        (coordinator.name, "yes", 2),
        (focal_point.name, "no", 1),
    }


def test_one_vote_per_member_per_motion(quorate, coordinator):
    motion = motion_in_vote(quorate, coordinator)
    committee_motions.cast(coordinator, motion, VoteChoice.YES)
    with pytest.raises(DomainError, match="already voted"):
        committee_motions.cast(coordinator, motion, VoteChoice.NO)
    assert [b.choice for b in motion.ballots] == [VoteChoice.YES]


def test_the_database_refuses_a_second_ballot_and_a_second_receipt(quorate, coordinator):
    motion = motion_in_vote(quorate, coordinator)
    for row in (Ballot, SecretBallotReceipt):
        values = {"motion_id": motion.id, "voter_id": coordinator.id}
        extra = {"choice": VoteChoice.YES} if row is Ballot else {}
        db.session.add(row(**values, **extra))
        db.session.commit()
        db.session.add(row(**values, **extra))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("who", ["validator", "member", "outsider", "secretariat"])
def test_only_voting_members_present_or_remote_vote(quorate, coordinator, who, request):
    # The observer, the absent member (whose proxy the chair carries), a stranger and the Secretariat.
    motion = motion_in_vote(quorate, coordinator)
    with pytest.raises(NotAllowed):
        committee_motions.cast(request.getfixturevalue(who), motion, VoteChoice.YES)
    assert motion.ballots == []


def test_a_secret_ballot_keeps_receipts_and_a_tally_and_counts_proxies(quorate, coordinator, focal_point):
    motion = motion_in_vote(quorate, coordinator, VoteMethod.SECRET)
    tally = dict(db.session.execute(sa.select(SecretTally.choice, SecretTally.votes)).all())
    assert tally == {VoteChoice.YES: 0, VoteChoice.NO: 0, VoteChoice.ABSTAIN: 0}  # all rows from the start
    committee_motions.cast(coordinator, motion, VoteChoice.NO)
    state = committee_live_state.snapshot(quorate)["motions"][0]
    assert (state["voted"], state["ballots"], state["totals"]) == ([coordinator.id], [], None)
    with pytest.raises(DomainError, match="already voted"):
        committee_motions.cast(coordinator, motion, VoteChoice.YES)
    committee_motions.cast(focal_point, motion, VoteChoice.YES)
    assert (motion.status, motion.yes_votes, motion.no_votes) == (MotionStatus.REJECTED, 1, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "motion.ballot")).all()


def test_the_secretary_records_hands_by_name_and_corrects_them(quorate, coordinator, focal_point, validator):
    motion = motion_in_vote(quorate, coordinator, VoteMethod.SHOW_OF_HANDS)
    with pytest.raises(NotAllowed):
        committee_motions.cast(focal_point, motion, VoteChoice.YES)  # hands are raised, not cast
    committee_motions.record_hand(coordinator, motion, focal_point.id, VoteChoice.YES)
    committee_motions.record_hand(coordinator, motion, focal_point.id, VoteChoice.ABSTAIN)
    committee_motions.record_hand(coordinator, motion, coordinator.id, VoteChoice.YES)
    with pytest.raises(DomainError, match="Only voting members present or remote vote"):
        committee_motions.record_hand(coordinator, motion, validator.id, VoteChoice.YES)
    with pytest.raises(NotAllowed):
        committee_motions.record_hand(focal_point, motion, focal_point.id, VoteChoice.NO)
    assert motion.status == MotionStatus.VOTING  # hands stay open to correction until the chair closes
    outcome = committee_motions.close_vote(coordinator, motion)
    assert (outcome.status, motion.yes_votes, motion.abstentions) == ("carried", 2, 1)
    recorded = db.session.scalars(sa.select(Ballot).where(Ballot.voter_id == focal_point.id)).one()
    assert (recorded.choice, recorded.recorded_by_id) == (VoteChoice.ABSTAIN, coordinator.id)


def test_closing_counts_by_the_rule_fixed_at_the_opening(quorate, coordinator, focal_point):
    quorate.body.voting_rule = VotingRule.TWO_THIRDS
    db.session.commit()
    motion = motion_in_vote(quorate, coordinator)
    quorate.body.voting_rule = VotingRule.CONSENSUS  # changed meanwhile: the opening fixed two thirds
    db.session.commit()
    committee_motions.cast(focal_point, motion, VoteChoice.NO)
    committee_motions.close_vote(coordinator, motion)  # the chair closes before the chair votes
    assert (motion.status, motion.voting_rule) == (MotionStatus.REJECTED, VotingRule.TWO_THIRDS)
    with pytest.raises(DomainError, match="This vote is closed"):
        committee_motions.cast(coordinator, motion, VoteChoice.YES)
    with pytest.raises(DomainError, match="This vote is closed"):
        committee_motions.close_vote(coordinator, motion)


def test_a_withdrawn_motion_is_never_voted(live, coordinator):
    motion = committee_motions.propose(coordinator, live, MotionData("Withdraw me."))
    committee_motions.withdraw(coordinator, motion)
    assert motion.status == MotionStatus.WITHDRAWN
    with pytest.raises(DomainError):
        committee_motions.open_vote(coordinator, motion, VoteMethod.NAMED)
    assert committee_live_state.snapshot(live)["motions"] == []


def _cast_in_thread(app, user_id, motion_id, choice, outcomes):
    with app.app_context(), force_locale("en"):
        try:
            committee_motions.cast(db.session.get(User, user_id), db.session.get(Motion, motion_id), choice)
            outcomes.append("stored")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            db.session.remove()


@on_postgresql
@pytest.mark.parametrize("method", [VoteMethod.NAMED, VoteMethod.SECRET])
def test_the_same_member_voting_twice_at_once_is_counted_once(app, quorate, coordinator, method):
    motion = motion_in_vote(quorate, coordinator, method)
    outcomes: list[str] = []
    choices = [VoteChoice.YES, VoteChoice.NO] * 4
    threads = [
        threading.Thread(target=_cast_in_thread, args=(app, coordinator.id, motion.id, choice, outcomes))
        for choice in choices
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 1
    assert set(outcomes) - {"stored"} == {"You have already voted on this motion."}
    db.session.expire_all()
    assert committee_motions.voted_ids(motion) == {coordinator.id}
    assert committee_motions.totals_of(motion).cast == 2  # the chair's weight with the proxy, once
