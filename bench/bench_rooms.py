"""Benchmark of the rooms: delivery latency and throughput of one room with 50 real Socket.IO clients.

Runs the platform (`python wsgi.py`, threading async mode, on a fresh demo-seeded SQLite database) and,
as the baseline in the same run, a bare python-socketio server in the same async mode that only numbers
and broadcasts (no database, no sign-in, no authorisation). For each it measures:

- steady: one sender posts at `--rate` messages/s; latency from the send to each reader's receipt;
- saturation: the sender keeps `--window` messages unacknowledged at all times; deliveries/s.

Readers run in `--procs` worker processes so the clients are not the bottleneck of one interpreter.
Only 127.0.0.1 traffic. Usage: `python bench/bench_rooms.py [--clients 50 --rate 20 --seconds 5]`.
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
from pathlib import Path

import requests
import socketio

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


def serve_bare(port: int) -> None:
    """The baseline: number and broadcast, nothing else (same async mode and web server as wsgi.py)."""
    from werkzeug.serving import run_simple

    sio = socketio.Server(async_mode="threading")
    lock, counter = threading.Lock(), [0]

    @sio.on("join")
    def join(sid, data):
        sio.enter_room(sid, f"room-{data['room_id']}")
        return {"ok": True, "messages": [], "last_seq": 0}

    @sio.on("send")
    def send(sid, data):
        with lock:
            counter[0] += 1
            seq = counter[0]
        record = {
            "room_id": data["room_id"],
            "seq": seq,
            "client_id": data["client_id"],
            "html": data["body"],
        }
        sio.emit("message", record, to=f"room-{data['room_id']}")
        return {"ok": True, "seq": seq}

    app = socketio.WSGIApp(
        sio, static_files={"/health": {"content_type": "text/plain", "filename": __file__}}
    )
    run_simple("127.0.0.1", port, app, threaded=True)


class Target:
    """A server under test: its URL, the Cookie headers of its readers, and the room to use."""

    def __init__(self, name: str, url: str, cookies: list[str], room_id: int, process: subprocess.Popen):
        self.name, self.url, self.cookies, self.room_id, self.process = name, url, cookies, room_id, process


def _sign_in(url: str, email: str) -> str:
    http = requests.Session()
    token = CSRF.search(http.get(f"{url}/auth/login", timeout=10).text).group(1)
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert (
        http.post(f"{url}/auth/login", data=data, allow_redirects=False, timeout=10).status_code == REDIRECT
    )
    http.get(f"{url}/rooms/", timeout=10)  # creates the community's room
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)


def start_platform(tmp: Path) -> Target:
    """Migrate and seed a fresh SQLite database, then start `python wsgi.py` on it."""
    port = _free_port()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "INSTANCE_PATH": str(tmp / "instance"),
        "SCHEDULER_ENABLED": "0",
        "ROOMS_RATE_LIMIT": "1000000 per 10 seconds",
        "PORT": str(port),
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)
    for command in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, "/health")
    cookies = [_sign_in(url, email) for email in PEOPLE]
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        room_id = connection.execute(
            sa.text(
                "SELECT room.id FROM room JOIN port_community c ON c.id = room.community_id "
                "WHERE c.slug = 'callao'"
            )
        ).scalar_one()
    engine.dispose()
    return Target("platform", url, cookies, room_id, process)


def start_bare() -> Target:
    """Start the bare python-socketio server in its own process."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-bare", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, "/health")
    return Target("bare python-socketio", url, [""], 1, process)


def _reader_process(url: str, cookies: list[str], room_id: int, queues: tuple, stop) -> None:
    """Open the readers, join the room, record (client_id, receipt time) until told to stop."""
    ready, out = queues
    received: list[tuple[str, float]] = []
    clients = []
    for cookie in cookies:
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
    sender: socketio.Client, room_id: int, count: int, rate: float | None, window: int
) -> dict[str, float]:
    """Send `count` messages, paced at `rate` per second (None: as fast as the window allows)."""
    sent: dict[str, float] = {}
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
    return sent


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(target: Target, args: argparse.Namespace, count: int, rate: float | None, window: int) -> dict:
    """One phase: readers in worker processes, one sender; latency figures and deliveries per second."""
    context = mp.get_context("spawn")
    ready, out, stop = context.Queue(), context.Queue(), context.Event()
    cookies = [target.cookies[i % len(target.cookies)] for i in range(args.clients)]
    shares = [cookies[i :: args.procs] for i in range(args.procs)]
    workers = [
        context.Process(target=_reader_process, args=(target.url, share, target.room_id, (ready, out), stop))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    assert sum(ready.get(timeout=60) for _ in workers) == args.clients
    sender = socketio.Client(reconnection=False)
    sender.connect(
        target.url,
        headers={"Cookie": target.cookies[0]} if target.cookies[0] else {},
        transports=["websocket"],
    )
    sender.call("join", {"room_id": target.room_id, "last_seq": 1 << 30}, timeout=10)
    sent = _send(sender, target.room_id, count, rate, window)
    time.sleep(args.drain)
    stop.set()
    received = [item for _ in workers for item in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=30)
    sender.disconnect()
    latencies = [(t - sent[cid]) * 1000 for cid, t in received if cid in sent]
    first, last = min(sent.values()), max(t for _, t in received)
    return {
        "deliveries": len(latencies),
        "expected": count * args.clients,
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
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--procs", type=int, default=5, help="reader worker processes")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second in the steady phase")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the steady phase")
    parser.add_argument("--saturation-messages", type=int, default=300)
    parser.add_argument("--window", type=int, default=16, help="unacknowledged messages at saturation")
    parser.add_argument("--drain", type=float, default=3.0, help="seconds to wait for the last deliveries")
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for start in (lambda: start_platform(Path(tmp)), start_bare):
            target = start()
            try:
                results[target.name] = run(target, args)
            finally:
                target.process.terminate()
                target.process.wait(timeout=10)
    print(
        f"{args.clients} readers in one room, {args.procs} reader processes, threading async mode, loopback"
    )
    for name, (steady, saturated) in results.items():
        _report(name, steady, saturated)
    (p_steady, p_sat), (b_steady, b_sat) = results["platform"], results["bare python-socketio"]
    print(
        f"ratio platform/bare: steady p50 {p_steady['p50'] / b_steady['p50']:.2f}x, "
        f"p99 {p_steady['p99'] / b_steady['p99']:.2f}x; saturation deliveries/s "
        f"{p_sat['per_second'] / b_sat['per_second']:.2f}x"
    )


if __name__ == "__main__":
    main()
