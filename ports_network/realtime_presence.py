"""Who is in each room now ("Here now") and the throttle of "is typing" notices; no database writes.

Presence is kept by socket (socket id -> person), so a second tab counts once and closing it leaves the
person there while the first stays open. With a message queue (REDIS_URL) a room's presence is a Redis hash
shared by every server process; its expiry, pushed back whenever someone joins, types or reads in the room,
only bounds what a crashed process leaves behind. Without a queue there is one process and a dict in it.

Only people who share their presence are entered, and names are read with that setting again, so switching
it off hides the person at once. Every change is told to the room's Socket.IO channel, which holds only the
people who can read the room (checked on join and taken away with the membership): presence is seen only
within rooms one shares.
"""

import threading
import time
from collections.abc import Iterable
from typing import Any

import redis
import sqlalchemy as sa
from flask import current_app

from . import security
from .extensions import db, socketio
from .models import Room, User
from .realtime import NAMESPACE, ROOM_CHANNEL_PREFIX, room_channel, scoped_key, shared_redis

PRESENCE_KEY = "ports_network:{channel}:presence:room:{room_id}"
TYPING_KEY = "ports_network:{channel}:typing:room:{room_id}:user:{user_id}"
# Long enough for a quiet afternoon: a socket that stays open is entered again on its next join.
PRESENCE_TTL_SECONDS = 12 * 3600
TYPING_INTERVAL_SECONDS = 2.0
_LOCAL_TYPING_LIMIT = 10_000


class _LocalStore:
    """The single-process default: presence and the last typing notices in dicts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rooms: dict[int, dict[str, int]] = {}
        self.typing: dict[tuple[int, int], float] = {}

    def add(self, room_id: int, sid: str, user_id: int) -> bool:
        with self.lock:
            sockets = self.rooms.setdefault(room_id, {})
            added = sid not in sockets
            sockets[sid] = user_id
            return added

    def remove(self, room_id: int, sid: str | None = None, user_id: int | None = None) -> bool:
        with self.lock:
            sockets = self.rooms.get(room_id, {})
            gone = [s for s, person in sockets.items() if s == sid or person == user_id]
            for s in gone:
                del sockets[s]
            if not sockets:
                self.rooms.pop(room_id, None)
            return bool(gone)

    def user_ids(self, room_id: int) -> set[int]:
        with self.lock:
            return set(self.rooms.get(room_id, {}).values())

    def touch(self, room_id: int) -> None:
        """Nothing expires in one process: sockets leave through their disconnect."""

    def first_in_interval(self, room_id: int, user_id: int) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.typing.get((room_id, user_id), -TYPING_INTERVAL_SECONDS) < TYPING_INTERVAL_SECONDS:
                return False
            if len(self.typing) >= _LOCAL_TYPING_LIMIT:
                self.typing = {k: t for k, t in self.typing.items() if now - t < TYPING_INTERVAL_SECONDS}
            self.typing[(room_id, user_id)] = now
            return True


class _RedisStore:
    """Presence shared by every server process: a hash per room, socket id -> user id."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    @staticmethod
    def _key(room_id: int) -> str:
        return scoped_key(PRESENCE_KEY, room_id=room_id)

    def add(self, room_id: int, sid: str, user_id: int) -> bool:
        key = self._key(room_id)
        added, _ = self.client.pipeline().hset(key, sid, user_id).expire(key, PRESENCE_TTL_SECONDS).execute()
        return bool(added)

    def remove(self, room_id: int, sid: str | None = None, user_id: int | None = None) -> bool:
        key = self._key(room_id)
        gone = [sid] if sid is not None else []
        if user_id is not None:
            gone += [s for s, person in self.client.hgetall(key).items() if int(person) == user_id]
        return bool(gone) and bool(self.client.hdel(key, *gone))

    def user_ids(self, room_id: int) -> set[int]:
        return {int(person) for person in self.client.hvals(self._key(room_id))}

    def touch(self, room_id: int) -> None:
        self.client.expire(self._key(room_id), PRESENCE_TTL_SECONDS)

    def first_in_interval(self, room_id: int, user_id: int) -> bool:
        # SET NX with an expiry is atomic: of two processes, only one announces the same keystrokes.
        key = scoped_key(TYPING_KEY, room_id=room_id, user_id=user_id)
        return bool(self.client.set(key, 1, nx=True, px=int(TYPING_INTERVAL_SECONDS * 1000)))


def _store() -> _LocalStore | _RedisStore:
    if (client := shared_redis()) is not None:
        return _RedisStore(client)
    return current_app.extensions.setdefault("ports_network.presence", _LocalStore())


def people(room_id: int) -> list[dict[str, Any]]:
    """Who is in the room now and shares it, by name: [{id, name}] (one query for the names)."""
    user_ids = _store().user_ids(room_id)
    if not user_ids:
        return []
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .where(
            User.id.in_(user_ids),
            User.share_presence.is_(True),
            User.deleted_at.is_(None),
            User.is_disabled.is_(False),
        )
        .order_by(User.name, User.id)
    )
    return [{"id": user_id, "name": name} for user_id, name in rows]


def _announce(room_id: int, to: str, skip_sid: str | None = None) -> None:
    payload = {"room_id": room_id, "people": people(room_id)}
    socketio.emit("presence", payload, to=to, skip_sid=skip_sid, namespace=NAMESPACE)


def enter(room_id: int, sid: str, user: User) -> None:
    """A socket joined the room: enter the person if they share presence, then tell who is here
    to the whole room when that changed, else to this socket alone."""
    added = user.share_presence and _store().add(room_id, sid, user.id)
    _announce(room_id, room_channel(room_id) if added else sid)


def leave(room_id: int, sid: str) -> None:
    """A socket left the room (or lost it): take it out, and tell the room when that changed."""
    if _store().remove(room_id, sid=sid):
        _announce(room_id, room_channel(room_id), skip_sid=sid)


def leave_all(sid: str) -> None:
    """A socket is closing: take it out of every room it is in (called while it is still in them)."""
    for channel in socketio.server.rooms(sid, namespace=NAMESPACE):
        if channel.startswith(ROOM_CHANNEL_PREFIX):
            leave(int(channel.removeprefix(ROOM_CHANNEL_PREFIX)), sid)


def remove_person(user_id: int, room_ids: Iterable[int]) -> None:
    """Take every socket of the person out of these rooms (lost access, or presence switched off)."""
    store = _store()
    for room_id in room_ids:
        if store.remove(room_id, user_id=user_id):
            _announce(room_id, room_channel(room_id))


def hide(user: User) -> None:
    """The person stopped sharing presence: the rooms they can read stop showing them, at once."""
    remove_person(user.id, db.session.scalars(sa.select(Room.id).where(security.rooms_visible_to(user))))


def keep_alive(room_id: int) -> None:
    """Someone is active in the room: push back the expiry of its shared presence."""
    _store().touch(room_id)


def typing_due(room_id: int, user_id: int) -> bool:
    """Whether the person's typing may be announced in the room now: once per interval, on every process."""
    store = _store()
    store.touch(room_id)
    return store.first_in_interval(room_id, user_id)
