"""Benchmark of the rooms: delivery latency and throughput of one room with 50 real Socket.IO clients.

Runs the platform (`python wsgi.py`, threading async mode, on a fresh demo-seeded SQLite database) and,
as baselines in the same run, two bare servers in the same async mode that only number and broadcast (no
database, no sign-in, no authorisation): a Flask-SocketIO app (the issue's baseline: the same framework
and per-event request context as the platform) and, stricter, a plain python-socketio server. For each
it measures:

- steady: one sender posts at `--rate` messages/s; latency from the send to each reader's receipt;
- saturation: the sender keeps `--window` messages unacknowledged at all times; deliveries/s.

With `--servers 2` both run as two processes sharing Redis (`--redis`) as the Socket.IO message queue, the
readers split across them and one sender on each; `--database` puts the platform on a fresh PostgreSQL
database instead of SQLite. Readers run in `--procs` worker processes so the clients are not the
bottleneck of one interpreter. Only 127.0.0.1 traffic.
Usage: `python bench/bench_rooms.py [--clients 50 --rate 20 --seconds 5] [--servers 2]`.
"""

import argparse
import multiprocessing as mp
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import socketio
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "puertos-demo-2026"
PEOPLE = [f"{role}.callao@demo.puertos.example" for role in ("coordinator", "member", "focal", "validator")]
REDIRECT = 302
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + path, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start in time")


def _numbered(data: dict, lock: threading.Lock, counter: list[int]) -> dict:
    with lock:
        counter[0] += 1
        seq = counter[0]
    return {"room_id": data["room_id"], "seq": seq, "client_id": data["client_id"], "html": data["body"]}


def serve_bare(port: int, redis_url: str | None, channel: str) -> None:
    """Plain python-socketio: number and broadcast, nothing else (same async mode, web server and queue)."""
    from werkzeug.serving import run_simple

    manager = socketio.RedisManager(redis_url, channel=channel) if redis_url else None
    sio = socketio.Server(async_mode="threading", client_manager=manager)
    lock, counter = threading.Lock(), [0]

    @sio.on("join")
    def join(sid, data):
        sio.enter_room(sid, f"room-{data['room_id']}")
        return {"ok": True, "messages": [], "last_seq": 0}

    @sio.on("send")
    def send(sid, data):
        record = _numbered(data, lock, counter)
        sio.emit("message", record, to=f"room-{data['room_id']}")
        return {"ok": True, "seq": record["seq"]}

    app = socketio.WSGIApp(
        sio, static_files={"/health": {"content_type": "text/plain", "filename": __file__}}
    )
    run_simple("127.0.0.1", port, app, threaded=True)


def serve_bare_flask(port: int, redis_url: str | None, channel: str) -> None:
    """A bare Flask-SocketIO app: the same, with the framework the platform uses (started as wsgi.py is)."""
    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    sio = SocketIO(app, async_mode="threading", message_queue=redis_url, channel=channel or "flask-socketio")
    lock, counter = threading.Lock(), [0]
    app.add_url_rule("/health", "health", lambda: "ok")

    @sio.on("join")
    def join(data):
        join_room(f"room-{data['room_id']}")
        return {"ok": True, "messages": [], "last_seq": 0}

    @sio.on("send")
    def send(data):
        record = _numbered(data, lock, counter)
        sio.emit("message", record, to=f"room-{data['room_id']}")
        return {"ok": True, "seq": record["seq"]}

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


