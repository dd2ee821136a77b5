r"""The scoring engine: values of a methodology version in, scores, ranks and medians out.

Pure (pandas/numpy only), deterministic and vectorised: every step works on the whole
(period, community) × indicator matrix at once; the only Python loops run over the nodes of the tree
and over periods (for ranks), never over communities.

Input: a long table with columns ``community, period, indicator, value`` (one row per value; a missing
or NaN value means "not reported"; booleans are 0/1).

Formulas (x = raw value, [L, U] = goalposts, [A, B] = target band, all per indicator):

1. Transform, in this order: cap ``x ← min(x, cap)``; clip ``x ← min(max(x, L), U)``; natural log when
   the transform is ``log`` (L, U, A, B are logged too; clipping first keeps the log defined and gives
   the same result as clipping after, because the log is monotone).
2. Indicator score, 0–100:

   - higher_better: ``100 · (x − L) / (U − L)``
   - lower_better: ``100 · (U − x) / (U − L)``
   - target_band: ``100`` for A ≤ x ≤ B; ``100 · (x − L) / (A − L)`` below the band;
     ``100 · (U − x) / (U − B)`` above it (so 0 at the goalposts, linear in between).

3. Node score over the children i that have a score, with weights w_i renormalised over them:

   - arithmetic: ``Σ w_i s_i / Σ w_i``
   - geometric: ``exp(Σ w_i ln max(s_i, f) / Σ w_i)`` where f is the node's ``geometric_floor``
     (default 1 point on the 0–100 scale). The floor keeps a single 0 from erasing the differences
     between communities while still penalising it heavily (a 0 among four equal-weight children
     caps the node at 100^(3/4) ≈ 31.6); with ``geometric_floor: 0`` the mean is exact and any 0 gives
     0. A geometric node's score is therefore never below f.

4. Coverage: share = Σ_{present} c_i / Σ_all c_i with c_i = w_i (basis ``weight``, default) or 1
   (basis ``count``). If share < ``min_share`` the node is *not computed*: its score is NaN and its
   status ``not_computed``; a parent sees it as a missing child. Nothing is ever imputed: a computed
   node over a partial set of children has status ``partial`` and its share is reported.
5. Composite index: the root node (code ``index``), aggregated over the pillars like any node.
6. Ranks per period on the composite rounded to 9 decimals, 1 = best, ties share the lowest rank
   ("min": 1, 2, 2, 4); communities whose composite is not computed get no rank.
7. Medians per period over the communities with a value (NaN ignored): raw value and score per
   indicator, score per node; for the whole network and per peer group (a mapping community → group;
   communities without a group are left out of the peer medians). The median raw value of a
   confidential indicator is withheld (None) when fewer than `CONFIDENTIAL_MIN_GROUP` communities
   contribute, so a median never reveals one port's confidential figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .methodology import Methodology
from .scoring import (
    COVERAGE_TOLERANCE,
    Plan,
    compile_plan,
    goalpost_scores,
    node_scores,
    ranks_by_period,
)

VALUE_COLUMNS = ("community", "period", "indicator", "value")
CONFIDENTIAL_MIN_GROUP = 3


@dataclass(frozen=True)
class ScoreRecord:
    """One score of one community in one period (an indicator or a node)."""

    period: Any
    community: Any
    code: str
    kind: str  # indicator, sub_pillar, pillar, index
    parent: str | None
    value: float | None  # raw value (indicators only)
    score: float | None
    coverage: float | None  # share of children present (nodes only)
    status: str  # indicators: scored / missing; nodes: complete / partial / not_computed
    confidential: bool  # the raw value is confidential


@dataclass(frozen=True)
class RankRecord:
    """A community's composite index and rank in one period."""

    period: Any
    community: Any
    score: float | None
    rank: int | None
    status: str


@dataclass(frozen=True)
class MedianRecord:
    """Median over the network (group None) or a peer group of one indicator or node in one period."""

    period: Any
    group: Any
    code: str
    kind: str
    median_value: float | None
    median_score: float | None
    count: int


