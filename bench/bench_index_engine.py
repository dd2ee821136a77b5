"""Benchmark of the index engine: 100 communities x 60 indicators x 20 periods, loaded from SQLite.

Prints load time, engine compute time, a bare-numpy implementation of the same arithmetic measured in
the same run (and checked to give the same composite scores and ranks), the Monte-Carlo rank analysis
and a full recompute including loading. Run from the repository root:

    python bench/bench_index_engine.py [--runs 20] [--draws 1000] [--database sqlite:///file.db]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

# The script is run as a file, so the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ports_network.index_engine import Methodology, compute, load_methodology
from ports_network.index_engine.engine import wide_values
from ports_network.index_engine.scoring import (
    compile_plan,
    goalpost_scores,
    node_scores,
    ranks_by_period,
)
from ports_network.index_engine.uncertainty import rank_uncertainty

PILLARS, PER_PILLAR = 5, 12
COLUMNS = ("community", "period", "indicator", "value")
TARGET_RATIO, TARGET_RECOMPUTE = 10.0, 1.0


# --- synthetic methodology and data ---------------------------------------------------------------


def indicator_spec(p: int, j: int, rng: np.random.Generator) -> dict[str, Any]:
    """Indicator j of pillar p: directions, log and cap transforms mixed across the 60 indicators."""
    kind = ("higher_better", "lower_better", "target_band")[(p + j) % 3]
    spec: dict[str, Any] = {
        "code": f"p{p}_i{j:02d}",
        "name": {"en": f"Indicator {p}.{j}"},
        "unit": "u",
        "value_type": "number",
        "direction": kind,
        "goalposts": {"lower": 0.0, "upper": 100.0},
        "weight": float(np.round(rng.uniform(0.5, 2.0), 3)),
    }
    if j % 4 == 0:  # skewed quantity: natural log between goalposts 1 and 10,000
        spec["goalposts"] = {"lower": 1.0, "upper": 10_000.0}
        spec["transform"] = {"kind": "log"}
        if kind == "target_band":
            spec["band"] = {"lower": 100.0, "upper": 1_000.0}
    elif kind == "target_band":
        spec["band"] = {"lower": 40.0, "upper": 60.0}
    elif j % 5 == 1:
        spec["transform"] = {"kind": "cap", "at": 90.0}
    return spec


def bench_methodology(seed: int = 7) -> Methodology:
    """5 pillars x 12 indicators; pillars alternate arithmetic/geometric; the composite is geometric."""
    rng = np.random.default_rng(seed)
    pillars = [
        {
            "code": f"p{p}",
            "name": {"en": f"Pillar {p}"},
            "weight": float(1 + p % 2),
            "aggregation": ("arithmetic", "geometric")[p % 2],
            "indicators": [indicator_spec(p, j, rng) for j in range(PER_PILLAR)],
        }
        for p in range(PILLARS)
    ]
    return load_methodology(
        {
            "version": "bench",
            "name": {"en": "Benchmark"},
            "locales": ["en"],
            "aggregation": "geometric",
            "coverage": {"min_share": 0.8},
            "pillars": pillars,
        }
    )


def synthetic_rows(
    m: Methodology, communities: int, periods: int, missing: float, seed: int = 11
) -> list[dict[str, Any]]:
    """One row per community, period and indicator; about `missing` of the values are left out."""
    rng = np.random.default_rng(seed)
    codes = [indicator.code for indicator in m.indicators]
    is_log = np.array([indicator.transform.kind.value == "log" for indicator in m.indicators])
    shape = (communities, periods, len(codes))
    values = np.where(is_log, rng.lognormal(5.0, 2.0, shape), rng.uniform(-10.0, 115.0, shape))
    keep = rng.random(shape) >= missing
    return [
        {"community": f"c{c:03d}", "period": 2005 + t, "indicator": codes[k], "value": float(values[c, t, k])}
        for c, t, k in zip(*np.nonzero(keep), strict=True)
    ]


def store(url: str, rows: list[dict[str, Any]]) -> tuple[sa.Engine, sa.Table]:
    """The raw values in a table `index_value(community, period, indicator, value)`."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table(
        "index_value",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("value", sa.Float),
    )
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
    return engine, table


