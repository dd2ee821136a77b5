"""Sessions of a governance body: the chair, vice-chair or secretary (or the Secretariat) schedules, changes,
cancels and convenes them; the quorum is computed from the seats and the roll call.

Convening tells every seat holder (in-app and by mail, with the calendar invitation attached); a change of
time or place after the convocation, and a cancellation, send revised invitations (`committee_invitations`).
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    Attendance,
    Body,
    CommitteeSession,
    QuorumRule,
    Seat,
    SeatRole,
    SessionKind,
    SessionStatus,
    User,
)
from ..models.base import utcnow
from . import audit, committee_invitations, committees, quorum, rooms, time_zones
from .text_input import bounded_line, web_link

MAX_TITLE = 200
MAX_PLACE = 300
MAX_REASON = 500
MIN_DURATION = 5
MAX_DURATION = 24 * 60
# What people were convened to: changing one of these after the convocation sends revised invitations.
INVITATION_FIELDS = ("starts_at", "duration_minutes", "time_zone", "kind", "place", "link", "title")


@dataclass(frozen=True)
class SessionData:
    """A session as its organiser enters it; `local_start` is wall-clock time in `time_zone`."""

    title: str
    kind: SessionKind
    local_start: datetime | None
    time_zone: str
    duration_minutes: int | None
    place: str | None = None
    link: str | None = None
    quorum_rule: QuorumRule | None = None  # None: the body's rule
    quorum_count: int | None = None


def get(session_id: int) -> CommitteeSession | None:
    """The session with this id."""
    return db.session.get(CommitteeSession, session_id)


def local_start(session: CommitteeSession) -> datetime:
    """When the session starts, as wall-clock time in its own zone."""
    return time_zones.in_zone(session.starts_at, session.time_zone)


def session_day(session: CommitteeSession) -> date:
    """The calendar day of the session where it takes place (seats are held by day)."""
    return local_start(session).date()


def convened_seats(session: CommitteeSession) -> list[Seat]:
    """The seats held on the session's day: the people convened, who may read the board pack."""
    return committees.seats_of(session.body, current_on=session_day(session))


def recipients(session: CommitteeSession) -> list[User]:
    """The people convened: every seat holder on the session's day, once each, without closed accounts."""
    people = {seat.user.id: seat.user for seat in convened_seats(session)}
    return [person for person in people.values() if not person.is_deleted and not person.is_disabled]


# --- validation ---------------------------------------------------------------------------------------


def _link(value: str | None) -> str | None:
    return web_link(value, "link", _("Enter the meeting link starting with https://."))


def _where(data: SessionData) -> tuple[str | None, str | None]:
    place = bounded_line(data.place, MAX_PLACE, "place", _("Keep the place under 300 characters."))
    link = _link(data.link)
    kind = SessionKind(data.kind)
    if kind in {SessionKind.IN_PERSON, SessionKind.HYBRID} and not place:
        raise DomainError(_("Say where the session takes place."), field="place")
    if kind in {SessionKind.ONLINE, SessionKind.HYBRID} and not link:
        raise DomainError(_("Give the link to join the session online."), field="link")
    return place, link


def _when(data: SessionData) -> datetime:
    if not time_zones.is_known(data.time_zone):
        raise DomainError(_("Choose one of the listed time zones."), field="time_zone")
    if data.local_start is None:
        raise DomainError(_("Give the date and time the session starts."), field="start_date")
    try:
        return time_zones.to_utc(data.local_start, data.time_zone)
    except ValueError:
        raise DomainError(
            _("That time does not exist in this time zone (the clocks change that day)."), field="start_time"
        ) from None


def _validated(data: SessionData) -> dict:
    """Checked values of a session; raises DomainError before anything changes."""
    title = bounded_line(data.title, MAX_TITLE, "title", _("Keep the title under 200 characters."))
    if not title:
        raise DomainError(_("Give the session a title."), field="title")
    duration = data.duration_minutes
    if duration is None or not MIN_DURATION <= duration <= MAX_DURATION:
        raise DomainError(_("Give a duration between 5 minutes and 24 hours."), field="duration_minutes")
    place, link = _where(data)
    rule = QuorumRule(data.quorum_rule) if data.quorum_rule else None
    return {
        "title": title,
        "kind": SessionKind(data.kind),
        "place": place,
        "link": link,
        "starts_at": _when(data),
        "time_zone": data.time_zone,
        "duration_minutes": duration,
        "quorum_rule": rule,
        "quorum_count": committees.checked_quorum_count(rule, data.quorum_count) if rule else None,
    }


def _must_be_future(starts_at: datetime) -> None:
    if starts_at <= utcnow():
        raise DomainError(_("The session must start in the future."), field="start_date")


AUDIT_KEYS = {"kind": "session_kind"}


def _audited(values: dict) -> dict:
    return {AUDIT_KEYS.get(key, key): value for key, value in values.items()}


