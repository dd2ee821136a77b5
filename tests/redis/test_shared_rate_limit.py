"""With Redis, sign-in rate limits are shared by every server process, not counted per process."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = "3 per minute"

# Another process: its own app and database, the same Redis. It makes failed sign-ins from 127.0.0.1.
OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from ports_network import create_app
    from ports_network.extensions import db
    from tests.conftest import CSRFClient

    app = create_app("testing")
    app.test_client_class = CSRFClient
    with app.app_context():
        db.create_all()
    client = app.test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong password"}
    codes = [client.post("/auth/login", data=wrong).status_code for _ in range(int(sys.argv[1]))]
    print(" ".join(map(str, codes)))
    """
)


def _fail_logins_in_another_process(count: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(count)],
        cwd=ROOT,
        env={**os.environ, "LOGIN_RATE_LIMIT": LIMIT},
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(code) for code in result.stdout.split()]


def test_failed_sign_ins_in_another_process_count_against_this_one(app, client):
    app.config["LOGIN_RATE_LIMIT"] = LIMIT
    assert _fail_logins_in_another_process(3) == [422, 422, 422]  # refused sign-ins, not yet limited

    response = client.post(
        "/auth/login",
        data={"email": "nobody@example.org", "password": "wrong password"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 429
    assert "Too many attempts from your connection" in response.get_data(as_text=True)
