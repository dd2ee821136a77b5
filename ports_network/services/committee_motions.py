"""Motions and the votes on them: proposed (text, mover, seconder), put to the vote by show of hands, named
or secret ballot, counted by the body's rule with proxies as weights (`vote_count`), and closed.

One vote per member per motion is the database's rule (Ballot's unique pair, the secret receipt's primary
key); this module turns the refusal into a message. A secret ballot is written as a receipt (who voted)
and an increment of a tally row that exists from the opening (what was chosen), nothing else: no audit
record, no notice, no log line names a secret choice, and closing rewrites the tally rows so that no
database bookkeeping of the last voters' transactions stays on them. Votes between sessions are opened
by `committee_async_votes`; casting and closing are the same here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..database import one_writer
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    AgendaItem,
    Ballot,
    Body,
    CommitteeSession,
    Motion,
    MotionStatus,
    SecretBallotReceipt,
    SecretTally,
    User,
    VoteChoice,
    VoteMethod,
)
from ..models.base import utcnow
from . import audit, committee_sessions, committees, vote_count
from .committee_live import bump, ensure_driver, ensure_live, open_vote_of

MAX_TEXT = 5000


@dataclass(frozen=True)
class MotionData:
    """A motion as the officer records it."""

    text: str
    mover_id: int | None = None
    seconder_id: int | None = None
    agenda_item_id: int | None = None


def get(motion_id: int) -> Motion | None:
    """The motion with this id."""
    return db.session.get(Motion, motion_id)


def of_session(session: CommitteeSession) -> list[Motion]:
    """The session's motions, in the order they were proposed."""
    return list(
        db.session.scalars(sa.select(Motion).where(Motion.session_id == session.id).order_by(Motion.id))
    )


def of_body_for(user: User, body: Body, limit: int = 30) -> list[Motion]:
    """The body's motions the person may see, newest first (the body page lists them)."""
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(Motion.body_id == body.id, security.motions_visible_to(user))
            .order_by(Motion.id.desc())
            .limit(limit)
        )
    )


def voting_members(body: Body, day: date) -> list[User]:
    """The people holding a voting seat in the body on that day (accounts still open), by name."""
    people = {seat.user.id: seat.user for seat in committees.seats_of(body, current_on=day) if seat.voting}
    alive = [p for p in people.values() if not p.is_deleted and not p.is_disabled]
    return sorted(alive, key=lambda p: (p.name, p.id))


def voting_members_of_session(session: CommitteeSession) -> list[User]:
    """The voting members convened to a session: who may move and second its motions."""
    return voting_members(session.body, committee_sessions.session_day(session))


def validated(body: Body, day: date, data: MotionData, session: CommitteeSession | None = None) -> dict:
    """Checked values of a motion: its text, and a mover and seconder among the voting members."""
    text = (data.text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise DomainError(_("Write the motion (at most 5,000 characters)."), field="text")
    voters = {person.id for person in voting_members(body, day)}
    for field, person_id in (("mover_id", data.mover_id), ("seconder_id", data.seconder_id)):
        if person_id is not None and person_id not in voters:
            raise DomainError(_("Movers and seconders are voting members of the body."), field=field)
    if data.mover_id is not None and data.mover_id == data.seconder_id:
        raise DomainError(_("The seconder must be someone other than the mover."), field="seconder_id")
    item_id = data.agenda_item_id if data.agenda_item_id else (session.current_item_id if session else None)
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or session is None or item.session_id != session.id:
            raise DomainError(_("This item is not on the session's agenda."), field="agenda_item_id")
    return {
        "text": text,
        "mover_id": data.mover_id,
        "seconder_id": data.seconder_id,
        "agenda_item_id": item_id,
    }


def _audited(motion: Motion) -> dict:
    return {
        "text": motion.text,
        "mover": motion.mover.name if motion.mover else None,
        "seconder": motion.seconder.name if motion.seconder else None,
    }


def propose(actor: User, session: CommitteeSession, data: MotionData) -> Motion:
    """An officer records a motion moved (and seconded) in the session, on the item under discussion."""
    ensure_driver(actor, session)
    ensure_live(session)
    values = validated(session.body, committee_sessions.session_day(session), data, session)
    motion = Motion(body_id=session.body_id, session_id=session.id, proposed_by_id=actor.id, **values)
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "motion.propose", motion, new=_audited(motion))
    bump(session)
    db.session.commit()
    return motion


def _ensure_runs(actor: User, motion: Motion) -> None:
    if motion.session is not None and motion.session.is_live:
        ensure_driver(actor, motion.session)
    elif not security.can(actor, "committees.run_motion", motion):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary puts motions to the vote."))


def withdraw(actor: User, motion: Motion) -> None:
    """Withdraw a motion not yet put to the vote."""
    _ensure_runs(actor, motion)
    if motion.status != MotionStatus.PROPOSED:
        raise DomainError(_("Only a motion not yet put to the vote can be withdrawn."))
    motion.status = MotionStatus.WITHDRAWN
    audit.record(
        actor,
        "motion.withdraw",
        motion,
        old={"motion_status": "proposed"},
        new={"motion_status": "withdrawn"},
    )
    if motion.session is not None:
        bump(motion.session)
    db.session.commit()