# --- life cycle ---------------------------------------------------------------------------------------


def schedule(actor: User, body: Body, data: SessionData) -> CommitteeSession:
    """An officer of the body (or the Secretariat) schedules a session of an active body."""
    if not security.can(actor, "committees.schedule", body):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary schedules its sessions."))
    values = _validated(data)
    _must_be_future(values["starts_at"])
    session = CommitteeSession(body=body, created_by_id=actor.id, **values)
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "committee_session.schedule", session, new=_audited(values))
    db.session.commit()
    rooms.room_for_session(session)  # the session's discussion room (else created when first shown)
    return session


def _ensure_planned(actor: User, session: CommitteeSession) -> None:
    if not security.can(actor, "committees.run_session", session):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary runs its sessions."))
    if not session.is_planned:
        raise DomainError(_("This session can no longer be changed."))


def update(actor: User, session: CommitteeSession, data: SessionData) -> CommitteeSession:
    """Change a planned session; once convened, a new time or place sends everyone a revised invitation."""
    _ensure_planned(actor, session)
    values = _validated(data)
    if values["starts_at"] != session.starts_at:
        _must_be_future(values["starts_at"])
    old = {key: getattr(session, key) for key in values}
    changed = [key for key in values if old[key] != values[key]]
    if not changed:
        return session
    for key in changed:
        setattr(session, key, values[key])
    audit.record(
        actor,
        "committee_session.update",
        session,
        old=_audited({key: old[key] for key in changed}),
        new=_audited({key: values[key] for key in changed}),
    )
    if session.status == SessionStatus.CONVENED and set(changed) & set(INVITATION_FIELDS):
        session.ical_sequence += 1
        committee_invitations.send(session, recipients(session), "committees.session_updated")
    db.session.commit()
    return session


def cancel(actor: User, session: CommitteeSession, reason: str | None) -> None:
    """Cancel a planned session, saying why; people already convened get the cancellation."""
    _ensure_planned(actor, session)
    reason = bounded_line(reason, MAX_REASON, "reason", _("Keep the reason under 500 characters."))
    if not reason:
        raise DomainError(_("Say why the session is cancelled."), field="reason")
    was_convened = session.status == SessionStatus.CONVENED
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = utcnow()
    session.cancel_reason = reason
    audit.record(
        actor,
        "committee_session.cancel",
        session,
        old={"session_status": SessionStatus.CONVENED if was_convened else SessionStatus.SCHEDULED},
        new={"session_status": SessionStatus.CANCELLED, "reason": reason},
    )
    if was_convened:
        session.ical_sequence += 1
        committee_invitations.send(session, recipients(session), "committees.session_cancelled")
    db.session.commit()


def convene(actor: User, session: CommitteeSession) -> int:
    """Send the convocation to every seat holder of the session's day; returns how many were convened."""
    if not security.can(actor, "committees.run_session", session):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary convenes its sessions."))
    if session.status != SessionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled session that was not convened yet can be convened."))
    _must_be_future(session.starts_at)
    if not session.items:
        raise DomainError(_("Add at least one agenda item before convening the session."))
    people = recipients(session)
    if not people:
        raise DomainError(_("Nobody holds a seat in this body on the session's day."))
    session.status = SessionStatus.CONVENED
    session.convened_at = utcnow()
    audit.record(
        actor,
        "committee_session.convene",
        session,
        old={"session_status": SessionStatus.SCHEDULED},
        new={"session_status": SessionStatus.CONVENED, "recipients": len(people)},
    )
    committee_invitations.send(session, people, "committees.session_convened")
    db.session.commit()
    return len(people)


# --- quorum -------------------------------------------------------------------------------------------


def presences(session: CommitteeSession) -> list[quorum.Presence]:
    """The convened seats with their roll-call answers, as plain data for the quorum rules."""
    answers = {
        person_id: (status, holder)
        for person_id, status, holder in db.session.execute(
            sa.select(Attendance.user_id, Attendance.status, Attendance.proxy_holder_id).where(
                Attendance.session_id == session.id
            )
        )
    }
    found = []
    for person_id, role in committees.seat_roles_on(session.body, session_day(session)):
        status, holder = answers.get(person_id, (None, None))
        found.append(
            quorum.Presence(
                person_id=person_id,
                voting=role != SeatRole.OBSERVER,
                status=status.value if status else None,
                proxy_holder_id=holder,
            )
        )
    return found


def quorum_of(session: CommitteeSession) -> quorum.QuorumResult:
    """The session's quorum now: its rule (or the body's), its seats, attendance and proxies."""
    rule, count = session.effective_quorum_rule
    policy = quorum.ProxyPolicy(session.body.proxy_rule.value, session.body.max_proxies)
    return quorum.compute(presences(session), rule.value, count, policy)
