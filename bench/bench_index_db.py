"""Benchmark of the stored index: 100 communities x 60 indicators x 20 periods published in the platform's
own database, scored and stored by services/index_results.py.

Builds a fresh SQLite database (a temporary file) with the platform's schema, the synthetic 60-indicator
methodology of bench_index_engine.py (frozen), 20 data calls with one published submission per community,
and two peer groups; then times each step of `compute_run` and the whole of it. Run from the repository
root:

    python bench/bench_index_db.py [--runs 7] [--draws 1000] [--database sqlite:///file.db]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Run as a file: the repository root (the package) and this folder (the engine benchmark) on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index_engine import (
    TARGET_RECOMPUTE,
    bench_methodology,
    floor_rows,
    median_seconds,
    print_rows,
    shape_arguments,
    shape_text,
    synthetic_rows,
    time_floor_and_core,
)

from ports_network import create_app
from ports_network.extensions import db
from ports_network.index_engine import compute, dump_methodology
from ports_network.index_engine.uncertainty import rank_uncertainty
from ports_network.models import (
    Country,
    DataCall,
    PeerGroup,
    PortCommunity,
    ScoreRun,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    data_call_community,
    peer_group_member,
)
from ports_network.services import index_results, methodologies

FIRST_YEAR = 2005


def _insert(model_or_table: Any, rows: list[dict[str, Any]]) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    db.session.execute(sa.insert(table), rows)


def populate(communities: int, periods: int, missing: float) -> str:
    """Store the methodology (frozen) and every value as published submissions; return the version."""
    methodology = bench_methodology()
    methodologies.import_methodology(json.dumps(dump_methodology(methodology)), freeze=True)
    version = methodologies.get(methodology.version)
    country = Country(alpha2="PE", alpha3="PER")
    db.session.add(country)
    db.session.flush()
    _insert(
        PortCommunity,
        [
            {"slug": f"c{c:03d}", "name": f"Community {c:03d}", "country_id": country.id, "phase": "I"}
            for c in range(communities)
        ],
    )
    ids = dict(db.session.execute(sa.select(PortCommunity.slug, PortCommunity.id)).all())
    accepted = datetime(2025, 1, 1, tzinfo=UTC)
    calls = []
    for t in range(periods):
        call = DataCall(
            methodology_version_id=version.id,
            period=str(FIRST_YEAR + t),
            title=f"Bench {FIRST_YEAR + t}",
            deadline=accepted,
        )
        calls.append(call)
    db.session.add_all(calls)
    db.session.flush()
    call_of = {call.period: call.id for call in calls}
    _insert(
        data_call_community,
        [{"data_call_id": c, "community_id": i} for c in call_of.values() for i in ids.values()],
    )
    _insert(
        Submission,
        [
            {
                "data_call_id": call_id,
                "community_id": community_id,
                "status": SubmissionStatus.PUBLISHED.value,
                "revision": 1,
                "accepted_at": accepted + timedelta(minutes=n),
                "published_at": accepted + timedelta(minutes=n),
            }
            for n, (call_id, community_id) in enumerate(
                (c, i) for c in call_of.values() for i in ids.values()
            )
        ],
    )
    submission_of = {
        (call_id, community_id): sid
        for sid, call_id, community_id in db.session.execute(
            sa.select(Submission.id, Submission.data_call_id, Submission.community_id)
        )
    }
    rows = synthetic_rows(methodology, communities, periods, missing)
    _insert(
        SubmissionValue,
        [
            {
                "submission_id": submission_of[(call_of[str(row["period"])], ids[row["community"]])],
                "indicator_code": row["indicator"],
                "value": row["value"],
                "updated_at": accepted,
            }
            for row in rows
        ],
    )
    groups = [PeerGroup(code=code, name={"en": code}) for code in ("north", "south")]
    db.session.add_all(groups)
    db.session.flush()
    _insert(
        peer_group_member,
        [{"peer_group_id": groups[n % 2].id, "community_id": i} for n, i in enumerate(ids.values())],
    )
    db.session.commit()
    return version.version


def store_once(version: str, results: Any, uncertainty: Any, draws: int) -> None:
    """Insert one run's rows and commit, as compute_run does after computing."""
    row = methodologies.get(version)
    run = ScoreRun(methodology_version_id=row.id, reason="bench", draws=draws, seed=1, periods=[])
    db.session.add(run)
    db.session.flush()
    index_results.store_results(run, results, uncertainty)
    db.session.commit()


def measure(version: str, args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Time every step; check that the engine and the numpy floor agree; return the table rows."""
    m = methodologies.load_engine_methodology(methodologies.get(version))
    runs, ms = args.runs, 1000.0
    load_time, values = median_seconds(lambda: index_results.published_values(version), runs)
    groups = index_results.peer_group_map()
    compute_time, results = median_seconds(lambda: compute(m, values, groups), runs)
    floors = time_floor_and_core(m, values, results, args.periods, runs)
    mc_runs = max(1, runs // 3)
    mc_time, uncertainty = median_seconds(
        lambda: rank_uncertainty(m, values, draws=args.draws, seed=index_results.DEFAULT_SEED), mc_runs
    )
    store_time, _ = median_seconds(lambda: store_once(version, results, uncertainty, args.draws), mc_runs)
    bare_time, _ = median_seconds(lambda: index_results.compute_run(None, version, "bench", draws=0), runs)
    full_time, run = median_seconds(
        lambda: index_results.compute_run(None, version, "bench", draws=args.draws), mc_runs
    )
    scores = db.metadata.tables["index_score"]
    stored = db.session.scalar(sa.select(sa.func.count()).where(scores.c.run_id == run.id))
    return [
        ("published values in the database", f"{len(values):,} rows", ""),
        ("load: published_values() (one query)", f"{load_time * ms:8.1f} ms", ""),
        ("engine compute() with 2 peer groups", f"{compute_time * ms:8.1f} ms", ""),
        *floor_rows(compute_time, floors),  # the floor's medians are the network's only
        (f"Monte-Carlo, {args.draws:,} draws", f"{mc_time * ms:8.1f} ms", ""),
        ("store: scores, ranks, medians + commit", f"{store_time * ms:8.1f} ms", ""),
        ("full recompute, compute_run(draws=0)", f"{bare_time * ms:8.1f} ms", f"<= {TARGET_RECOMPUTE:g} s"),
        (
            f"full recompute, compute_run(draws={args.draws:,})",
            f"{full_time * ms:8.1f} ms",
            f"<= {TARGET_RECOMPUTE:g} s",
        ),
        ("  (its own duration_ms, last run)", f"{run.duration_ms:8d} ms", ""),
        ("scores stored per run", f"{stored:,} rows", ""),
    ]


def main() -> None:
    """Parse the options, build the database, run the benchmark and print its table."""
    parser = shape_arguments(__doc__.splitlines()[0], runs=7)
    parser.add_argument(
        "--database", help="SQLAlchemy URL of an EMPTY database (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            version = populate(args.communities, args.periods, args.missing)
            built = time.perf_counter() - started
            heading = f"Stored index benchmark ({db.engine.dialect.name}): {shape_text(args)}"
            print(f"{heading}; median of {args.runs} runs")
            print(f"  (database built in {built:.1f} s)")
            print_rows(measure(version, args))
            db.session.remove()
            if args.database:
                db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
