"""Posts that queue up for a room are stored together: one transaction, consecutive numbers in queue order,
and a duplicate among them fails alone without leaving a gap."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ports_network.extensions import db
from ports_network.models import Message
from ports_network.services import room_writes, rooms


def _row(author, client_id: str, body: str = "hello") -> dict:
    return {"author_id": author.id, "client_id": client_id, "body": body, "parent_id": None}


def _queue(room, *rows):
    """Posts of other threads waiting for the room's turn (as if they arrived while it was busy)."""
    posts = [room_writes._Post(row) for row in rows]
    room_writes._queue_of(room.id).waiting.extend(posts)
    return posts


def _stored(room) -> list[tuple[int, str]]:
    query = sa.select(Message.seq, Message.client_id).where(Message.room_id == room.id).order_by(Message.seq)
    return [tuple(row) for row in db.session.execute(query)]


def _nothing(row):
    return None


def test_the_posts_waiting_for_a_room_are_stored_in_one_transaction_in_order(member, coordinator, community):
    room = rooms.room_for_community(community)
    waiting = _queue(room, _row(member, "m-1"), _row(coordinator, "c-1"))
    commits = []

    def count(session):
        commits.append(session)

    sa.event.listen(Session, "after_commit", count)
    try:
        own = room_writes.store(room.id, _row(member, "m-2"), _nothing)
    finally:
        sa.event.remove(Session, "after_commit", count)

    assert len(commits) == 1
    assert _stored(room) == [(1, "m-1"), (2, "c-1"), (3, "m-2")]
    assert all(post.done and post.error is None for post in waiting)
    assert own["seq"] == 3 and db.session.get(Message, own["id"]).seq == 3
    db.session.refresh(room)
    assert room.last_seq == 3


def test_a_duplicate_in_a_group_fails_alone_and_leaves_no_gap(member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(member, room, "sent-before", "first")
    ok, duplicate = _queue(room, _row(coordinator, "c-1"), _row(member, "sent-before"))

    room_writes.store(room.id, _row(member, "m-2"), _nothing)

    assert isinstance(duplicate.error, sa.exc.IntegrityError)
    assert ok.error is None and ok.stored is not None
    assert _stored(room) == [(1, "sent-before"), (2, "c-1"), (3, "m-2")]


def test_a_mention_in_a_post_stored_by_another_thread_is_notified(member, coordinator, community):
    room = rooms.room_for_community(community)
    handle = coordinator.email.split("@")[0]
    _queue(room, _row(member, "m-1", f"Hello @{handle}"))

    rooms.post_message(member, room, "m-2", "and another")

    notices = db.session.execute(sa.text("SELECT user_id FROM notification")).scalars().all()
    assert notices == [coordinator.id]
