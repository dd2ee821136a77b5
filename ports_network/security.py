"""The one authorisation policy: `action -> predicate(user, obj)`, used by views, sockets and templates.

Every rule of who may do what lives in POLICY below. List pages use the SQL builders next to it
(`profiles_visible_to`), which express the same rules as queries; a matrix test checks they agree.
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import abort, g, has_request_context
from flask_login import current_user

from .extensions import db
from .models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    CommitteeMinutes,
    CommunityRole,
    DataCall,
    DataCallStatus,
    Event,
    EventKind,
    EventRegistration,
    EventSession,
    EventStatus,
    Invitation,
    JoinRequest,
    Material,
    MaterialAccess,
    MaterialCaption,
    MaterialVariant,
    MaterialVersion,
    Membership,
    MembershipStatus,
    Message,
    MessageAttachment,
    PortCommunity,
    RegistrationStatus,
    RequestStatus,
    Room,
    RoomKind,
    RoomMute,
    StoredFile,
    Submission,
    SubmissionEvidence,
    SubmissionStatus,
    User,
    Visibility,
    data_call_community,
    event_community,
)
from .models.base import utcnow
from .models.committee import (
    OFFICER_ROLES,
    Body,
    BodyStatus,
    CommitteeSession,
    Seat,
    SeatRole,
    SessionStatus,
    agenda_item_document,
)
from .models.committee_minutes import MinutesStatus
from .models.committee_vote import Motion, MotionStatus, VoteMethod

Predicate = Callable[[Any, Any], bool]


def is_signed_in(user: Any) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_secretariat(user: Any) -> bool:
    """A Technical Secretariat administrator."""
    return is_signed_in(user) and user.is_secretariat


ROLES_CACHE = "security_community_roles"  # flask.g key: {user id: {community id: role}} for this request


def community_roles(user: Any) -> dict[int, CommunityRole]:
    """The user's role in each community where their membership is active.

    Asked by almost every rule, often many times per page, so a request remembers the answer until its
    session next writes (flush, commit or rollback): a change of membership is seen at once.
    """
    if not is_signed_in(user):
        return {}
    remembered = g.setdefault(ROLES_CACHE, {}) if has_request_context() else {}
    if user.id not in remembered:
        rows = db.session.execute(
            sa.select(Membership.community_id, Membership.role).where(
                Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
            )
        )
        remembered[user.id] = {community_id: role for community_id, role in rows}
    return remembered[user.id]


def _forget_roles(*_args: Any) -> None:
    if has_request_context():
        g.pop(ROLES_CACHE, None)


for _event in ("after_flush", "after_commit", "after_soft_rollback"):
    sa.event.listen(sa.orm.Session, _event, _forget_roles)


def role_in(user: Any, community: PortCommunity) -> CommunityRole | None:
    """The user's active role in one community, or None."""
    return community_roles(user).get(community.id)


def is_network_member(user: Any) -> bool:
    """Active member of at least one community, or Secretariat."""
    return is_secretariat(user) or bool(community_roles(user))


def _coordinates(user: Any, community: PortCommunity) -> bool:
    return is_secretariat(user) or role_in(user, community) == CommunityRole.COORDINATOR


def _member_of(user: Any, community: PortCommunity) -> bool:
    return is_secretariat(user) or role_in(user, community) is not None


def _may_request_join(user: Any, community: PortCommunity) -> bool:
    return (
        is_signed_in(user)
        and user.is_confirmed
        and not community.is_archived
        and role_in(user, community) is None
    )


def _may_withdraw_request(user: Any, join_request: JoinRequest) -> bool:
    return (
        is_signed_in(user)
        and join_request.user_id == user.id
        and join_request.status == RequestStatus.PENDING
    )


def _may_accept_invitation(user: Any, invitation: Invitation) -> bool:
    return (
        is_signed_in(user)
        and invitation.status == RequestStatus.PENDING
        and not invitation.community.is_archived
        and (user.email or "").casefold() == invitation.email.casefold()
        and role_in(user, invitation.community) is None
    )


