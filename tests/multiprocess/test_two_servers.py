"""Two real server processes sharing one database and Redis: every reader sees every message once, in
order, whichever process took it; and when one process dies mid-stream nothing acknowledged is lost.

Across processes the wire order is not guaranteed (two processes publish their broadcasts independently),
so readers order by seq as static/js/rooms.js does; the exactly-once check is on the raw arrivals.
"""

import collections
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa

from ..databases import fresh_database
from ..servers import free_port, wait_until_up
from .room_client import RoomReader, cookie_header, csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "puertos-demo-2026"
PEOPLE = {
    "coordinator": "coordinator.callao@demo.puertos.example",
    "member": "member.callao@demo.puertos.example",
    "focal": "focal.callao@demo.puertos.example",
}
MESSAGES_PER_SENDER = 15


class Cluster:
    """Two server processes, their URLs, and the shared database for assertions."""

    def __init__(self, processes: list[subprocess.Popen], urls: list[str], database_url: str):
        self.processes, self.urls = processes, urls
        self.engine = sa.create_engine(database_url)
        self.cookies: dict[str, str] = {}
        self.room_id = 0

    def last_seq(self) -> int:
        """The room's newest sequence number, as committed."""
        with self.engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT last_seq FROM room WHERE id = :id"), {"id": self.room_id}
            ).scalar_one()

    def stored_client_ids(self) -> list[str]:
        """The client ids of the room's messages, in seq order."""
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text("SELECT client_id FROM room_message WHERE room_id = :id ORDER BY seq"),
                    {"id": self.room_id},
                ).scalars()
            )


