"""The rooms service: numbering without gaps, idempotent sends, history, read markers, who sees which room."""

import os
import threading

import pytest
import sqlalchemy as sa

from ports_network import security
from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import EventKind, Message, RegistrationStatus, Room, RoomKind, SeatRole, User
from ports_network.services import room_moderation, rooms
from tests import factories

on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent writers need a server database (the in-memory SQLite test database is one connection)",
)


def _post(user, room, count, prefix="c"):
    return [rooms.post_message(user, room, f"{prefix}-{n}", f"message {n}")[0] for n in range(count)]


def test_community_room_is_created_once_and_named_after_the_community(community):
    room = rooms.room_for_community(community)
    assert rooms.room_for_community(community).id == room.id
    assert room.kind == RoomKind.COMMUNITY
    assert rooms.title_of(room) == community.name
    assert rooms.title_of(rooms.network_room()) == "The whole network"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 2


def test_messages_are_numbered_one_by_one_per_room(member, community):
    room, network = rooms.room_for_community(community), rooms.network_room()
    assert [m.seq for m in _post(member, room, 3, "a")] == [1, 2, 3]
    assert [m.seq for m in _post(member, network, 2, "b")] == [1, 2]
    db.session.refresh(room)
    assert room.last_seq == 3


def test_a_retried_send_returns_the_stored_message(member, community):
    room = rooms.room_for_community(community)
    first, created = rooms.post_message(member, room, "retry-me", "Hello")
    again, created_again = rooms.post_message(member, room, "retry-me", "Hello")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_a_client_id_cannot_be_reused_in_another_room(member, community):
    rooms.post_message(member, rooms.room_for_community(community), "once", "Hello")
    with pytest.raises(DomainError):
        rooms.post_message(member, rooms.network_room(), "once", "Hello")


def test_history_is_in_sequence_order_after_or_before_a_number(member, community):
    room = rooms.room_for_community(community)
    _post(member, room, 7)
    assert [m.seq for m in rooms.history(member, room)] == [1, 2, 3, 4, 5, 6, 7]
    assert [m.seq for m in rooms.history(member, room, limit=3)] == [5, 6, 7]
    assert [m.seq for m in rooms.history(member, room, after_seq=4)] == [5, 6, 7]
    assert [m.seq for m in rooms.history(member, room, after_seq=1, limit=2)] == [2, 3]
    assert [m.seq for m in rooms.history(member, room, before_seq=5, limit=2)] == [3, 4]


def test_outsider_cannot_read_the_history(outsider, community):
    with pytest.raises(NotAllowed):
        rooms.history(outsider, rooms.room_for_community(community))


def test_read_marker_only_moves_forward_and_counts_messages_by_others(member, coordinator, community):
    room = rooms.room_for_community(community)
    _post(member, room, 4)
    assert rooms.unread_counts(coordinator) == {room.id: 4}
    assert rooms.mark_read(coordinator, room, 99) == 4  # never past the newest message
    rooms.mark_read(coordinator, room, 1)
    assert rooms.unread_counts(coordinator) == {}
    assert rooms.unread_counts(member) == {}


def test_rooms_for_lists_the_rooms_of_the_persons_scopes(member, other_member, outsider, community):
    titles = [entry.title for entry in rooms.rooms_for(member)]
    assert titles == ["The whole network", community.name]
    assert community.name not in [entry.title for entry in rooms.rooms_for(other_member)]
    assert rooms.rooms_for(outsider) == []


