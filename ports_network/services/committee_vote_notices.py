"""Who is told about votes between sessions, and when: every voting member when the vote opens, those who
have not voted yet before it closes (once, a day before the deadline, or halfway through a shorter vote),
and everyone convened to vote when the result is known. In the platform and by mail, by preference
(group "committees"). Nothing here names a choice: a notice says who may vote, never how anyone voted.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..links import site_path
from ..models import Motion, MotionStatus, User
from ..models.base import utcnow
from . import notifications
from .committee_motions import voted_ids, voting_members

logger = logging.getLogger(__name__)

REMINDER_BEFORE = timedelta(hours=24)
EXCERPT = 140


def excerpt(motion: Motion) -> str:
    """The motion's text on one line, shortened for a notice."""
    text = " ".join(motion.text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _params(motion: Motion, person: User, **extra: object) -> dict:
    # Stored with the notice: the body's name in the person's language, the deadline in UTC.
    return {
        "body": motion.body.name_in(person.preferred_locale),
        "motion": excerpt(motion),
        "deadline": motion.closes_at.strftime("%Y-%m-%d %H:%M UTC") if motion.closes_at else "",
        **extra,
    }


def _tell(people: Iterable[User], motion: Motion, kind: str, **extra: object) -> int:
    link = site_path("committees.motion", motion_id=motion.id)
    told = 0
    for person in people:
        params = _params(motion, person, **extra)
        told += notifications.notify(person, kind, params=params, link=link) is not None
    return told


def notify_opened(motion: Motion, members: Iterable[User]) -> int:
    """Tell the voting members a vote is open and until when (in the caller's transaction)."""
    return _tell(members, motion, "committees.vote_opened")


def announce_result(motion: Motion) -> int:
    """Tell the body's voting members the result of a vote between sessions, and commit."""
    members = voting_members(motion.body, utcnow().date())
    told = _tell(
        members,
        motion,
        "committees.vote_result",
        result=motion.status.value,
        yes=motion.yes_votes or 0,
        no=motion.no_votes or 0,
        abstain=motion.abstentions or 0,
    )
    db.session.commit()
    return told


def reminder_at(motion: Motion) -> datetime:
    """When the reminder is due: a day before the deadline, or halfway through a shorter vote."""
    lead = min(REMINDER_BEFORE, (motion.closes_at - (motion.opened_at or motion.closes_at)) / 2)
    return motion.closes_at - lead


def _claim_reminder(motion: Motion, now: datetime) -> bool:
    """Mark the reminder sent with a conditional update, so two runners never both send it."""
    claimed = db.session.execute(
        sa.update(Motion)
        .where(Motion.id == motion.id, Motion.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def remind_due(now: datetime | None = None) -> int:
    """Remind the voting members who have not voted yet, once per vote; returns how many were reminded."""
    now = now or utcnow()
    open_votes = db.session.scalars(
        sa.select(Motion)
        .where(
            Motion.between_sessions.is_(True),
            Motion.status == MotionStatus.VOTING,
            Motion.reminder_sent_at.is_(None),
            Motion.closes_at > now,
        )
        .order_by(Motion.id)
    ).all()
    reminded = 0
    for motion in open_votes:
        if now < reminder_at(motion) or not _claim_reminder(motion, now):
            continue
        voted = voted_ids(motion)
        waiting = [person for person in voting_members(motion.body, now.date()) if person.id not in voted]
        reminded += _tell(waiting, motion, "committees.vote_reminder")
        db.session.commit()
        logger.info("vote on motion %s: reminder sent to %d member(s)", motion.id, len(waiting))
    return reminded
