"""Search in the rooms a person can read: words, sender, room and dates; never other rooms' messages."""

from datetime import UTC, date, datetime

from ports_network.extensions import db
from ports_network.services import room_moderation, room_search, rooms
from ports_network.services.room_search import SearchQuery, search

from ..conftest import login_as


def _results(client, **params):
    response = client.get("/rooms/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_words_match_case_insensitively_in_readable_rooms(client, member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "The CRANE is broken")
    rooms.post_message(coordinator, room, "c-2", "Lunch at noon")
    login_as(client, member)
    page = _results(client, q="crane")
    assert "1 message found" in page
    assert "The CRANE is broken" in page
    assert f"/rooms/{room.id}?before=2#m1" in page


def test_member_of_another_community_never_finds_its_messages(client, other_member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "Confidential tariff")
    rooms.post_message(coordinator, rooms.network_room(), "c-2", "Public tariff")
    login_as(client, other_member)
    page = _results(client, q="tariff")
    assert "Public tariff" in page
    assert "Confidential tariff" not in page
    found = search(other_member, SearchQuery(words="tariff", room_id=room.id))
    assert found.items == []
    # The room is not even offered, and naming it is refused.
    assert community.name not in page
    assert client.get("/rooms/search", query_string={"room": room.id}).status_code == 422


def test_deleted_and_hidden_messages_are_not_found(member, coordinator, community):
    room = rooms.room_for_community(community)
    deleted, _ = rooms.post_message(member, room, "m-1", "ship one")
    hidden, _ = rooms.post_message(member, room, "m-2", "ship two")
    rooms.post_message(member, room, "m-3", "ship three")
    room_moderation.delete_message(member, deleted)
    room_moderation.hide_message(coordinator, hidden)
    for person in (member, coordinator):
        assert [m.body for m in search(person, SearchQuery(words="ship")).items] == ["ship three"]


def test_filters_by_sender_room_and_dates(member, coordinator, community):
    room = rooms.room_for_community(community)
    network = rooms.network_room()
    old, _ = rooms.post_message(coordinator, room, "c-1", "berth old")
    old.created_at = datetime(2024, 1, 10, 12, tzinfo=UTC)
    db.session.commit()
    rooms.post_message(coordinator, room, "c-2", "berth new")
    rooms.post_message(member, network, "m-1", "berth network")

    def bodies(**criteria):
        return sorted(m.body for m in search(member, SearchQuery(words="berth", **criteria)).items)

    assert bodies(sender="carla") == ["berth new", "berth old"]
    assert bodies(room_id=network.id) == ["berth network"]
    assert bodies(date_from=date(2024, 1, 10), date_to=date(2024, 1, 10)) == ["berth old"]
    assert bodies(date_to=date(2024, 1, 9)) == []


def test_like_wildcards_match_themselves(member, community):
    room = rooms.room_for_community(community)
    rooms.post_message(member, room, "m-1", "100% sure")
    rooms.post_message(member, room, "m-2", "1000 sure")
    assert [m.body for m in search(member, SearchQuery(words="0%")).items] == ["100% sure"]


def test_results_are_paginated(app, client, member, community, monkeypatch):
    monkeypatch.setitem(app.config, "ROOMS_RATE_LIMIT", "100 per second")
    room = rooms.room_for_community(community)
    for number in range(room_search.SEARCH_PAGE_SIZE + 3):
        rooms.post_message(member, room, f"m-{number}", f"note {number}")
    login_as(client, member)
    first = _results(client, q="note")
    assert f"{room_search.SEARCH_PAGE_SIZE + 3} messages found" in first
    assert "page=2" in first
    second = search(member, SearchQuery(words="note", page=2))
    assert len(second.items) == 3


def test_invalid_date_is_refused_with_422(client, member):
    login_as(client, member)
    assert client.get("/rooms/search", query_string={"from": "yesterday"}).status_code == 422