def load(engine: sa.Engine, table: sa.Table) -> pd.DataFrame:
    """The engine's input DataFrame from the database: one SQLAlchemy Core query through pandas.read_sql."""
    query = sa.select(table.c.community, table.c.period, table.c.indicator, table.c.value)
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


def load_dbapi(engine: sa.Engine, table: sa.Table) -> pd.DataFrame:
    """The same rows through the raw DB-API cursor (no SQLAlchemy rows): the floor of loading."""
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(f"SELECT community, period, indicator, value FROM {table.name}")
        return pd.DataFrame.from_records(cursor.fetchall(), columns=list(COLUMNS))


# --- the bare-numpy floor --------------------------------------------------------------------------


def numpy_parameters(m: Methodology) -> dict[str, np.ndarray]:
    """Per-indicator and per-pillar arrays for the numpy floor (built once, outside the timing)."""
    ind = m.indicators
    log = np.array([i.transform.kind.value == "log" for i in ind])

    def logged(values: np.ndarray) -> np.ndarray:
        return np.where(log, np.log(np.where(log, values, 1.0)), values)

    lower = np.array([i.goalposts.lower for i in ind])
    upper = np.array([i.goalposts.upper for i in ind])
    return {
        "raw_lower": lower,
        "raw_upper": upper,
        "lower": logged(lower),
        "upper": logged(upper),
        "band_lower": logged(np.array([(i.band or i.goalposts).lower for i in ind])),
        "band_upper": logged(np.array([(i.band or i.goalposts).upper for i in ind])),
        "cap": np.array([i.transform.at if i.transform.kind.value == "cap" else np.inf for i in ind]),
        "log": log,
        "direction": np.array(
            [{"higher_better": 1, "lower_better": -1}.get(i.direction.value, 0) for i in ind]
        ),
        "weights": np.array([[i.weight for i in p.children] for p in m.pillars]),
        "pillar_geometric": np.array([p.aggregation.value == "geometric" for p in m.pillars]),
        "pillar_min_share": np.array([p.coverage.min_share for p in m.pillars]),
        "pillar_floor": np.array([p.geometric_floor for p in m.pillars]),
        "pillar_weights": np.array([p.weight for p in m.pillars]),
        "index_min_share": np.array(m.coverage.min_share),
        "index_floor": np.array(m.geometric_floor),
    }


def weighted_means(
    s: np.ndarray, w: np.ndarray, geometric: np.ndarray, floor: np.ndarray, min_share: np.ndarray
) -> np.ndarray:
    """Weighted arithmetic or geometric mean over the last axis, renormalised, with the coverage rule."""
    present = ~np.isnan(s)
    pw = present * w
    total = pw.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        arithmetic = (np.where(present, s, 0.0) * w).sum(-1) / total
        geo = np.exp((np.where(present, np.log(np.fmax(s, floor[..., None])), 0.0) * w).sum(-1) / total)
    mean = np.clip(np.where(geometric, geo, arithmetic), 0.0, 100.0)
    return np.where(total / w.sum(-1) >= min_share - 1e-9, mean, np.nan)


