"""A session run live: the chair, vice-chair or secretary (or the Secretariat) opens a convened session,
moves through the agenda, takes the roll call with proxies, and closes it.

Every change is committed (with its audit record) and raises the session's `live_revision` before anyone
is told; the adapters then broadcast the session's state (`committee_live_state`). Speakers and motions
have their own modules (`committee_speakers`, `committee_motions`).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CommitteeSession,
    Motion,
    MotionStatus,
    Seat,
    SessionStatus,
    SpeakerRequest,
    SpeakerStatus,
    User,
)
from ..models.base import utcnow
from . import audit, committee_sessions, quorum

ATTENDING = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.REMOTE})


def bump(session: CommitteeSession) -> None:
    """Raise the session's live revision in the caller's transaction (an atomic UPDATE, never lost)."""
    session.live_revision = CommitteeSession.live_revision + 1


def ensure_driver(actor: User, session: CommitteeSession) -> None:
    """Refuse anyone but the body's officers and the Secretariat."""
    if not security.can(actor, "committees.drive_session", session):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary runs the session."))


def ensure_live(session: CommitteeSession) -> None:
    """Refuse changes to a session that is not in progress."""
    if session.status != SessionStatus.IN_PROGRESS:
        raise DomainError(_("The session is not in progress."))


def open_vote_of(session: CommitteeSession) -> Motion | None:
    """The session's motion being voted on now, if any (one at a time)."""
    return db.session.scalar(
        sa.select(Motion).where(Motion.session_id == session.id, Motion.status == MotionStatus.VOTING)
    )


def _status_change(actor: User, session: CommitteeSession, old: SessionStatus, action: str) -> None:
    audit.record(actor, action, session, old={"session_status": old}, new={"session_status": session.status})
    bump(session)
    db.session.commit()


def open_session(actor: User, session: CommitteeSession) -> None:
    """Start a convened session: in progress from now, its first agenda item under discussion."""
    ensure_driver(actor, session)
    if session.status != SessionStatus.CONVENED:
        raise DomainError(_("Only a convened session can be opened."))
    session.status = SessionStatus.IN_PROGRESS
    session.started_at = utcnow()
    session.current_item = session.items[0] if session.items else None
    _status_change(actor, session, SessionStatus.CONVENED, "committee_session.open")


def close_session(actor: User, session: CommitteeSession) -> None:
    """End the session; the floor is closed and motions not put to the vote stay proposed."""
    ensure_driver(actor, session)
    ensure_live(session)
    if open_vote_of(session) is not None:
        raise DomainError(_("Close the vote in progress before closing the session."))
    now = utcnow()
    queued = db.session.scalars(
        sa.select(SpeakerRequest).where(
            SpeakerRequest.session_id == session.id,
            SpeakerRequest.status.in_([SpeakerStatus.WAITING, SpeakerStatus.SPEAKING]),
        )
    )
    for request in queued:
        speaking = request.status == SpeakerStatus.SPEAKING
        request.status = SpeakerStatus.DONE if speaking else SpeakerStatus.WITHDRAWN
        request.ended_at = now
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.current_item = None
    _status_change(actor, session, SessionStatus.IN_PROGRESS, "committee_session.close")


def take_up(actor: User, session: CommitteeSession, item_id: int | None) -> None:
    """Move the session to one of its agenda items (None: between items)."""
    ensure_driver(actor, session)
    ensure_live(session)
    item = None
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.session_id != session.id:
            raise DomainError(_("This item is not on the session's agenda."))
    if item == session.current_item:
        return
    audit.record(
        actor,
        "committee_session.current_item",
        session,
        old={"item": session.current_item.title if session.current_item else None},
        new={"item": item.title if item else None},
    )
    session.current_item = item
    bump(session)
    db.session.commit()


# --- roll call ----------------------------------------------------------------------------------------


def _convened_seat(session: CommitteeSession, person_id: int) -> Seat:
    seat = next((s for s in committee_sessions.convened_seats(session) if s.user_id == person_id), None)
    if seat is None:
        raise DomainError(_("This person holds no seat in the body on the session's day."))
    return seat


PROXY_MESSAGES = {
    quorum.PROXIES_NOT_ALLOWED: lambda: _("This body does not allow proxies."),
    quorum.GIVER_NOT_VOTING: lambda: _("Only a voting member gives a proxy."),
    quorum.OWN_PROXY: lambda: _("A member cannot hold their own proxy."),
    quorum.GIVER_ATTENDS: lambda: _("A member who attends votes in person: mark them excused or absent."),
    quorum.HOLDER_NOT_ATTENDING: lambda: _(
        "The proxy holder must be a voting member marked present or remote."
    ),
    quorum.HOLDER_FULL: lambda: _("The proxy holder already carries as many proxies as the body allows."),
}


def _check_proxy(session: CommitteeSession, person_id: int, status: AttendanceStatus, holder_id: int) -> None:
    seats = [
        quorum.Presence(p.person_id, p.voting, status.value, p.proxy_holder_id)
        if p.person_id == person_id
        else p
        for p in committee_sessions.presences(session)
    ]
    policy = quorum.ProxyPolicy(session.body.proxy_rule.value, session.body.max_proxies)
    problem = quorum.proxy_problem(seats, policy, person_id, holder_id)
    if problem is not None:
        raise DomainError(PROXY_MESSAGES[problem](), field="proxy_holder_id")


def _answer_of(session: CommitteeSession, person_id: int) -> Attendance:
    """The person's roll-call row in the session, or a new one."""
    return db.session.scalar(
        sa.select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == person_id)
    ) or Attendance(session_id=session.id, user_id=person_id)


def _store(row: Attendance) -> None:
    db.session.add(row)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # two officers recorded the same person's first answer at once
        db.session.rollback()
        raise DomainError(_("The roll call changed meanwhile; look again and retry.")) from None


def record_attendance(
    actor: User,
    session: CommitteeSession,
    person_id: int,
    status: AttendanceStatus,
    proxy_holder_id: int | None = None,
) -> Attendance:
    """Record a convened person's roll-call answer, and for an absent voting member whose proxy they gave.

    The roll call is frozen while a vote is open: the weights a vote counts must not move under it."""
    ensure_driver(actor, session)
    ensure_live(session)
    if open_vote_of(session) is not None:
        raise DomainError(_("The roll call cannot change while a vote is open."))
    seat = _convened_seat(session, person_id)
    status = AttendanceStatus(status)
    if proxy_holder_id is not None:
        _check_proxy(session, person_id, status, proxy_holder_id)
    row = _answer_of(session, person_id)
    old = {"attendance": row.status, "proxy_holder": row.proxy_holder.name if row.proxy_holder else None}
    row.seat_id, row.status, row.proxy_holder_id = seat.id, status, proxy_holder_id
    row.recorded_by_id, row.recorded_at = actor.id, utcnow()
    _store(row)
    holder = db.session.get(User, proxy_holder_id) if proxy_holder_id else None
    new = {"person": seat.user.name, "attendance": status, "proxy_holder": holder.name if holder else None}
    audit.record(actor, "committee_attendance.record", row, old=old, new=new)
    bump(session)
    db.session.commit()
    return row
