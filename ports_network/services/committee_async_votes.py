"""Votes between sessions: an officer of the body (or the Secretariat) puts a motion to the body's voting
members with a deadline and a turnout; they vote on the motion's page (named or secret ballot, one vote
each); the vote closes at the deadline (`close_due`, a scheduled job) or as soon as everyone has voted,
and the result is announced. A motion proposed in a session and not voted there can be put this way too.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import Body, Motion, MotionStatus, User, VoteMethod
from ..models.base import utcnow
from ..models.committee_vote import ELECTRONIC_METHODS
from . import audit, committee_motions, committee_vote_notices, quorum

logger = logging.getLogger(__name__)

MIN_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(days=60)


@dataclass(frozen=True)
class BallotData:
    """How a vote between sessions is taken: the method, the deadline (UTC) and the turnout required
    (None: the body's quorum rule applied to its voting seats)."""

    method: VoteMethod
    closes_at: datetime | None
    required_turnout: int | None = None


def default_turnout(body: Body, voting_seats: int) -> int:
    """The turnout a vote between sessions needs by default: the body's quorum of its voting seats."""
    return quorum.required_for(body.quorum_rule.value, voting_seats, body.quorum_count)


def _checked(body: Body, data: BallotData, voters: int) -> dict:
    """The vote's settings, checked before anything changes."""
    if VoteMethod(data.method) not in ELECTRONIC_METHODS:
        raise DomainError(_("Between sessions members vote by named or secret ballot."), field="method")
    now = utcnow()
    if data.closes_at is None or not now + MIN_DURATION <= data.closes_at <= now + MAX_DURATION:
        raise DomainError(
            _("Give a deadline between one hour and 60 days from now (UTC)."), field="closes_date"
        )
    if voters == 0:
        raise DomainError(_("Nobody holds a voting seat in this body today."))
    turnout = data.required_turnout or min(voters, default_turnout(body, voters))
    if not 1 <= turnout <= voters:
        raise DomainError(
            _("The turnout must be between 1 and %(num)d, the voting members.", num=voters),
            field="required_turnout",
        )
    return {"vote_method": VoteMethod(data.method), "closes_at": data.closes_at, "required_turnout": turnout}


def _open(actor: User, motion: Motion, data: BallotData) -> int:
    members = committee_motions.voting_members(motion.body, utcnow().date())
    values = _checked(motion.body, data, len(members))
    for key, value in values.items():
        setattr(motion, key, value)
    motion.between_sessions, motion.voting_rule = True, motion.body.voting_rule
    motion.status, motion.opened_at, motion.eligible_votes = MotionStatus.VOTING, utcnow(), len(members)
    if motion.vote_method == VoteMethod.SECRET:
        committee_motions.prepare_tally(motion)
    audit.record(
        actor,
        "motion.open_vote",
        motion,
        old={"motion_status": "proposed"},
        new={"motion_status": "voting", "eligible_votes": len(members), **values},
    )
    told = committee_vote_notices.notify_opened(motion, members)
    db.session.commit()
    return told


def open_between_sessions(actor: User, motion: Motion, data: BallotData) -> int:
    """Put a proposed motion to the voting members now; returns how many were told."""
    if not security.can(actor, "committees.run_motion", motion) or not motion.body.is_active:
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary puts motions to the vote."))
    if motion.status != MotionStatus.PROPOSED:
        raise DomainError(_("This motion is not waiting for a vote."))
    if motion.session is not None and motion.session.is_live:
        raise DomainError(_("The session is in progress: put the motion to the vote there."))
    return _open(actor, motion, data)


def put_to_members(actor: User, body: Body, data: committee_motions.MotionData, ballot: BallotData) -> Motion:
    """Propose a motion between sessions and open its vote at once."""
    if not security.can(actor, "committees.propose_motion", body):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary puts motions to the members."))
    values = committee_motions.validated(body, utcnow().date(), data)
    motion = Motion(body_id=body.id, proposed_by_id=actor.id, **values)
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "motion.propose", motion, new={"text": motion.text})
    try:
        _open(actor, motion, ballot)
    except DomainError:
        db.session.rollback()
        raise
    return motion


def open_for(user: User) -> list[Motion]:
    """The votes between sessions open now that the person may see, the nearest deadline first."""
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(
                security.motions_visible_to(user),
                Motion.between_sessions.is_(True),
                Motion.status == MotionStatus.VOTING,
            )
            .order_by(Motion.closes_at, Motion.id)
        )
    )


def close_due(now: datetime | None = None) -> int:
    """Close every vote between sessions whose deadline has passed; returns how many were closed."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Motion.id).where(
            Motion.between_sessions.is_(True), Motion.status == MotionStatus.VOTING, Motion.closes_at <= now
        )
    ).all()
    closed = 0
    for motion_id in due:
        motion = db.session.get(Motion, motion_id)
        try:
            outcome = committee_motions.close_vote(None, motion)
        except DomainError:  # closed meanwhile by the last ballot or another runner
            continue
        closed += 1
        logger.info("vote on motion %s closed at its deadline: %s", motion.id, outcome.status)
    return closed