def _may_view_community(user: Any, community: PortCommunity) -> bool:
    return not community.is_archived or is_secretariat(user)


def _may_view_profile(viewer: Any, person: User) -> bool:
    if not is_signed_in(viewer) or person.is_deleted:
        return False
    if viewer.id == person.id or is_secretariat(viewer):
        return True
    if person.visibility == Visibility.NETWORK:
        return is_network_member(viewer)
    if person.visibility == Visibility.COMMUNITY:
        return bool(community_roles(viewer).keys() & community_roles(person).keys())
    return False


def _may_view_file(user: Any, stored: StoredFile) -> bool:
    if stored.purpose == "logo":
        return True
    if stored.purpose == "avatar":
        owner = db.session.get(User, stored.uploaded_by_id) if stored.uploaded_by_id else None
        return owner is not None and owner.avatar_id == stored.id and _may_view_profile(user, owner)
    if stored.purpose == "evidence":
        # Evidence is as private as the submission it supports.
        evidence = db.session.scalar(
            sa.select(SubmissionEvidence).where(SubmissionEvidence.stored_file_id == stored.id)
        )
        submission = db.session.get(Submission, evidence.submission_id) if evidence else None
        # A file not (or no longer) linked to a submission falls back to the Secretariat only.
        return _may_view_submission(user, submission) if submission else is_secretariat(user)
    if stored.purpose == "index_upload":
        # A spreadsheet of raw values, before anyone confirmed it: its uploader's and the Secretariat's.
        return is_signed_in(user) and (stored.uploaded_by_id == user.id or is_secretariat(user))
    if stored.purpose in FILE_RULES:
        return FILE_RULES[stored.purpose](user, stored)
    return is_secretariat(user)


def _may_view_room_attachment(user: Any, stored: StoredFile) -> bool:
    # The readers of the message's room; once the message is deleted or hidden, its moderators only.
    message = db.session.scalar(
        sa.select(Message).join(MessageAttachment).where(MessageAttachment.stored_file_id == stored.id)
    )
    if message is None:
        return is_secretariat(user)
    if message.is_removed:
        return _may_read_room(user, message.room) and _may_moderate_room(user, message.room)
    return _may_read_room(user, message.room)


def _committee_file(user: Any, stored: StoredFile) -> bool:
    return _may_view_committee_file(user, stored)


# Purposes whose files follow the object they are attached to (defined further down).
FILE_RULES: dict[str, Predicate] = {
    "work_plan": _committee_file,
    "board_pack": _committee_file,
    "room_attachment": _may_view_room_attachment,
}


def _may_read_room(user: Any, room: Room) -> bool:
    # A room's readers are the members of its scope: one community, or the whole network.
    if not is_signed_in(user):
        return False
    if is_secretariat(user):
        return True
    if room.kind in SCOPED_READERS:
        return SCOPED_READERS[room.kind](user, room)
    if room.community_id is None:
        return is_network_member(user)
    return room.community_id in community_roles(user)


def muted_until(user: Any, room: Room) -> Any:
    """When the person's mute in the room ends, or None when they are not muted now."""
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        sa.select(RoomMute.until).where(
            RoomMute.room_id == room.id, RoomMute.user_id == user.id, RoomMute.until > utcnow()
        )
    )


def _may_post_in_room(user: Any, room: Room) -> bool:
    return room.accepts_posts and _may_read_room(user, room) and muted_until(user, room) is None


