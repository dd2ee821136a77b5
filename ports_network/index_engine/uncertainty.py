"""Monte-Carlo uncertainty of the ranks: how much a community's rank depends on the index's choices.

Each draw d (default 1,000, from a seeded ``numpy.random.Generator``, so results are reproducible)
changes three things at once, independently:

- **Weights**: every weight in the tree (indicators within their node, sub-pillars, pillars) is multiplied
  by ``u ~ Uniform(1 − s, 1 + s)`` (s = ``weight_spread``, default 0.25); weights are renormalised over
  the siblings present, as in the engine.
- **Normalisation**, one of (uniformly):

  - ``goalposts``: the engine's own formula (fixed goalposts, clip, direction, target band);
  - ``minmax``: within the period, ``100 · (v − min) / (max − min)`` over the communities reporting the
    indicator (50 when they are all equal);
  - ``zscore``: within the period, ``z = (v − mean) / sd`` (population sd) mapped to
    ``clip(50 + 20 · z, 0, 100)`` (the mean scores 50, one sd is 20 points, ±2.5 sd reach 0 and 100;
    50 when sd = 0).

  For minmax and zscore, v is the capped (and, for log indicators, logged, floored at the lower goalpost)
  value turned so that higher is better: ``x``, ``−x``, or for a target band ``−distance(x, band)``.
- **Aggregation**, one of (uniformly): ``arithmetic`` or ``geometric`` at every node (``methodology``
  keeps each node's own choice and can be added to the options). Geometric uses each node's floor.

Coverage is decided once, with the nominal weights: the data present do not change between draws, so
the same nodes are "not computed" in every draw. Draws sharing a (normalisation, aggregation) pair are
computed together as matrices (rows × draws); ranks per period use the engine's rule (1 = best, ties
share the lowest rank). Per community and period the result gives the nominal rank (the engine's), the
median rank over the draws, and the 5–95 % interval: the 5th percentile rounded down and the 95th
rounded up to a rank that occurred (numpy "lower"/"higher" methods), so the interval is conservative.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .engine import period_blocks, to_native, wide_values
from .methodology import Aggregation, Methodology
from .scoring import (
    COVERAGE_TOLERANCE,
    Plan,
    aggregate,
    aggregate_draws,
    compile_plan,
    goalpost_scores,
    minmax_scores,
    node_scores,
    ranks_by_period,
    zscore_scores,
)

NORMALISATIONS = ("goalposts", "minmax", "zscore")
AGGREGATIONS = ("arithmetic", "geometric", "methodology")
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 2014  # the year the Network was founded; any fixed seed makes results reproducible


@dataclass(frozen=True)
class RankInterval:
    """A community's nominal rank and its Monte-Carlo median rank and 5–95 % interval in one period."""

    period: Any
    community: Any
    nominal_rank: int | None
    median_rank: float | None
    rank_low: int | None  # 5th percentile (best end of the interval)
    rank_high: int | None  # 95th percentile (worst end)


@dataclass(frozen=True, eq=False)  # holds DataFrames/arrays: compare their parts
class RankUncertainty:
    """Result of `rank_uncertainty`: a table per (period, community) and the ranks of every draw."""

    table: pd.DataFrame  # index (period, community); nominal_rank, median_rank, rank_low, rank_high
    draw_ranks: np.ndarray  # rows × draws, NaN where the composite is not computed
    normalisation: np.ndarray  # per draw, index into `normalisations`
    aggregation: np.ndarray  # per draw, index into `aggregations`
    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    seed: int

    def records(self) -> list[RankInterval]:
        """One plain record per community and period."""

        def rank(value: float) -> int | None:
            return None if math.isnan(value) else int(value)

        rows = zip(self.table.index, *(self.table[c].tolist() for c in self.table.columns), strict=True)
        return [
            RankInterval(
                to_native(period),
                to_native(community),
                rank(nominal),
                to_native(median),
                rank(low),
                rank(high),
            )
            for (period, community), nominal, median, low, high in rows
        ]

    def to_records(self) -> list[dict[str, Any]]:
        """The records as plain dicts."""
        return [asdict(record) for record in self.records()]


