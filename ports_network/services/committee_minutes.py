"""Minutes of a session: generated once the session is closed, edited by the body's officers (every version
kept), opened to the attendees' amendments until a deadline, then approved by a carried motion of a later
session (or of a vote between sessions) and locked for good, with the sha256 of the approved text.

Drafts are for the body's seat holders and the Secretariat; approved minutes for every network member.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import site_path
from ..models import (
    AgendaItemKind,
    AmendmentStatus,
    Attendance,
    CommitteeMinutes,
    CommitteeSession,
    MinutesAmendment,
    MinutesStatus,
    MinutesVersion,
    Motion,
    MotionStatus,
    User,
    VersionOrigin,
)
from ..models.base import utcnow
from . import audit, committee_sessions, minutes_text, notifications

logger = logging.getLogger(__name__)

MAX_TEXT = 200_000
MAX_NOTE = 500
LONGEST_WINDOW = timedelta(days=90)


def normalised(text: str | None) -> str:
    """The text as stored and hashed: Unix line ends, no trailing spaces at the end, one final newline."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return lines + "\n" if lines else ""


def content_hash(text: str) -> str:
    """The sha256 (hex) of a text's UTF-8 bytes: what is shown beside locked minutes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verified(minutes: CommitteeMinutes) -> bool:
    """Whether locked minutes still match the hash taken at approval."""
    return minutes.locked_text is not None and content_hash(minutes.locked_text) == minutes.content_hash


def get(minutes_id: int) -> CommitteeMinutes | None:
    """The minutes with this id."""
    return db.session.get(CommitteeMinutes, minutes_id)


def of_session(session: CommitteeSession) -> CommitteeMinutes | None:
    """The session's minutes, if they were generated."""
    return db.session.scalar(sa.select(CommitteeMinutes).where(CommitteeMinutes.session_id == session.id))


def version(minutes: CommitteeMinutes, number: int) -> MinutesVersion | None:
    """One version of the minutes by its number."""
    return next((v for v in minutes.versions if v.number == number), None)


def ensure_editable(actor: User | None, minutes: CommitteeMinutes) -> None:
    """Refuse unless the actor may change these minutes (approved ones are locked for everyone)."""
    if minutes.is_approved:
        raise DomainError(_("These minutes are approved and locked: nobody can change them."))
    if actor is not None and not security.can(actor, "minutes.edit", minutes):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary changes its minutes."))


