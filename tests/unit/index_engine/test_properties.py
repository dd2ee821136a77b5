"""Property tests (hypothesis) of the engine over generated methodologies and values."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ports_network.index_engine import compute, dump_methodology, load_methodology

from .builders import indicator, methodology, pillar, values

TOLERANCE = 1e-9  # exp/log are not correctly rounded; allow float noise, nothing more
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def indicator_specs(draw: st.DrawFn, code: str) -> dict:
    """A random indicator: direction, goalposts, band, transform, weight."""
    lower = draw(st.floats(0.5, 100, allow_nan=False))
    upper = lower + draw(st.floats(1, 1000, allow_nan=False))
    spec = {"goalposts": {"lower": lower, "upper": upper}, "weight": draw(st.floats(0.1, 5))}
    direction = draw(st.sampled_from(["higher_better", "lower_better", "target_band"]))
    spec["direction"] = direction
    if direction == "target_band":
        a, b = sorted(draw(st.lists(st.floats(lower, upper), min_size=2, max_size=2)))
        spec["band"] = {"lower": a, "upper": b}
    transform = draw(st.sampled_from(["none", "log", "cap"]))
    if transform == "log":
        spec["transform"] = {"kind": "log"}
    elif transform == "cap":
        spec["transform"] = {"kind": "cap", "at": draw(st.floats(lower + 0.1, upper * 2))}
    return indicator(code, **spec)


@st.composite
def methodologies(draw: st.DrawFn) -> object:
    """A random tree: 1–3 pillars, each with indicators or with sub-pillars of indicators."""
    counter = iter(range(1000))

    def node_rules() -> dict:
        return {
            "weight": draw(st.floats(0.1, 5)),
            "aggregation": draw(st.sampled_from(["arithmetic", "geometric"])),
            "geometric_floor": draw(st.sampled_from([0.0, 1.0, 5.0])),
            "coverage": {
                "min_share": draw(st.sampled_from([0.3, 0.75, 1.0])),
                "basis": draw(st.sampled_from(["weight", "count"])),
            },
        }

    def leaf(code: str) -> dict:
        items = [draw(indicator_specs(f"i{next(counter)}")) for _ in range(draw(st.integers(1, 3)))]
        return pillar(code, items, **node_rules())

    pillars = []
    for p in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            pillars.append(leaf(f"p{p}"))
        else:
            subs = [leaf(f"p{p}s{s}") for s in range(draw(st.integers(1, 2)))]
            pillars.append({"code": f"p{p}", "name": {"en": "p"}, "sub_pillars": subs, **node_rules()})
    root = node_rules()
    del root["weight"]
    return methodology(pillars, **root)


@st.composite
def cases(draw: st.DrawFn, missing: bool = True) -> tuple:
    """A methodology and values for 1–5 communities × 1–2 periods, some values missing."""
    m = draw(methodologies())
    rows = {}
    for community in range(draw(st.integers(1, 5))):
        for period in range(draw(st.integers(1, 2))):
            row = {}
            for item in m.indicators:
                lo, hi = item.goalposts.lower, item.goalposts.upper
                if missing and draw(st.integers(0, 9)) == 0:
                    row[item.code] = math.nan
                else:
                    row[item.code] = draw(st.floats(lo - (hi - lo) / 2, hi + (hi - lo) / 2))
            rows[(f"c{community}", period)] = row
    return m, values(rows)


def _improved(item: object, x: float, step: float) -> float | None:
    """A value at least as good as x in the indicator's direction (None when x cannot improve)."""
    if item.direction.value == "higher_better":
        return x + step
    if item.direction.value == "lower_better":
        return x - step
    if x < item.band.lower:
        return min(x + step, item.band.lower)
    if x > item.band.upper:
        return max(x - step, item.band.upper)
    return None