def _may_moderate_room(user: Any, room: Room) -> bool:
    # The Secretariat everywhere; a community's coordinators in that community's rooms; a body's officers
    # in the rooms of the body and its sessions.
    if is_secretariat(user):
        return True
    if room.kind in (RoomKind.BODY, RoomKind.SESSION):
        body = room.body if room.kind == RoomKind.BODY else room.committee_session.body
        return bool(holds_seat(user, body) & OFFICER_ROLES)
    if room.kind == RoomKind.EVENT:
        return _manages_event(user, room.event)
    return room.community_id is not None and community_roles(user).get(room.community_id) == (
        CommunityRole.COORDINATOR
    )


def _may_open_topic(user: Any, community: PortCommunity | None) -> bool:
    # Topic rooms live inside a live community; its readers follow the community's membership.
    if community is None or not is_signed_in(user):
        return False
    return not community.is_archived and _coordinates(user, community)


def _edits(user: Any, message: Message) -> bool:
    # The author only, while the message is shown (the room is checked by the callers).
    return message.author_id == user.id and not message.is_removed


def _reports(user: Any, message: Message) -> bool:
    return message.author_id != user.id and not message.is_removed


def _may_edit_message(user: Any, message: Message) -> bool:
    room = message.room
    return _may_read_room(user, room) and room.accepts_posts and _edits(user, message)


def _may_report_message(user: Any, message: Message) -> bool:
    return _may_read_room(user, message.room) and _reports(user, message)


def message_actions(user: Any, room: Room, messages: list[Message]) -> tuple[set[int], set[int]]:
    """The seqs of a page of messages the user may edit and may report: the same rules as
    "rooms.edit_message" and "rooms.report_message", with the room checked once instead of per message."""
    if not _may_read_room(user, room):
        return set(), set()
    editable = {m.seq for m in messages if room.accepts_posts and _edits(user, m)}
    return editable, {m.seq for m in messages if _reports(user, m)}


# --- Competitiveness Index: data calls, submissions, results --------------------------------------------

# Who fills in a community's values and who checks them before the Secretariat accepts them.
REPORTERS = frozenset({CommunityRole.COORDINATOR, CommunityRole.FOCAL_POINT})
EDITABLE_STATES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})
LOCKED_STATES = frozenset({SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED})


def _may_view_data_call(user: Any, call: DataCall) -> bool:
    # The Secretariat, and members of the communities the call names.
    if is_secretariat(user):
        return True
    mine = community_roles(user).keys()
    return any(community.id in mine for community in call.communities)


def _may_view_submission(user: Any, submission: Submission) -> bool:
    # Raw values may be confidential: only the community's members and the Secretariat see them.
    return is_secretariat(user) or submission.community_id in community_roles(user)


def _may_edit_submission(user: Any, submission: Submission) -> bool:
    return (
        submission.status in EDITABLE_STATES
        # A closed call takes nothing more, except the indicators the Secretariat reopened.
        and (submission.data_call.status == DataCallStatus.OPEN or bool(submission.reopened_codes))
        and community_roles(user).get(submission.community_id) in REPORTERS
    )


def _may_validate_submission(user: Any, submission: Submission) -> bool:
    return (
        submission.status == SubmissionStatus.SUBMITTED
        and community_roles(user).get(submission.community_id) == CommunityRole.VALIDATOR
    )


def _may_return_submission(user: Any, submission: Submission) -> bool:
    # The validator sends back what was submitted; the Secretariat also what was validated.
    if is_secretariat(user):
        return submission.status in {SubmissionStatus.SUBMITTED, SubmissionStatus.VALIDATED}
    return _may_validate_submission(user, submission)


def _may_accept_submission(user: Any, submission: Submission) -> bool:
    return is_secretariat(user) and submission.status == SubmissionStatus.VALIDATED


def _may_reopen_submission(user: Any, submission: Submission) -> bool:
    return is_secretariat(user) and submission.status in {
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.PUBLISHED,
    }


def _may_start_submission(user: Any, target: tuple[DataCall, PortCommunity]) -> bool:
    # The community's reporters answer an open call that names their community.
    call, community = target
    return (
        call.status == DataCallStatus.OPEN
        and community in call.communities
        and community_roles(user).get(community.id) in REPORTERS
    )


