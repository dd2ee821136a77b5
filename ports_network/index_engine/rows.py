"""Plain rows between the engine and a database: the engine's input from query rows, results as columns.

The database adapter (services/index_results.py) loads published values with one query and stores a
run with bulk inserts. Converting here, column by column with numpy rather than record by record, keeps
pandas inside the engine package and costs milliseconds for the 130,000 scores of a 20-year history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .engine import VALUE_COLUMNS, Results
from .scoring import COVERAGE_TOLERANCE
from .uncertainty import RankUncertainty

KEYS = ["community", "period", "indicator"]


def values_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The engine's long input from (community, period, indicator, value) rows ordered oldest first.

    When a (community, period, indicator) repeats, the last row wins (the newest value).
    """
    frame = pd.DataFrame.from_records(list(rows), columns=list(VALUE_COLUMNS))
    frame["value"] = pd.to_numeric(frame["value"]).astype(float)
    repeated = frame.duplicated(KEYS, keep="last")
    if repeated.any():
        frame = frame.loc[~repeated.to_numpy()].reset_index(drop=True)
    return frame


def nullable(values: np.ndarray) -> list[Any]:
    """A float array as a list of Python floats with NaN as None."""
    out = values.tolist()
    for position in np.flatnonzero(np.isnan(values)).tolist():
        out[position] = None
    return out


def score_columns(results: Results) -> dict[str, list[Any]]:
    """Every indicator and node score as columns of plain values (NaN and the root's parent as None).

    Keys: period, community, code, kind, parent, value, score, coverage, status, confidential. The same
    rows as `Results.scores_long` (statuses by the same rules), in storage order rather than tree order.
    """
    plan, raw, nodes = results.plan, results.raw, results.node_scores
    n_rows, indicator_codes, node_codes = len(raw), list(raw.columns), list(nodes.columns)
    codes = indicator_codes + node_codes
    present = raw.notna().to_numpy()
    shares = results.node_coverage.to_numpy(dtype=float)
    node_status = np.where(
        nodes.isna().to_numpy(),
        "not_computed",
        np.where(shares >= 1 - COVERAGE_TOLERANCE, "complete", "partial"),
    )

    def per_code(mapping: Any) -> list[Any]:
        return np.tile(np.array([mapping(code) for code in codes], dtype=object), n_rows).tolist()

    def cells(indicator_part: np.ndarray, node_part: np.ndarray) -> np.ndarray:
        return np.hstack([indicator_part, node_part]).ravel()  # row by row: indicators, then nodes

    empty = np.full(nodes.shape, np.nan)
    return {
        "period": np.repeat(raw.index.get_level_values("period").to_numpy(), len(codes)).tolist(),
        "community": np.repeat(raw.index.get_level_values("community").to_numpy(), len(codes)).tolist(),
        "code": per_code(str),
        "kind": per_code(plan.kinds.__getitem__),
        "parent": per_code(plan.parents.get),
        "value": nullable(cells(raw.to_numpy(dtype=float), empty)),
        "score": nullable(cells(results.indicator_scores.to_numpy(dtype=float), nodes.to_numpy(dtype=float))),
        "coverage": nullable(cells(np.full(raw.shape, np.nan), shares)),
        "status": cells(
            np.where(present, "scored", "missing").astype(object), node_status.astype(object)
        ).tolist(),
        "confidential": per_code(plan.confidential.__contains__),
    }


def rank_columns(results: Results, uncertainty: RankUncertainty | None) -> dict[str, list[Any]]:
    """Composite, rank and (with `uncertainty`) the Monte-Carlo median rank and 5–95 % interval.

    Keys: period, community, composite, rank, median_rank, rank_low, rank_high, status.
    """
    index = results.raw.index
    composite = results.composite.to_numpy(dtype=float)
    columns: dict[str, list[Any]] = {
        "period": index.get_level_values("period").tolist(),
        "community": index.get_level_values("community").tolist(),
        "composite": nullable(composite),
        "rank": _integers(results.ranks.to_numpy(dtype=float)),
        "status": np.where(np.isnan(composite), "not_computed", "ranked").tolist(),
    }
    if uncertainty is None:
        empty = [None] * len(index)
        return {**columns, "median_rank": empty, "rank_low": empty, "rank_high": empty}
    table = uncertainty.table.reindex(index)
    columns["median_rank"] = nullable(table["median_rank"].to_numpy(dtype=float))
    columns["rank_low"] = _integers(table["rank_low"].to_numpy(dtype=float))
    columns["rank_high"] = _integers(table["rank_high"].to_numpy(dtype=float))
    return columns


def _integers(values: np.ndarray) -> list[int | None]:
    return [None if math.isnan(value) else int(value) for value in values.tolist()]


def median_columns(results: Results) -> dict[str, list[Any]]:
    """Network (group None) and peer-group medians as columns of plain values.

    Keys: period, group, code, kind, median_value, median_score, count.
    """
    medians = results.medians
    return {
        "period": medians["period"].tolist(),
        "group": [None if pd.isna(group) else group for group in medians["group"].tolist()],
        "code": medians["code"].tolist(),
        "kind": medians["kind"].tolist(),
        "median_value": nullable(medians["median_value"].to_numpy(dtype=float)),
        "median_score": nullable(medians["median_score"].to_numpy(dtype=float)),
        "count": medians["count"].astype(int).tolist(),
    }
