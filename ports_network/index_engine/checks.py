"""Validation of submitted values against a methodology's rules (vectorised, pure).

Rules, per indicator (see docs/index-methodology.md): ``required`` (a value must be present),
``min``/``max`` (raw units), the value type (a rubric value must be one of its levels, a boolean 0 or
1), ``max_change_pct`` (a change from the previous period's value above this percentage needs a
written justification: ``|v − p| / |p| · 100``, any change from p = 0 counts as above), and pair
rules ``left op factor · right`` checked when both values are present. Findings have a severity:
``error`` blocks the submission, ``justify`` asks for a note. Messages are English and technical; the
web layer translates from `rule` and `limit`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .engine import to_native, wide_values
from .methodology import Methodology, ValueType
from .scoring import compile_plan

_OPERATORS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Finding:
    """One validation problem of one value."""

    period: Any
    community: Any
    indicator: str
    rule: str  # required, min, max, level, boolean, change, pair
    severity: str  # error or justify
    value: float | None
    limit: Any  # the bound, the allowed levels, the previous value, or the rule text
    message: str


def check_values(
    methodology: Methodology, values: pd.DataFrame, previous: pd.DataFrame | None = None
) -> list[Finding]:
    """Every rule violation in `values` (long table); `previous` holds the prior period's values."""
    plan = compile_plan(methodology)
    wide = wide_values(values, plan)
    matrix = wide.to_numpy(float)
    prior = _previous_matrix(previous, wide, plan) if previous is not None else None
    findings: list[Finding] = []
    for column, indicator in enumerate(methodology.indicators):
        x = matrix[:, column]
        rules = indicator.validation
        masks: list[tuple[np.ndarray, str, str, Any, str]] = []
        if rules.required:
            masks.append((np.isnan(x), "required", "error", None, "a value is required"))
        if rules.min is not None:
            masks.append((x < rules.min, "min", "error", rules.min, f"must be at least {rules.min:g}"))
        if rules.max is not None:
            masks.append((x > rules.max, "max", "error", rules.max, f"must be at most {rules.max:g}"))
        if indicator.value_type is ValueType.RUBRIC:
            levels = sorted(indicator.rubric)
            masks.append(
                (
                    ~np.isnan(x) & ~np.isin(x, levels),
                    "level",
                    "error",
                    levels,
                    f"must be one of the levels {', '.join(map(str, levels))}",
                )
            )
        if indicator.value_type is ValueType.BOOLEAN:
            masks.append((~np.isnan(x) & ~np.isin(x, [0, 1]), "boolean", "error", [0, 1], "must be 0 or 1"))
        for rule in rules.rules:
            left, right = (matrix[:, plan.codes.index(code)] for code in (rule.left, rule.right))
            with np.errstate(invalid="ignore"):
                broken = ~np.isnan(left) & ~np.isnan(right) & ~_OPERATORS[rule.op](left, rule.factor * right)
            masks.append((broken, "pair", "error", str(rule), f"must satisfy {rule}"))
        for mask, name, severity, limit, message in masks:
            findings += [
                Finding(period, community, indicator.code, name, severity, to_native(x[row]), limit, message)
                for row, (period, community) in zip(np.flatnonzero(mask), wide.index[mask], strict=True)
            ]
        if prior is not None and rules.max_change_pct is not None:
            findings += _change_findings(
                wide.index, x, prior[:, column], indicator.code, rules.max_change_pct
            )
    order = {code: i for i, code in enumerate(plan.codes)}
    return sorted(findings, key=lambda f: (str(f.period), str(f.community), order[f.indicator], f.rule))


def _previous_matrix(previous: pd.DataFrame, wide: pd.DataFrame, plan: Any) -> np.ndarray:
    """The previous values aligned to the rows (by community) and columns of `wide`."""
    frame = previous.loc[:, ["community", "indicator", "value"]]
    frame = frame[frame["indicator"].isin(plan.codes)].drop_duplicates(
        ["community", "indicator"], keep="last"
    )
    table = frame.assign(value=pd.to_numeric(frame["value"]).astype(float)).pivot(
        index="community", columns="indicator", values="value"
    )
    table = table.reindex(index=wide.index.get_level_values("community"), columns=list(plan.codes))
    return table.to_numpy(float)


def _change_findings(
    index: pd.MultiIndex, x: np.ndarray, p: np.ndarray, code: str, limit: float
) -> list[Finding]:
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(p == 0, np.where(x == 0, 0.0, np.inf), np.abs(x - p) / np.abs(p) * 100)
    mask = ~np.isnan(x) & ~np.isnan(p) & (change > limit)
    return [
        Finding(
            period,
            community,
            code,
            "change",
            "justify",
            to_native(x[row]),
            to_native(p[row]),
            f"changed by more than {limit:g} % from {p[row]:g}; please justify",
        )
        for row, (period, community) in zip(np.flatnonzero(mask), index[mask], strict=True)
    ]


Record = tuple[Any, Any, str, float | None]  # (community, period, indicator, value)


def check_records(
    methodology: Methodology, values: list[Record], previous: list[Record] | None = None
) -> list[Finding]:
    """`check_values` on plain (community, period, indicator, value) tuples, so callers need no pandas."""
    columns = ["community", "period", "indicator", "value"]
    prior = pd.DataFrame(previous, columns=columns) if previous else None
    return check_values(methodology, pd.DataFrame(values, columns=columns), prior)
