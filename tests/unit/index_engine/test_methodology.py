"""Methodology data: loading with path-named errors, round trips, files, and the shipped default."""

import copy
import json

import pytest

from ports_network.index_engine import (
    Aggregation,
    CoverageBasis,
    Direction,
    FrozenMap,
    MethodologyError,
    PairRule,
    TransformKind,
    ValueType,
    default_methodology,
    dump_methodology,
    load_methodology,
    localized,
    parse_methodology_text,
    read_methodology,
    validate_methodology,
    write_methodology,
)

from .builders import indicator, methodology, pillar


def _errors(data: dict) -> tuple[str, ...]:
    with pytest.raises(MethodologyError) as caught:
        load_methodology(data)
    return caught.value.errors


def _base() -> dict:
    return dump_methodology(
        methodology([pillar("p1", [indicator("a")]), pillar("p2", [indicator("b"), indicator("c")])])
    )


def test_goalposts_in_wrong_order_are_reported_with_their_path():
    data = _base()
    data["pillars"][1]["indicators"][0]["goalposts"] = {"lower": 10, "upper": 5}
    assert _errors(data) == ("pillars[1].indicators[0].goalposts: lower must be < upper",)


def test_every_shape_problem_is_reported_at_once_then_every_semantic_one():
    data = _base()
    data["pillars"][0]["indicators"][0]["direction"] = "upwards"
    data["pillars"][1]["weight"] = -1
    data["pillars"][1]["indicators"][1]["colour"] = "red"
    del data["version"]
    assert set(_errors(data)) == {
        "pillars[0].indicators[0].direction: must be one of higher_better, lower_better, target_band",
        "pillars[1].indicators[1].colour: unknown field",
        "version: is required",
    }
    data = _base()
    data["pillars"][1]["weight"] = -1
    data["pillars"][0]["indicators"][0]["goalposts"] = {"lower": 1, "upper": 0}
    assert set(_errors(data)) == {
        "pillars[1].weight: must be a positive number",
        "pillars[0].indicators[0].goalposts: lower must be < upper",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"direction": "target_band"}, "band: a target_band indicator needs band.lower and band.upper"),
        ({"band": {"lower": 1, "upper": 2}}, "band: only a target_band indicator has a band"),
        (
            {"direction": "target_band", "band": {"lower": 80, "upper": 120}},
            "band: must lie within the goalposts",
        ),
        ({"transform": {"kind": "log"}}, "transform: log needs goalposts.lower > 0"),
        ({"transform": {"kind": "cap"}}, "transform.at: cap needs a finite number"),
        ({"transform": {"kind": "cap", "at": -5}}, "transform.at: the cap must be above goalposts.lower"),
        ({"value_type": "percentage", "goalposts": {"lower": 0, "upper": 120}}, "goalposts: a percentage's"),
        ({"value_type": "rubric"}, "rubric: a rubric indicator needs its levels"),
        ({"rubric": {"0": {"en": "none"}}}, "rubric: only a rubric indicator has levels"),
        (
            {"value_type": "boolean", "goalposts": {"lower": 0, "upper": 2}},
            "goalposts: a boolean's goalposts",
        ),
        ({"validation": {"min": 5, "max": 1}}, "validation: min must be <= max"),
        ({"validation": {"rules": ["a <= zz"]}}, "validation.rules[0]: unknown indicator 'zz'"),
        ({"validation": {"rules": ["b <= c"]}}, "validation.rules[0]: must mention this indicator ('a')"),
        ({"validation": {"rules": ["a is b"]}}, "validation.rules[0]: must look like"),
        ({"name": "A"}, "name: must map locales to texts"),
        ({"name": {"fr": "A"}}, "name.fr: locale not listed in `locales`"),
        ({"code": "index"}, "code: 'index' is reserved"),
        ({"code": "a-b"}, "code: 'a-b' must start with a letter and use only letters, digits and _"),
        ({"goalposts": {"lower": "0", "upper": 1}}, "goalposts.lower: must be a finite number"),
        ({"weight": True}, "weight: must be a finite number"),
    ],
)
def test_indicator_field_errors_name_the_field(change, message):
    data = _base()
    data["pillars"][0]["indicators"][0].update(change)
    errors = _errors(data)
    assert any(error.startswith("pillars[0].indicators[0].") and message in error for error in errors), errors


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"coverage": {"min_share": 0}}, "pillars[0].coverage.min_share: must be > 0 and <= 1"),
        ({"coverage": {"basis": "people"}}, "pillars[0].coverage.basis: must be one of weight, count"),
        ({"geometric_floor": -1}, "pillars[0].geometric_floor: must be >= 0 and < 100"),
        ({"aggregation": "harmonic"}, "pillars[0].aggregation: must be one of arithmetic, geometric"),
        ({"indicators": []}, "pillars[0]: needs at least one indicator or sub-pillar"),
        ({"sub_pillars": []}, "pillars[0]: needs exactly one of `indicators` or `sub_pillars`"),
        ({"code": "p2"}, "pillars[1].code: 'p2' is already used at pillars[0]"),
        ({"code": "2nd"}, "pillars[0].code: '2nd' must start with a letter"),
    ],
)
def test_node_field_errors_name_the_field(change, message):
    data = _base()
    data["pillars"][0].update(change)
    assert any(message in error for error in _errors(data)), _errors(data)


def test_top_level_shape_errors():
    assert _errors([]) == ("(top level): must be an object",)
    data = _base()
    data["version"] = 2.0
    data["locales"] = "en"
    data["schema"] = "other"
    assert set(_errors(data)) >= {
        "version: must be a string (quote it in YAML)",
        'locales: must be a list of locale codes, default first, e.g. ["es", "en", "pt"]',
        "schema: must be 'ports-network/index-methodology/1'",
    }


