"""Benchmark of the live session: 60 attendees with real python-socketio clients on `python wsgi.py`.

It starts the platform as bench_rooms.py does (its helpers, imported: a fresh demo-seeded database, one or
`--servers` processes), then adds a committee with `--attendees` voting members (the demo bodies have few
seats), a session of it opened by its chair with everyone present, and signs them all in. The attendees'
sockets join the session's live view from `--procs` worker processes; the chair's socket is in this one.
Each repetition, for each vote method (`--methods`):

- open vote: the chair records a motion, then puts it to the vote; time from the chair's event to each
  attendee receiving the motion as being voted on, and until the last of them has it;
- result: every attendee but one votes; time from the last ballot (the chair's, which closes the vote) to
  each attendee receiving the result, and until the last of them has it.

Baselines in the same run, to the same clients: a plain broadcast on the same server (a message in the
committee's discussion room, which the platform stores before broadcasting), and bench_rooms' bare
Flask-SocketIO server (no database, no sign-in) to as many clients. p50/p95 over the repetitions are
printed with the ratios. Only 127.0.0.1 traffic. Usage: `python bench/bench_committee_live.py [--reps 20]`.
"""

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rooms import (  # the rooms benchmark's helpers, reused
    ROOT,
    _percentile,
    _sign_in,
    fresh_database,
    start_bare,
    start_platform,
)

CHAIR = "coordinator.callao@demo.puertos.example"
CHOICES = ("yes", "no", "abstain")
TARGET_P95_MS = 200


def _committee(chair, attendees: int) -> tuple:
    """A committee chaired by `chair` with `attendees` voting members sharing the chair's password."""
    from datetime import timedelta

    from ports_network.extensions import db
    from ports_network.models import Body, BodyKind, Seat, SeatRole, User
    from ports_network.models.base import utcnow

    start = utcnow().date() - timedelta(days=30)
    body = Body(kind=BodyKind.TECHNICAL_COMMITTEE, name={"en": "Bench committee"}, term_start=start)
    people = [
        User(
            email=f"bench{n:03d}@bench.example",
            name=f"Bench member {n:03d}",
            password_hash=chair.password_hash,
            email_confirmed_at=utcnow(),
        )
        for n in range(attendees)
    ]
    db.session.add_all([body, *people])
    for person in [chair, *people]:
        role = SeatRole.CHAIR if person is chair else SeatRole.MEMBER
        db.session.add(Seat(body=body, user=person, role=role, start_date=start))
    return body, people


def populate(attendees: int) -> dict:
    """In the platform's database (DATABASE_URL): the committee, a session of it opened by the chair
    through the services, everyone present."""
    from datetime import timedelta

    import sqlalchemy as sa

    from ports_network import create_app
    from ports_network.extensions import db
    from ports_network.models import (
        AgendaItem,
        AttendanceStatus,
        CommitteeSession,
        SessionKind,
        SessionStatus,
        User,
    )
    from ports_network.models.base import utcnow
    from ports_network.services import committee_live, rooms

    with create_app("development").app_context():
        chair = db.session.scalars(sa.select(User).where(User.email == CHAIR)).one()
        body, people = _committee(chair, attendees)
        session = CommitteeSession(
            body=body,
            title="Bench session",
            kind=SessionKind.ONLINE,
            link="https://meet.example.org/bench",
            starts_at=utcnow() + timedelta(days=1),
            time_zone="America/Lima",
            duration_minutes=120,
            status=SessionStatus.CONVENED,
            convened_at=utcnow(),
        )
        session.items = [AgendaItem(position=n, title=f"Item {n}") for n in (1, 2, 3)]
        db.session.add(session)
        db.session.commit()
        committee_live.open_session(chair, session)
        for person in [chair, *people]:
            committee_live.record_attendance(chair, session, person.id, AttendanceStatus.PRESENT)
        room = rooms.room_for_body(body)
        return {"session_id": session.id, "room_id": room.id, "emails": [p.email for p in people]}


