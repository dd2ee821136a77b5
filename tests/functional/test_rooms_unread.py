"""Unread room messages: a total in the navigation, computed in one query, and a first-unread marker."""

import re

import sqlalchemy as sa
from flask import template_rendered

from ports_network.extensions import db
from ports_network.services import rooms

from ..conftest import login_as


def _badge(page: str) -> int | None:
    """The unread total next to the Rooms link, if shown."""
    found = re.search(r'data-unread-rooms="(\d+)"', page)
    return int(found.group(1)) if found else None


def _count_queries(statements: list[str]):
    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    return record


def test_navigation_totals_unread_messages_by_others_across_rooms(client, member, coordinator, community):
    community_room = rooms.room_for_community(community)
    rooms.post_message(coordinator, community_room, "c-1", "One")
    rooms.post_message(coordinator, community_room, "c-2", "Two")
    rooms.post_message(coordinator, rooms.network_room(), "c-3", "Three")
    rooms.post_message(member, community_room, "m-1", "Mine")  # one's own messages are never unread
    login_as(client, member)
    page = client.get("/").get_data(as_text=True)
    assert _badge(page) == 3
    assert "3 unread messages" in page


def test_reading_a_room_lowers_the_navigation_total(client, member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "One")
    rooms.post_message(coordinator, rooms.network_room(), "c-2", "Two")
    login_as(client, member)
    assert _badge(client.get(f"/rooms/{room.id}").get_data(as_text=True)) == 1
    client.get(f"/rooms/{rooms.network_room().id}")
    assert _badge(client.get("/").get_data(as_text=True)) is None


def test_unread_total_counts_only_rooms_the_person_can_read(member, other_member, community, other_community):
    rooms.post_message(other_member, rooms.room_for_community(other_community), "o-1", "Elsewhere")
    assert rooms.unread_total(member) == 0
    assert rooms.unread_total(other_member) == 0


def test_unread_total_counts_all_rooms_in_one_query(app, member, coordinator, community):
    for room in (rooms.room_for_community(community), rooms.network_room()):
        rooms.post_message(coordinator, room, f"c-{room.id}", "Hello")
    db.session.refresh(member)  # loaded now, so only the count itself is measured
    statements: list[str] = []
    listener = _count_queries(statements)
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        total = rooms.unread_total(member)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert total == 2
    # One count over all rooms (security may look up the person's memberships once, never per room).
    assert [s for s in statements if "room_message" in s] == statements[-1:]
    assert len(statements) <= 2


def test_room_page_marks_the_first_unread_message_of_this_visit(client, member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "Seen before")
    rooms.mark_read(member, room, 1)
    rooms.post_message(member, room, "m-1", "My own reply")
    rooms.post_message(coordinator, room, "c-2", "New for you")
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert 'href="#first-unread"' in page
    marker = page.index('id="first-unread"')
    assert page.index("My own reply") < marker < page.index("New for you")
    assert 'data-first-unread-seq="3"' in page
    # The visit read them: the next visit has no marker.
    assert 'id="first-unread"' not in client.get(f"/rooms/{room.id}").get_data(as_text=True)


def test_room_page_without_unread_messages_has_no_marker(client, member, community):
    room = rooms.room_for_community(community)
    rooms.post_message(member, room, "m-1", "Only mine")
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "first-unread" not in page


def test_room_page_gets_the_first_unread_number_as_ready_data(app, client, member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "Hello")
    login_as(client, member)
    seen = []

    def record(sender, template, context, **extra):
        if template.name == "rooms/show.html":
            seen.append(context["first_unread"])

    with template_rendered.connected_to(record, app):
        client.get(f"/rooms/{room.id}")
    assert seen == [1]