def prepare_tally(motion: Motion) -> None:
    """Create every choice's tally row at the opening, so no row's creation tells the first choice made."""
    db.session.add_all(SecretTally(motion_id=motion.id, choice=choice, votes=0) for choice in VoteChoice)


def open_vote(actor: User, motion: Motion, method: VoteMethod) -> None:
    """Put a session's motion to the vote now, counted under the body's rule; the quorum must be reached
    and the weights are those of the roll call (which stays frozen until the vote closes)."""
    session = motion.session
    if session is None:
        raise DomainError(_("This motion belongs to no session: put it to a vote between sessions."))
    ensure_driver(actor, session)
    ensure_live(session)
    if motion.status != MotionStatus.PROPOSED:
        raise DomainError(_("This motion is not waiting for a vote."))
    if open_vote_of(session) is not None:
        raise DomainError(_("Another vote is open: close it first."))
    counted = committee_sessions.quorum_of(session)
    if not counted.reached:
        raise DomainError(_("The quorum is not reached: no vote can be taken."))
    motion.vote_method, motion.voting_rule = VoteMethod(method), session.body.voting_rule
    motion.status, motion.opened_at = MotionStatus.VOTING, utcnow()
    motion.eligible_votes = sum(counted.weights.values())
    if motion.vote_method == VoteMethod.SECRET:
        prepare_tally(motion)
    audit.record(
        actor,
        "motion.open_vote",
        motion,
        old={"motion_status": "proposed"},
        new={"motion_status": "voting", "vote_method": method, "eligible_votes": motion.eligible_votes},
    )
    bump(session)
    db.session.commit()


# --- ballots ------------------------------------------------------------------------------------------


