"""Storing room messages in groups: the posts that queue up for a room while one is written go in together.

A message is numbered and committed before anyone sees it, and a room's numbers come from one row, so
the writes to a room happen one transaction at a time. Under load each post would wait for the commit of
the one before it; instead the thread whose turn it is writes every post queued for the room by then in
one transaction (one numbering UPDATE, one multi-row INSERT, one commit) and hands each waiting thread
its message's row as stored (id and seq included), which nobody then needs to read back. Nothing is
acknowledged or broadcast before that commit. A group that fails (a retried send racing itself) is
written again one post at a time, so every post gets its own outcome.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..database import one_writer
from ..extensions import db
from ..models import Message, Room

Row = dict[str, Any]


@dataclass(eq=False)
class _Post:
    row: Row
    stored: Row | None = None  # the row as committed: with its room_id, seq and id
    error: Exception | None = None
    done: bool = False


@dataclass(eq=False)
class _RoomQueue:
    turn: threading.Lock = field(default_factory=threading.Lock)  # held by the thread writing a group
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards `waiting`
    waiting: list[_Post] = field(default_factory=list)


_queues: dict[tuple[int, int], _RoomQueue] = {}
_queues_lock = threading.Lock()


def _queue_of(room_id: int) -> _RoomQueue:
    key = (id(db.engine), room_id)  # rooms of different databases (apps) never share a queue
    with _queues_lock:
        return _queues.setdefault(key, _RoomQueue())


def store(room_id: int, row: Row, in_transaction: Callable[[Row], None]) -> Row:
    """Number and insert a message (row: author_id, client_id, body, created_at, parent_id) and commit;
    the row as stored (with room_id, seq and id).

    `in_transaction(row)` runs for each stored row (with its new "id") before the commit (mention
    notices), in the writing thread's session. Raises what storing this post raised (IntegrityError for
    a duplicate client id)."""
    queue = _queue_of(room_id)
    post = _Post(row)
    with queue.lock:
        queue.waiting.append(post)
    with queue.turn:
        if not post.done:  # else an earlier turn wrote it along with its own
            with queue.lock:
                group, queue.waiting = queue.waiting, []
            _write(room_id, group, in_transaction)
    if post.error is not None:
        raise post.error
    return post.stored


def store_alone(room_id: int, row: Row, in_transaction: Callable[[Row], None]) -> Row:
    """Like `store`, but written by this thread, alone: for a post whose transaction holds more than the
    message (its files, already added to this thread's session, are committed with it)."""
    post = _Post(row)
    with _queue_of(room_id).turn:
        _write(room_id, [post], in_transaction)
    if post.error is not None:
        raise post.error
    return post.stored


def _write(room_id: int, group: list[_Post], in_transaction: Callable[[Row], None]) -> None:
    try:
        _insert(room_id, group, in_transaction)
    except sa.exc.IntegrityError as error:
        if len(group) == 1:
            group[0].error = error
        else:
            for post in group:
                _write(room_id, [post], in_transaction)
    finally:
        for post in group:  # every waiting thread gets an outcome, none waits for ever
            if post.stored is None and post.error is None:
                post.error = RuntimeError("the message could not be stored")
            post.done = True


def _insert(room_id: int, group: list[_Post], in_transaction: Callable[[Row], None]) -> None:
    rooms, messages = Room.__table__, Message.__table__
    with one_writer(db.session):
        try:
            # The row lock taken by this UPDATE serialises the writers of the room (across processes
            # too) until the commit; a rollback undoes the increment, so numbers never skip.
            last = db.session.execute(
                sa.update(rooms)
                .where(rooms.c.id == room_id)
                .values(last_seq=rooms.c.last_seq + len(group))
                .returning(rooms.c.last_seq)
            ).scalar_one()
            first = last - len(group) + 1
            rows = [{**post.row, "room_id": room_id, "seq": first + n} for n, post in enumerate(group)]
            ids = db.session.scalars(
                sa.insert(messages).returning(messages.c.id, sort_by_parameter_order=True), rows
            ).all()
            stored = [{**row, "id": message_id} for row, message_id in zip(rows, ids, strict=True)]
            for row in stored:
                in_transaction(row)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    for post, row in zip(group, stored, strict=True):
        post.stored = row
