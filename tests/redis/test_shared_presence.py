"""With Redis, a room's presence and the typing throttle are shared by every server process."""

import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from ports_network import realtime_presence
from ports_network.services import rooms

ROOT = Path(__file__).resolve().parents[2]
OTHER_SID = "socket-held-by-the-other-process"

# Another process: its own app and (empty) database, the same Redis and channel. It enters a socket of the
# person in the room's presence, says how many people it sees there, and whether it may announce typing.
OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from types import SimpleNamespace
    from ports_network import create_app, realtime_presence
    from ports_network.extensions import db

    channel, room_id, user_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = create_app("testing", SOCKETIO_CHANNEL=channel, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        db.create_all()
        person = SimpleNamespace(id=user_id, share_presence=True)
        realtime_presence.enter(room_id, sys.argv[4], person)
        print(realtime_presence.typing_due(room_id, user_id))
    """
)


@pytest.fixture
def channel(app, monkeypatch) -> str:
    """A channel (and so a Redis key space) of this test's own."""
    name = f"test-presence-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "SOCKETIO_CHANNEL", name)
    return name


def _in_other_process(channel: str, room_id: int, user_id: int) -> str:
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, channel, str(room_id), str(user_id), OTHER_SID],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_presence_and_typing_entered_by_another_process_are_seen_here(channel, member, community):
    room = rooms.room_for_community(community)

    announced_there = _in_other_process(channel, room.id, member.id)

    assert announced_there == "True"
    assert realtime_presence.people(room.id) == [{"id": member.id, "name": "Mara Member"}]
    assert realtime_presence.typing_due(room.id, member.id) is False  # announced there a moment ago
    realtime_presence.leave(room.id, OTHER_SID)  # the socket closed
    assert realtime_presence.people(room.id) == []


def test_presence_left_by_a_crashed_process_expires_once_the_room_is_quiet(
    channel, member, community, monkeypatch
):
    room = rooms.room_for_community(community)
    monkeypatch.setattr(realtime_presence, "PRESENCE_TTL_SECONDS", 1)
    person = SimpleNamespace(id=member.id, share_presence=True)
    realtime_presence.enter(room.id, "socket-of-a-process-that-died", person)

    time.sleep(0.6)
    realtime_presence.keep_alive(room.id)  # someone reads or types in the room
    time.sleep(0.6)
    assert [p["id"] for p in realtime_presence.people(room.id)] == [member.id]
    time.sleep(1.1)
    assert realtime_presence.people(room.id) == []