def _may_view_scorecard(user: Any, community: PortCommunity) -> bool:
    return _member_of(user, community)


# --- Governance bodies: body pages for network members, sessions for the body's seat holders -----------

COMMITTEE_FILE_PURPOSES = frozenset({"work_plan", "board_pack"})


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


def _may_see_body(user: Any, body: Body) -> bool:
    # The public sees active bodies' names and mandates; network members see every body.
    return body.is_active or is_network_member(user)


def _runs_body(user: Any, body: Body) -> bool:
    return is_secretariat(user) or bool(holds_seat(user, body) & OFFICER_ROLES)


def _may_schedule_session(user: Any, body: Body) -> bool:
    return body.is_active and _runs_body(user, body)


def _may_run_session(user: Any, session: CommitteeSession) -> bool:
    return _runs_body(user, session.body)


def _may_view_session(user: Any, session: CommitteeSession) -> bool:
    # The board pack is for the body's seat holders: today's, and those convened for the session's day.
    return is_secretariat(user) or bool(holds_seat(user, session.body, session.starts_at.date()))


def _may_view_committee_file(user: Any, stored: StoredFile) -> bool:
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
    return item_session is not None and _may_view_session(user, item_session)


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


def _may_generate_minutes(user: Any, session: CommitteeSession) -> bool:
    return session.status == SessionStatus.CLOSED and _runs_body(user, session.body)


def _may_view_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    # Drafts are the body's business; approved minutes are the network's record.
    if minutes.is_approved and is_network_member(user):
        return True
    return _may_view_session(user, minutes.session)


def _may_edit_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    return not minutes.is_approved and _runs_body(user, minutes.session.body)


def _may_propose_amendment(user: Any, minutes: CommitteeMinutes) -> bool:
    return minutes.window_open() and attended(user, minutes.session)


def _may_download_minutes(user: Any, minutes: CommitteeMinutes) -> bool:
    return minutes.is_approved and _may_view_minutes(user, minutes)


def _may_view_action_item(user: Any, item: ActionItem) -> bool:
    # Its owner, the body's seat holders, the members of the community it is meant to improve.
    if not is_signed_in(user):
        return False
    if is_secretariat(user) or item.owner_id == user.id or item.community_id in community_roles(user):
        return True
    return bool(holds_seat(user, item.body))


def _may_create_action_item(user: Any, body: Body) -> bool:
    return body.is_active and _runs_body(user, body)


def _may_edit_action_item(user: Any, item: ActionItem) -> bool:
    return _runs_body(user, item.body)


def _may_update_action_item(user: Any, item: ActionItem) -> bool:
    return is_signed_in(user) and (item.owner_id == user.id or _runs_body(user, item.body))


# --- Live sessions, motions and votes ------------------------------------------------------------------

ELECTRONIC = frozenset({VoteMethod.NAMED, VoteMethod.SECRET})


def _drives_session(user: Any, session: CommitteeSession) -> bool:
    # The chair, vice-chair and secretary (and the Secretariat) run the console; services check the state.
    return _runs_body(user, session.body)


def _seat_roles_for(user: Any, session: CommitteeSession) -> set[SeatRole]:
    return holds_seat(user, session.body, session.starts_at.date())


def _may_request_floor(user: Any, session: CommitteeSession) -> bool:
    # Every seat holder convened, observers too (they speak, they do not vote), while the session runs.
    return session.status == SessionStatus.IN_PROGRESS and bool(_seat_roles_for(user, session))


def _may_vote(user: Any, motion: Motion) -> bool:
    # An electronic vote that is open; between sessions every voting seat holder, in session the voting
    # members the roll call has present or remote (their proxies are counted as weights by the service).
    if not is_signed_in(user) or motion.status != MotionStatus.VOTING or motion.vote_method not in ELECTRONIC:
        return False
    if motion.between_sessions:
        return bool(holds_seat(user, motion.body) - {SeatRole.OBSERVER})
    session = motion.session
    if session is None or session.status != SessionStatus.IN_PROGRESS:
        return False
    return bool(_seat_roles_for(user, session) - {SeatRole.OBSERVER}) and attended(user, session)