def to_native(value: Any) -> Any:
    """A numpy scalar as a Python value; NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True, eq=False)  # holds DataFrames/arrays: compare their parts
class Results:
    """What `compute` returns: DataFrames for internal use and plain records for everyone else."""

    methodology_version: str
    raw: pd.DataFrame  # (period, community) × indicator code
    indicator_scores: pd.DataFrame  # same shape, 0–100
    node_scores: pd.DataFrame  # (period, community) × node code (post-order, `index` last)
    node_coverage: pd.DataFrame  # same shape, share of children present
    ranks: pd.Series  # rank of the composite per period (NaN when not computed)
    medians: pd.DataFrame  # long: period, group, code, kind, median_value, median_score, count
    plan: Plan

    @property
    def composite(self) -> pd.Series:
        """The composite index per (period, community)."""
        return self.node_scores[self.node_scores.columns[-1]]

    def scores_long(self) -> pd.DataFrame:
        """One row per (period, community, code), index first then the tree in pre-order."""
        plan, n_rows = self.plan, len(self.raw)
        covered = self.node_scores.notna().to_numpy()
        shares = self.node_coverage.to_numpy()
        node_status = np.where(
            ~covered, "not_computed", np.where(shares >= 1 - COVERAGE_TOLERANCE, "complete", "partial")
        )
        present = self.raw.notna().to_numpy()
        parts = {
            "code": np.concatenate(
                [np.tile(self.raw.columns, n_rows), np.tile(self.node_scores.columns, n_rows)]
            ),
            "value": np.concatenate([self.raw.to_numpy(float).ravel(), np.full(covered.size, np.nan)]),
            "score": np.concatenate(
                [self.indicator_scores.to_numpy().ravel(), self.node_scores.to_numpy().ravel()]
            ),
            "coverage": np.concatenate([np.full(present.size, np.nan), shares.ravel()]),
            "status": np.concatenate([np.where(present, "scored", "missing").ravel(), node_status.ravel()]),
        }
        row = np.concatenate(
            [
                np.repeat(np.arange(n_rows), self.raw.shape[1]),
                np.repeat(np.arange(n_rows), self.node_scores.shape[1]),
            ]
        )
        frame = pd.DataFrame(
            {
                "period": self.raw.index.get_level_values("period").to_numpy()[row],
                "community": self.raw.index.get_level_values("community").to_numpy()[row],
                **parts,
            }
        )
        frame["kind"] = frame["code"].map(plan.kinds)
        frame["parent"] = frame["code"].map(plan.parents)
        frame["confidential"] = frame["code"].isin(plan.confidential)
        order = np.lexsort((frame["code"].map(plan.order).to_numpy(), row))
        columns = [
            "period",
            "community",
            "code",
            "kind",
            "parent",
            "value",
            "score",
            "coverage",
            "status",
            "confidential",
        ]
        return frame.iloc[order][columns].reset_index(drop=True)

    def score_records(self) -> list[ScoreRecord]:
        """Every indicator and node score as plain records (NaN → None)."""
        frame = self.scores_long()
        return [ScoreRecord(*map(to_native, row)) for row in frame.itertuples(index=False, name=None)]

    def rank_records(self) -> list[RankRecord]:
        """Composite and rank of every community in every period."""
        composite = self.composite.to_numpy()
        status = np.where(np.isnan(composite), "not_computed", "ranked")
        rows = zip(self.raw.index, composite.tolist(), self.ranks.tolist(), status.tolist(), strict=True)
        return [
            RankRecord(
                to_native(period),
                to_native(community),
                to_native(score),
                None if math.isnan(rank) else int(rank),
                state,
            )
            for (period, community), score, rank, state in rows
        ]

    def median_records(self) -> list[MedianRecord]:
        """Network (group None) and peer-group medians as plain records."""
        return [MedianRecord(*map(to_native, row)) for row in self.medians.itertuples(index=False, name=None)]

    def to_records(self) -> dict[str, Any]:
        """All results as plain data: the methodology version and lists of dicts (scores, ranks, medians)."""
        return {
            "methodology_version": self.methodology_version,
            "scores": [asdict(record) for record in self.score_records()],
            "ranks": [asdict(record) for record in self.rank_records()],
            "medians": [asdict(record) for record in self.median_records()],
        }


def wide_values(values: pd.DataFrame, plan: Plan, *, strict: bool = True) -> pd.DataFrame:
    """Check the long input table and pivot it to (period, community) × indicator, in tree order."""
    missing = [column for column in VALUE_COLUMNS if column not in values.columns]
    if missing:
        raise ValueError(
            f"values: missing column(s) {', '.join(missing)}; expected {', '.join(VALUE_COLUMNS)}"
        )
    column = pd.Index(plan.codes).get_indexer(values["indicator"])
    if strict and (column < 0).any():
        unknown = sorted(map(str, pd.unique(values["indicator"][column < 0])))
        raise ValueError(f"values: indicator code(s) not in methodology {plan.version}: {', '.join(unknown)}")
    frame = values.loc[column >= 0, list(VALUE_COLUMNS)]
    column = column[column >= 0]
    try:
        numbers = pd.to_numeric(frame["value"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"values: every value must be a number or empty ({error})") from error
    period_code, periods = pd.factorize(frame["period"], sort=True)
    community_code, communities = pd.factorize(frame["community"], sort=True)
    row, pairs = pd.factorize(period_code * max(len(communities), 1) + community_code, sort=True)
    rows = pd.MultiIndex(
        levels=[periods, communities],
        codes=[pairs // max(len(communities), 1), pairs % max(len(communities), 1)],
        names=["period", "community"],
    )
    cell = row * len(plan.codes) + column
    if len(cell) and np.bincount(cell).max() > 1:
        first = frame.iloc[int(np.flatnonzero(pd.Series(cell).duplicated().to_numpy())[0])]
        raise ValueError(
            f"values: more than one value for {first['community']}, {first['period']}, {first['indicator']}"
        )
    matrix = np.full((len(rows), len(plan.codes)), np.nan)
    matrix[row, column] = numbers
    return pd.DataFrame(matrix, index=rows, columns=list(plan.codes))


def period_blocks(index: pd.MultiIndex) -> tuple[np.ndarray, np.ndarray]:
    """Start row and length of each period's block in an index sorted by period."""
    codes, _ = pd.factorize(index.get_level_values("period"))
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.array([], dtype=int)
    lengths = np.diff(np.r_[starts, len(codes)])
    return starts, lengths


