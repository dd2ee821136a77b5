"""Who is told about data calls, and when: the reporters of the named communities hear of a call when it
opens (or names their community later), and are reminded 7 days and 1 day before the deadline while
their community has not sent its values."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import security
from ..extensions import db
from ..links import site_path
from ..models import (
    DataCall,
    DataCallStatus,
    PortCommunity,
    Submission,
    SubmissionStatus,
    User,
)
from ..models.base import utcnow
from . import memberships, notifications

logger = logging.getLogger(__name__)

# Days before the deadline at which reporters are reminded.
REMINDER_DAYS = (7, 1)
# Once a submission got this far, its reporters have nothing left to send.
SENT_STATES = frozenset(
    {
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.VALIDATED,
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.PUBLISHED,
    }
)


def reporters(community: PortCommunity) -> list[User]:
    """Who sends a community's values: its active coordinators and focal points."""
    return memberships.members_with_roles(community.id, security.REPORTERS, reachable=True)


def _deadline_text(call: DataCall) -> str:
    # Stored in the notice's parameters, so it reads the same in every language.
    return call.deadline.strftime("%Y-%m-%d %H:%M UTC")


def notify_reporters(call: DataCall, communities: Iterable[PortCommunity], kind: str, **extra: object) -> int:
    """Tell each community's reporters about the call (mail and in-app by their preferences)."""
    link = site_path("submissions.call", call_id=call.id)
    sent = 0
    for community in communities:
        params = {
            "title": call.title,
            "period": call.period,
            "deadline": _deadline_text(call),
            "community": community.name,
            **extra,
        }
        for person in reporters(community):
            sent += notifications.notify(person, kind, params=params, link=link) is not None
    return sent


def _reminder_due(call: DataCall, now: datetime) -> int | None:
    """The reminder (days before the deadline) the call is due for now, or None."""
    remaining = call.deadline - now
    due = [days for days in REMINDER_DAYS if remaining <= timedelta(days=days)]
    if remaining <= timedelta(0) or not due:
        return None
    threshold = min(due)  # after a pause of the job, only the nearest reminder is sent
    if call.reminded_days is not None and call.reminded_days <= threshold:
        return None
    return threshold


def _waiting(call: DataCall) -> list[PortCommunity]:
    """The named communities that have not sent their values yet."""
    sent = set(
        db.session.scalars(
            sa.select(Submission.community_id).where(
                Submission.data_call_id == call.id, Submission.status.in_(SENT_STATES)
            )
        )
    )
    return [community for community in call.communities if community.id not in sent]


def _claim_reminder(call: DataCall, days: int) -> bool:
    """Mark the reminder sent with a conditional update, so two runners never both send it."""
    claimed = db.session.execute(
        sa.update(DataCall)
        .where(
            DataCall.id == call.id,
            sa.or_(DataCall.reminded_days.is_(None), DataCall.reminded_days > days),
        )
        .values(reminded_days=days)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def remind_due(now: datetime | None = None) -> int:
    """Remind the reporters of communities that have not sent their values, 7 days and 1 day before the
    deadline of each open call (each reminder once); returns how many people were reminded."""
    now = now or utcnow()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    calls = db.session.scalars(
        sa.select(DataCall)
        .where(DataCall.status == DataCallStatus.OPEN, DataCall.deadline > now, DataCall.deadline <= horizon)
        .options(sa.orm.selectinload(DataCall.communities))
        .order_by(DataCall.id)
    ).all()
    reminded = 0
    for call in calls:
        days = _reminder_due(call, now)
        if days is None or not _claim_reminder(call, days):
            continue
        reminded += notify_reporters(call, _waiting(call), "index.data_call_reminder", days=days)
        db.session.commit()
        logger.info("data call %s: %d-day reminder sent", call.id, days)
    return reminded
