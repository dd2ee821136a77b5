"""Room pages: who sees which room, posting without JavaScript, history as JSON, sanitised messages."""

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Message
from ports_network.services import rooms

from ..conftest import login_as


def _room(community):
    return rooms.room_for_community(community)


def test_rooms_list_shows_the_persons_rooms_with_unread_counts(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "Hello")
    rooms.post_message(coordinator, room, "c-2", "Again")
    login_as(client, member)
    page = client.get("/rooms/").get_data(as_text=True)
    assert "The whole network" in page
    assert community.name in page
    assert "2 unread messages" in page


def test_anonymous_visitor_is_sent_to_sign_in(client, community):
    response = client.get(f"/rooms/{_room(community).id}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_non_member_gets_404_for_a_community_room(client, other_member, community):
    room = _room(community)
    login_as(client, other_member)
    assert client.get(f"/rooms/{room.id}").status_code == 404
    assert client.get(f"/rooms/{room.id}/history").status_code == 404
    assert client.post(f"/rooms/{room.id}", data={"body": "hi", "client_id": "x"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_member_posts_without_javascript_and_sees_the_message(client, member, community):
    room = _room(community)
    login_as(client, member)
    response = client.post(f"/rooms/{room.id}", data={"body": "**Hello** port", "client_id": "form-1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/rooms/{room.id}#m1")
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "<strong>Hello</strong> port" in page


def test_resubmitted_form_stores_the_message_once(client, member, community):
    room = _room(community)
    login_as(client, member)
    for _ in range(2):
        client.post(f"/rooms/{room.id}", data={"body": "Once", "client_id": "form-1"})
    assert db.session.scalars(sa.select(Message.body)).all() == ["Once"]


def test_posting_requires_a_csrf_token(client, member, community):
    room = _room(community)
    login_as(client, member)
    response = client.post(f"/rooms/{room.id}", data={"body": "x", "client_id": "f"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_empty_or_oversized_message_is_shown_as_a_form_error(client, member, community):
    room = _room(community)
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}", data={"body": "", "client_id": "f"}).status_code == 422
    response = client.post(f"/rooms/{room.id}", data={"body": "x" * 4001, "client_id": "f"})
    assert response.status_code == 422
    assert "4000" in response.get_data(as_text=True)


def test_read_only_room_refuses_posts_and_hides_the_form(client, member, community):
    room = _room(community)
    room.read_only = True
    db.session.commit()
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert 'id="room-form"' not in page
    assert "This room is read-only" in page
    assert client.post(f"/rooms/{room.id}", data={"body": "x", "client_id": "f"}).status_code == 403


def test_script_in_a_message_is_never_rendered_as_markup(client, member, community):
    room = _room(community)
    login_as(client, member)
    body = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    client.post(f"/rooms/{room.id}", data={"body": body, "client_id": "xss"})
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_room_page_loads_scripts_from_the_site_only(client, member, community):
    login_as(client, member)
    page = client.get(f"/rooms/{_room(community).id}").get_data(as_text=True)
    assert '<script src="/static/vendor/socket.io.min.js" defer></script>' in page
    assert '<script src="/static/js/rooms.js" defer></script>' in page
    assert "<script>" not in page


def test_history_returns_messages_after_a_number_as_json(client, member, community):
    room = _room(community)
    for n in range(1, 5):
        rooms.post_message(member, room, f"c-{n}", f"m{n}")
    login_as(client, member)
    data = client.get(f"/rooms/{room.id}/history?after=2").get_json()
    assert [m["seq"] for m in data["messages"]] == [3, 4]
    assert data["messages"][0]["html"] == "<p>m3</p>\n"
    assert data["last_seq"] == 4


def test_older_messages_page_shows_earlier_messages(app, client, member, community, monkeypatch):
    monkeypatch.setitem(app.config, "ROOMS_RATE_LIMIT", "1000 per minute")
    room = _room(community)
    for n in range(1, 56):
        rooms.post_message(member, room, f"c-{n}", f"number {n}")
    login_as(client, member)
    newest = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "number 6</p>" in newest and "number 5</p>" not in newest
    older = client.get(f"/rooms/{room.id}?before=6").get_data(as_text=True)
    assert "number 5</p>" in older and "number 6</p>" not in older