def _start(env: dict, port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "wsgi.py"],
            cwd=ROOT,
            env={**env, "PORT": str(port), "SITE_URL": f"http://127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _callao_room_id(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT room.id FROM room JOIN port_community ON port_community.id = room.community_id "
                "WHERE port_community.slug = 'callao'"
            )
        ).scalar_one()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Migrate and seed a fresh database, then serve it from two processes joined by Redis."""
    tmp = tmp_path_factory.mktemp("cluster")
    with fresh_database(tmp) as database_url:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "FLASK_CONFIG": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": os.environ["TEST_REDIS_URL"],
            "SECRET_KEY": "two-servers-share-this-secret",
            "INSTANCE_PATH": str(tmp / "instance"),
            "SCHEDULER_ENABLED": "0",
            "ROOMS_RATE_LIMIT": "10000 per 10 seconds",
            # Its own pub/sub channel: other runs on the same Redis server must not reach these rooms.
            "SOCKETIO_CHANNEL": f"test-{uuid.uuid4().hex}",
        }
        for command in (["db", "upgrade"], ["seed", "demo"]):
            subprocess.run(
                [sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        ports = [free_port(), free_port()]
        processes = [_start(env, port, tmp / f"server-{i}.log") for i, port in enumerate(ports)]
        cluster = Cluster(processes, [f"http://127.0.0.1:{port}" for port in ports], database_url)
        try:
            for url, process in zip(cluster.urls, processes, strict=True):
                wait_until_up(url, process)
            for person, email in PEOPLE.items():
                with sign_in(cluster.urls[0], email, PASSWORD) as http:
                    cluster.cookies[person] = cookie_header(http)
            # Opening the rooms page creates the community's room (rooms exist on demand).
            page = requests.get(
                f"{cluster.urls[0]}/rooms/", headers={"Cookie": cluster.cookies["member"]}, timeout=10
            )
            assert page.status_code == 200
            cluster.room_id = _callao_room_id(cluster.engine)
            yield cluster
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=10)
            cluster.engine.dispose()


def _readers(cluster: Cluster, layout: list[tuple[str, int]]) -> list[RoomReader]:
    start = cluster.last_seq()
    readers = []
    for person, server in layout:
        reader = RoomReader(f"{person}@{server}", cluster.cookies[person], cluster.room_id, last_seq=start)
        reader.connect(cluster.urls[server])
        readers.append(reader)
    return readers


def _move(reader: RoomReader, url: str) -> None:
    """Connect the reader to `url`; a busy server may time out, and the caller tries again."""
    try:
        reader.connect(url)
    except (socketio.exceptions.SocketIOError, OSError):
        reader.close()


def _send_all(reader: RoomReader, prefix: str, count: int, fallback: str, acked: list[int]) -> None:
    """Send `count` messages, each retried with its client id (on the fallback server) until acked."""
    deadline = time.monotonic() + 60
    sent = 0
    while sent < count and time.monotonic() < deadline:
        try:
            if not reader.connected:
                reader.connect(fallback)
            ack = reader.send(f"{prefix}-{sent}", f"{prefix} message {sent}")
        except (socketio.exceptions.SocketIOError, OSError):
            time.sleep(0.1)
            continue
        assert ack["ok"], ack
        acked.append(ack["seq"])
        sent += 1


def _run_senders(
    senders: list[tuple[RoomReader, str]], fallback: str, acked: list[int]
) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=_send_all, args=(reader, prefix, MESSAGES_PER_SENDER, fallback, acked))
        for reader, prefix in senders
    ]
    for thread in threads:
        thread.start()
    return threads


def _assert_everyone_has_everything(
    cluster: Cluster, readers: list[RoomReader], start: int, acked: list[int]
):
    newest = cluster.last_seq()
    for reader in readers:
        assert reader.wait_until(newest), f"{reader.name} stopped at {reader.last_seq} of {newest}"
        assert reader.delivered == list(range(start + 1, newest + 1)), reader.name
        assert set(acked) <= set(reader.delivered), reader.name
    client_ids = cluster.stored_client_ids()
    assert len(client_ids) == len(set(client_ids))  # retries never stored a message twice


def test_every_reader_on_either_server_gets_every_message_once_in_order(cluster):
    layout = [("coordinator", 0), ("member", 1), ("focal", 0), ("focal", 1)]
    readers = _readers(cluster, layout)
    start, acked = readers[0].last_seq, []
    try:
        senders = [
            (readers[0], "phase1-coordinator"),
            (readers[1], "phase1-member"),
            (readers[3], "phase1-focal"),
        ]
        for thread in _run_senders(senders, cluster.urls[1], acked):
            thread.join(timeout=60)
        assert len(acked) == 3 * MESSAGES_PER_SENDER
        _assert_everyone_has_everything(cluster, readers, start, acked)
        for reader in readers:
            counts = collections.Counter(reader.raw)
            assert sorted(counts) == sorted(acked), reader.name  # every broadcast arrived ...
            assert set(counts.values()) == {1}, reader.name  # ... exactly once
    finally:
        for reader in readers:
            reader.close()


def test_signing_out_on_one_server_closes_the_sockets_held_by_the_other(cluster):
    http = sign_in(cluster.urls[1], PEOPLE["focal"], PASSWORD)
    readers = [RoomReader(f"focal@{i}", cookie_header(http), cluster.room_id) for i in (0, 1)]
    try:
        for reader, url in zip(readers, cluster.urls, strict=True):
            reader.connect(url)
        token = csrf_token(http, f"{cluster.urls[1]}/rooms/")

        response = http.post(
            f"{cluster.urls[1]}/auth/logout", data={"csrf_token": token}, allow_redirects=False
        )

        assert response.status_code == 302
        deadline = time.monotonic() + 5
        while any(reader.connected for reader in readers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [reader.connected for reader in readers] == [False, False]
    finally:
        for reader in readers:
            reader.close()
        http.close()


def test_readers_of_a_killed_server_move_to_the_other_and_lose_nothing_acknowledged(cluster):
    layout = [("coordinator", 0), ("member", 1), ("focal", 0), ("focal", 1)]
    readers = _readers(cluster, layout)
    start, acked = readers[0].last_seq, []
    survivor = cluster.urls[1]
    try:
        senders = [(readers[0], "phase2-coordinator"), (readers[1], "phase2-member")]
        threads = _run_senders(senders, survivor, acked)
        deadline = time.monotonic() + 30
        while len(acked) < 4 and time.monotonic() < deadline:  # mid-stream: both senders still busy
            time.sleep(0.02)
        cluster.processes[0].send_signal(signal.SIGKILL)
        cluster.processes[0].wait(timeout=10)
        for reader in readers[2:]:  # the pure readers notice the lost connection and move over
            reconnect_by = time.monotonic() + 10
            while (reader.url != survivor or not reader.connected) and time.monotonic() < reconnect_by:
                if not reader.connected:
                    _move(reader, survivor)
                time.sleep(0.05)
        for thread in threads:
            thread.join(timeout=60)
        assert len(acked) == 2 * MESSAGES_PER_SENDER
        assert [reader.url for reader in readers] == [survivor] * len(readers)  # all moved over
        _assert_everyone_has_everything(cluster, readers, start, acked)
    finally:
        for reader in readers:
            reader.close()
