"""Open sockets follow the session and the membership at once: signing out closes them, losing a
community takes them out of its rooms before they send anything."""

import sqlalchemy as sa

from ports_network import realtime
from ports_network.extensions import db
from ports_network.models import Membership
from ports_network.services import account_data, accounts, memberships, rooms, users

from .. import factories
from ..conftest import login_as
from .conftest import SocketClient


def _join(client, room):
    return client.emit("join", {"room_id": room.id, "last_seq": 0})


def _send(client, room, client_id, body="Hello"):
    return client.emit("send", {"room_id": room.id, "client_id": client_id, "body": body})


def _membership(user) -> Membership:
    return db.session.scalars(sa.select(Membership).filter_by(user_id=user.id)).one()


def test_removed_member_stops_receiving_the_room_at_once_without_sending(
    connect_as, member, coordinator, room
):
    removed, stayer = connect_as(member), connect_as(coordinator)
    assert _join(removed, room)["ok"] and _join(stayer, room)["ok"]

    memberships.remove_member(coordinator, _membership(member))

    assert _send(stayer, room, "c-1", "only for members")["ok"]
    assert removed.received() == []
    assert stayer.received()[-1]["html"] == "<p>only for members</p>\n"
    assert removed.is_connected()  # only the community's rooms are lost, not the connection


def test_member_who_leaves_stops_receiving_the_room_at_once(connect_as, member, coordinator, room):
    leaver, stayer = connect_as(member), connect_as(coordinator)
    assert _join(leaver, room)["ok"] and _join(stayer, room)["ok"]

    memberships.leave(member, room.community)

    assert _send(stayer, room, "c-1")["ok"]
    assert leaver.received() == []


def test_eviction_keeps_rooms_the_person_can_still_read(connect_as, member, coordinator, room):
    client, sender = connect_as(member), connect_as(coordinator)
    assert _join(client, room)["ok"]

    assert realtime.evict_from_community_rooms(member.id, room.community_id) == 0

    assert _send(sender, room, "c-1")["ok"]
    assert [record["room_id"] for record in client.received()] == [room.id]


def test_losing_the_last_membership_also_leaves_the_network_room(connect_as, member, coordinator, room):
    network = rooms.network_room()
    removed, stayer = connect_as(member), connect_as(coordinator)
    assert _join(removed, network)["ok"] and _join(stayer, network)["ok"]

    memberships.remove_member(coordinator, _membership(member))

    assert _send(stayer, network, "c-1")["ok"]
    assert removed.received() == []


def test_signing_out_disconnects_the_sockets_of_that_session(app, member):
    http = app.test_client()
    login_as(http, member)
    http.get("/rooms/")
    socket = SocketClient(app, http)
    assert socket.is_connected()

    response = http.post("/auth/logout")

    assert response.status_code == 302
    assert not socket.is_connected()


def test_disconnect_user_closes_every_socket_of_that_person_only(connect_as, member, coordinator):
    first, second, other = connect_as(member), connect_as(member), connect_as(coordinator)

    assert realtime.disconnect_user(member.id) == 2

    assert not first.is_connected() and not second.is_connected()
    assert other.is_connected()
    assert realtime.disconnect_user(member.id) == 0  # the registry forgot them


def test_disabling_an_account_disconnects_its_sockets(connect_as, secretariat, member):
    socket = connect_as(member)

    users.update_user(secretariat, member, users.UserUpdate(member.name, "es", False, True))

    assert not socket.is_connected()


def test_deleting_ones_account_disconnects_its_sockets(connect_as, member):
    socket = connect_as(member)

    account_data.delete_account(member, factories.PASSWORD)

    assert not socket.is_connected()


def test_changing_ones_password_disconnects_the_sockets_of_other_sessions(connect_as, member):
    socket = connect_as(member)

    accounts.change_password(member, factories.PASSWORD, "another long passphrase 2026")

    assert not socket.is_connected()
