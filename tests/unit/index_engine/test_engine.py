"""The engine's formulas on hand-computed examples: indicator scores, aggregation, coverage, ranks."""

import math

import numpy as np
import pandas as pd
import pytest

from ports_network.index_engine import RankRecord, compute, default_methodology

from .builders import indicator, methodology, pillar, values


def _indicator_score(spec: dict, value: float) -> float:
    m = methodology([pillar("p", [indicator("x", **spec)])])
    return compute(m, values({("c", 1): {"x": value}})).indicator_scores.loc[(1, "c"), "x"]


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ({}, 25, 25.0),
        ({"goalposts": {"lower": 10, "upper": 50}}, 20, 25.0),  # 100·(20−10)/40
        ({"goalposts": {"lower": 10, "upper": 50}}, 5, 0.0),  # clipped below
        ({"goalposts": {"lower": 10, "upper": 50}}, 80, 100.0),  # clipped above
        ({"direction": "lower_better", "goalposts": {"lower": 10, "upper": 50}}, 20, 75.0),  # 100·(50−20)/40
        ({"direction": "lower_better", "goalposts": {"lower": 10, "upper": 50}}, 0, 100.0),
        # log: goalposts transformed too: 100·(ln 100 − ln 10)/(ln 1000 − ln 10) = 50
        ({"transform": {"kind": "log"}, "goalposts": {"lower": 10, "upper": 1000}}, 100, 50.0),
        (
            {"transform": {"kind": "log"}, "goalposts": {"lower": 10, "upper": 1000}},
            -3,
            0.0,
        ),  # clipped, no NaN
        ({"transform": {"kind": "cap", "at": 40}}, 70, 40.0),  # capped before the goalposts
        ({"value_type": "boolean", "goalposts": {"lower": 0, "upper": 1}}, 1, 100.0),
        ({"value_type": "boolean", "goalposts": {"lower": 0, "upper": 1}}, 0, 0.0),
    ],
)
def test_indicator_score_formulas(spec, value, expected):
    assert _indicator_score(spec, value) == pytest.approx(expected, abs=1e-12)


BAND = {
    "direction": "target_band",
    "goalposts": {"lower": 30, "upper": 100},
    "band": {"lower": 65, "upper": 80},
    "value_type": "percentage",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(65, 100), (72, 100), (80, 100), (30, 0), (10, 0), (47.5, 50), (90, 50), (100, 0), (95, 25)],
)
def test_target_band_is_100_inside_and_linear_to_0_at_the_goalposts(value, expected):
    # below: 100·(x−30)/(65−30); above: 100·(100−x)/(100−80)
    assert _indicator_score(BAND, value) == pytest.approx(expected)


def test_target_band_touching_a_goalpost_has_no_slope_on_that_side():
    spec = {**BAND, "band": {"lower": 30, "upper": 50}}
    assert [_indicator_score(spec, v) for v in (30, 40, 75, 100)] == pytest.approx([100, 100, 50, 0])


def test_log_band_is_transformed_too():
    spec = {
        "direction": "target_band",
        "goalposts": {"lower": 1, "upper": 10000},
        "band": {"lower": 100, "upper": 100},
        "transform": {"kind": "log"},
    }
    assert _indicator_score(spec, 10) == pytest.approx(50)  # ln 10 is halfway between ln 1 and ln 100
    assert _indicator_score(spec, 1000) == pytest.approx(50)


def test_rubric_levels_map_linearly():
    spec = {
        "value_type": "rubric",
        "rubric": {str(k): {"en": str(k)} for k in range(5)},
        "goalposts": {"lower": 0, "upper": 4},
    }
    assert [_indicator_score(spec, level) for level in range(5)] == [0, 25, 50, 75, 100]


def _two_pillars(aggregation: str, **root: object) -> object:
    return methodology(
        [
            pillar(
                "p",
                [indicator("a", weight=3), indicator("b", weight=1)],
                aggregation=aggregation,
                geometric_floor=root.get("floor", 1.0),
            ),
            pillar("q", [indicator("c")], weight=2),
        ],
        aggregation=root.get("root", "arithmetic"),
    )


