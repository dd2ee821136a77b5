"""Helpers for tests that start the platform as real server processes on loopback."""

import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(
    url: str, process: subprocess.Popen, timeout: float = 30, log_path: Path | None = None
) -> None:
    """Wait for the server's /health to answer; fail early if the process died (with its log: the given
    file, or its stderr pipe)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text() if log_path is not None else process.stderr.read()
            raise RuntimeError(f"server exited early: {output}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start in time")
