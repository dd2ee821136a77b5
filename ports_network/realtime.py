"""The real-time port: what services and views may ask of the open sockets, after they have committed.

Services never emit; they call this module, so the dependency on Socket.IO is explicit and replaceable.

Which sockets a person has open is kept in a registry: python-socketio knows only the sockets of its own
process, so with a message queue (REDIS_URL) the registry is a Redis set per person, shared by every
server process. Acting on a socket id is then safe from any process: python-socketio's pub/sub manager
handles `disconnect(sid)` and `leave_room(sid, room)` locally when the socket is here, and otherwise
publishes them on the queue for the process that holds it. Without a queue there is one process, and the
per-person Socket.IO room `user-<id>` is the registry. Ids of sockets that died with their process stay
in the set until its expiry; acting on them is a no-op.
"""

import logging
from functools import cache

import redis
import sqlalchemy as sa
from flask import current_app

from . import security
from .extensions import db, socketio
from .models import Room, RoomKind, User

logger = logging.getLogger(__name__)

NAMESPACE = "/"
REGISTRY_KEY = "ports_network:{channel}:sockets:user:{user_id}"
# A socket lives no longer than a browser session; the expiry only bounds what crashed processes leave.
REGISTRY_TTL_SECONDS = 2 * 24 * 3600
ROOM_CHANNEL_PREFIX = "room-"


def room_channel(room_id: int) -> str:
    """The Socket.IO room of a discussion room, computed on the server only."""
    return f"{ROOM_CHANNEL_PREFIX}{room_id}"


def session_channel(session_id: int) -> str:
    """The Socket.IO room of a governance session's live view, computed on the server only."""
    return f"session-{session_id}"


def user_channel(user_id: int) -> str:
    """The Socket.IO room holding every socket of one person in this process."""
    return f"user-{user_id}"


@cache
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def shared_redis() -> redis.Redis | None:
    """The Redis server every process shares (REDIS_URL), or None in the single-process default."""
    url = current_app.config.get("REDIS_URL")
    return _redis_for(url) if url else None


def scoped_key(template: str, **fields: object) -> str:
    """A Redis key scoped like the message queue's channel: deployments sharing a Redis server keep apart."""
    return template.format(channel=current_app.config.get("SOCKETIO_CHANNEL", ""), **fields)


def _key(user_id: int | str) -> str:
    return scoped_key(REGISTRY_KEY, user_id=user_id)


def register_socket(sid: str, user_id: int) -> None:
    """Remember a newly connected socket of a person (called by the connect event)."""
    socketio.server.enter_room(sid, user_channel(user_id), namespace=NAMESPACE)
    if (registry := shared_redis()) is not None:
        key = _key(user_id)
        registry.pipeline().sadd(key, sid).expire(key, REGISTRY_TTL_SECONDS).execute()


def unregister_socket(sid: str) -> None:
    """Forget a socket that is disconnecting (called by the disconnect event, while it is still in rooms).

    The person is read from the socket's own `user-<id>` room, not from current_user: a disconnect that
    another request causes (signing out, an administrator disabling the account) runs inside that
    request, where current_user is someone else or already nobody.
    """
    registry = shared_redis()
    for room in socketio.server.rooms(sid, namespace=NAMESPACE):
        if registry is not None and room.startswith("user-"):
            registry.srem(_key(room.removeprefix("user-")), sid)


def _sockets_of(user_id: int) -> set[str]:
    local = socketio.server.manager.get_participants(NAMESPACE, user_channel(user_id))
    sids = {sid for sid, _eio_sid in local}
    if (registry := shared_redis()) is not None:
        sids |= {sid.decode() for sid in registry.smembers(_key(user_id))}
    return sids


def disconnect_user(user_id: int) -> int:
    """Close every socket the person has open, on every server process; returns how many were known."""
    sids = _sockets_of(user_id)
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    if (registry := shared_redis()) is not None:
        registry.delete(_key(user_id))
    logger.info("closed %d socket(s) of user %s", len(sids), user_id)
    return len(sids)


def evict_from_community_rooms(user_id: int, community_id: int) -> int:
    """Take the person's sockets out of the rooms they can no longer read after leaving a community.

    The sockets stay connected (other rooms go on), but they leave the community's rooms, and the network
    room when that was their last membership, at once and without waiting for their next event; the
    rooms' "Here now" stops showing the person.
    Returns how many Socket.IO rooms were left.
    """
    user = db.session.get(User, user_id)
    candidates = db.session.scalars(
        sa.select(Room).where(sa.or_(Room.community_id == community_id, Room.kind == RoomKind.NETWORK))
    ).all()
    lost = [room for room in candidates if user is None or not security.can(user, "rooms.read", room)]
    sids = _sockets_of(user_id)
    for room in lost:
        for sid in sids:
            socketio.server.leave_room(sid, room_channel(room.id), namespace=NAMESPACE)
    from .realtime_presence import remove_person  # presence builds on this module

    remove_person(user_id, [room.id for room in lost])
    return len(lost)