def _may_view_motion(user: Any, motion: Motion) -> bool:
    # A session's motions go with its board pack; those put between sessions to the body's seat holders.
    if motion.session is not None:
        return _may_view_session(user, motion.session)
    return is_secretariat(user) or bool(holds_seat(user, motion.body))


def _may_propose_motion(user: Any, body: Body) -> bool:
    # Motions put to the members between sessions (in a session they go through the console).
    return body.is_active and _runs_body(user, body)


def _may_run_motion(user: Any, motion: Motion) -> bool:
    # Who puts a motion to the vote, withdraws it, records hands and closes the vote: the officers.
    return _runs_body(user, motion.body)


# --- Materials library: access levels with an optional embargo; who adds materials where ----------------


def _may_see_material(user: Any, material: Material) -> bool:
    # Public (by level, or once the embargo ended), else the level's people; the Secretariat sees all.
    if is_secretariat(user) or material.is_public_on(utcnow().date()):
        return True
    if material.access == MaterialAccess.MEMBERS:
        return is_network_member(user)
    if material.access == MaterialAccess.COMMUNITY:
        return material.access_community_id in community_roles(user)
    return material.access_body is not None and bool(holds_seat(user, material.access_body))


def _may_add_material(user: Any, target: Any = None) -> bool:
    # The Secretariat anywhere (the library itself, methodology notes); coordinators for their community;
    # a body's officers for the body and its sessions; an event's organisers for the event and its sessions.
    if is_secretariat(user):
        return True
    if isinstance(target, PortCommunity):
        return not target.is_archived and role_in(user, target) == CommunityRole.COORDINATOR
    if isinstance(target, Body):
        return target.is_active and bool(holds_seat(user, target) & OFFICER_ROLES)
    if isinstance(target, CommitteeSession):
        return target.body.is_active and bool(holds_seat(user, target.body) & OFFICER_ROLES)
    if isinstance(target, EventSession):
        target = target.event
    if isinstance(target, Event):
        return _manages_event(user, target)  # its organisers, as "events.manage" says
    return False


def material_targets(material: Material) -> list[Any]:
    """What a material is attached to, each a target of "materials.add"."""
    targets = [
        material.community,
        material.body,
        material.committee_session,
        material.event,
        material.event_session,
    ]
    return [target for target in targets if target is not None]


def _may_manage_material(user: Any, material: Material) -> bool:
    # Whoever may add materials to one of the things it is attached to (not its uploader as such: a
    # coordinator who steps down stops managing their community's materials).
    if is_secretariat(user):
        return True
    return any(_may_add_material(user, target) for target in material_targets(material))


def _may_view_material_file(user: Any, stored: StoredFile) -> bool:
    material = db.session.scalar(
        sa.select(Material)
        .join(Material.variants)
        .outerjoin(MaterialVersion, MaterialVersion.variant_id == MaterialVariant.id)
        .outerjoin(MaterialCaption, MaterialCaption.variant_id == MaterialVariant.id)
        .where(
            sa.or_(MaterialVersion.stored_file_id == stored.id, MaterialCaption.stored_file_id == stored.id)
        )
        .limit(1)
    )
    return _may_see_material(user, material) if material is not None else is_secretariat(user)


FILE_RULES |= {"material": _may_view_material_file, "material_caption": _may_view_material_file}
# --- Events: public once published; organised by the Secretariat, and by coordinators for the workshops of
# their communities ---------------------------------------------------------------------------------------


def coordinated_community_ids(user: Any) -> set[int]:
    """The communities the user coordinates."""
    return {cid for cid, role in community_roles(user).items() if role == CommunityRole.COORDINATOR}