def _populate_in(database_url: str, tmp: Path, attendees: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FLASK_CONFIG": "development",
        "INSTANCE_PATH": str(tmp / "instance"),
        "SCHEDULER_ENABLED": "0",
    }
    command = [sys.executable, __file__, "--populate", str(attendees)]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"adding the committee failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _attendee_worker(clients: list[tuple[int, str, str]], joins: list, commands, out) -> None:
    """Open the attendees' sockets (number, url, cookie), join, then record what arrives; vote when told."""
    received: list[tuple[int, str, object, float]] = []
    sockets = []
    for index, url, cookie in clients:
        client = socketio.Client(reconnection=False)

        def on_update(update, index=index):
            moment = time.monotonic()
            for motion in update.get("motions", []):
                received.append((index, "motion", (motion["id"], motion["status"]), moment))

        client.on("session_update", on_update)
        client.on(
            "message", lambda m, i=index: received.append((i, "message", m["client_id"], time.monotonic()))
        )
        client.connect(
            url, headers={"Cookie": cookie} if cookie else {}, transports=["websocket"], wait_timeout=10
        )
        for event, payload in joins:
            assert client.call(event, payload, timeout=30)["ok"], event
        sockets.append(client)
    out.put(("ready", len(sockets)))
    while True:
        command, *rest = commands.get()
        if command == "vote":
            acks = [
                s.call("motion_vote", {"motion_id": rest[0], "choice": CHOICES[i % 3]}, timeout=60)
                for i, s in enumerate(sockets)
            ]
            out.put(("voted", sum(bool(ack and ack.get("ok")) for ack in acks)))
        else:
            out.put(("received", received))
            break
    for client in sockets:
        client.disconnect()


class Attendees:
    """The attendees' worker processes: started, told to vote, stopped with what each socket received."""

    def __init__(self, clients: list[tuple[str, str]], joins: list, procs: int):
        context = mp.get_context("spawn")
        self.out = context.Queue()
        numbered = [(n, url, cookie) for n, (url, cookie) in enumerate(clients)]
        self.shares = [numbered[i::procs] for i in range(procs)]
        self.commands = [context.Queue() for _ in self.shares]
        self.workers = [
            context.Process(target=_attendee_worker, args=(share, joins, queue, self.out))
            for share, queue in zip(self.shares, self.commands, strict=True)
        ]
        for worker in self.workers:
            worker.start()
        assert sum(self._next("ready") for _ in self.workers) == len(clients)

    def _next(self, kind: str):
        got, value = self.out.get(timeout=300)
        assert got == kind, got
        return value

    def vote(self, motion_id: int) -> int:
        """Every attendee votes; returns how many ballots were accepted."""
        for queue in self.commands:
            queue.put(("vote", motion_id))
        return sum(self._next("voted") for _ in self.workers)

    def stop(self) -> list[tuple[int, str, object, float]]:
        """Close the sockets; every receipt as (attendee, kind, key, time)."""
        for queue in self.commands:
            queue.put(("stop",))
        received = []
        for _ in self.workers:
            received += self._next("received")
        for worker in self.workers:
            worker.join(timeout=30)
        return received


DECIDED = ("carried", "rejected", "no_quorum")


def spread(received: list, wanted, since: float, expected: int) -> tuple[list[float], float | None]:
    """Per-attendee latency (ms) of the first receipt matching `wanted(kind, key)`, and the time until the
    last attendee had it (None when some attendee never got it)."""
    first: dict[int, float] = {}
    for who, kind, key, moment in received:
        if who not in first and wanted(kind, key):
            first[who] = moment
    latencies = [(moment - since) * 1000 for moment in first.values()]
    return latencies, (max(latencies) if len(first) == expected else None)


