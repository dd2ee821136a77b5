"""Who sees and runs governance bodies, sessions, minutes, action items and votes; and as queries."""

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    CommitteeMinutes,
    StoredFile,
)
from ..models.base import utcnow
from ..models.committee import (
    OFFICER_ROLES,
    Body,
    BodyStatus,
    CommitteeSession,
    Seat,
    SeatRole,
    SessionStatus,
    agenda_item_document,
)
from ..models.committee_minutes import MinutesStatus
from ..models.committee_vote import ELECTRONIC_METHODS, Motion, MotionStatus
from .people import active_community_ids, community_roles, is_network_member, is_secretariat, is_signed_in


def holds_seat(user: Any, body: Body, *days: date) -> set[SeatRole]:
    """The roles of the seats the user holds in the body today (UTC) or on any of the given days."""
    if not is_signed_in(user):
        return set()
    held = [
        sa.and_(Seat.start_date <= day, sa.or_(Seat.end_date.is_(None), Seat.end_date >= day))
        for day in (utcnow().date(), *days)
    ]
    query = sa.select(Seat.role).where(Seat.body_id == body.id, Seat.user_id == user.id, sa.or_(*held))
    return set(db.session.scalars(query))


def may_see_body(user: Any, body: Body) -> bool:
    """The public sees active bodies' names and mandates; network members see every body."""
    return body.is_active or is_network_member(user)


def runs_body(user: Any, body: Body) -> bool:
    """The Secretariat, or an officer (chair, vice-chair, secretary) of the body today."""
    return is_secretariat(user) or bool(holds_seat(user, body) & OFFICER_ROLES)


def may_schedule_session(user: Any, body: Body) -> bool:
    """An active body's officers schedule its sessions."""
    return body.is_active and runs_body(user, body)


def may_run_session(user: Any, session: CommitteeSession) -> bool:
    """Who prepares a session (agenda, convocation, documents): the body's officers."""
    return runs_body(user, session.body)


def may_view_session(user: Any, session: CommitteeSession) -> bool:
    """The board pack is for the body's seat holders: today's, and those convened for the session's day."""
    return is_secretariat(user) or bool(holds_seat(user, session.body, session.starts_at.date()))


def may_view_committee_file(user: Any, stored: StoredFile) -> bool:
    """A work plan for network members; an agenda document for the session's board pack readers."""
    if stored.purpose == "work_plan":
        body = db.session.scalar(sa.select(Body).where(Body.work_plan_id == stored.id))
        return body is not None and is_network_member(user)
    item_session = db.session.scalar(
        sa.select(CommitteeSession)
        .join(CommitteeSession.items)
        .join(agenda_item_document)
        .where(agenda_item_document.c.stored_file_id == stored.id)
        .limit(1)
    )
    return item_session is not None and may_view_session(user, item_session)


# --- Minutes and action items --------------------------------------------------------------------------

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.REMOTE)


def attended(user: Any, session: CommitteeSession) -> bool:
    """Whether the roll call recorded the person present or remote at the session."""
    if not is_signed_in(user):
        return False
    query = sa.select(Attendance.id).where(
        Attendance.session_id == session.id, Attendance.user_id == user.id, Attendance.status.in_(ATTENDED)
    )
    return db.session.scalar(query.limit(1)) is not None


def may_generate_minutes(user: Any, session: CommitteeSession) -> bool:
    """The officers draft the minutes of a closed session."""
    return session.status == SessionStatus.CLOSED and runs_body(user, session.body)


def may_view_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    """Drafts are the body's business; approved minutes are the network's record."""
    if minutes.is_approved and is_network_member(user):
        return True
    return may_view_session(user, minutes.session)


def may_edit_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    """The officers edit minutes until they are approved (then they are locked)."""
    return not minutes.is_approved and runs_body(user, minutes.session.body)


def may_propose_amendment(user: Any, minutes: CommitteeMinutes) -> bool:
    """Those the roll call recorded at the session, while the amendment window is open."""
    return minutes.window_open() and attended(user, minutes.session)


def may_download_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    """Approved minutes, for those who may read them."""
    return minutes.is_approved and may_view_minutes(user, minutes)


def may_view_action_item(user: Any, item: ActionItem) -> bool:
    """Its owner, the body's seat holders, the members of the community it is meant to improve."""
    if not is_signed_in(user):
        return False
    if is_secretariat(user) or item.owner_id == user.id or item.community_id in community_roles(user):
        return True
    return bool(holds_seat(user, item.body))


def may_create_action_item(user: Any, body: Body) -> bool:
    """An active body's officers assign its action items."""
    return body.is_active and runs_body(user, body)