def numpy_floor(raw: np.ndarray, q: dict[str, np.ndarray], periods: int) -> tuple[np.ndarray, ...]:
    """Scores, composite and ranks from the wide matrix (rows sorted by period), in plain numpy."""
    x = np.clip(np.minimum(raw, q["cap"]), q["raw_lower"], q["raw_upper"])
    x = np.where(q["log"], np.log(np.where(q["log"], x, 1.0)), x)
    lo, hi, bl, bu = q["lower"], q["upper"], q["band_lower"], q["band_upper"]
    band = np.where(
        x < bl,
        (x - lo) / np.where(bl > lo, bl - lo, 1.0),
        np.where(x > bu, (hi - x) / np.where(hi > bu, hi - bu, 1.0), 1.0),
    )
    oriented = np.where(q["direction"] == 1, x - lo, hi - x) / (hi - lo)
    share = np.where(q["direction"] == 0, band, oriented)
    scores = np.where(np.isnan(raw), np.nan, 100.0 * np.clip(share, 0.0, 1.0))
    pillars = weighted_means(
        scores.reshape(len(raw), PILLARS, PER_PILLAR),
        q["weights"],
        q["pillar_geometric"],
        q["pillar_floor"],
        q["pillar_min_share"],
    )
    composite = weighted_means(
        pillars, q["pillar_weights"], np.array(True), q["index_floor"], q["index_min_share"]
    )
    key = np.where(np.isnan(composite), np.inf, -np.round(composite, 9)).reshape(periods, -1)
    ordered = np.sort(key, axis=1)
    ranks = np.stack([np.searchsorted(ordered[t], key[t]) + 1.0 for t in range(periods)]).ravel()
    return scores, pillars, composite, np.where(np.isnan(composite), np.nan, ranks)


def numpy_floor_with_medians(
    raw: np.ndarray, q: dict[str, np.ndarray], periods: int
) -> tuple[np.ndarray, ...]:
    """The floor plus what compute() also reports: per period, the median and count of every column."""
    scores, pillars, composite, ranks = numpy_floor(raw, q, periods)
    medians, counts = period_medians(np.column_stack([raw, scores, pillars, composite]), periods)
    return composite, ranks, medians, counts


