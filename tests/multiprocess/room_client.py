"""A room reader over a real python-socketio client, following the protocol of static/js/rooms.js.

Messages are delivered to the reader in sequence order and once each: one that arrives ahead of a gap
waits for the gap to fill, and a gap that stays open is filled by joining again with the last seq seen
(the server answers with what was missed). The raw arrivals are kept too, to count duplicates.
"""

import re
import threading
import time

import requests
import socketio

CALL_TIMEOUT = 5.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def cookie_header(http: requests.Session) -> str:
    """The Cookie header a browser would send with the session's cookies."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)


def csrf_token(http: requests.Session, url: str) -> str:
    """The CSRF token of a form on the page at `url`."""
    return CSRF.search(http.get(url, timeout=10).text).group(1)


def sign_in(base_url: str, email: str, password: str) -> requests.Session:
    """Sign in through the login form like a browser; returns the signed-in HTTP session."""
    http = requests.Session()
    page = http.get(f"{base_url}/auth/login", timeout=10)
    token = CSRF.search(page.text).group(1)
    response = http.post(
        f"{base_url}/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return http


class RoomReader:
    """One person's view of one room, possibly over successive connections to different servers."""

    def __init__(self, name: str, cookie: str, room_id: int, last_seq: int = 0):
        self.name, self.cookie, self.room_id = name, cookie, room_id
        self.last_seq = last_seq  # highest seq delivered with no gap before it
        self.delivered: list[int] = []
        self.raw: list[int] = []
        self.waiting: dict[int, dict] = {}
        self.lock = threading.Lock()
        self.sio: socketio.Client | None = None
        self.url: str | None = None

    def connect(self, url: str) -> None:
        """Open a new connection to `url` and join the room from the last seq delivered."""
        self.close()
        sio = socketio.Client(reconnection=False)
        sio.on("message", self._on_message)
        sio.connect(url, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=10)
        self.sio, self.url = sio, url
        self.join()

    def join(self) -> dict:
        """Join (again) with the last seq delivered; the acknowledgement carries what was missed."""
        ack = self.sio.call(
            "join", {"room_id": self.room_id, "last_seq": self.last_seq}, timeout=CALL_TIMEOUT
        )
        assert ack["ok"], ack
        for record in ack["messages"]:
            self._accept(record)
        return ack

    @property
    def connected(self) -> bool:
        """Whether the current connection is still open."""
        return self.sio is not None and self.sio.connected

    def send(self, client_id: str, body: str) -> dict:
        """Send one message and wait for its acknowledgement (raises on timeout or a lost connection)."""
        payload = {"room_id": self.room_id, "client_id": client_id, "body": body}
        return self.sio.call("send", payload, timeout=CALL_TIMEOUT)

    def _on_message(self, record: dict) -> None:
        with self.lock:
            self.raw.append(record["seq"])
        self._accept(record)

    def _accept(self, record: dict) -> None:
        with self.lock:
            seq = record["seq"]
            if record["room_id"] != self.room_id or seq <= self.last_seq or seq in self.waiting:
                return
            self.waiting[seq] = record
            while self.last_seq + 1 in self.waiting:
                self.waiting.pop(self.last_seq + 1)
                self.last_seq += 1
                self.delivered.append(self.last_seq)

    def wait_until(self, seq: int, timeout: float = 20.0) -> bool:
        """Wait until everything up to `seq` is delivered, joining again when nothing moves for a second."""
        deadline = time.monotonic() + timeout
        seen, moved_at = self.last_seq, time.monotonic()
        while time.monotonic() < deadline and self.last_seq < seq:
            if self.last_seq != seen:
                seen, moved_at = self.last_seq, time.monotonic()
            elif time.monotonic() - moved_at > 1.0 and self.connected:
                self.join()
                moved_at = time.monotonic()
            time.sleep(0.05)
        return self.last_seq >= seq

    def close(self) -> None:
        """Close the connection, also one the server closed or lost: the engine.io client then leaves its
        websocket's socket open (and so does its own disconnect, which only shuts it down)."""
        if self.sio is None:
            return
        if self.sio.connected:
            self.sio.disconnect()
        if (websocket := getattr(self.sio.eio, "ws", None)) is not None:
            websocket.shutdown()