class Chair:
    """The chair's socket in this process: records the motions it is told about, acts and waits for acks."""

    def __init__(self, url: str, cookie: str, session_id: int):
        self.session_id = session_id
        self.proposed: list[int] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_update", self._update)
        self.client.connect(url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
        assert self.client.call("session_join", {"session_id": session_id}, timeout=30)["ok"]

    def _update(self, update: dict) -> None:
        with self.changed:
            self.proposed += [m["id"] for m in update.get("motions", []) if m["status"] == "proposed"]
            self.changed.notify_all()

    def call(self, event: str, payload: dict) -> None:
        """Send an event and require its acknowledgement to be positive."""
        ack = self.client.call(event, {"session_id": self.session_id, **payload}, timeout=60)
        assert ack and ack.get("ok"), (event, ack)

    def propose(self, text: str) -> int:
        """Record a motion and return its id, as pushed back to the chair."""
        with self.changed:
            known = len(self.proposed)
            self.call("motion_propose", {"text": text})
            assert self.changed.wait_for(lambda: len(self.proposed) > known, timeout=30)
            return self.proposed[-1]


def run_votes(chair: Chair, attendees: Attendees, args: argparse.Namespace) -> dict[str, list]:
    """The repetitions: open a vote, every attendee votes, the chair's ballot closes it. Times per rep."""
    marks: list[tuple[str, int, float, float]] = []  # (method, motion, opened at, last ballot at)
    for rep in range(args.reps):
        for method in args.methods:
            motion_id = chair.propose(f"Bench motion {rep} ({method}).")
            opened = time.monotonic()
            chair.call("motion_open_vote", {"motion_id": motion_id, "method": method})
            time.sleep(args.pause)
            assert attendees.vote(motion_id) == args.attendees
            time.sleep(args.pause)
            last = time.monotonic()
            chair.call("motion_vote", {"motion_id": motion_id, "choice": "yes"})  # everyone has voted now
            time.sleep(args.pause)
            marks.append((method, motion_id, opened, last))
    return {"marks": marks}


def run_room_messages(chair_cookie: str, url: str, room_id: int, attendees: Attendees, args) -> list:
    """The same-server baseline: the chair posts in the committee's room; times of each send."""
    sender = socketio.Client(reconnection=False)
    sender.connect(url, headers={"Cookie": chair_cookie}, transports=["websocket"], wait_timeout=10)
    sender.call("join", {"room_id": room_id, "last_seq": 1 << 30}, timeout=30)
    sent = []
    for rep in range(args.reps):
        client_id = f"bench-{uuid.uuid4().hex[:8]}-{rep}"
        moment = time.monotonic()
        assert sender.call("send", {"room_id": room_id, "client_id": client_id, "body": "Bench"}, timeout=30)[
            "ok"
        ]
        sent.append((client_id, moment))
        time.sleep(args.pause)
    sender.disconnect()
    return sent


def run_bare(args: argparse.Namespace) -> tuple[list[tuple[str, float]], list]:
    """bench_rooms' bare Flask-SocketIO server: as many clients in one room, one sender; the sends and
    what the clients received."""
    target = start_bare("flask", args)
    try:
        clients = [(target.urls[i % len(target.urls)], "") for i in range(args.attendees)]
        attendees = Attendees(clients, [("join", {"room_id": 1, "last_seq": 0})], args.procs)
        sender = socketio.Client(reconnection=False)
        sender.connect(target.urls[0], transports=["websocket"], wait_timeout=10)
        sender.call("join", {"room_id": 1, "last_seq": 0}, timeout=10)
        sent = []
        for rep in range(args.reps):
            client_id = f"bare-{rep}"
            moment = time.monotonic()
            sender.call("send", {"room_id": 1, "client_id": client_id, "body": "Bench"}, timeout=30)
            sent.append((client_id, moment))
            time.sleep(args.pause)
        sender.disconnect()
        received = attendees.stop()
    finally:
        target.stop()
    return sent, received


def run_platform(tmp: Path, database_url: str, args: argparse.Namespace) -> tuple[list, list, list]:
    """Start the platform, add the committee, connect everyone; the votes, the room messages, receipts."""
    target = start_platform(tmp, database_url, args)
    try:
        setup = _populate_in(database_url, tmp, args.attendees)
        cookies = [_sign_in(target.urls[0], email) for email in setup["emails"]]  # valid on every process
        chair_cookie = _sign_in(target.urls[0], CHAIR)
        clients = [(target.urls[i % len(target.urls)], cookie) for i, cookie in enumerate(cookies)]
        joins = [
            ("session_join", {"session_id": setup["session_id"]}),
            ("join", {"room_id": setup["room_id"], "last_seq": 1 << 30}),
        ]
        attendees = Attendees(clients, joins, args.procs)
        chair = Chair(target.urls[0], chair_cookie, setup["session_id"])
        marks = run_votes(chair, attendees, args)["marks"]
        room_sent = run_room_messages(chair_cookie, target.urls[0], setup["room_id"], attendees, args)
        time.sleep(args.pause)
        received = attendees.stop()
        chair.client.disconnect()
    finally:
        target.stop()
    return marks, room_sent, received


def _figures(all_seen: list[float | None], deliveries: list[float]) -> dict:
    complete = [value for value in all_seen if value is not None]
    return {
        "reps": len(all_seen),
        "incomplete": len(all_seen) - len(complete),
        "p50": _percentile(complete, 0.50),
        "p95": _percentile(complete, 0.95),
        "delivery_p50": _percentile(deliveries, 0.50),
        "delivery_p95": _percentile(deliveries, 0.95),
    }


def vote_figures(marks: list, received: list, n: int, method: str) -> tuple[dict, dict]:
    """The open-vote and result figures of one method."""
    opened, results, open_deliveries, result_deliveries = [], [], [], []
    for got_method, motion_id, opened_at, last_at in marks:
        if got_method != method:
            continue
        lat, everyone = spread(
            received, lambda k, key, m=motion_id: k == "motion" and key == (m, "voting"), opened_at, n
        )
        opened.append(everyone)
        open_deliveries += lat
        lat, everyone = spread(
            received,
            lambda k, key, m=motion_id: k == "motion" and key[0] == m and key[1] in DECIDED,
            last_at,
            n,
        )
        results.append(everyone)
        result_deliveries += lat
    return _figures(opened, open_deliveries), _figures(results, result_deliveries)


def broadcast_figures(sent: list, received: list, n: int) -> dict:
    """The figures of plain broadcasts (room messages) sent at the given times."""
    all_seen, deliveries = [], []
    for client_id, moment in sent:
        lat, everyone = spread(received, lambda k, key, c=client_id: k == "message" and key == c, moment, n)
        all_seen.append(everyone)
        deliveries += lat
    return _figures(all_seen, deliveries)


def _line(name: str, figures: dict) -> str:
    missing = f", {figures['incomplete']} incomplete" if figures["incomplete"] else ""
    return (
        f"{name:46} every attendee: p50 {figures['p50']:6.1f} ms  p95 {figures['p95']:6.1f} ms"
        f"  | each delivery: p50 {figures['delivery_p50']:6.1f} p95 {figures['delivery_p95']:6.1f}"
        f"  ({figures['reps']} reps{missing})"
    )


def main() -> None:
    """Measure the live session and the baselines in the same run; print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--attendees", type=int, default=60)
    parser.add_argument("--procs", type=int, default=5, help="attendee worker processes")
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each vote method")
    parser.add_argument("--methods", default="named,secret", help="vote methods, comma-separated")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between steps (deliveries settle)")
    parser.add_argument("--servers", type=int, default=1, help="server processes (2+: joined by Redis)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the queue with --servers 2+")
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made on it)")
    args = parser.parse_args()
    if args.populate is not None:
        print(json.dumps(populate(args.populate)))
        return
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    args.channel = f"bench-live-{uuid.uuid4().hex}"
    os.environ["LOGIN_RATE_LIMIT"] = "100000 per minute"  # every attendee signs in from 127.0.0.1
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), args.database) as database_url:
        marks, room_sent, received = run_platform(Path(tmp), database_url, args)
    bare_sent, bare_received = run_bare(args)
    n = args.attendees
    queue = f"{args.servers} server processes joined by Redis" if args.servers > 1 else "one server process"
    print(
        f"{n} attendees in {args.procs} worker processes, threading async mode, loopback, {queue}, "
        f"{'PostgreSQL' if args.database else 'SQLite'}"
    )
    room = broadcast_figures(room_sent, received, n)
    bare = broadcast_figures(bare_sent, bare_received, n)
    for method in args.methods:
        opened, result = vote_figures(marks, received, n, method)
        print(_line(f"{method}: open vote -> seen as open", opened))
        print(_line(f"{method}: last ballot -> result seen", result))
        for name, figures in (("open vote", opened), ("result", result)):
            met = figures["p95"] <= TARGET_P95_MS and not figures["incomplete"]
            print(
                f"  {method} {name}: target p95 <= {TARGET_P95_MS} ms {'met' if met else 'NOT met'}; "
                f"p95 ratio to the room message {figures['p95'] / room['p95']:.2f}x, "
                f"to bare Flask-SocketIO {figures['p95'] / bare['p95']:.2f}x"
            )
    print(_line("baseline: message in the committee's room", room))
    print(_line("baseline: bare Flask-SocketIO broadcast", bare))


if __name__ == "__main__":
    main()