def add_version(
    actor: User | None, minutes: CommitteeMinutes, text: str, origin: VersionOrigin, note: str | None = None
) -> MinutesVersion:
    """Append a version with the next number (the caller commits)."""
    text = normalised(text)
    if not text.strip():
        raise DomainError(_("The minutes cannot be empty."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep the minutes under %(num)d characters.", num=MAX_TEXT), field="text")
    number = minutes.versions[-1].number + 1 if minutes.versions else 1
    created = MinutesVersion(
        minutes=minutes,
        number=number,
        text=text,
        origin=origin,
        note=(note or "").strip()[:MAX_NOTE] or None,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(created)
    return created


def generate(actor: User, session: CommitteeSession) -> CommitteeMinutes:
    """Write the first draft of a closed session's minutes from its record, in the actor's language."""
    if not security.can(actor, "minutes.generate", session):
        raise NotAllowed(_("Only the body's officers write the minutes, once the session is closed."))
    if of_session(session) is not None:
        raise DomainError(_("The minutes of this session already exist."))
    locale = minutes_text.author_locale(actor)
    minutes = CommitteeMinutes(session=session, locale=locale, created_by_id=actor.id)
    db.session.add(minutes)
    add_version(actor, minutes, minutes_text.compose(session, locale), VersionOrigin.GENERATED)
    db.session.flush()
    audit.record(actor, "minutes.generate", minutes, new={"session": session.title, "minutes_version": 1})
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # someone generated them at the same moment
        db.session.rollback()
        raise DomainError(_("The minutes of this session already exist.")) from None
    return minutes


def _check_base(minutes: CommitteeMinutes, based_on: int | None) -> None:
    if based_on is not None and based_on != minutes.current.number:
        raise DomainError(
            _(
                "Someone saved version %(num)d meanwhile; nothing of yours was saved. "
                "Compare and save again.",
                num=minutes.current.number,
            ),
            field="text",
        )


def regenerate(actor: User, minutes: CommitteeMinutes) -> MinutesVersion:
    """A new version written again from the session record (earlier versions stay)."""
    ensure_editable(actor, minutes)
    created = add_version(
        actor, minutes, minutes_text.compose(minutes.session, minutes.locale), VersionOrigin.GENERATED
    )
    audit.record(actor, "minutes.regenerate", minutes, new={"minutes_version": created.number})
    db.session.commit()
    return created


def edit(
    actor: User, minutes: CommitteeMinutes, text: str, note: str | None, based_on: int | None
) -> MinutesVersion | None:
    """Save an officer's edit as a new version; None when nothing changed. `based_on` is the version the
    editor started from: a save over someone else's newer version is refused."""
    ensure_editable(actor, minutes)
    _check_base(minutes, based_on)
    if normalised(text) == minutes.current.text:
        return None
    created = add_version(actor, minutes, text, VersionOrigin.EDITED, note)
    audit.record(
        actor, "minutes.edit", minutes, new={"minutes_version": created.number, "note": created.note}
    )
    db.session.commit()
    return created


def attendees(session: CommitteeSession) -> list[User]:
    """The people recorded present or remote: those who may propose amendments."""
    rows = db.session.scalars(
        sa.select(Attendance)
        .where(Attendance.session_id == session.id, Attendance.status.in_(security.ATTENDED))
        .order_by(Attendance.user_id)
    )
    return [row.user for row in rows if not row.user.is_deleted]


def open_amendments(actor: User, minutes: CommitteeMinutes, closes_at: datetime | None) -> None:
    """Let the attendees propose amendments until `closes_at` (UTC); they are told in the platform."""
    ensure_editable(actor, minutes)
    now = utcnow()
    if closes_at is None or not now < closes_at <= now + LONGEST_WINDOW:
        raise DomainError(_("Choose a deadline in the next 90 days."), field="closes_at")
    old = {"status": minutes.status, "deadline": minutes.amendments_close_at}
    minutes.status, minutes.amendments_close_at = MinutesStatus.AMENDMENTS, closes_at
    audit.record(actor, "minutes.open_amendments", minutes, old=old, new={"deadline": closes_at})
    link = site_path("minutes.show", minutes_id=minutes.id)
    params = {"session": minutes.session.title, "deadline": closes_at.strftime("%Y-%m-%d %H:%M UTC")}
    for person in attendees(minutes.session):
        notifications.notify(person, "minutes.amendments_open", params, link)
    db.session.commit()


def close_amendments(actor: User, minutes: CommitteeMinutes) -> None:
    """End the amendment window now (proposals already made stay to be decided)."""
    ensure_editable(actor, minutes)
    if not minutes.window_open():
        raise DomainError(_("The minutes are not open for amendments."))
    old = {"deadline": minutes.amendments_close_at}
    minutes.amendments_close_at = utcnow()
    audit.record(
        actor, "minutes.close_amendments", minutes, old=old, new={"deadline": minutes.amendments_close_at}
    )
    db.session.commit()


# --- approval -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A carried motion that may approve the minutes, with where it was decided."""

    motion: Motion
    session: CommitteeSession | None  # None: voted between sessions


def held_from(session: CommitteeSession) -> datetime:
    """When a session began: when its chair opened it, else when it was planned to start."""
    return session.started_at or session.starts_at


def held_until(session: CommitteeSession) -> datetime:
    """When a session ended: when its chair closed it, else when it was planned to start."""
    return session.closed_at or session.starts_at


def _approval_problem(minutes: CommitteeMinutes, motion: Motion) -> str | None:
    """Why this motion cannot approve these minutes (None: it can). Sessions are compared by when they
    were held, not planned: a chair may open a session earlier than announced."""
    session = minutes.session
    if motion.status != MotionStatus.CARRIED or motion.body_id != session.body_id:
        return _("Only a carried motion of the same body approves its minutes.")
    if motion.session_id is None:
        put_at = motion.opened_at or motion.created_at
        if not motion.between_sessions or put_at <= held_until(session):
            return _("A vote between sessions must have been put after the session.")
        return None
    if motion.session_id == session.id or held_from(motion.session) <= held_until(session):
        return _("Minutes are approved at a later session of the body.")
    if motion.agenda_item is not None and motion.agenda_item.kind != AgendaItemKind.DECISION:
        return _("The motion must be on a decision item of the agenda.")
    return None


def approval_candidates(minutes: CommitteeMinutes) -> list[Candidate]:
    """Carried motions of the body, at later sessions or between sessions, that may approve the minutes."""
    motions = db.session.scalars(
        sa.select(Motion)
        .where(Motion.body_id == minutes.session.body_id, Motion.status == MotionStatus.CARRIED)
        .order_by(Motion.id.desc())
    )
    return [Candidate(m, m.session) for m in motions if _approval_problem(minutes, m) is None]


# "The minutes" in the platform's languages: a motion saying so names the minutes it may approve.
MINUTES_WORDS = re.compile(r"\b(?:acta|actas|minutes|ata|atas)\b", re.IGNORECASE)


def approvable_by(motion: Motion) -> list[CommitteeMinutes]:
    """The body's minutes, not yet approved, that a carried motion may approve and that it names: by their
    session's title in its text or agenda item, else (saying "the minutes") every such minutes. What the
    officers are offered on the motion's result; nothing is approved without them."""
    if motion.status != MotionStatus.CARRIED:
        return []
    drafts = db.session.scalars(
        sa.select(CommitteeMinutes)
        .join(CommitteeSession, CommitteeMinutes.session_id == CommitteeSession.id)
        .where(CommitteeSession.body_id == motion.body_id, CommitteeMinutes.status != MinutesStatus.APPROVED)
        .order_by(CommitteeSession.starts_at)
    )
    fitting = [minutes for minutes in drafts if _approval_problem(minutes, motion) is None]
    words = " ".join(f"{motion.text} {motion.agenda_item.title if motion.agenda_item else ''}".split())
    named = [m for m in fitting if " ".join(m.session.title.split()).casefold() in words.casefold()]
    return named or (fitting if MINUTES_WORDS.search(words) else [])


def approved_by(motion: Motion) -> list[CommitteeMinutes]:
    """The minutes this motion approved (its page says so)."""
    query = sa.select(CommitteeMinutes).where(CommitteeMinutes.approval_motion_id == motion.id)
    return list(db.session.scalars(query.order_by(CommitteeMinutes.id)))


def pending_amendments(minutes: CommitteeMinutes) -> int:
    """How many amendments still wait for the secretary's decision."""
    return db.session.scalar(
        sa.select(sa.func.count(MinutesAmendment.id)).where(
            MinutesAmendment.minutes_id == minutes.id, MinutesAmendment.status == AmendmentStatus.PENDING
        )
    )


def _check_ready(minutes: CommitteeMinutes) -> None:
    if minutes.status != MinutesStatus.AMENDMENTS:
        raise DomainError(_("Open the minutes for amendments before they are approved."))
    if minutes.window_open():
        raise DomainError(_("The amendment window is still open: wait for its deadline or close it."))
    if pending_amendments(minutes):
        raise DomainError(_("Accept or reject every proposed amendment first."))


def approve_by_motion(minutes: CommitteeMinutes, motion: Motion, actor: User | None = None) -> None:
    """Approve and lock the minutes by a carried motion of a later session of the body, or of a vote
    between sessions; `actor` None when the platform records it (the vote's closing, say)."""
    ensure_editable(actor, minutes)
    _check_ready(minutes)
    if problem := _approval_problem(minutes, motion):
        raise DomainError(problem, field="motion_id")
    text = minutes.current.text
    minutes.status, minutes.approved_at = MinutesStatus.APPROVED, utcnow()
    minutes.approved_by_id = actor.id if actor is not None else None
    minutes.approval_motion_id, minutes.locked_text, minutes.content_hash = (
        motion.id,
        text,
        content_hash(text),
    )
    audit.record(
        actor,
        "minutes.approve",
        minutes,
        old={"status": MinutesStatus.AMENDMENTS},
        new={
            "status": MinutesStatus.APPROVED,
            "minutes_version": minutes.current.number,
            "hash": minutes.content_hash,
        },
    )
    link = site_path("minutes.show", minutes_id=minutes.id)
    for person in committee_sessions.recipients(minutes.session):
        body = minutes.session.body.name_in(person.preferred_locale)
        notifications.notify(
            person, "minutes.approved", {"session": minutes.session.title, "body": body}, link
        )
    db.session.commit()
    logger.info("minutes %s approved by motion %s (sha256 %s)", minutes.id, motion.id, minutes.content_hash)


def minutes_of_body(user: User, body_id: int) -> list[CommitteeMinutes]:
    """The minutes of a body's sessions the user may read, newest session first."""
    query = (
        sa.select(CommitteeMinutes)
        .join(CommitteeSession, CommitteeMinutes.session_id == CommitteeSession.id)
        .where(CommitteeSession.body_id == body_id, security.minutes_visible_to(user))
        .order_by(CommitteeSession.starts_at.desc())
    )
    return list(db.session.scalars(query))