@PROPERTY_SETTINGS
@given(cases())
def test_scores_stay_between_0_and_100(case):
    m, data = case
    result = compute(m, data)
    for frame in (result.indicator_scores, result.node_scores):
        scores = frame.to_numpy()
        assert np.all((scores[~np.isnan(scores)] >= 0) & (scores[~np.isnan(scores)] <= 100))
    assert np.array_equal(np.isnan(result.indicator_scores.to_numpy()), np.isnan(result.raw.to_numpy()))


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_improving_a_value_never_lowers_any_score(case, data):
    m, frame = case
    row = data.draw(st.integers(0, len(frame) - 1))
    item = m.indicator(frame.iloc[row]["indicator"])
    x = frame.iloc[row]["value"]
    assume(not math.isnan(x))
    better = _improved(item, x, data.draw(st.floats(0, item.goalposts.upper - item.goalposts.lower)))
    assume(better is not None)
    changed = frame.copy()
    changed.iloc[row, changed.columns.get_loc("value")] = better
    before, after = compute(m, frame), compute(m, changed)
    key = (frame.iloc[row]["period"], frame.iloc[row]["community"])
    assert after.indicator_scores.loc[key, item.code] >= before.indicator_scores.loc[key, item.code]
    old, new = before.node_scores.loc[key].to_numpy(), after.node_scores.loc[key].to_numpy()
    assert np.array_equal(np.isnan(old), np.isnan(new))
    assert np.all(new[~np.isnan(new)] >= old[~np.isnan(old)] - TOLERANCE)
    # fixed goalposts: nobody else's scores move
    others = before.node_scores.index != key
    pd.testing.assert_frame_equal(before.node_scores[others], after.node_scores[others])


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_permuting_communities_permutes_results(case, random):
    m, frame = case
    names = sorted(frame["community"].unique())
    shuffled = names[:]
    random.shuffle(shuffled)
    rename = dict(zip(names, [f"x{name}" for name in shuffled], strict=True))
    permuted = frame.assign(community=frame["community"].map(rename)).sample(frac=1, random_state=1)
    before, after = compute(m, frame), compute(m, permuted)
    relabelled = before.node_scores.rename(index=rename, level="community").sort_index()
    pd.testing.assert_frame_equal(relabelled, after.node_scores)
    ranks = before.ranks.rename(index=rename, level="community").sort_index()
    pd.testing.assert_series_equal(ranks, after.ranks)


@PROPERTY_SETTINGS
@given(st.integers(1, 6), st.lists(st.floats(0, 100), min_size=1, max_size=6))
def test_equal_weights_one_indicator_per_pillar_is_the_plain_mean(n_pillars, raw):
    scores = (raw * n_pillars)[:n_pillars]
    m = methodology([pillar(f"p{i}", [indicator(f"i{i}")]) for i in range(n_pillars)])
    result = compute(m, values({("c", 1): {f"i{i}": s for i, s in enumerate(scores)}}))
    assert result.composite.iloc[0] == pytest.approx(sum(scores) / n_pillars, abs=1e-9)
    assert result.node_scores.iloc[0, :-1].tolist() == pytest.approx(scores)
    geometric = methodology(
        [pillar(f"p{i}", [indicator(f"i{i}")]) for i in range(n_pillars)],
        aggregation="geometric",
        geometric_floor=0,
    )
    expected = math.prod(scores) ** (1 / n_pillars)
    assert compute(geometric, values({("c", 1): {f"i{i}": s for i, s in enumerate(scores)}})).composite.iloc[
        0
    ] == pytest.approx(expected, abs=1e-9)


@PROPERTY_SETTINGS
@given(methodologies())
def test_generated_methodologies_round_trip(m):
    assert load_methodology(dump_methodology(m)) == m


@PROPERTY_SETTINGS
@given(cases())
def test_ranks_are_1_to_n_per_period_and_follow_the_composite(case):
    m, frame = case
    result = compute(m, frame)
    for period, ranks in result.ranks.groupby(level="period"):
        composite = result.composite.loc[period].to_numpy()
        ranked = ranks.to_numpy()[~np.isnan(composite)]
        if ranked.size:
            assert ranked.min() == 1 and ranked.max() <= ranked.size
            order = np.argsort(-composite[~np.isnan(composite)], kind="stable")
            assert np.all(np.diff(ranked[order]) >= 0)