def test_default_locale_text_is_required():
    data = _base()
    data["locales"] = ["es", "en"]
    assert "name: a text in the default locale 'es' is required" in _errors(data)


def test_errors_inside_sub_pillars_name_the_sub_pillar():
    m = methodology([{"code": "p", "name": {"en": "P"}, "sub_pillars": [pillar("s", [indicator("a")])]}])
    data = dump_methodology(m)
    data["pillars"][0]["sub_pillars"][0]["indicators"][0]["goalposts"] = {"lower": 1, "upper": 1}
    assert _errors(data) == ("pillars[0].sub_pillars[0].indicators[0].goalposts: lower must be < upper",)


def test_implied_goalposts_for_rubric_boolean_and_percentage():
    m = methodology(
        [
            pillar(
                "p",
                [
                    {
                        "code": "r",
                        "name": {"en": "r"},
                        "value_type": "rubric",
                        "direction": "higher_better",
                        "rubric": {"0": {"en": "no"}, "1": {"en": "some"}, "3": {"en": "all"}},
                    },
                    {"code": "b", "name": {"en": "b"}, "value_type": "boolean", "direction": "higher_better"},
                    {
                        "code": "s",
                        "name": {"en": "s"},
                        "value_type": "percentage",
                        "direction": "lower_better",
                    },
                ],
            )
        ]
    )
    bounds = [(i.goalposts.lower, i.goalposts.upper) for i in m.indicators]
    assert bounds == [(0, 3), (0, 1), (0, 100)]
    assert list(m.indicators[0].rubric) == [0, 1, 3]
    with pytest.raises(MethodologyError, match=r"goalposts: is required for a number indicator"):
        load_methodology(
            {
                **_base(),
                "pillars": [pillar("p", [{k: v for k, v in indicator("x").items() if k != "goalposts"}])],
            }
        )


def test_pair_rules_parse_and_print():
    m = methodology(
        [pillar("p", [indicator("a", validation={"rules": ["a <= 2.5 * b", "a>b"]}), indicator("b")])]
    )
    rules = m.indicators[0].validation.rules
    assert rules == (PairRule("a", "<=", "b", 2.5), PairRule("a", ">", "b"))
    assert [str(rule) for rule in rules] == ["a <= 2.5 * b", "a > b"]


def test_dump_then_load_gives_an_equal_methodology():
    m = default_methodology()
    data = dump_methodology(m)
    assert load_methodology(data) == m
    assert load_methodology(json.loads(json.dumps(data))) == m
    assert dump_methodology(load_methodology(data)) == data


def test_json_and_yaml_files_round_trip(tmp_path):
    m = default_methodology()
    for name in ("m.json", "m.yaml", "m.YML"):
        write_methodology(m, tmp_path / name)
        assert read_methodology(tmp_path / name) == m
    assert "version: '2.0'" in (tmp_path / "m.yaml").read_text(encoding="utf-8")


def test_syntax_errors_become_methodology_errors():
    with pytest.raises(MethodologyError, match="not valid JSON"):
        parse_methodology_text("{")
    with pytest.raises(MethodologyError, match="not valid YAML"):
        parse_methodology_text("a: [", yaml_format=True)


def test_methodology_is_immutable_and_hashable():
    m = default_methodology()
    with pytest.raises(AttributeError):
        m.version = "3"  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.name["en"] = "x"  # type: ignore[index]
    assert hash(m) == hash(copy.deepcopy(m))
    assert FrozenMap({"a": 1}) == {"a": 1}


def test_localized_falls_back():
    text = FrozenMap({"es": "Puerto", "en": "Port"})
    assert localized(text, "pt", ("es",)) == "Puerto"
    assert localized(text, "en") == "Port"
    assert localized(FrozenMap(), "en") == ""


def test_default_methodology_follows_the_domain_brief():
    m = default_methodology()
    assert m.version == "2.0"
    assert [p.code for p in m.pillars] == ["vessel", "cargo", "facilitation", "connectivity", "community"]
    assert 18 <= len(m.indicators) <= 24
    assert validate_methodology(m) == []
    by_code = {i.code: i for i in m.indicators}
    occupancy = by_code["berth_occupancy"]
    assert occupancy.direction is Direction.TARGET_BAND
    assert (occupancy.band.lower, occupancy.band.upper) == (65, 80)
    assert by_code["liner_connectivity"].transform.kind is TransformKind.LOG
    assert any(i.transform.kind is TransformKind.CAP for i in m.indicators)
    rubric_ranges = sorted(
        {(min(i.rubric), max(i.rubric)) for i in m.indicators if i.value_type is ValueType.RUBRIC}
    )
    assert rubric_ranges == [(0, 3), (0, 4)]
    assert any(i.value_type is ValueType.BOOLEAN for i in m.indicators)
    assert any(i.confidential for i in m.indicators)
    assert any(i.validation.rules for i in m.indicators)
    assert m.aggregation is Aggregation.GEOMETRIC
    assert m.nodes[-1].code == "index"
    assert any(n.coverage.basis is CoverageBasis.WEIGHT for n in m.nodes)


def test_default_methodology_is_translated_to_spanish_english_and_portuguese():
    m = default_methodology()
    assert m.locales == ("es", "en", "pt")
    texts = [m.name, m.description, *(n.name for n in m.nodes if n.code != "index")]
    for item in m.indicators:
        texts += [item.name, item.definition, *item.rubric.values()]
    assert all(set(text) == {"es", "en", "pt"} for text in texts)