def may_edit_action_item(user: Any, item: ActionItem) -> bool:
    """The body's officers edit its action items."""
    return runs_body(user, item.body)


def may_update_action_item(user: Any, item: ActionItem) -> bool:
    """The owner and the body's officers report an action item's progress."""
    return is_signed_in(user) and (item.owner_id == user.id or runs_body(user, item.body))


# --- Live sessions, motions and votes ------------------------------------------------------------------


def drives_session(user: Any, session: CommitteeSession) -> bool:
    """The chair, vice-chair and secretary (and the Secretariat) run the console; services check the state."""
    return runs_body(user, session.body)


def _seat_roles_for(user: Any, session: CommitteeSession) -> set[SeatRole]:
    return holds_seat(user, session.body, session.starts_at.date())


def may_request_floor(user: Any, session: CommitteeSession) -> bool:
    """Every seat holder convened, observers too (they speak, they do not vote), while the session runs."""
    return session.status == SessionStatus.IN_PROGRESS and bool(_seat_roles_for(user, session))


def may_vote(user: Any, motion: Motion) -> bool:
    """An electronic vote that is open; between sessions every voting seat holder, in session the voting
    members the roll call has present or remote (their proxies are counted as weights by the service)."""
    electronic_and_open = motion.status == MotionStatus.VOTING and motion.vote_method in ELECTRONIC_METHODS
    if not is_signed_in(user) or not electronic_and_open:
        return False
    if motion.between_sessions:
        return bool(holds_seat(user, motion.body) - {SeatRole.OBSERVER})
    session = motion.session
    if session is None or session.status != SessionStatus.IN_PROGRESS:
        return False
    return bool(_seat_roles_for(user, session) - {SeatRole.OBSERVER}) and attended(user, session)


def may_view_motion(user: Any, motion: Motion) -> bool:
    """A session's motions go with its board pack; those put between sessions to the body's seat holders."""
    if motion.session is not None:
        return may_view_session(user, motion.session)
    return is_secretariat(user) or bool(holds_seat(user, motion.body))


def may_propose_motion(user: Any, body: Body) -> bool:
    """Motions put to the members between sessions (in a session they go through the console)."""
    return body.is_active and runs_body(user, body)


def may_run_motion(user: Any, motion: Motion) -> bool:
    """Who puts a motion to the vote, withdraws it, records hands and closes the vote: the officers."""
    return runs_body(user, motion.body)


def bodies_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Body equal to `can(user, "committees.see", body)`."""
    if is_network_member(user):
        return sa.true()
    return Body.status == BodyStatus.ACTIVE


def _seated_on(user: Any, day: Any) -> sa.ColumnElement[bool]:
    """SQL: a seat of the user held on `day` (a date, or a SQL expression giving one)."""
    return sa.and_(
        Seat.user_id == user.id,
        Seat.start_date <= day,
        sa.or_(Seat.end_date.is_(None), Seat.end_date >= day),
    )


def seated_today(user: Any) -> sa.Select:
    """SQL: the bodies where the user holds a seat today."""
    return sa.select(Seat.body_id).where(_seated_on(user, utcnow().date()))


def _board_pack_sessions(user: Any) -> sa.Select:
    """SQL: the sessions whose board pack the user sees: a seat in the body today or on the day the session
    starts (UTC), as `holds_seat` says."""
    session_day = sa.func.date(CommitteeSession.starts_at)
    held = sa.or_(_seated_on(user, utcnow().date()), _seated_on(user, session_day))
    return sa.select(CommitteeSession.id).where(
        sa.exists(sa.select(Seat.id).where(Seat.body_id == CommitteeSession.body_id, held))
    )


def motions_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Motion equal to `can(user, "committees.view_motion", motion)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    return sa.or_(
        sa.and_(Motion.session_id.is_(None), Motion.body_id.in_(seated_today(user))),
        Motion.session_id.in_(_board_pack_sessions(user)),
    )


def minutes_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on CommitteeMinutes equal to `can(user, "minutes.view", minutes)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    visible = CommitteeMinutes.session_id.in_(_board_pack_sessions(user))
    if is_network_member(user):
        visible = sa.or_(visible, CommitteeMinutes.status == MinutesStatus.APPROVED)
    return visible


def action_items_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on ActionItem equal to `can(user, "action_items.view", item)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    return sa.or_(
        ActionItem.owner_id == user.id,
        ActionItem.community_id.in_(active_community_ids(user.id)),
        ActionItem.body_id.in_(seated_today(user)),
    )