def period_medians(matrix: np.ndarray, periods: int) -> tuple[np.ndarray, np.ndarray]:
    """Median (NaN ignored) and count of each column over the communities of each period.

    One sort per period (NaN sorts last) and the middle one or two reported values: faster than
    np.nanmedian, so the floor stays a floor.
    """
    blocks = np.sort(matrix.reshape(periods, -1, matrix.shape[1]), axis=1)
    counts = (~np.isnan(blocks)).sum(axis=1)
    low = np.take_along_axis(blocks, np.maximum(counts - 1, 0)[:, None, :] // 2, axis=1)[:, 0, :]
    high = np.take_along_axis(blocks, np.maximum(counts // 2, 0)[:, None, :], axis=1)[:, 0, :]
    return np.where(counts > 0, (low + high) / 2.0, np.nan), counts


# --- timing ----------------------------------------------------------------------------------------


def median_seconds(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls (after one warm-up call) and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def engine_core(m: Methodology, raw: pd.DataFrame, periods: int) -> tuple[np.ndarray, np.ndarray]:
    """The engine's own scoring functions on the wide matrix: the like-for-like part of `compute`."""
    plan = compile_plan(m)
    nodes, _ = node_scores(plan, goalpost_scores(raw.to_numpy(float), plan))
    lengths = np.full(periods, len(raw) // periods)
    return nodes[:, -1], ranks_by_period(nodes[:, -1], np.r_[0, np.cumsum(lengths)[:-1]], lengths)


def time_floor_and_core(
    m: Methodology, values: pd.DataFrame, results: Any, periods: int, runs: int
) -> tuple[float, float]:
    """Median times of the numpy floor and the engine core on `values`, both checked against `results`."""
    wide = wide_values(values, compile_plan(m))
    params = numpy_parameters(m)
    matrix = wide.to_numpy(float)
    floor_time, (composite, ranks, medians, _counts) = median_seconds(
        lambda: numpy_floor_with_medians(matrix, params, periods), runs
    )
    scoring_floor_time, _ = median_seconds(lambda: numpy_floor(matrix, params, periods), runs)
    core_time, (core_composite, _) = median_seconds(lambda: engine_core(m, wide, periods), runs)
    np.testing.assert_allclose(composite, results.composite.to_numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(core_composite, composite, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(ranks, results.ranks.to_numpy())
    network = results.medians[results.medians["group"].isna() & (results.medians["code"] == "index")]
    np.testing.assert_allclose(medians[:, -1], network["median_score"].to_numpy(), rtol=1e-12)
    return floor_time, scoring_floor_time, core_time


def floor_rows(compute_time: float, floors: tuple[float, float, float]) -> list[tuple[str, str, str]]:
    """The table rows comparing the engine with the numpy floor, with the ratio target."""
    floor_time, scoring_floor_time, core_time = floors
    ms, target = 1000.0, f"<= {TARGET_RATIO:g} x"
    return [
        ("bare numpy, same arithmetic (composite, ranks, medians)", f"{floor_time * ms:8.1f} ms", ""),
        ("ratio engine compute() / numpy", f"{compute_time / floor_time:8.1f} x", target),
        ("engine scoring core on the wide matrix", f"{core_time * ms:8.1f} ms", ""),
        ("bare numpy, scores and ranks only", f"{scoring_floor_time * ms:8.1f} ms", ""),
        ("ratio engine core / numpy (no medians)", f"{core_time / scoring_floor_time:8.1f} x", target),
    ]


# --- command line ----------------------------------------------------------------------------------


def shape_arguments(description: str, runs: int) -> argparse.ArgumentParser:
    """A parser with the options both index benchmarks share: the data's shape, runs and draws."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--missing", type=float, default=0.03, help="share of values left out")
    parser.add_argument("--runs", type=int, default=runs, help="timed runs per step (median is shown)")
    parser.add_argument("--draws", type=int, default=1000)
    return parser


def shape_text(args: argparse.Namespace) -> str:
    """The benchmark's data shape in words, for the heading."""
    return f"{args.communities} communities x {PILLARS * PER_PILLAR} indicators x {args.periods} periods"


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    """Print the table rows (step, figure, target) aligned."""
    for step, figure, target in rows:
        print(f"  {step:56} {figure:>16}   {target}")


def run(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Build, store, load and time everything; return the table rows (step, figure, target)."""
    m = bench_methodology()
    rows = synthetic_rows(m, args.communities, args.periods, args.missing)
    with tempfile.TemporaryDirectory() as folder:
        engine, table = store(args.database or f"sqlite:///{folder}/bench.sqlite3", rows)
        try:
            load_time, frame = median_seconds(lambda: load(engine, table), args.runs)
            dbapi_time, raw_frame = median_seconds(lambda: load_dbapi(engine, table), args.runs)
            pd.testing.assert_frame_equal(raw_frame, frame)
            compute_time, results = median_seconds(lambda: compute(m, frame), args.runs)
            floors = time_floor_and_core(m, frame, results, args.periods, args.runs)
            mc_time, _ = median_seconds(lambda: rank_uncertainty(m, frame, draws=args.draws), args.mc_runs)
            full_time, _ = median_seconds(lambda: compute(m, load(engine, table)), args.runs)
        finally:
            engine.dispose()
    ms = 1000.0
    return [
        ("values in the database", f"{len(rows):,} rows", ""),
        ("load from the database into the DataFrame", f"{load_time * ms:8.1f} ms", ""),
        ("  (the same through the raw DB-API cursor)", f"{dbapi_time * ms:8.1f} ms", ""),
        ("engine compute() (pivot, scores, ranks, medians)", f"{compute_time * ms:8.1f} ms", ""),
        *floor_rows(compute_time, floors),
        (f"Monte-Carlo, {args.draws:,} draws", f"{mc_time * ms:8.1f} ms", ""),
        ("full recompute incl. loading", f"{full_time * ms:8.1f} ms", f"<= {TARGET_RECOMPUTE:g} s"),
        ("full recompute incl. loading + Monte-Carlo", f"{(full_time + mc_time) * ms:8.1f} ms", ""),
    ]


def main() -> None:
    """Parse the options, run the benchmark and print its table."""
    parser = shape_arguments(__doc__.splitlines()[0], runs=20)
    parser.add_argument("--mc-runs", type=int, default=3, help="timed Monte-Carlo runs")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    print(f"Index engine benchmark: {shape_text(args)}; median of {args.runs} runs")
    print_rows(run(args))


if __name__ == "__main__":
    main()
