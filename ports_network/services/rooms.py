"""Discussion rooms: rooms created on demand per scope, numbered messages, history and read markers.

A message exists once committed: `post_message` numbers it inside the transaction that stores it, so a
room's sequence numbers are strictly increasing without gaps, and only then may an adapter broadcast it.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import parse

from .. import links, security
from ..errors import DomainError, NotAllowed
from ..extensions import db, limiter
from ..i18n import current_locale
from ..markdown import render
from ..models import (
    Body,
    CommitteeSession,
    Event,
    Message,
    MessageAttachment,
    PortCommunity,
    Room,
    RoomKind,
    RoomRead,
    User,
)
from ..models.base import utcnow
from . import notifications, room_attachments, room_writes

MAX_BODY_LENGTH = 4000
MAX_CLIENT_ID_LENGTH = 64
MAX_PAGE = 200
DEFAULT_RATE_LIMIT = "20 per 10 seconds"
MAX_MENTIONS = 20
# A mention is "@" and the local part of the person's email address (before the "@"), e.g. @ana.silva.
MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._+-]*[A-Za-z0-9]|[A-Za-z0-9])")


@dataclass(frozen=True)
class RoomEntry:
    """A room as the list of rooms shows it."""

    room: Room
    title: str
    unread: int


def title_of(room: Room) -> str:
    """The room's name in the reader's language (automatic rooms are named after their scope)."""
    if room.kind == RoomKind.NETWORK:
        return _("The whole network")
    if room.kind == RoomKind.COMMUNITY and room.community is not None:
        return room.community.name
    if room.kind == RoomKind.BODY and room.body is not None:
        return room.body.name_in(current_locale())
    if room.kind == RoomKind.SESSION and room.committee_session is not None:
        return room.committee_session.title
    if room.kind == RoomKind.EVENT and room.event is not None:
        return room.event.title_in(current_locale())
    return room.title


def _get_or_create(kind: RoomKind, title: str, **scope: int | None) -> Room:
    """The room of this kind for the scope (e.g. community_id=3), created with its unique index as referee."""
    column, value = next(iter(scope.items()), ("community_id", None))
    where = getattr(Room, column).is_(None) if value is None else getattr(Room, column) == value
    query = sa.select(Room).where(Room.kind == kind, where)
    room = db.session.scalar(query)
    if room is not None:
        return room
    db.session.add(Room(kind=kind, title=title, **scope))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another request created it at the same moment (unique index)
        db.session.rollback()
    return db.session.scalars(query).one()


def room_for_community(community: PortCommunity) -> Room:
    """The community's room, created the first time it is needed."""
    return _get_or_create(RoomKind.COMMUNITY, community.name[:160], community_id=community.id)


def network_room() -> Room:
    """The room of the whole network, created the first time it is needed."""
    return _get_or_create(RoomKind.NETWORK, "Network")


def room_for_body(body: Body) -> Room:
    """A governance body's room (its seat holders'), created the first time it is needed; commits."""
    return _get_or_create(RoomKind.BODY, body.name_in("en")[:160], body_id=body.id)


def room_for_session(session: CommitteeSession) -> Room:
    """A session's room (its body's seat holders'), created the first time it is needed; commits."""
    return _get_or_create(RoomKind.SESSION, session.title[:160], committee_session_id=session.id)


def room_for_event(event: Event) -> Room:
    """An event's room (its participants' and organisers'), created the first time it is needed; commits."""
    return _get_or_create(RoomKind.EVENT, event.title_in("en")[:160], event_id=event.id)


def rooms_for(user: User) -> list[RoomEntry]:
    """The rooms the person can read, with their unread counts; their scopes' rooms exist afterwards."""
    if security.is_network_member(user):
        network_room()
    for community_id in security.community_roles(user):
        community = db.session.get(PortCommunity, community_id)
        if community is not None:
            room_for_community(community)
    rooms = db.session.scalars(
        sa.select(Room)
        .where(security.rooms_visible_to(user))
        .options(
            sa.orm.selectinload(Room.community),
            sa.orm.selectinload(Room.body),
            sa.orm.selectinload(Room.committee_session),
            sa.orm.selectinload(Room.event),
        )
        .order_by(Room.archived, Room.community_id.is_not(None), Room.title)
    ).all()
    unread = unread_counts(user)
    return [RoomEntry(room, title_of(room), unread.get(room.id, 0)) for room in rooms]


def _ensure(user: User, action: str, room: Room) -> None:
    if security.can(user, action, room):
        return
    if action == "rooms.post" and security.can(user, "rooms.read", room):
        if room.accepts_posts and (until := security.muted_until(user, room)) is not None:
            minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
            raise NotAllowed(
                ngettext(
                    "A moderator has muted you in this room: you can post again in %(num)d minute.",
                    "A moderator has muted you in this room: you can post again in %(num)d minutes.",
                    minutes,
                )
            )
        raise NotAllowed(_("This room is read-only: no new messages can be posted."))
    raise NotAllowed(_("You are not a member of this room."))


def ensure_may_post(user: User, room: Room) -> None:
    """Raise NotAllowed, saying why (muted, read-only, not a member), unless the person may post here."""
    _ensure(user, "rooms.post", room)