def test_rooms_visible_to_agrees_with_can_read(request, community):
    people = [
        request.getfixturevalue(name)
        for name in ("member", "coordinator", "other_member", "outsider", "secretariat")
    ]
    rooms.room_for_community(community)
    rooms.network_room()
    db.session.add(Room(kind=RoomKind.TOPIC, community_id=community.id, title="Tariffs"))
    # Governance rooms: the member holds a seat, the outsider held one that ended, the others none.
    session = factories.CommitteeSessionFactory()
    factories.SeatFactory(body=session.body, user=people[0])
    ended = factories.SeatFactory(body=session.body, user=people[3])
    ended.end_date = ended.start_date
    other_body = factories.BodyFactory()
    factories.SeatFactory(body=other_body, user=people[2], role=SeatRole.CHAIR)
    db.session.commit()
    for room in (
        rooms.room_for_body(session.body),
        rooms.room_for_session(session),
        rooms.room_for_body(other_body),
    ):
        assert security.can(people[-1], "rooms.read", room)  # the Secretariat reads every room
    assert security.can(people[0], "rooms.read", rooms.room_for_session(session))
    assert not security.can(people[1], "rooms.read", rooms.room_for_body(session.body))
    assert not security.can(people[3], "rooms.read", rooms.room_for_body(session.body))
    # Event rooms: the member holds a place at the seminar, the outsider waits for one, the other member
    # cancelled theirs; the coordinator organises the workshop of their community.
    seminar = factories.EventFactory(capacity=1)
    factories.EventRegistrationFactory(event=seminar, user=people[0])
    factories.EventRegistrationFactory(event=seminar, user=people[3], status=RegistrationStatus.WAITLISTED)
    factories.EventRegistrationFactory(event=seminar, user=people[2], status=RegistrationStatus.CANCELLED)
    workshop = factories.EventFactory(kind=EventKind.WORKSHOP, communities=[community])
    seminar_room, workshop_room = rooms.room_for_event(seminar), rooms.room_for_event(workshop)
    assert security.can(people[0], "rooms.read", seminar_room)
    assert not security.can(people[0], "rooms.read", workshop_room)
    assert not any(security.can(people[n], "rooms.read", seminar_room) for n in (1, 2, 3))
    assert security.can(people[1], "rooms.read", workshop_room)
    assert security.can(people[1], "rooms.moderate", workshop_room)
    assert not security.can(people[0], "rooms.moderate", seminar_room)
    every_room = db.session.scalars(sa.select(Room)).all()
    for person in people:
        listed = set(db.session.scalars(sa.select(Room.id).where(security.rooms_visible_to(person))))
        allowed = {room.id for room in every_room if security.can(person, "rooms.read", room)}
        assert listed == allowed, person.name


def _post_in_thread(app, user_id, room_id, client_ids, errors):
    with app.app_context():
        user, room = db.session.get(User, user_id), db.session.get(Room, room_id)
        for client_id in client_ids:
            try:
                rooms.post_message(user, room, client_id, f"from {client_id}")
            except Exception as error:  # reported to the test, which fails on any
                errors.append(error)
        db.session.remove()


def _run_threads(app, jobs):
    errors = []
    threads = [threading.Thread(target=_post_in_thread, args=(app, *job, errors)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@on_postgresql
def test_concurrent_posts_get_strictly_increasing_numbers_without_gaps(
    app, member, coordinator, community, monkeypatch
):
    monkeypatch.setitem(app.config, "ROOMS_RATE_LIMIT", "1000 per minute")
    room = rooms.room_for_community(community)
    people = (member, coordinator)
    jobs = [(p.id, room.id, [f"{p.id}-{t}-{n}" for n in range(15)]) for p in people for t in range(4)]
    assert _run_threads(app, jobs) == []
    seqs = list(
        db.session.scalars(sa.select(Message.seq).where(Message.room_id == room.id).order_by(Message.seq))
    )
    assert seqs == list(range(1, 121))
    db.session.refresh(room)
    assert room.last_seq == 120


@on_postgresql
def test_the_same_send_arriving_twice_at_once_stores_one_message(app, member, community):
    room = rooms.room_for_community(community)
    jobs = [(member.id, room.id, ["one-id"]) for _ in range(6)]
    assert _run_threads(app, jobs) == []
    assert list(db.session.scalars(sa.select(Message.seq).where(Message.room_id == room.id))) == [1]
    db.session.refresh(room)
    assert room.last_seq == 1


@pytest.mark.parametrize("viewer", ["member", "coordinator", "other_member", "secretariat"])
def test_page_permissions_agree_with_can_for_every_message(request, member, coordinator, community, viewer):
    room = rooms.room_for_community(community)
    shown = [
        rooms.post_message(author, room, f"{author.id}-{n}", "hello")[0]
        for n in range(2)
        for author in (member, coordinator)
    ]
    room_moderation.delete_message(member, shown[0])
    person = request.getfixturevalue(viewer)

    editable, reportable = security.message_actions(person, room, shown)

    assert editable == {m.seq for m in shown if security.can(person, "rooms.edit_message", m)}
    assert reportable == {m.seq for m in shown if security.can(person, "rooms.report_message", m)}
