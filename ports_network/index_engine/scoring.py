"""The vectorised formulas shared by `engine.compute` and the Monte-Carlo analysis.

A methodology is compiled once (`compile_plan`, cached) into numpy arrays: per indicator its goalposts,
band, cap, log flag and direction; per node (in post-order, root last) the column indices of its children,
their weights and its aggregation/coverage rule. Every function here works on a whole matrix of rows
(community × period) at once; the formulas are documented in `engine.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .methodology import (
    Aggregation,
    CoverageBasis,
    Direction,
    Indicator,
    Methodology,
    Node,
    TransformKind,
    node_kind,
    walk,
)
from .validation import check_methodology

HIGHER, LOWER, BAND = 1, -1, 0
COVERAGE_TOLERANCE = 1e-9  # a share equal to min_share up to float noise counts as covered
RANK_DECIMALS = 9  # composites equal to 9 decimals tie, so float noise never splits a tie


@dataclass(frozen=True, eq=False)
class PlanNode:
    """One node compiled: which columns it aggregates and how."""

    code: str
    kind: str
    aggregation: Aggregation
    floor: float
    min_share: float
    basis: CoverageBasis
    indicator_children: np.ndarray  # indicator column indices (empty when children are nodes)
    node_children: np.ndarray  # indices into Plan.nodes (empty when children are indicators)
    weights: np.ndarray  # nominal weights of the children, in order
    edges: slice  # this node's children in the flat vector of all weights (for weight perturbation)


@dataclass(frozen=True, eq=False)
class Plan:
    """A methodology compiled into arrays (one entry per indicator, in tree order)."""

    version: str
    codes: tuple[str, ...]
    raw_lower: np.ndarray
    raw_upper: np.ndarray
    lower: np.ndarray  # goalposts after the transform
    upper: np.ndarray
    band_lower: np.ndarray  # band after the transform (= goalposts when there is no band)
    band_upper: np.ndarray
    cap: np.ndarray  # +inf when there is no cap
    log: np.ndarray  # bool
    direction: np.ndarray  # HIGHER, LOWER or BAND
    nodes: tuple[PlanNode, ...]  # post-order, root last
    parents: dict[str, str]  # code -> parent code (root has none)
    kinds: dict[str, str]  # code -> indicator / sub_pillar / pillar / index
    order: dict[str, int]  # code -> position in pre-order (index first)
    confidential: frozenset[str]

    @property
    def n_edges(self) -> int:
        """Number of weights in the tree (one per node or indicator except the root)."""
        return self.nodes[-1].edges.stop if self.nodes else 0


def _indicator_arrays(indicators: tuple[Indicator, ...]) -> dict[str, np.ndarray]:
    def column(values: list) -> np.ndarray:
        return np.array(values, dtype=float)

    raw_lower = column([i.goalposts.lower for i in indicators])
    raw_upper = column([i.goalposts.upper for i in indicators])
    log = np.array([i.transform.kind is TransformKind.LOG for i in indicators], dtype=bool)
    band_lower = column([(i.band or i.goalposts).lower for i in indicators])
    band_upper = column([(i.band or i.goalposts).upper for i in indicators])

    def transformed(values: np.ndarray) -> np.ndarray:
        return np.where(log, np.log(np.where(log, values, 1.0)), values)

    directions = {Direction.HIGHER_BETTER: HIGHER, Direction.LOWER_BETTER: LOWER, Direction.TARGET_BAND: BAND}
    return {
        "raw_lower": raw_lower,
        "raw_upper": raw_upper,
        "lower": transformed(raw_lower),
        "upper": transformed(raw_upper),
        "band_lower": transformed(band_lower),
        "band_upper": transformed(band_upper),
        "cap": column(
            [i.transform.at if i.transform.kind is TransformKind.CAP else np.inf for i in indicators]
        ),
        "log": log,
        "direction": np.array([directions[i.direction] for i in indicators], dtype=np.int8),
    }


@lru_cache(maxsize=32)
def compile_plan(methodology: Methodology) -> Plan:
    """Check a methodology and compile it into arrays (cached per methodology)."""
    check_methodology(methodology)
    indicators = methodology.indicators
    column_of = {indicator.code: i for i, indicator in enumerate(indicators)}
    depth_of = {item.code: depth for item, depth in walk(methodology.root)}
    node_index = {node.code: i for i, node in enumerate(methodology.nodes)}
    compiled, offset = [], 0
    for node in methodology.nodes:
        is_leaf_parent = all(isinstance(child, Indicator) for child in node.children)
        codes = [child.code for child in node.children]
        compiled.append(
            PlanNode(
                code=node.code,
                kind=node_kind(depth_of[node.code]),
                aggregation=node.aggregation,
                floor=node.geometric_floor,
                min_share=node.coverage.min_share,
                basis=node.coverage.basis,
                indicator_children=np.array(
                    [column_of[c] for c in codes] if is_leaf_parent else [], dtype=np.intp
                ),
                node_children=np.array(
                    [] if is_leaf_parent else [node_index[c] for c in codes], dtype=np.intp
                ),
                weights=np.array([child.weight for child in node.children], dtype=float),
                edges=slice(offset, offset + len(codes)),
            )
        )
        offset += len(codes)
    parents = {
        child.code: item.code
        for item, _ in walk(methodology.root)
        if isinstance(item, Node)
        for child in item.children
    }
    kinds = {
        item.code: ("indicator" if isinstance(item, Indicator) else node_kind(depth))
        for item, depth in walk(methodology.root)
    }
    return Plan(
        version=methodology.version,
        codes=tuple(column_of),
        nodes=tuple(compiled),
        parents=parents,
        kinds=kinds,
        order={item.code: i for i, (item, _) in enumerate(walk(methodology.root))},
        confidential=frozenset(i.code for i in indicators if i.confidential),
        **_indicator_arrays(indicators),
    )


# --- indicator level ---------------------------------------------------------------------------------


def transform(raw: np.ndarray, plan: Plan, *, clip: bool) -> np.ndarray:
    """Cap, then (if `clip`) clip to the goalposts, then natural log where asked.

    Without clipping, log columns are floored at their lower goalpost so the log is defined. Because
    the log is monotone, clipping before or after it gives the same result.
    """
    x = np.minimum(raw, plan.cap)
    x = (
        np.clip(x, plan.raw_lower, plan.raw_upper)
        if clip
        else np.where(plan.log, np.maximum(x, plan.raw_lower), x)
    )
    return np.where(plan.log, np.log(np.where(plan.log, x, 1.0)), x)


def goalpost_scores(raw: np.ndarray, plan: Plan) -> np.ndarray:
    """Indicator scores 0–100 against the fixed goalposts (NaN where the value is missing)."""
    x = transform(raw, plan, clip=True)
    lo, hi, bl, bu = plan.lower, plan.upper, plan.band_lower, plan.band_upper
    span = hi - lo
    below_band = (x - lo) / np.where(bl > lo, bl - lo, 1.0)
    above_band = (hi - x) / np.where(hi > bu, hi - bu, 1.0)
    band = np.where(x < bl, below_band, np.where(x > bu, above_band, 1.0))
    share = np.select(
        [plan.direction == HIGHER, plan.direction == LOWER], [(x - lo) / span, (hi - x) / span], band
    )
    return np.where(np.isnan(raw), np.nan, 100.0 * np.clip(share, 0.0, 1.0))


def oriented_values(raw: np.ndarray, plan: Plan) -> np.ndarray:
    """Transformed values turned so that higher is better (band: minus the distance to the band)."""
    x = transform(raw, plan, clip=False)
    distance = np.fmax(np.fmax(plan.band_lower - x, x - plan.band_upper), 0.0)
    oriented = np.select([plan.direction == HIGHER, plan.direction == LOWER], [x, -x], -distance)
    return np.where(np.isnan(raw), np.nan, oriented)


def _segment_stat(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    return np.repeat(ufunc.reduceat(values, starts, axis=0), lengths, axis=0)


def minmax_scores(raw: np.ndarray, plan: Plan, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indicator scores 0–100 by min–max of each period (50 when every value of the period is equal)."""
    v = oriented_values(raw, plan)
    low = _segment_stat(v, starts, lengths, np.fmin)
    high = _segment_stat(v, starts, lengths, np.fmax)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(high > low, 100.0 * (v - low) / (high - low), 50.0)
    return np.where(np.isnan(v), np.nan, np.clip(scores, 0.0, 100.0))


