"""Who reads, posts in and moderates discussion rooms; the same rule as a query for room lists."""

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CommunityRole,
    EventRegistration,
    Message,
    MessageAttachment,
    PortCommunity,
    RegistrationStatus,
    Room,
    RoomKind,
    RoomMute,
    StoredFile,
)
from ..models.base import utcnow
from ..models.committee import (
    OFFICER_ROLES,
    CommitteeSession,
)
from . import Predicate
from .committees import holds_seat, seated_today
from .events import managed_event_ids, manages_event, reads_event_room
from .people import (
    active_community_ids,
    community_roles,
    coordinates,
    is_network_member,
    is_secretariat,
    is_signed_in,
)


def may_read_room(user: Any, room: Room) -> bool:
    """A room's readers are the members of its scope: one community, or the whole network."""
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


def may_post_in_room(user: Any, room: Room) -> bool:
    """Readers of a room that takes posts, unless muted there now."""
    return room.accepts_posts and may_read_room(user, room) and muted_until(user, room) is None


def may_moderate_room(user: Any, room: Room) -> bool:
    """The Secretariat everywhere; a community's coordinators in that community's rooms; a body's officers
    in the rooms of the body and its sessions."""
    if is_secretariat(user):
        return True
    if room.kind in (RoomKind.BODY, RoomKind.SESSION):
        body = room.body if room.kind == RoomKind.BODY else room.committee_session.body
        return bool(holds_seat(user, body) & OFFICER_ROLES)
    if room.kind == RoomKind.EVENT:
        return manages_event(user, room.event)
    return room.community_id is not None and community_roles(user).get(room.community_id) == (
        CommunityRole.COORDINATOR
    )


def may_open_topic(user: Any, community: PortCommunity | None) -> bool:
    """Topic rooms live inside a live community; its readers follow the community's membership."""
    if community is None or not is_signed_in(user):
        return False
    return not community.is_archived and coordinates(user, community)


def _edits(user: Any, message: Message) -> bool:
    # The author only, while the message is shown (the room is checked by the callers).
    return message.author_id == user.id and not message.is_removed


def _reports(user: Any, message: Message) -> bool:
    return message.author_id != user.id and not message.is_removed


def may_edit_message(user: Any, message: Message) -> bool:
    """The author, while the message is shown and the room takes posts."""
    room = message.room
    return may_read_room(user, room) and room.accepts_posts and _edits(user, message)


def may_report_message(user: Any, message: Message) -> bool:
    """Any reader, of a shown message by someone else."""
    return may_read_room(user, message.room) and _reports(user, message)


def message_actions(user: Any, room: Room, messages: list[Message]) -> tuple[set[int], set[int]]:
    """The seqs of a page of messages the user may edit and may report: the same rules as
    "rooms.edit_message" and "rooms.report_message", with the room checked once instead of per message."""
    if not may_read_room(user, room):
        return set(), set()
    editable = {m.seq for m in messages if room.accepts_posts and _edits(user, m)}
    return editable, {m.seq for m in messages if _reports(user, m)}


def may_view_room_attachment(user: Any, stored: StoredFile) -> bool:
    """The readers of the message's room; once the message is deleted or hidden, its moderators only."""
    message = db.session.scalar(
        sa.select(Message).join(MessageAttachment).where(MessageAttachment.stored_file_id == stored.id)
    )
    if message is None:
        return is_secretariat(user)
    if message.is_removed:
        return may_read_room(user, message.room) and may_moderate_room(user, message.room)
    return may_read_room(user, message.room)


# Readers of the rooms that belong to a body, a session or an event (besides the Secretariat).
SCOPED_READERS: dict[RoomKind, Predicate] = {
    RoomKind.BODY: lambda user, room: bool(holds_seat(user, room.body)),
    RoomKind.SESSION: lambda user, room: bool(holds_seat(user, room.committee_session.body)),
    RoomKind.EVENT: lambda user, room: reads_event_room(user, room.event),
}


def rooms_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Room equal to `can(user, "rooms.read", room)`."""
    if not is_signed_in(user):
        return sa.false()
    if is_secretariat(user):
        return sa.true()
    own_communities = Room.community_id.in_(active_community_ids(user.id))
    seated = seated_today(user)
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
    return sa.or_(Room.event_id.in_(registered), Room.event_id.in_(managed_event_ids(user)))
