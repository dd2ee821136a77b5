"""Socket.IO events of the rooms: every event is authorised again, rooms are named by the server.

Clients join with the last sequence number they saw and get what they missed in the acknowledgement,
after they are in the room, so nothing committed in between is lost (duplicates are dropped by seq).
Joining also enters the person in the room's "Here now" (realtime_presence); typing is announced, never
stored.
"""

import logging
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ... import realtime, realtime_presence, security
from ...errors import DomainError
from ...extensions import db, socketio
from ...models import Message, Room
from ...services import room_moderation, rooms

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 200


def broadcast(message: Message) -> None:
    """Send a committed message to everyone in its room (on every server process, through the queue)."""
    socketio.emit("message", rooms.as_record(message), to=realtime.room_channel(message.room_id))


def broadcast_update(message: Message) -> None:
    """Tell everyone in the room that a committed message was edited, deleted or hidden."""
    socketio.emit("message_updated", rooms.update_record(message), to=realtime.room_channel(message.room_id))


def _refused(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def _integer(data: dict, key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _named_room(data: Any) -> Room | None:
    """The room the payload names, not yet authorised."""
    if not isinstance(data, dict) or (room_id := _integer(data, "room_id")) is None:
        return None
    return db.session.get(Room, room_id)


def _still_readable(room: Room) -> bool:
    """Whether the current user may read the room now (membership can change); if not, out of it."""
    if security.can(current_user, "rooms.read", room):
        return True
    leave_room(realtime.room_channel(room.id))  # no more live messages from a room the person lost
    realtime_presence.leave(room.id, request.sid)
    return False


def _readable_room(data: Any) -> Room | None:
    """The room the payload names, if the current user may read it now."""
    room = _named_room(data)
    return room if room is not None and _still_readable(room) else None


def connect(auth: Any = None) -> bool:
    """Only signed-in people connect; the login session cookie authenticates the socket."""
    if not security.is_signed_in(current_user):
        return False
    # Registered so that signing out or losing a membership reaches this socket from any process.
    realtime.register_socket(request.sid, current_user.id)
    return True


def disconnect(reason: Any = None) -> None:
    """Forget the socket in the registry of open sockets and in the presence of its rooms."""
    realtime_presence.leave_all(request.sid)
    realtime.unregister_socket(request.sid)


def join(data: Any) -> dict[str, Any]:
    """Enter a room and catch up: the ack carries the messages after `last_seq`, in order."""
    room = _readable_room(data)
    last_seq = _integer(data, "last_seq", 0) if isinstance(data, dict) else None
    if room is None or last_seq is None:
        return _refused(_("This room does not exist or you cannot read it."))
    join_room(realtime.room_channel(room.id))
    realtime_presence.enter(room.id, request.sid, current_user)
    missed = rooms.history(current_user, room, after_seq=last_seq, limit=CATCH_UP_LIMIT)
    return {
        "ok": True,
        "messages": [rooms.as_record(m) for m in missed],
        "last_seq": room.last_seq,
    }


def send(data: Any) -> dict[str, Any]:
    """Store a message, then broadcast it; the ack (with its seq) tells the sender it is stored."""
    room = _named_room(data)
    if room is None:
        return _refused(_("This room does not exist or you cannot read it."))
    try:
        # Authorised by the service ("rooms.post" includes reading): one check on the busiest path.
        message, created = rooms.post_message(
            current_user, room, data.get("client_id"), data.get("body"), data.get("reply_to")
        )
    except DomainError as error:
        if not _still_readable(room):
            return _refused(_("This room does not exist or you cannot read it."))
        return _refused(str(error.message))
    if created:
        broadcast(message)
    return {"ok": True, "seq": message.seq, "id": message.id, "client_id": message.client_id}


def _change(data: Any, apply: Any) -> dict[str, Any]:
    room = _readable_room(data)
    message = rooms.message_at(room, data.get("seq")) if room is not None else None
    if message is None:
        return _refused(_("This message does not exist or you cannot read it."))
    try:
        apply(message)
    except DomainError as error:
        return _refused(str(error.message))
    broadcast_update(message)
    return {"ok": True, "seq": message.seq}


def edit(data: Any) -> dict[str, Any]:
    """The author changes their message; the room sees the new version (authorised by the service)."""
    body = data.get("body") if isinstance(data, dict) else None
    return _change(data, lambda message: room_moderation.edit_message(current_user, message, body))


def delete(data: Any) -> dict[str, Any]:
    """The author deletes their message; the room sees a placeholder instead."""
    return _change(data, lambda message: room_moderation.delete_message(current_user, message))


def read(data: Any) -> dict[str, Any]:
    """Move the read marker forward as messages are seen live."""
    room = _readable_room(data)
    seq = _integer(data, "seq") if isinstance(data, dict) else None
    if room is None or seq is None:
        return _refused(_("This room does not exist or you cannot read it."))
    realtime_presence.keep_alive(room.id)
    return {"ok": True, "seq": rooms.mark_read(current_user, room, seq)}


def typing(data: Any) -> dict[str, Any]:
    """Tell the others in the room that the person is typing: authorised like posting, throttled, not kept."""
    room = _readable_room(data)
    if room is None:
        return _refused(_("This room does not exist or you cannot read it."))
    if not current_user.share_presence:
        return _refused(_("You chose not to show others when you are typing."))
    try:
        rooms.ensure_may_post(current_user, room)
    except DomainError as error:
        return _refused(str(error.message))
    if not realtime_presence.typing_due(room.id, current_user.id):
        return {"ok": True, "announced": False}  # announced less than two seconds ago
    notice = {"room_id": room.id, "user_id": current_user.id, "name": current_user.name}
    socketio.emit("typing", notice, to=realtime.room_channel(room.id), skip_sid=request.sid)
    return {"ok": True, "announced": True}


EVENTS = {
    "connect": connect,
    "disconnect": disconnect,
    "join": join,
    "send": send,
    "edit": edit,
    "delete": delete,
    "read": read,
    "typing": typing,
}


def register_events() -> None:
    """Attach the handlers to the Socket.IO server of the application being created.

    Called by every create_app: a handler decorated at import time would only reach the first server.
    """
    for event, handler in EVENTS.items():
        socketio.on(event)(handler)
