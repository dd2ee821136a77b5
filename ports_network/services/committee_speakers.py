"""The speakers' queue of a live session: seat holders ask for the floor and withdraw; the officers give
the floor to the next in line. Requests are kept, so the minutes can tell who spoke on which item."""

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import CommitteeSession, SpeakerRequest, SpeakerStatus, User
from ..models.base import utcnow
from . import audit
from .committee_live import bump, ensure_driver, ensure_live

QUEUED = (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)


def queue_of(session: CommitteeSession) -> list[SpeakerRequest]:
    """Who has the floor, then who waits for it, in the order they asked."""
    requests = db.session.scalars(
        sa.select(SpeakerRequest)
        .where(SpeakerRequest.session_id == session.id, SpeakerRequest.status.in_(QUEUED))
        .options(sa.orm.joinedload(SpeakerRequest.user))
        .order_by(SpeakerRequest.id)
    ).all()
    return sorted(requests, key=lambda r: (r.status != SpeakerStatus.SPEAKING, r.id))


def _own_request(user: User, session: CommitteeSession) -> SpeakerRequest | None:
    return db.session.scalar(
        sa.select(SpeakerRequest).where(
            SpeakerRequest.session_id == session.id,
            SpeakerRequest.user_id == user.id,
            SpeakerRequest.status.in_(QUEUED),
        )
    )


def request_floor(actor: User, session: CommitteeSession) -> SpeakerRequest:
    """Join the queue (once at a time), on the agenda item under discussion."""
    if not security.can(actor, "committees.request_floor", session):
        raise NotAllowed(
            _("Only the seat holders convened ask for the floor while the session is in progress.")
        )
    if _own_request(actor, session) is not None:
        raise DomainError(_("You are already in the speakers' queue."))
    request = SpeakerRequest(session_id=session.id, user_id=actor.id, agenda_item_id=session.current_item_id)
    db.session.add(request)
    try:
        db.session.flush()  # the partial unique index referees two requests sent at once
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DomainError(_("You are already in the speakers' queue.")) from None
    audit.record(actor, "speaker.request", request, new={"person": actor.name})
    bump(session)
    db.session.commit()
    return request


def withdraw(actor: User, session: CommitteeSession) -> None:
    """Leave the queue: a waiting request is withdrawn, the speaker yields the floor."""
    ensure_live(session)
    request = _own_request(actor, session)
    if request is None:
        raise DomainError(_("You are not in the speakers' queue."))
    old = request.status
    request.status = SpeakerStatus.DONE if old == SpeakerStatus.SPEAKING else SpeakerStatus.WITHDRAWN
    request.ended_at = utcnow()
    audit.record(
        actor,
        "speaker.withdraw",
        request,
        old={"speaker_status": old},
        new={"speaker_status": request.status},
    )
    bump(session)
    db.session.commit()


def next_speaker(actor: User, session: CommitteeSession) -> SpeakerRequest | None:
    """End the current speaker's turn and give the floor to the first in line; returns the new speaker."""
    ensure_driver(actor, session)
    ensure_live(session)
    now = utcnow()
    queue = queue_of(session)
    speaking = next((r for r in queue if r.status == SpeakerStatus.SPEAKING), None)
    if speaking is not None:
        speaking.status, speaking.ended_at = SpeakerStatus.DONE, now
        db.session.flush()  # the one-speaker index sees the turn end before the next begins
    following = next((r for r in queue if r.status == SpeakerStatus.WAITING), None)
    if speaking is None and following is None:
        raise DomainError(_("Nobody is waiting for the floor."))
    if following is not None:
        following.status, following.started_at = SpeakerStatus.SPEAKING, now
    audit.record(
        actor,
        "speaker.next",
        session,
        old={"speaker": speaking.user.name if speaking else None},
        new={"speaker": following.user.name if following else None},
    )
    bump(session)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another officer moved the queue at the same moment
        db.session.rollback()
        raise DomainError(_("The queue changed meanwhile; look again and retry.")) from None
    return following