def _may_create_event(user: Any, _obj: Any = None) -> bool:
    return is_secretariat(user) or bool(coordinated_community_ids(user))


def _manages_event(user: Any, event: Event) -> bool:
    # The Secretariat any event; a coordinator the workshops of a community they coordinate.
    if is_secretariat(user):
        return True
    if not is_signed_in(user) or event.kind != EventKind.WORKSHOP:
        return False
    mine = coordinated_community_ids(user)
    return any(community.id in mine for community in event.communities)


def _may_view_event(user: Any, event: Event) -> bool:
    return event.is_public or _manages_event(user, event)


def _may_register_for_event(user: Any, event: Event) -> bool:
    # Who may ask; the service then checks the deadline, the capacity and an earlier registration.
    return is_signed_in(user) and event.status == EventStatus.PUBLISHED and event.registration_open


def _reads_event_room(user: Any, event: Event) -> bool:
    return _manages_event(user, event) or is_registered_for(user, event)


def is_registered_for(user: Any, event: Event) -> bool:
    """Whether the user holds a place at the event (registered, not waiting, not cancelled)."""
    if not is_signed_in(user):
        return False
    query = sa.select(EventRegistration.id).where(
        EventRegistration.event_id == event.id,
        EventRegistration.user_id == user.id,
        EventRegistration.status == RegistrationStatus.REGISTERED,
    )
    return db.session.scalar(query) is not None


# Readers of the rooms that belong to a body, a session or an event (besides the Secretariat).
SCOPED_READERS: dict[RoomKind, Predicate] = {
    RoomKind.BODY: lambda user, room: bool(holds_seat(user, room.body)),
    RoomKind.SESSION: lambda user, room: bool(holds_seat(user, room.committee_session.body)),
    RoomKind.EVENT: lambda user, room: _reads_event_room(user, room.event),
}


def _anyone(_user: Any, _obj: Any = None) -> bool:
    return True


def _signed_in(user: Any, _obj: Any = None) -> bool:
    return is_signed_in(user)


def _secretariat(user: Any, _obj: Any = None) -> bool:
    return is_secretariat(user)


def _network_member(user: Any, _obj: Any = None) -> bool:
    return is_network_member(user)


