"""Validation rules on submitted values: required, min/max, levels, booleans, pairs, change to justify."""

import math

from ports_network.index_engine.checks import Finding, check_values

from .builders import indicator, methodology, pillar, values

RULED = methodology(
    [
        pillar(
            "p",
            [
                indicator(
                    "wait",
                    validation={
                        "required": True,
                        "min": 0,
                        "max": 100,
                        "max_change_pct": 50,
                        "rules": ["wait <= hours"],
                    },
                ),
                indicator("hours", validation={"required": False}),
                indicator("release", validation={"required": False, "rules": ["release <= 24 * wait"]}),
                {
                    "code": "level",
                    "name": {"en": "level"},
                    "value_type": "rubric",
                    "direction": "higher_better",
                    "rubric": {"0": {"en": "no"}, "1": {"en": "yes"}, "2": {"en": "all"}},
                },
                {
                    "code": "flag",
                    "name": {"en": "flag"},
                    "value_type": "boolean",
                    "direction": "higher_better",
                },
            ],
        )
    ]
)


def _rules(findings: list[Finding]) -> list[tuple]:
    return [(f.community, f.indicator, f.rule, f.severity) for f in findings]


def test_valid_values_pass():
    data = values({("c", 2024): {"wait": 10, "hours": 30, "release": 200, "level": 2, "flag": 1}})
    assert check_values(RULED, data) == []


def test_each_rule_reports_its_own_finding():
    data = values(
        {
            ("a", 2024): {"wait": math.nan, "hours": 30, "level": 1.5, "flag": 2},
            ("b", 2024): {"wait": 120, "hours": 30, "release": 3000, "level": 3, "flag": 0},
            ("c", 2024): {"wait": -1, "level": 0, "flag": 1},
        }
    )
    assert _rules(check_values(RULED, data)) == [
        ("a", "wait", "required", "error"),
        ("a", "level", "level", "error"),
        ("a", "flag", "boolean", "error"),
        ("b", "wait", "max", "error"),
        ("b", "wait", "pair", "error"),
        ("b", "release", "pair", "error"),
        ("b", "level", "level", "error"),
        ("c", "wait", "min", "error"),
    ]
    pair = next(f for f in check_values(RULED, data) if f.rule == "pair" and f.indicator == "release")
    assert pair.limit == "release <= 24 * wait" and pair.value == 3000


def test_large_change_from_the_previous_period_asks_for_a_justification():
    previous = values({("a", 2023): {"wait": 10}, ("b", 2023): {"wait": 0}, ("c", 2023): {"wait": 10}})
    current = values(
        {
            ("a", 2024): {"wait": 16, "hours": 20, "level": 0, "flag": 0},  # +60 %
            ("b", 2024): {"wait": 5, "hours": 20, "level": 0, "flag": 0},  # from 0
            ("c", 2024): {"wait": 14, "hours": 20, "level": 0, "flag": 0},  # +40 %: fine
            ("d", 2024): {"wait": 99, "hours": 120, "level": 0, "flag": 0},  # no previous value
        }
    )
    findings = check_values(RULED, current, previous=previous)
    assert _rules(findings) == [("a", "wait", "change", "justify"), ("b", "wait", "change", "justify")]
    assert findings[0].limit == 10 and findings[0].value == 16