def test_weighted_arithmetic_mean():
    result = compute(_two_pillars("arithmetic"), values({("c", 1): {"a": 80, "b": 40, "c": 10}}))
    row = result.node_scores.loc[(1, "c")]
    assert row["p"] == pytest.approx((3 * 80 + 40) / 4)  # 70
    assert row["index"] == pytest.approx((70 + 2 * 10) / 3)  # 30


def test_weighted_geometric_mean():
    result = compute(_two_pillars("geometric"), values({("c", 1): {"a": 80, "b": 40, "c": 10}}))
    assert result.node_scores.loc[(1, "c"), "p"] == pytest.approx(80**0.75 * 40**0.25)


def test_geometric_floor_keeps_a_zero_from_erasing_differences():
    data = values({("c1", 1): {"a": 0, "b": 40, "c": 10}, ("c2", 1): {"a": 0, "b": 90, "c": 10}})
    floored = compute(_two_pillars("geometric"), data).node_scores["p"]
    assert floored.tolist() == pytest.approx([1**0.75 * 40**0.25, 1**0.75 * 90**0.25])
    exact = compute(_two_pillars("geometric", floor=0), data).node_scores["p"]
    assert exact.tolist() == [0.0, 0.0]


def test_geometric_root_over_pillars():
    m = _two_pillars("arithmetic", root="geometric")
    result = compute(m, values({("c", 1): {"a": 80, "b": 40, "c": 10}}))
    assert result.composite.iloc[0] == pytest.approx(70 ** (1 / 3) * 10 ** (2 / 3))


def _coverage_methodology(basis: str, min_share: float) -> object:
    return methodology(
        [
            pillar(
                "p",
                [indicator("a", weight=3), indicator("b"), indicator("c")],
                coverage={"min_share": min_share, "basis": basis},
            ),
            pillar("q", [indicator("d")]),
        ],
        coverage={"min_share": 1.0},
    )


def test_coverage_by_weight_renormalises_over_present_children():
    result = compute(_coverage_methodology("weight", 0.8), values({("c", 1): {"a": 90, "b": 30, "d": 50}}))
    assert result.node_coverage.loc[(1, "c"), "p"] == pytest.approx(0.8)  # (3 + 1) / 5
    assert result.node_scores.loc[(1, "c"), "p"] == pytest.approx((3 * 90 + 30) / 4)
    assert [r.status for r in result.score_records() if r.code in ("p", "c", "index")] == [
        "complete",
        "partial",
        "missing",
    ]


def test_below_coverage_is_not_computed_and_never_imputed():
    by_count = compute(_coverage_methodology("count", 0.8), values({("c", 1): {"a": 90, "b": 30, "d": 50}}))
    assert by_count.node_coverage.loc[(1, "c"), "p"] == pytest.approx(2 / 3)
    assert math.isnan(by_count.node_scores.loc[(1, "c"), "p"])
    assert math.isnan(by_count.composite.iloc[0])  # the root needs both pillars
    records = {r.code: r for r in by_count.score_records()}
    assert records["p"].status == records["index"].status == "not_computed"
    assert records["p"].score is None
    assert by_count.rank_records() == [RankRecord(1, "c", None, None, "not_computed")]


def test_community_with_no_values_in_a_period_is_not_computed():
    m = methodology([pillar("p", [indicator("a")])])
    data = values({("c1", 1): {"a": 50}, ("c2", 1): {"a": float("nan")}})
    result = compute(m, data)
    assert result.ranks.tolist()[0] == 1
    assert math.isnan(result.ranks.tolist()[1])


def test_ranks_per_period_best_first_ties_share_the_lowest_rank():
    m = methodology([pillar("p", [indicator("a"), indicator("b")])])
    data = values(
        {
            ("w", 2023): {"a": 50, "b": 50},
            ("x", 2023): {"a": 60, "b": 40},  # same mean as w: tie
            ("y", 2023): {"a": 90, "b": 90},
            ("z", 2023): {"a": 10, "b": 10},
            ("w", 2024): {"a": 10, "b": 10},
            ("x", 2024): {"a": 20, "b": 10},
        }
    )
    ranks = compute(m, data).ranks
    assert ranks.loc[2023].to_dict() == {"w": 2, "x": 2, "y": 1, "z": 4}
    assert ranks.loc[2024].to_dict() == {"w": 2, "x": 1}