class Target:
    """Servers under test: their URLs and processes, the Cookie headers of the readers, the room to use."""

    def __init__(self, name: str, urls: list[str], cookies: list[str], room_id: int, processes: list):
        self.name, self.urls, self.cookies, self.room_id = name, urls, cookies, room_id
        self.processes: list[subprocess.Popen] = processes

    def stop(self) -> None:
        """Terminate every server process."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=10)


def _sign_in(url: str, email: str) -> str:
    http = requests.Session()
    token = CSRF.search(http.get(f"{url}/auth/login", timeout=10).text).group(1)
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert (
        http.post(f"{url}/auth/login", data=data, allow_redirects=False, timeout=10).status_code == REDIRECT
    )
    http.get(f"{url}/rooms/", timeout=10)  # creates the community's room
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)


@contextmanager
def fresh_database(tmp: Path, server_url: str | None) -> Iterator[str]:
    """A new SQLite file, or a new database on the PostgreSQL server of `server_url`, dropped afterwards."""
    if not server_url:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    name = f"bench_rooms_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _callao_room(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        room_id = connection.execute(
            sa.text(
                "SELECT room.id FROM room JOIN port_community c ON c.id = room.community_id "
                "WHERE c.slug = 'callao'"
            )
        ).scalar_one()
    engine.dispose()
    return room_id


def start_platform(tmp: Path, database_url: str, args: argparse.Namespace) -> Target:
    """Migrate and seed a fresh database, then start `python wsgi.py` on it (`--servers` times)."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SCHEDULER_ENABLED": "0",
        "ROOMS_RATE_LIMIT": "1000000 per 10 seconds",
        "SOCKETIO_CHANNEL": args.channel,
    }
    env.pop("REDIS_URL", None)
    if args.servers > 1:
        env["REDIS_URL"] = args.redis
    for command in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    ports = [_free_port() for _ in range(args.servers)]
    processes = [
        subprocess.Popen(
            [sys.executable, "wsgi.py"],
            cwd=ROOT,
            env={**env, "PORT": str(port), "SITE_URL": f"http://127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for url in urls:
        _wait_until_up(url, "/health")
    cookies = [_sign_in(urls[0], email) for email in PEOPLE]  # sessions are valid on every process
    return Target("platform", urls, cookies, _callao_room(database_url), processes)


BARE = {"flask": "bare Flask-SocketIO", "socketio": "bare python-socketio"}


def start_bare(kind: str, args: argparse.Namespace) -> Target:
    """Start a bare server (`kind`: flask or socketio), `--servers` times, each in its own process."""
    ports = [_free_port() for _ in range(args.servers)]
    queue = [args.redis, f"{args.channel}-{kind}"] if args.servers > 1 else []
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve-bare", kind, str(port), *queue],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for url in urls:
        _wait_until_up(url, "/health")
    return Target(BARE[kind], urls, [""], 1, processes)


def _reader_process(readers: list[tuple[str, str]], room_id: int, queues: tuple, stop) -> None:
    """Open the readers (url, cookie), join the room, record (client_id, receipt time) until told to stop."""
    ready, out = queues
    received: list[tuple[str, float]] = []
    clients = []
    for url, cookie in readers:
        client = socketio.Client(reconnection=False)
        client.on("message", lambda record: received.append((record["client_id"], time.monotonic())))
        client.connect(
            url, headers={"Cookie": cookie} if cookie else {}, transports=["websocket"], wait_timeout=10
        )
        assert client.call("join", {"room_id": room_id, "last_seq": 1 << 30}, timeout=10)["ok"]
        clients.append(client)
    ready.put(len(clients))
    stop.wait(120)
    out.put(received)
    for client in clients:
        client.disconnect()


def _send(
    sender: socketio.Client, room_id: int, count: int, rate: float | None, *, window: int, sent: dict
) -> None:
    """Send `count` messages, paced at `rate` per second (None: as fast as the window allows)."""
    slots = threading.Semaphore(window)
    run = uuid.uuid4().hex[:8]
    start = time.monotonic()
    for i in range(count):
        if rate:
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
        if not slots.acquire(timeout=30):
            raise RuntimeError("the server stopped acknowledging")
        client_id = f"{run}-{i}"
        sent[client_id] = time.monotonic()
        payload = {"room_id": room_id, "client_id": client_id, "body": f"bench message {i}"}
        sender.emit("send", payload, callback=lambda ack: slots.release())
    for _ in range(window):  # every acknowledgement is in
        slots.acquire(timeout=30)


def _senders(target: Target, count: int, rate: float | None, window: int) -> dict[str, float]:
    """One sender per server, together sending `count` messages at `rate`; client id -> send time."""
    sent: dict[str, float] = {}
    clients, threads = [], []
    for url in target.urls:
        sender = socketio.Client(reconnection=False)
        sender.connect(
            url, headers={"Cookie": target.cookies[0]} if target.cookies[0] else {}, transports=["websocket"]
        )
        sender.call("join", {"room_id": target.room_id, "last_seq": 1 << 30}, timeout=10)
        share, pace = count // len(target.urls), rate / len(target.urls) if rate else None
        arguments = (sender, target.room_id, share, pace)
        threads.append(
            threading.Thread(target=_send, args=arguments, kwargs={"window": window, "sent": sent})
        )
        clients.append(sender)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for sender in clients:
        sender.disconnect()
    return sent


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(target: Target, args: argparse.Namespace, count: int, rate: float | None, window: int) -> dict:
    """One phase: readers in worker processes, a sender per server; latency figures and deliveries/s."""
    context = mp.get_context("spawn")
    ready, out, stop = context.Queue(), context.Queue(), context.Event()
    urls, cookies = target.urls, target.cookies
    readers = [(urls[i % len(urls)], cookies[i % len(cookies)]) for i in range(args.clients)]
    shares = [readers[i :: args.procs] for i in range(args.procs)]
    workers = [
        context.Process(target=_reader_process, args=(share, target.room_id, (ready, out), stop))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    assert sum(ready.get(timeout=60) for _ in workers) == args.clients
    sent = _senders(target, count, rate, window)
    time.sleep(args.drain)
    stop.set()
    received = [item for _ in workers for item in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=30)
    latencies = [(t - sent[cid]) * 1000 for cid, t in received if cid in sent]
    first, last = min(sent.values()), max(t for _, t in received)
    return {
        "deliveries": len(latencies),
        "expected": len(sent) * args.clients,
        "p50": _percentile(latencies, 0.50),
        "p95": _percentile(latencies, 0.95),
        "p99": _percentile(latencies, 0.99),
        "per_second": len(latencies) / (last - first),
    }


def run(target: Target, args: argparse.Namespace) -> tuple[dict, dict]:
    """The steady phase and the saturation phase against one server."""
    steady = measure(target, args, int(args.rate * args.seconds), args.rate, window=10_000)
    saturated = measure(target, args, args.saturation_messages, None, window=args.window)
    return steady, saturated


def _report(name: str, steady: dict, saturated: dict) -> None:
    print(
        f"{name:22} steady {steady['deliveries']}/{steady['expected']} deliveries, latency ms "
        f"p50 {steady['p50']:.1f} p95 {steady['p95']:.1f} p99 {steady['p99']:.1f} | saturation "
        f"{saturated['deliveries']}/{saturated['expected']}: {saturated['per_second']:.0f} deliveries/s, "
        f"p50 {saturated['p50']:.0f} ms p99 {saturated['p99']:.0f} ms"
    )


def main() -> None:
    """Measure the platform and the bare server in the same run and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve-bare", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--servers", type=int, default=1, help="server processes (2+: joined by Redis)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the queue with --servers 2+")
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made on it)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--procs", type=int, default=5, help="reader worker processes")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second in the steady phase")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the steady phase")
    parser.add_argument("--saturation-messages", type=int, default=300)
    parser.add_argument("--window", type=int, default=16, help="unacknowledged messages at saturation")
    parser.add_argument("--drain", type=float, default=3.0, help="seconds to wait for the last deliveries")
    args = parser.parse_args()
    if args.serve_bare:
        kind, port, *queue = args.serve_bare
        serve = serve_bare_flask if kind == "flask" else serve_bare
        serve(int(port), *(queue or [None, ""]))
        return
    args.channel = f"bench-rooms-{uuid.uuid4().hex}"  # this run's own pub/sub channel and keys
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), args.database) as database_url:
        results = {}
        starts = [lambda: start_platform(Path(tmp), database_url, args)]
        starts += [lambda kind=kind: start_bare(kind, args) for kind in BARE]
        for start in starts:
            target = start()
            try:
                results[target.name] = run(target, args)
            finally:
                target.stop()
    queue = f"{args.servers} server processes joined by Redis" if args.servers > 1 else "one server process"
    database = sa.make_url(database_url).get_backend_name()
    print(
        f"{args.clients} readers in one room, {args.procs} reader processes, threading async mode, loopback, "
        f"{queue}, platform on {database}"
    )
    for name, (steady, saturated) in results.items():
        _report(name, steady, saturated)
    p_steady, p_sat = results["platform"]
    for name in BARE.values():
        b_steady, b_sat = results[name]
        print(
            f"ratio platform/{name}: steady p50 {p_steady['p50'] / b_steady['p50']:.2f}x, "
            f"p99 {p_steady['p99'] / b_steady['p99']:.2f}x; saturation deliveries/s "
            f"{p_sat['per_second'] / b_sat['per_second']:.2f}x"
        )


if __name__ == "__main__":
    main()