Z_CENTRE, Z_POINTS_PER_SD = 50.0, 20.0


def zscore_scores(raw: np.ndarray, plan: Plan, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indicator scores by z-score within each period mapped to clip(50 + 20·z, 0, 100)."""
    v = oriented_values(raw, plan)
    present = ~np.isnan(v)
    count = _segment_stat(present.astype(float), starts, lengths, np.add)
    filled = np.where(present, v, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = _segment_stat(filled, starts, lengths, np.add) / count
        deviation = np.where(present, v - mean, 0.0)
        sd = np.sqrt(_segment_stat(deviation**2, starts, lengths, np.add) / count)
        z = np.where(sd > 0, deviation / sd, 0.0)
    return np.where(present, np.clip(Z_CENTRE + Z_POINTS_PER_SD * z, 0.0, 100.0), np.nan)


# --- node level --------------------------------------------------------------------------------------


def aggregate(scores: np.ndarray, weights: np.ndarray, aggregation: Aggregation, floor: float) -> np.ndarray:
    """Weighted mean over the present children (axis 1): weights (k,) → (rows,), weights (k, D) → (rows, D).

    Missing children are left out and the weights renormalised over the present ones; the coverage rule
    decides separately whether the result is kept.
    """
    present = ~np.isnan(scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.log(np.fmax(scores, floor)) if aggregation is Aggregation.GEOMETRIC else scores
        mean = np.where(present, terms, 0.0) @ weights / (present @ weights)
    return np.clip(np.exp(mean) if aggregation is Aggregation.GEOMETRIC else mean, 0.0, 100.0)  # float noise


def aggregate_draws(
    children: list[np.ndarray], weights: np.ndarray, aggregation: Aggregation, floor: float
) -> np.ndarray:
    """Like `aggregate` for children that differ per draw: each child (rows, D), weights (D, k)."""
    numerator = np.zeros_like(children[0])
    denominator = np.zeros_like(children[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for j, child in enumerate(children):
            present = ~np.isnan(child)
            term = np.log(np.fmax(child, floor)) if aggregation is Aggregation.GEOMETRIC else child
            numerator += np.where(present, term * weights[:, j], 0.0)
            denominator += present * weights[:, j]
        mean = numerator / denominator
    return np.clip(np.exp(mean) if aggregation is Aggregation.GEOMETRIC else mean, 0.0, 100.0)  # float noise


def coverage_share(present: np.ndarray, node: PlanNode) -> np.ndarray:
    """Share of a node's children that have a score, by weight or by count."""
    basis = node.weights if node.basis is CoverageBasis.WEIGHT else np.ones_like(node.weights)
    return present @ basis / basis.sum()


def node_scores(plan: Plan, indicator_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores and coverage shares of every node (columns in `plan.nodes` order) from indicator scores."""
    rows = indicator_scores.shape[0]
    scores = np.full((rows, len(plan.nodes)), np.nan)
    shares = np.zeros((rows, len(plan.nodes)))
    for i, node in enumerate(plan.nodes):
        if node.indicator_children.size:
            children = indicator_scores[:, node.indicator_children]
        else:
            children = scores[:, node.node_children]
        shares[:, i] = coverage_share(~np.isnan(children), node)
        value = aggregate(children, node.weights, node.aggregation, node.floor)
        scores[:, i] = np.where(shares[:, i] >= node.min_share - COVERAGE_TOLERANCE, value, np.nan)
    return scores, shares


# --- ranks -------------------------------------------------------------------------------------------


def min_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks along axis 0, 1 = highest, ties share the lowest rank ("min"), NaN stays NaN."""
    key = np.where(np.isnan(scores), np.inf, -np.round(scores, RANK_DECIMALS))
    order = np.argsort(key, axis=0, kind="stable")
    ordered = np.take_along_axis(key, order, axis=0)
    position = np.broadcast_to(np.arange(key.shape[0]).reshape((-1,) + (1,) * (key.ndim - 1)), key.shape)
    starts_tie = np.ones(key.shape, dtype=bool)
    starts_tie[1:] = ordered[1:] != ordered[:-1]
    first = np.maximum.accumulate(np.where(starts_tie, position, 0), axis=0)
    ranks = np.empty(key.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=0)
    return np.where(np.isnan(scores), np.nan, ranks)


def ranks_by_period(scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`min_ranks` within each period's block of rows (rows are sorted by period)."""
    ranks = np.empty(scores.shape)
    for start, length in zip(starts, lengths, strict=True):
        ranks[start : start + length] = min_ranks(scores[start : start + length])
    return ranks