def test_network_and_peer_medians_with_confidential_raw_values_withheld_for_small_groups():
    m = methodology([pillar("p", [indicator("a", confidential=True), indicator("b")])])
    data = values(
        {
            ("c1", 1): {"a": 10, "b": 0},
            ("c2", 1): {"a": 20, "b": 50},
            ("c3", 1): {"a": 60, "b": 100},
            ("c4", 1): {"a": float("nan"), "b": 30},
        }
    )
    result = compute(m, data, peer_groups={"c1": "small", "c2": "small", "c3": "large"})
    medians = {(r.group, r.code): r for r in result.median_records()}
    assert medians[(None, "a")].median_value == 20 and medians[(None, "a")].count == 3
    assert medians[(None, "b")].median_score == 40 and medians[(None, "b")].count == 4
    assert medians[(None, "p")].median_score == pytest.approx(35)  # node scores 5, 35, 80, 30
    assert medians[("small", "a")].median_value is None  # confidential, 2 < 3 communities
    assert medians[("small", "a")].median_score == 15
    assert medians[("small", "b")].median_value == 25
    assert ("large", "index") in medians
    assert not any(group == "unmapped" for group, _ in medians)


def test_records_are_plain_python_and_ordered_like_the_tree():
    m = default_methodology()
    data = values({("Cartagena", "2024"): {i.code: i.goalposts.upper for i in m.indicators}})
    result = compute(m, data)
    records = result.to_records()
    codes = [r["code"] for r in records["scores"]]
    assert codes[:3] == ["index", "vessel", "waiting_time"]
    assert len(codes) == len(m.indicators) + len(m.nodes)
    for record in records["scores"]:
        assert all(v is None or type(v) in (str, float, int, bool) for v in record.values())
    waiting = next(r for r in records["scores"] if r["code"] == "waiting_time")
    assert waiting["confidential"] is True and waiting["parent"] == "vessel" and waiting["score"] == 0.0
    assert records["ranks"] == [
        {
            "period": "2024",
            "community": "Cartagena",
            "score": pytest.approx(result.composite.iloc[0]),
            "rank": 1,
            "status": "ranked",
        }
    ]


def test_compute_is_deterministic_and_independent_of_row_order():
    m = default_methodology()
    rng = np.random.default_rng(7)
    data = values(
        {
            (f"c{c}", p): {i.code: rng.uniform(i.goalposts.lower, i.goalposts.upper) for i in m.indicators}
            for c in range(8)
            for p in (2023, 2024)
        }
    )
    first = compute(m, data)
    second = compute(m, data.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first.node_scores, second.node_scores)
    pd.testing.assert_series_equal(first.ranks, second.ranks)
    assert first.to_records() == second.to_records()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"community": ["c"], "period": [1], "value": [1.0]}), "missing column(s) indicator"),
        (values({("c", 1): {"zz": 1}}), "not in methodology t: zz"),
        (
            pd.DataFrame({"community": ["c"], "period": [1], "indicator": ["a"], "value": ["n/a"]}),
            "must be a number",
        ),
        (pd.concat([values({("c", 1): {"a": 1}})] * 2), "more than one value for c, 1, a"),
    ],
)
def test_bad_input_tables_raise_clear_errors(frame, message):
    m = methodology([pillar("p", [indicator("a")])])
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compute(m, frame)


def test_unknown_indicators_can_be_ignored_and_numbers_may_arrive_as_text():
    m = methodology([pillar("p", [indicator("a")])])
    frame = pd.DataFrame(
        {"community": ["c", "c"], "period": [1, 1], "indicator": ["a", "zz"], "value": ["40", "1"]}
    )
    assert compute(m, frame, strict=False).composite.tolist() == [40.0]
