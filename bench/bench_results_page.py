"""Benchmark of the public results page: 100 communities with a stored run, served by a real server process.

Builds a fresh SQLite database (`flask db upgrade`), 100 communities in 20 countries with published
submissions for `--periods` periods of the default methodology 2.0, and one stored run computed by
`index_results.compute_run` (`--draws` Monte-Carlo draws: only the fixture, not what is timed). Then
starts the platform under gunicorn (one sync worker, production configuration) on 127.0.0.1 and
measures `--requests` sequential GET requests, after a warm-up, of:

- the edition page `/results/2.0/<last period>` (ranking with rank intervals, 5 SVG pillar charts);
- the baseline on the same server: `/health` (a minimal Flask view that runs `SELECT 1`).

It prints the median and p95 of each, their ratio, and the SQL statements one edition page runs (counted
in-process with the test client). Target: the edition page's median ≤ 100 ms.
Usage: `python bench/bench_results_page.py [--requests 200 --periods 5 --draws 100]`.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pycountry
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, wait_until_up  # noqa: E402

COUNTRIES = ("AR", "BR", "CL", "CO", "CR", "EC", "GT", "HN", "MX", "PA")
COUNTRIES += ("PE", "UY", "DO", "JM", "TT", "BS", "BB", "VE", "SV", "NI")
TARGET_MS = 100


def _published_submissions(version, communities: list, periods: list[str]) -> list:
    """A closed data call per period with a published submission of random values for every community."""
    from ports_network.models import DataCall, DataCallStatus, Submission, SubmissionStatus, SubmissionValue
    from ports_network.models.base import utcnow
    from ports_network.services import methodologies

    indicators = methodologies.load_engine_methodology(version).indicators
    rng = np.random.default_rng(2014)
    submissions = []
    for period in periods:
        deadline = utcnow() - timedelta(days=1)
        call = DataCall(
            methodology_version=version,
            period=period,
            title=f"Index {period}",
            deadline=deadline,
            status=DataCallStatus.CLOSED,
            communities=communities,
        )
        for community in communities:
            submission = Submission(
                data_call=call, community=community, status=SubmissionStatus.PUBLISHED, accepted_at=deadline
            )
            for indicator in indicators:
                value = float(rng.uniform(indicator.goalposts.lower, indicator.goalposts.upper))
                if indicator.value_type in ("rubric", "boolean"):
                    value = float(round(value))
                submission.values.append(SubmissionValue(indicator_code=indicator.code, value=value))
            submissions.append(submission)
    return submissions


def build_fixture(env: dict[str, str], communities: int, periods: list[str], draws: int) -> str:
    """Migrate, then add communities, published submissions and one stored run; returns the last period."""
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    from ports_network import create_app
    from ports_network.extensions import db
    from ports_network.models import Country, Phase, PortCommunity
    from ports_network.services import index_results, methodologies

    app = create_app("development")
    with app.app_context():
        methodologies.ensure_default()
        version = methodologies.get(methodologies.DEFAULT_VERSION)
        countries = [
            Country(alpha2=code, alpha3=pycountry.countries.get(alpha_2=code).alpha_3) for code in COUNTRIES
        ]
        rows = [
            PortCommunity(
                slug=f"community-{n:03d}",
                name=f"Port logistics community {n:03d}",
                country=countries[n % len(countries)],
                phase=Phase.I,
            )
            for n in range(communities)
        ]
        db.session.add_all(countries + rows + _published_submissions(version, rows, periods))
        db.session.commit()
        started = time.perf_counter()
        run = index_results.compute_run(None, version, "publish", draws=draws)
        print(
            f"fixture: {communities} communities x {len(periods)} periods, run {run.id} "
            f"computed in {time.perf_counter() - started:.1f} s ({draws} draws)"
        )
        count_queries(app, f"/results/2.0/{periods[-1]}")
    return periods[-1]


def count_queries(app, path: str) -> None:
    """Print the SQL statements one anonymous request of `path` runs (in-process)."""
    from ports_network.extensions import db

    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    client = app.test_client()
    client.get(path)  # warm caches first, as the server will be
    sa.event.listen(db.engine, "before_cursor_execute", count)
    response = client.get(path)
    sa.event.remove(db.engine, "before_cursor_execute", count)
    print(
        f"SQL statements for {path}: {len(statements)} (status {response.status_code}, "
        f"{len(response.data) // 1024} KiB)"
    )


def measure(url: str, n: int, warmup: int = 10) -> list[float]:
    """Milliseconds of n sequential GETs after a warm-up; every answer must be 200."""
    http = requests.Session()
    for _ in range(warmup):
        http.get(url, timeout=30).raise_for_status()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = http.get(url, timeout=30)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def summary(name: str, times: list[float]) -> float:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{name:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--periods", type=int, default=5)
    parser.add_argument("--draws", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(tmp / "instance"),
            "SCHEDULER_ENABLED": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "SESSION_COOKIE_SECURE": "0",
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("REDIS_URL", None)
        periods = [str(2026 - args.periods + n) for n in range(args.periods)]
        period = build_fixture(env, args.communities, periods, args.draws)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env={**env, "FLASK_CONFIG": "production"},  # as deployed: no debug, templates cached
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, server)
            page = summary(f"/results/2.0/{period}", measure(f"{url}/results/2.0/{period}", args.requests))
            health = summary("/health (baseline)", measure(f"{url}/health", args.requests))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"ratio results page / baseline: {page / health:.1f}x")
    print(f"target: median <= {TARGET_MS} ms: {'met' if page <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