POLICY: dict[str, Predicate] = {
    "portal.view": _anyone,
    "communities.view": _may_view_community,
    "communities.request_join": _may_request_join,
    "communities.view_members": _member_of,
    "communities.withdraw_request": _may_withdraw_request,
    "communities.view_invitation": lambda user, _invitation: is_signed_in(user),
    "communities.accept_invitation": _may_accept_invitation,
    "communities.leave": lambda user, community: role_in(user, community) is not None,
    "communities.manage_members": _coordinates,
    "directory.view": _network_member,
    "users.view_profile": _may_view_profile,
    "account.manage": _signed_in,
    "notifications.view": _signed_in,
    "files.view": _may_view_file,
    "rooms.list": _signed_in,
    "rooms.read": _may_read_room,
    "rooms.post": _may_post_in_room,
    "rooms.edit_message": _may_edit_message,
    "rooms.report_message": _may_report_message,
    "rooms.moderate": _may_moderate_room,
    "rooms.open_topic": _may_open_topic,
    "data_calls.list": _network_member,
    "data_calls.manage": _secretariat,
    "data_calls.view": _may_view_data_call,
    "submissions.start": _may_start_submission,
    "submissions.view": _may_view_submission,
    "submissions.comment": _may_view_submission,
    "submissions.edit": _may_edit_submission,
    "submissions.validate": _may_validate_submission,
    "submissions.return": _may_return_submission,
    "submissions.accept": _may_accept_submission,
    "submissions.reopen": _may_reopen_submission,
    "index.publish": _secretariat,
    "methodologies.manage": _secretariat,
    "index.recompute": _secretariat,
    "results.view": _anyone,
    "results.view_scorecard": _may_view_scorecard,
    "admin.access": _secretariat,
    "mail.view_outbox": _secretariat,
    "committees.list": _anyone,
    "committees.see": _may_see_body,
    "committees.view": _network_member,
    "committees.manage": _secretariat,
    "committees.schedule": _may_schedule_session,
    "committees.run_session": _may_run_session,
    "committees.view_session": _may_view_session,
    "minutes.generate": _may_generate_minutes,
    "minutes.view": _may_view_minutes,
    "minutes.edit": _may_edit_minutes,
    "minutes.propose_amendment": _may_propose_amendment,
    "minutes.download": _may_download_minutes,
    "action_items.list": _signed_in,
    "action_items.view": _may_view_action_item,
    "action_items.create": _may_create_action_item,
    "action_items.edit": _may_edit_action_item,
    "action_items.update_status": _may_update_action_item,
    "action_items.follow_community": _member_of,
    "committees.attend_session": _may_view_session,
    "committees.drive_session": _drives_session,
    "committees.request_floor": _may_request_floor,
    "committees.propose_motion": _may_propose_motion,
    "committees.run_motion": _may_run_motion,
    "committees.view_motion": _may_view_motion,
    "committees.vote": _may_vote,
    "committees.list_votes": _signed_in,
    "materials.list": _anyone,
    "materials.view": _may_see_material,
    "materials.add": _may_add_material,
    "materials.manage": _may_manage_material,
    "events.list": _anyone,
    "events.view": _may_view_event,
    "events.create": _may_create_event,
    "events.manage": _manages_event,
    "events.register": _may_register_for_event,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may perform `action` on `obj`; unknown actions are refused loudly."""
    try:
        predicate = POLICY[action]
    except KeyError:
        raise LookupError(f"unknown permission action {action!r}") from None
    return bool(predicate(user, obj))


def authorize(action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may act: 404 when `hide`, else 401 (sign in) or 403."""
    if can(current_user, action, obj):
        return
    if hide:
        abort(404)  # the object's existence is private, even from people signed out
    abort(403 if is_signed_in(current_user) else 401)


def requires(action: str) -> Callable:
    """View decorator for actions that need no loaded object."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            authorize(action)
            return view(*args, **kwargs)

        guarded.required_action = action
        return guarded

    return decorator


def _active_community_ids(user_id_column: Any) -> sa.Select:
    # An alias, so this never correlates with a `membership` table of an enclosing query.
    own = sa.orm.aliased(Membership)
    return sa.select(own.community_id).where(
        own.user_id == user_id_column, own.status == MembershipStatus.ACTIVE
    )


def profiles_visible_to(viewer: Any) -> sa.ColumnElement[bool]:
    """SQL condition on User equal to `can(viewer, "users.view_profile", user)`."""
    if not is_signed_in(viewer):
        return sa.false()
    alive = User.deleted_at.is_(None)
    if is_secretariat(viewer):
        return alive
    # Aliased so that it correlates only with User, also inside queries that select memberships.
    theirs = sa.orm.aliased(Membership)
    shares_community = sa.exists(
        sa.select(theirs.id).where(
            theirs.user_id == User.id,
            theirs.status == MembershipStatus.ACTIVE,
            theirs.community_id.in_(_active_community_ids(viewer.id)),
        )
    )
    visible = sa.or_(
        User.id == viewer.id,
        sa.and_(User.visibility == Visibility.COMMUNITY, shares_community),
    )
    if is_network_member(viewer):
        visible = sa.or_(visible, User.visibility == Visibility.NETWORK)
    return sa.and_(alive, visible)


def data_calls_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on DataCall equal to `can(user, "data_calls.view", call)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    named = sa.select(data_call_community.c.data_call_id).where(
        data_call_community.c.community_id.in_(_active_community_ids(user.id))
    )
    return DataCall.id.in_(named)


def submissions_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Submission equal to `can(user, "submissions.view", submission)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    return Submission.community_id.in_(_active_community_ids(user.id))


def rooms_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Room equal to `can(user, "rooms.read", room)`."""
    if not is_signed_in(user):
        return sa.false()
    if is_secretariat(user):
        return sa.true()
    own_communities = Room.community_id.in_(_active_community_ids(user.id))
    today = utcnow().date()
    seated = sa.select(Seat.body_id).where(
        Seat.user_id == user.id,
        Seat.start_date <= today,
        sa.or_(Seat.end_date.is_(None), Seat.end_date >= today),
    )
    seated_sessions = sa.select(CommitteeSession.id).where(CommitteeSession.body_id.in_(seated))
    committees = sa.or_(
        sa.and_(Room.kind == RoomKind.BODY, Room.body_id.in_(seated)),
        sa.and_(Room.kind == RoomKind.SESSION, Room.committee_session_id.in_(seated_sessions)),
        sa.and_(Room.kind == RoomKind.EVENT, _events_of(user)),
    )
    if is_network_member(user):
        return sa.or_(Room.kind == RoomKind.NETWORK, own_communities, committees)
    return sa.or_(own_communities, committees)


def _events_of(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Room.event_id: the events the user holds a place at or organises."""
    registered = sa.select(EventRegistration.event_id).where(
        EventRegistration.user_id == user.id, EventRegistration.status == RegistrationStatus.REGISTERED
    )
    return sa.or_(Room.event_id.in_(registered), Room.event_id.in_(_managed_event_ids(user)))


def _managed_event_ids(user: Any) -> sa.Select:
    # Workshops of the communities the user coordinates (the Secretariat is handled by the callers).
    own = sa.orm.aliased(Membership)
    coordinated = sa.select(own.community_id).where(
        own.user_id == user.id, own.status == MembershipStatus.ACTIVE, own.role == CommunityRole.COORDINATOR
    )
    return (
        sa.select(event_community.c.event_id)
        .join(Event, Event.id == event_community.c.event_id)
        .where(Event.kind == EventKind.WORKSHOP, event_community.c.community_id.in_(coordinated))
    )


def events_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Event equal to `can(user, "events.view", event)`."""
    public = sa.or_(
        Event.status == EventStatus.PUBLISHED,
        sa.and_(Event.status == EventStatus.CANCELLED, Event.published_at.is_not(None)),
    )
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return public
    return sa.or_(public, Event.id.in_(_managed_event_ids(user)))


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


def _seated_today(user: Any) -> sa.Select:
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
        sa.and_(Motion.session_id.is_(None), Motion.body_id.in_(_seated_today(user))),
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
        ActionItem.community_id.in_(_active_community_ids(user.id)),
        ActionItem.body_id.in_(_seated_today(user)),
    )


def materials_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Material equal to `can(user, "materials.view", material)`."""
    if is_secretariat(user):
        return sa.true()
    today = utcnow().date()
    visible = [
        Material.access == MaterialAccess.PUBLIC,
        sa.and_(Material.embargo_until.is_not(None), Material.embargo_until <= today),
    ]
    if not is_signed_in(user):
        return sa.or_(*visible)
    if is_network_member(user):
        visible.append(Material.access == MaterialAccess.MEMBERS)
    seated = sa.select(Seat.body_id).where(
        Seat.user_id == user.id,
        Seat.start_date <= today,
        sa.or_(Seat.end_date.is_(None), Seat.end_date >= today),
    )
    visible += [
        sa.and_(
            Material.access == MaterialAccess.COMMUNITY,
            Material.access_community_id.in_(_active_community_ids(user.id)),
        ),
        sa.and_(Material.access == MaterialAccess.BODY, Material.access_body_id.in_(seated)),
    ]
    return sa.or_(*visible)