def checked_body(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise DomainError(_("Write a message first."), field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(
            _("Messages can be at most %(num)d characters long.", num=MAX_BODY_LENGTH), field="body"
        )
    return body.strip()


def _checked_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID_LENGTH:
        raise DomainError(_("The message could not be sent: it has no valid identifier."))
    return client_id


def _check_rate(user: User) -> None:
    # Kept in the rate limiter's storage, so with Redis the limit holds across server processes.
    item = parse(current_app.config.get("ROOMS_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    if not limiter.limiter.hit(item, "rooms.post", str(user.id)):
        raise DomainError(_("You are sending messages too quickly. Please wait a few seconds."))


def _sent(user: User, client_id: str) -> Message | None:
    return db.session.scalar(
        sa.select(Message).where(Message.author_id == user.id, Message.client_id == client_id)
    )


def post_message(
    user: User, room: Room, client_id: Any, body: Any, reply_to: Any = None, *, files: Iterable[Any] = ()
) -> tuple[Message, bool]:
    """Store a message and number it; a retry with the same client id returns the stored one (False).

    `reply_to` is the sequence number of the message, in the same room, that this one answers; `files`
    are uploads stored with it (all or none: a refused file refuses the message). With files, the text
    may be empty."""
    _ensure(user, "rooms.post", room)
    uploads = room_attachments.checked_uploads(files)
    body = "" if uploads and not (isinstance(body, str) and body.strip()) else checked_body(body)
    client_id = _checked_client_id(client_id)
    parent = _parent(room, reply_to)
    if (earlier := _sent(user, client_id)) is not None:
        return _same_room(earlier, room), False
    _check_rate(user)
    row = {
        "author_id": user.id,
        "client_id": client_id,
        "body": body,
        "created_at": utcnow(),
        "parent_id": parent.id if parent is not None else None,
    }
    try:
        if uploads:
            stored = room_attachments.store_with_files(user, room.id, row, uploads, _notify_mentions_in)
        else:
            stored = room_writes.store(room.id, row, _notify_mentions_in)
    except sa.exc.IntegrityError:  # the same send arrived twice at the same moment
        db.session.rollback()
        if (earlier := _sent(user, client_id)) is None:
            raise
        return _same_room(earlier, room), False
    if uploads:  # read back with its author, for the records of its files
        return db.session.get_one(Message, stored["id"], options=[sa.orm.joinedload(Message.author)]), True
    return _as_committed(stored, room, parent), True


def _as_committed(row: dict[str, Any], room: Room, parent: Message | None) -> Message:
    """The message just committed, built from the row as written instead of read back (two queries less
    on the busiest path); in the session like a loaded, unchanged one. Only for a message without files."""
    message = Message(**row, edited_at=None, deleted_at=None, hidden_at=None)
    sa.orm.make_transient_to_detached(message)
    # The author is in the session already (they are signed in): found there, not queried.
    author = db.session.get_one(User, row["author_id"])
    for name, value in (("room", room), ("author", author), ("parent", parent), ("attachments", [])):
        sa.orm.attributes.set_committed_value(message, name, value)
    db.session.add(message)
    return message


def _parent(room: Room, reply_to: Any) -> Message | None:
    """The message replied to: it must be in the same room (looked up there, never by a global id)."""
    if reply_to is None or reply_to == "":
        return None
    parent = message_at(room, reply_to)
    if parent is None:
        raise DomainError(_("The message you reply to is not in this room."), field="reply_to")
    return parent


def _same_room(message: Message, room: Room) -> Message:
    if message.room_id != room.id:
        raise DomainError(_("The message could not be sent: it has no valid identifier."))
    return message


def history(
    user: User, room: Room, after_seq: int | None = None, before_seq: int | None = None, limit: int = 50
) -> list[Message]:
    """Messages in sequence order: after `after_seq`, else the newest ones (before `before_seq`)."""
    _ensure(user, "rooms.read", room)
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        sa.select(Message)
        .where(Message.room_id == room.id)
        .options(
            sa.orm.selectinload(Message.author),
            sa.orm.selectinload(Message.parent).selectinload(Message.author),
            sa.orm.selectinload(Message.attachments).selectinload(MessageAttachment.stored_file),
        )
        .limit(limit)
    )
    if after_seq is not None:
        return list(db.session.scalars(query.where(Message.seq > after_seq).order_by(Message.seq)))
    if before_seq is not None:
        query = query.where(Message.seq < before_seq)
    return list(reversed(db.session.scalars(query.order_by(Message.seq.desc())).all()))


def mark_read(user: User, room: Room, seq: int) -> int:
    """Move the person's read marker forward to `seq` (never back, never past the newest message)."""
    _ensure(user, "rooms.read", room)
    seq = max(0, min(seq, room.last_seq))
    marker = db.session.get(RoomRead, (user.id, room.id))
    if marker is None:
        marker = RoomRead(user_id=user.id, room_id=room.id, last_read_seq=0)
        db.session.add(marker)
    marker.last_read_seq = max(marker.last_read_seq or 0, seq)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second tab created the marker at the same moment; it will catch up
        db.session.rollback()
    return seq


def _unread(user: User, *columns: Any) -> sa.Select:
    """Messages by others after the person's read marker, in the rooms the person can read."""
    read = sa.orm.aliased(RoomRead)
    return (
        sa.select(*columns)
        .join(Room, Room.id == Message.room_id)
        .outerjoin(read, sa.and_(read.room_id == Message.room_id, read.user_id == user.id))
        .where(
            security.rooms_visible_to(user),
            Message.author_id != user.id,
            Message.seq > sa.func.coalesce(read.last_read_seq, 0),
        )
    )


def unread_counts(user: User) -> dict[int, int]:
    """Per readable room, how many messages by others came after the person's read marker."""
    rows = db.session.execute(
        _unread(user, Message.room_id, sa.func.count(Message.id)).group_by(Message.room_id)
    )
    return {room_id: count for room_id, count in rows}


def unread_total(user: User) -> int:
    """Unread messages in all the person's rooms together, in one query (for the navigation)."""
    return db.session.scalar(_unread(user, sa.func.count(Message.id))) or 0


def last_read_seq(user: User, room: Room) -> int:
    """Where the person's read marker stands in the room (0 before their first visit)."""
    marker = db.session.get(RoomRead, (user.id, room.id))
    return marker.last_read_seq if marker is not None else 0


def first_unread_seq(user: User, room: Room, messages: list[Message]) -> int | None:
    """Among the given messages, the first one by someone else past the person's read marker."""
    read_up_to = last_read_seq(user, room)
    return next((m.seq for m in messages if m.seq > read_up_to and m.author_id != user.id), None)


def as_record(message: Message) -> dict[str, Any]:
    """A message as plain data for sockets and JSON: sanitised HTML, never the raw markdown as markup."""
    return {
        "room_id": message.room_id,
        "seq": message.seq,
        "id": message.id,
        "client_id": message.client_id,
        "author": message.author.name,
        "author_id": message.author_id,  # the page offers its own author Edit, the others Report
        # A deleted or hidden message keeps its place in the sequence, without its body.
        "html": "" if message.is_removed else str(render(message.body)),
        "body": "" if message.is_removed else message.body,  # text to edit (rendered only as textarea text)
        "deleted": message.is_removed,
        "edited": message.edited_at is not None,
        "created_at": message.created_at.isoformat(),
        "reply_to": message.parent.seq if message.parent is not None else None,
        "attachments": room_attachments.records(message),
    }


def mentioned_handles(body: str) -> set[str]:
    """The handles mentioned in a message (lower case): "@" followed by an email address's local part."""
    return {handle.casefold() for handle in MENTION.findall(body)}


def _mentioned_readers(author: User, room: Room, body: str) -> list[User]:
    handles = sorted(mentioned_handles(body))[:MAX_MENTIONS]
    if not handles:
        return []
    email = sa.func.lower(User.email)
    candidates = db.session.scalars(
        sa.select(User).where(sa.or_(*(sa.func.substr(email, 1, len(h) + 1) == f"{h}@" for h in handles)))
    )
    return [
        person
        for person in candidates
        if person.id != author.id and not person.is_deleted and security.can(person, "rooms.read", room)
    ]


def _notify_mentions_in(row: dict[str, Any]) -> None:
    """Notify the mentions of a message being stored (called in its transaction, by whichever thread
    writes it: the author and room are read in that thread's session)."""
    if mentioned_handles(row["body"]):
        author, room = db.session.get_one(User, row["author_id"]), db.session.get_one(Room, row["room_id"])
        _notify_mentions(author, room, row["body"])


def _notify_mentions(author: User, room: Room, body: str) -> None:
    """Notify the readers of the room the message mentions (never the author, never anyone else)."""
    for person in _mentioned_readers(author, room, body):
        notifications.notify(
            person,
            "rooms.mention",
            params={"person": author.name, "room": title_of(room)},
            link=links.site_path("rooms.show", room_id=room.id),
        )


def message_at(room: Room, seq: Any) -> Message | None:
    """The room's message with this sequence number."""
    if isinstance(seq, bool) or not isinstance(seq, int):
        return None
    return db.session.scalar(sa.select(Message).where(Message.room_id == room.id, Message.seq == seq))


def removal_record(message: Message) -> dict[str, Any]:
    """What members are told live when a message is deleted or hidden: no body."""
    return {
        "room_id": message.room_id,
        "seq": message.seq,
        "deleted": True,
        "hidden": message.hidden_at is not None,
    }


def update_record(message: Message) -> dict[str, Any]:
    """What members are told live when a message changes: its new HTML, or that it is gone."""
    if message.is_removed:
        return removal_record(message)
    return {"room_id": message.room_id, "seq": message.seq, "html": str(render(message.body)), "edited": True}


def excerpt(message: Message, length: int = 80) -> str:
    """The start of a message's markdown source, for "in reply to" lines (empty when it is removed)."""
    if message.is_removed:
        return ""
    text = " ".join(message.body.split())
    return text if len(text) <= length else text[: length - 1] + "…"