def _check_options(
    draws: int, weight_spread: float, normalisations: tuple[str, ...], aggregations: tuple[str, ...]
) -> None:
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if not 0 <= weight_spread < 1:
        raise ValueError("weight_spread must be >= 0 and < 1")
    for name, chosen, allowed in (
        ("normalisations", normalisations, NORMALISATIONS),
        ("aggregations", aggregations, AGGREGATIONS),
    ):
        if not chosen or any(item not in allowed for item in chosen):
            raise ValueError(f"{name} must be a non-empty selection of {', '.join(allowed)}")


def rank_uncertainty(
    methodology: Methodology,
    values: pd.DataFrame,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    weight_spread: float = 0.25,
    normalisations: tuple[str, ...] = NORMALISATIONS,
    aggregations: tuple[str, ...] = ("arithmetic", "geometric"),
    strict: bool = True,
) -> RankUncertainty:
    """Monte-Carlo ranks varying weights, normalisation and aggregation; median and 5–95 % interval."""
    _check_options(draws, weight_spread, normalisations, aggregations)
    plan = compile_plan(methodology)
    raw_frame = wide_values(values, plan, strict=strict)
    raw = raw_frame.to_numpy(float)
    starts, lengths = period_blocks(raw_frame.index)
    nominal_scores, shares = node_scores(plan, goalpost_scores(raw, plan))
    covered = shares >= np.array([n.min_share for n in plan.nodes]) - COVERAGE_TOLERANCE
    rng = np.random.default_rng(seed)
    norm_choice = rng.integers(len(normalisations), size=draws)
    agg_choice = rng.integers(len(aggregations), size=draws)
    multipliers = rng.uniform(1 - weight_spread, 1 + weight_spread, size=(draws, plan.n_edges))
    normalised = {
        "goalposts": lambda: goalpost_scores(raw, plan),
        "minmax": lambda: minmax_scores(raw, plan, starts, lengths),
        "zscore": lambda: zscore_scores(raw, plan, starts, lengths),
    }
    composite = np.full((raw.shape[0], draws), np.nan)
    for n, name in enumerate(normalisations):
        selected = norm_choice == n
        if not selected.any():
            continue
        indicator_scores = normalised[name]()
        for a, aggregation in enumerate(aggregations):
            chosen = np.flatnonzero(selected & (agg_choice == a))
            if chosen.size:
                composite[:, chosen] = _composite_draws(
                    plan, indicator_scores, covered, multipliers[chosen], aggregation
                )
    draw_ranks = ranks_by_period(composite, starts, lengths)
    nominal = ranks_by_period(nominal_scores[:, -1], starts, lengths)
    table = _summarise(raw_frame.index, nominal, draw_ranks)
    return RankUncertainty(
        table, draw_ranks, norm_choice, agg_choice, tuple(normalisations), tuple(aggregations), seed
    )


def _composite_draws(
    plan: Plan, indicator_scores: np.ndarray, covered: np.ndarray, multipliers: np.ndarray, aggregation: str
) -> np.ndarray:
    """Composite scores (rows × draws) for draws sharing one normalisation and one aggregation."""
    results: list[np.ndarray] = []
    for i, node in enumerate(plan.nodes):
        rule = node.aggregation if aggregation == "methodology" else Aggregation(aggregation)
        weights = node.weights * multipliers[:, node.edges]  # draws × children
        if node.indicator_children.size:
            score = aggregate(indicator_scores[:, node.indicator_children], weights.T, rule, node.floor)
        else:
            score = aggregate_draws([results[j] for j in node.node_children], weights, rule, node.floor)
        results.append(np.where(covered[:, [i]], score, np.nan))
    return results[-1]


def _summarise(index: pd.MultiIndex, nominal: np.ndarray, draw_ranks: np.ndarray) -> pd.DataFrame:
    ranked = ~np.isnan(draw_ranks).all(axis=1)
    median = np.full(len(index), np.nan)
    low = np.full(len(index), np.nan)
    high = np.full(len(index), np.nan)
    if ranked.any():
        ranks = draw_ranks[ranked]
        median[ranked] = np.median(ranks, axis=1)
        low[ranked] = np.percentile(ranks, 5, axis=1, method="lower")
        high[ranked] = np.percentile(ranks, 95, axis=1, method="higher")
    return pd.DataFrame(
        {"nominal_rank": nominal, "median_rank": median, "rank_low": low, "rank_high": high}, index=index
    )