def _lock_open(motion: Motion) -> None:
    """Hold the motion's row while it is still being voted on (a conditional UPDATE), or refuse: ballots
    and the closing queue on it, so no ballot lands after the count."""
    held = db.session.execute(
        sa.update(Motion)
        .where(Motion.id == motion.id, Motion.status == MotionStatus.VOTING)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if held != 1:
        db.session.rollback()
        raise DomainError(_("This vote is closed."))


@contextmanager
def _one_ballot() -> Iterator[None]:
    """Write a ballot and commit; the unique pair or the receipt's key refusing a second one (two sent at
    once, past every check) becomes a message. SQLite's writers of this process take turns."""
    with one_writer(db.session):
        try:
            yield
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            raise DomainError(_("You have already voted on this motion.")) from None


def _cast_secret(motion: Motion, voter: User, choice: VoteChoice, weight: int) -> None:
    db.session.add(SecretBallotReceipt(motion_id=motion.id, voter_id=voter.id))
    db.session.flush()
    db.session.execute(
        sa.update(SecretTally)
        .where(SecretTally.motion_id == motion.id, SecretTally.choice == choice)
        .values(votes=SecretTally.votes + weight)
        .execution_options(synchronize_session=False)
    )


def voted_ids(motion: Motion) -> set[int]:
    """Who has voted (by name or by receipt): never what they chose in a secret ballot."""
    table = SecretBallotReceipt if motion.vote_method == VoteMethod.SECRET else Ballot
    return set(db.session.scalars(sa.select(table.voter_id).where(table.motion_id == motion.id)))


def named_ballots(motion: Motion) -> list[Ballot]:
    """The ballots by name of a closed vote (none for a secret ballot), voters by name."""
    if motion.vote_method == VoteMethod.SECRET or not motion.is_decided:
        return []
    return list(
        db.session.scalars(
            sa.select(Ballot)
            .join(User, User.id == Ballot.voter_id)
            .where(Ballot.motion_id == motion.id)
            .options(sa.orm.contains_eager(Ballot.voter))
            .order_by(User.name, Ballot.voter_id)
        )
    )


def _electorate(motion: Motion) -> dict[int, int]:
    """Who may vote on the motion now, with the weight of each vote: the voting members between sessions
    (1 each); in a session, those present or remote, with the proxies they carry."""
    if motion.between_sessions:
        return dict.fromkeys((p.id for p in voting_members(motion.body, utcnow().date())), 1)
    return committee_sessions.quorum_of(motion.session).weights


def cast(actor: User, motion: Motion, choice: VoteChoice) -> bool:
    """Cast the actor's electronic vote (named or secret), once; the vote closes by itself when every
    eligible member has voted. Returns whether the motion is decided now.

    The last named ballot and the count are one transaction. A secret ballot's count is always a
    transaction of its own, so the tally rows never end up written by a voter's transaction."""
    if motion.status != MotionStatus.VOTING:
        raise DomainError(
            _("This vote is closed.") if motion.is_decided else _("This motion is not being voted on.")
        )
    if not security.can(actor, "committees.vote", motion):
        raise NotAllowed(_("You cannot vote on this motion."))
    choice = VoteChoice(choice)
    electorate = _electorate(motion)
    weight = electorate.get(actor.id)
    if weight is None:
        raise NotAllowed(_("You cannot vote on this motion."))
    secret = motion.vote_method == VoteMethod.SECRET
    with _one_ballot():
        _lock_open(motion)  # ballots of a motion queue here: the last one sees every other
        if secret:
            _cast_secret(motion, actor, choice, weight)
        else:
            db.session.add(Ballot(motion_id=motion.id, voter_id=actor.id, choice=choice, weight=weight))
            new = {"person": actor.name, "choice": choice, "weight": weight}
            audit.record(actor, "motion.ballot", motion, new=new)
            db.session.flush()
        everyone = set(electorate) <= voted_ids(motion)
        if everyone and not secret:
            _count(None, motion)
        elif motion.session is not None:
            bump(motion.session)
    if everyone and secret:
        try:
            close_vote(None, motion)
        except DomainError:  # closed meanwhile by an officer
            db.session.rollback()
    elif everyone:
        announce(motion)
    return motion.is_decided


def record_hand(actor: User, motion: Motion, voter_id: int, choice: VoteChoice) -> None:
    """The secretary records a member's raised hand by name (or corrects it) in a show-of-hands vote."""
    session = motion.session
    if session is None or motion.vote_method != VoteMethod.SHOW_OF_HANDS:
        raise DomainError(_("Hands are recorded only in a vote by show of hands."))
    ensure_driver(actor, session)
    weight = _electorate(motion).get(voter_id)
    if weight is None:
        raise DomainError(_("Only voting members present or remote vote."), field="voter_id")
    with _one_ballot():
        _lock_open(motion)
        ballot = db.session.scalar(
            sa.select(Ballot).where(Ballot.motion_id == motion.id, Ballot.voter_id == voter_id)
        ) or Ballot(motion_id=motion.id, voter_id=voter_id)
        old = {"choice": ballot.choice}
        ballot.choice, ballot.weight, ballot.recorded_by_id = VoteChoice(choice), weight, actor.id
        db.session.add(ballot)
        voter = db.session.get(User, voter_id)
        new = {"person": voter.name, "choice": ballot.choice, "weight": weight}
        audit.record(actor, "motion.hand", motion, old=old, new=new)
        bump(session)


# --- the count ----------------------------------------------------------------------------------------


def totals_of(motion: Motion) -> vote_count.Totals:
    """The weighted totals so far: from the tally of a secret ballot, else from the named ballots."""
    if motion.vote_method == VoteMethod.SECRET:
        rows = db.session.execute(
            sa.select(SecretTally.choice, SecretTally.votes).where(SecretTally.motion_id == motion.id)
        )
        counts = {choice.value: votes for choice, votes in rows}
        return vote_count.Totals(counts.get("yes", 0), counts.get("no", 0), counts.get("abstain", 0))
    rows = db.session.execute(
        sa.select(Ballot.choice, sa.func.sum(Ballot.weight))
        .where(Ballot.motion_id == motion.id)
        .group_by(Ballot.choice)
    )
    return vote_count.totals((choice.value, int(weight)) for choice, weight in rows)


def _count(actor: User | None, motion: Motion) -> vote_count.Outcome:
    """Count the votes of a motion whose row the caller holds, and store the result (no commit)."""
    outcome = vote_count.decide(motion.voting_rule.value, totals_of(motion), motion.required_turnout)
    motion.status, motion.closed_at = MotionStatus(outcome.status), utcnow()
    motion.yes_votes, motion.no_votes = outcome.totals.yes, outcome.totals.no
    motion.abstentions = outcome.totals.abstain
    if motion.vote_method == VoteMethod.SECRET:
        # Rewritten by the closing transaction: the rows no longer carry the last voters' transactions.
        db.session.execute(
            sa.update(SecretTally)
            .where(SecretTally.motion_id == motion.id)
            .values(votes=SecretTally.votes)
            .execution_options(synchronize_session=False)
        )
    counted = {"yes_votes": motion.yes_votes, "no_votes": motion.no_votes, "abstentions": motion.abstentions}
    new = {"motion_status": motion.status, **counted}
    audit.record(actor, "motion.close", motion, old={"motion_status": "voting"}, new=new)
    if motion.session is not None:
        bump(motion.session)
    return outcome


def close_vote(actor: User | None, motion: Motion) -> vote_count.Outcome:
    """Count the votes by the rule fixed at the opening and announce the result (None: closed by the
    platform, at the deadline or when everyone had voted)."""
    if actor is not None:
        _ensure_runs(actor, motion)
    with one_writer(db.session):
        _lock_open(motion)
        outcome = _count(actor, motion)
        db.session.commit()
    announce(motion)
    return outcome


def announce(motion: Motion) -> None:
    """Tell the members the result of a vote between sessions (a session's attendees see it live)."""
    if motion.between_sessions and motion.is_decided:
        from .committee_vote_notices import announce_result  # the notices build on this module

        announce_result(motion)