def compute(
    methodology: Methodology,
    values: pd.DataFrame,
    peer_groups: Mapping[Any, Any] | None = None,
    *,
    strict: bool = True,
) -> Results:
    """Score every community and period: indicator and node scores, composite, ranks, medians."""
    plan = compile_plan(methodology)
    raw = wide_values(values, plan, strict=strict)
    indicator_matrix = goalpost_scores(raw.to_numpy(float), plan)
    node_matrix, shares = node_scores(plan, indicator_matrix)
    starts, lengths = period_blocks(raw.index)
    node_codes = [node.code for node in plan.nodes]
    indicator_scores = pd.DataFrame(indicator_matrix, index=raw.index, columns=raw.columns)
    node_frame = pd.DataFrame(node_matrix, index=raw.index, columns=node_codes)
    return Results(
        methodology_version=methodology.version,
        raw=raw,
        indicator_scores=indicator_scores,
        node_scores=node_frame,
        node_coverage=pd.DataFrame(shares, index=raw.index, columns=node_codes),
        ranks=pd.Series(ranks_by_period(node_matrix[:, -1], starts, lengths), index=raw.index, name="rank"),
        medians=_medians(plan, raw, indicator_scores, node_frame, peer_groups),
        plan=plan,
    )


def _group_medians(plan: Plan, scores: pd.DataFrame, raw: pd.DataFrame, keys: list) -> pd.DataFrame:
    """Long table of median score, median raw value and count per group of rows and code."""
    grouped = scores.groupby(keys, sort=True)
    medians, counts = grouped.median(), grouped.count()
    values = raw.groupby(keys, sort=True).median().reindex(index=medians.index, columns=scores.columns)
    n_codes = scores.shape[1]
    frame = pd.DataFrame(
        {
            "period": np.repeat(medians.index.get_level_values("period").to_numpy(), n_codes),
            "group": np.repeat(medians.index.get_level_values("group").to_numpy(), n_codes)
            if len(keys) > 1
            else None,
            "code": np.tile(scores.columns.to_numpy(), len(medians)),
            "median_value": values.to_numpy().ravel(),
            "median_score": medians.to_numpy().ravel(),
            "count": counts.to_numpy().ravel(),
        }
    )
    hidden = (
        frame["code"].isin(plan.confidential).to_numpy()
        & (frame["count"] < CONFIDENTIAL_MIN_GROUP).to_numpy()
    )
    frame.loc[hidden, "median_value"] = np.nan
    return frame


def _medians(
    plan: Plan,
    raw: pd.DataFrame,
    indicator_scores: pd.DataFrame,
    node_frame: pd.DataFrame,
    peer_groups: Mapping[Any, Any] | None,
) -> pd.DataFrame:
    """Network medians, then peer-group medians, per period; codes in tree pre-order."""
    scores = pd.concat([node_frame, indicator_scores], axis=1)
    scores = scores[sorted(scores.columns, key=plan.order.__getitem__)]
    periods = raw.index.get_level_values("period").rename("period")
    parts = [_group_medians(plan, scores, raw, [periods])]
    if peer_groups is not None:
        groups = raw.index.get_level_values("community").map(lambda c: peer_groups.get(c, np.nan))
        parts.append(_group_medians(plan, scores, raw, [periods, pd.Index(groups, name="group")]))
    frame = pd.concat(parts, ignore_index=True).sort_values("period", kind="stable")
    frame["kind"] = frame["code"].map(plan.kinds)
    columns = ["period", "group", "code", "kind", "median_value", "median_score", "count"]
    return frame[columns].reset_index(drop=True)
