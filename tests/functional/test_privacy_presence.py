"""The privacy form's presence switch: on by default, switched off in one click, audited, and it hides the
person from the rooms' "Here now" at once."""

import re
import uuid

import sqlalchemy as sa

from ports_network import realtime_presence
from ports_network.extensions import db
from ports_network.models import AuditEvent, User
from ports_network.services import rooms
from tests.conftest import login_as

EN = {"Accept-Language": "en"}
LABEL = "Show others when I am in a room and when I am typing"


def test_the_privacy_form_offers_the_presence_switch_ticked_by_default(client, member):
    login_as(client, member)
    page = client.get("/account/privacy", headers=EN).get_data(as_text=True)
    assert LABEL in page
    assert re.search(r'<input[^>]*checked[^>]*name="share_presence"|name="share_presence"[^>]*checked', page)


def test_switching_presence_off_is_saved_audited_and_hides_the_person_from_rooms(
    app, client, member, community, monkeypatch
):
    monkeypatch.setitem(app.config, "SOCKETIO_CHANNEL", f"test-presence-{uuid.uuid4().hex}")
    monkeypatch.delitem(app.extensions, "ports_network.presence", raising=False)  # nobody present yet
    room = rooms.room_for_community(community)
    realtime_presence.enter(room.id, "socket-of-mara", member)  # as a join event would
    assert realtime_presence.people(room.id) == [{"id": member.id, "name": "Mara Member"}]
    login_as(client, member)

    response = client.post("/account/privacy", data={"visibility": "community"})

    assert response.status_code == 302
    assert db.session.get(User, member.id).share_presence is False
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.privacy_changed"))
    assert (event.old, event.new) == ({"share_presence": True}, {"share_presence": False})
    assert realtime_presence.people(room.id) == []


def test_switching_presence_back_on_is_saved(client, member):
    member.share_presence = False
    db.session.commit()
    login_as(client, member)

    client.post("/account/privacy", data={"visibility": "community", "share_presence": "y"})

    assert db.session.get(User, member.id).share_presence is True
