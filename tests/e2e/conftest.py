"""A real server process on a fresh demo-seeded database, and headless Chromium driven by Playwright."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import sync_playwright

from ..databases import fresh_database
from ..servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    """The platform running in its own process, plus direct access to its database for assertions."""

    def __init__(self, url: str, database_url: str):
        self.url = url
        self.engine = sa.create_engine(database_url)

    def last_mail_to(self, recipient: str) -> str:
        """The body of the newest outbox message to a recipient."""
        with self.engine.connect() as connection:
            body = connection.execute(
                sa.text("SELECT body FROM outbox_mail WHERE recipient = :r ORDER BY id DESC LIMIT 1"),
                {"r": recipient},
            ).scalar()
        assert body, f"no mail to {recipient}"
        return body


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Migrate a fresh database, load the demo seed, and serve the app with `python wsgi.py`."""
    tmp = tmp_path_factory.mktemp("live")
    with fresh_database(tmp) as database_url:
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "FLASK_CONFIG": "development",
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp / "instance"),
            "SCHEDULER_ENABLED": "0",
            "PORT": str(port),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        for command in (["db", "upgrade"], ["seed", "demo"]):
            subprocess.run(
                [sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        # The server's log goes to a file: an unread pipe fills up (64 KiB) and then blocks the server on
        # its next log line, which hangs every request after it.
        log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed when the session ends
        process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True
        )
        server = LiveServer(f"http://127.0.0.1:{port}", database_url)
        try:
            wait_until_up(server.url, process, log_path=tmp / "server.log")
            yield server
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()
            server.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate cookies = separate people)."""
    contexts = []

    def open_page(locale: str = "en-GB"):
        context = browser.new_context(locale=locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
