"""Monte-Carlo rank uncertainty: reproducibility, degenerate cases, the alternative normalisations."""

import math

import numpy as np
import pytest

from ports_network.index_engine import compute, default_methodology
from ports_network.index_engine.scoring import compile_plan, minmax_scores, zscore_scores
from ports_network.index_engine.uncertainty import RankInterval, rank_uncertainty

from .builders import indicator, methodology, pillar, values


def _network(seed: int = 3, communities: int = 12, periods: tuple = (2023, 2024)) -> tuple:
    m = default_methodology()
    rng = np.random.default_rng(seed)
    rows = {}
    for c in range(communities):
        for p in periods:
            rows[(f"c{c:02d}", p)] = {
                i.code: float(round(rng.uniform(i.goalposts.lower, i.goalposts.upper)))
                if i.value_type.value in ("rubric", "boolean")
                else rng.uniform(i.goalposts.lower, i.goalposts.upper)
                for i in m.indicators
            }
    return m, values(rows)


def test_same_seed_same_result_other_seed_other_draws():
    m, data = _network()
    first = rank_uncertainty(m, data, draws=200, seed=11)
    again = rank_uncertainty(m, data, draws=200, seed=11)
    other = rank_uncertainty(m, data, draws=200, seed=12)
    assert np.array_equal(first.draw_ranks, again.draw_ranks)
    assert first.records() == again.records()
    assert not np.array_equal(first.draw_ranks, other.draw_ranks)


def test_default_is_1000_draws_and_every_option_is_drawn():
    m, data = _network(communities=5, periods=(2024,))
    result = rank_uncertainty(m, data)
    assert result.draw_ranks.shape == (5, 1000)
    assert set(result.normalisation) == {0, 1, 2} and set(result.aggregation) == {0, 1}
    assert result.normalisations == ("goalposts", "minmax", "zscore")


def test_intervals_are_ranks_that_contain_the_median():
    m, data = _network()
    result = rank_uncertainty(m, data, draws=300)
    table = result.table
    assert (table["rank_low"] <= table["median_rank"]).all() and (
        table["median_rank"] <= table["rank_high"]
    ).all()
    assert table["rank_low"].min() >= 1 and table["rank_high"].max() <= 12
    assert np.array_equal(table["rank_low"], np.floor(table["rank_low"]))
    nominal = compute(m, data).ranks
    assert table["nominal_rank"].tolist() == nominal.tolist()
    record = result.records()[0]
    assert isinstance(record, RankInterval) and isinstance(record.rank_low, int)


def test_without_any_variation_every_draw_gives_the_nominal_rank():
    m, data = _network()
    result = rank_uncertainty(
        m, data, draws=50, weight_spread=0.0, normalisations=("goalposts",), aggregations=("methodology",)
    )
    nominal = compute(m, data).ranks.to_numpy()
    assert np.array_equal(result.draw_ranks, np.repeat(nominal[:, None], 50, axis=1))
    assert result.table["rank_low"].tolist() == result.table["rank_high"].tolist() == nominal.tolist()


def test_weight_variation_alone_moves_close_calls_only():
    m = methodology([pillar("p", [indicator("a"), indicator("b")])])
    data = values(
        {
            ("leader", 1): {"a": 95, "b": 95},
            ("x", 1): {"a": 60, "b": 40},
            ("y", 1): {"a": 40, "b": 61},
            ("last", 1): {"a": 5, "b": 5},
        }
    )
    result = rank_uncertainty(m, data, draws=400, normalisations=("goalposts",), aggregations=("arithmetic",))
    table = result.table.loc[1]
    assert table.loc["leader", ["rank_low", "rank_high"]].tolist() == [1, 1]
    assert table.loc["last", ["rank_low", "rank_high"]].tolist() == [4, 4]
    assert table.loc["x", ["rank_low", "rank_high"]].tolist() == [2, 3]
    assert table.loc["y", ["rank_low", "rank_high"]].tolist() == [2, 3]


def test_not_computed_communities_get_no_interval():
    m = methodology([pillar("p", [indicator("a"), indicator("b")], coverage={"min_share": 1})])
    data = values({("c1", 1): {"a": 50, "b": 50}, ("c2", 1): {"a": 70, "b": math.nan}})
    record = {r.community: r for r in rank_uncertainty(m, data, draws=20).records()}
    assert record["c2"] == RankInterval(1, "c2", None, None, None, None)
    assert record["c1"].rank_low == record["c1"].rank_high == 1


def test_minmax_and_zscore_normalisations_within_each_period():
    m = methodology(
        [
            pillar(
                "p",
                [
                    indicator("up"),
                    indicator("down", direction="lower_better"),
                    indicator("band", direction="target_band", band={"lower": 40, "upper": 60}),
                ],
            )
        ]
    )
    plan = compile_plan(m)
    raw = np.array([[10.0, 10.0, 30.0], [20.0, 20.0, 50.0], [40.0, 40.0, 80.0], [7.0, 7.0, 7.0]])
    starts, lengths = np.array([0, 3]), np.array([3, 1])  # period 1: rows 0–2, period 2: row 3
    minmax = minmax_scores(raw, plan, starts, lengths)
    np.testing.assert_allclose(minmax[:3], [[0, 100, 50], [100 / 3, 200 / 3, 100], [100, 0, 0]])
    assert minmax[3].tolist() == [50, 50, 50]  # a single community: all equal
    z = zscore_scores(raw, plan, starts, lengths)
    values_up = np.array([10.0, 20.0, 40.0])
    expected = 50 + 20 * (values_up - values_up.mean()) / values_up.std()
    assert z[:3, 0].tolist() == pytest.approx(expected.tolist())
    assert z[:3, 1].tolist() == pytest.approx((100 - expected).tolist())
    assert z[3].tolist() == [50, 50, 50]


def test_zscore_is_clipped_to_0_100():
    m = methodology([pillar("p", [indicator("a")])])
    raw = np.array([[0.0]] * 20 + [[1000.0]])
    z = zscore_scores(raw, compile_plan(m), np.array([0]), np.array([21]))
    assert z.max() == 100 and z.min() >= 0


@pytest.mark.parametrize(
    "options",
    [{"draws": 0}, {"weight_spread": 1.0}, {"normalisations": ("rank",)}, {"aggregations": ()}],
)
def test_bad_options_are_refused(options):
    m, data = _network(communities=2, periods=(2024,))
    with pytest.raises(ValueError, match=r"draws|weight_spread|normalisations|aggregations"):
        rank_uncertainty(m, data, **options)
