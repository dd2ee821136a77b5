"""Socket.IO events of the rooms: every event is authorised again, rooms are named by the server.

Clients join with the last sequence number they saw and get what they missed in the acknowledgement,
after they are in the room, so nothing committed in between is lost (duplicates are dropped by seq).
"""

import logging
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ... import realtime, security
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


def _readable_room(data: Any) -> Room | None:
    """The room the payload names, if the current user may read it now (membership can change)."""
    if not isinstance(data, dict) or (room_id := _integer(data, "room_id")) is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None:
        return None
    if not security.can(current_user, "rooms.read", room):
        leave_room(realtime.room_channel(room.id))  # no more live messages from a room the person lost
        return None
    return room


def connect(auth: Any = None) -> bool:
    """Only signed-in people connect; the login session cookie authenticates the socket."""
    if not security.is_signed_in(current_user):
        return False
    # Registered so that signing out or losing a membership reaches this socket from any process.
    realtime.register_socket(request.sid, current_user.id)
    return True


def disconnect(reason: Any = None) -> None:
    """Forget the socket in the registry of open sockets."""
    realtime.unregister_socket(request.sid)


def join(data: Any) -> dict[str, Any]:
    """Enter a room and catch up: the ack carries the messages after `last_seq`, in order."""
    room = _readable_room(data)
    last_seq = _integer(data, "last_seq", 0) if isinstance(data, dict) else None
    if room is None or last_seq is None:
        return _refused(_("This room does not exist or you cannot read it."))
    join_room(realtime.room_channel(room.id))
    missed = rooms.history(current_user, room, after_seq=last_seq, limit=CATCH_UP_LIMIT)
    return {
        "ok": True,
        "messages": [rooms.as_record(m) for m in missed],
        "last_seq": room.last_seq,
    }


def send(data: Any) -> dict[str, Any]:
    """Store a message, then broadcast it; the ack (with its seq) tells the sender it is stored."""
    room = _readable_room(data)
    if room is None:
        return _refused(_("This room does not exist or you cannot read it."))
    try:
        message, created = rooms.post_message(
            current_user, room, data.get("client_id"), data.get("body"), data.get("reply_to")
        )
    except DomainError as error:
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
    return {"ok": True, "seq": rooms.mark_read(current_user, room, seq)}


EVENTS = {
    "connect": connect,
    "disconnect": disconnect,
    "join": join,
    "send": send,
    "edit": edit,
    "delete": delete,
    "read": read,
}


def register_events() -> None:
    """Attach the handlers to the Socket.IO server of the application being created.

    Called by every create_app: a handler decorated at import time would only reach the first server.
    """
    for event, handler in EVENTS.items():
        socketio.on(event)(handler)
