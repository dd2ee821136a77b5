"""Methodology as plain data: `load_methodology(dict)` / `dump_methodology(m)` (files: `files.py`).

The file schema is documented in docs/index-methodology.md. Loading checks the shape (types, required
and unknown fields, enumerations) and then the semantics (`validation.validate_methodology`), and
reports every problem at once with the path of the field, e.g.
`pillars[2].indicators[0].goalposts: lower must be < upper`. `load_methodology(dump_methodology(m))`
gives back an equal methodology.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .methodology import (
    EMPTY_TEXT,
    Aggregation,
    Bounds,
    Coverage,
    CoverageBasis,
    Direction,
    FrozenMap,
    Indicator,
    Methodology,
    MethodologyError,
    Node,
    PairRule,
    Transform,
    TransformKind,
    ValidationRules,
    ValueType,
)
from .validation import check_methodology

SCHEMA = "ports-network/index-methodology/1"
_NODE_FIELDS = {"code", "name", "description", "weight", "aggregation", "coverage", "geometric_floor"}
_INDICATOR_FIELDS = {
    "code",
    "name",
    "definition",
    "unit",
    "value_type",
    "direction",
    "goalposts",
    "band",
    "transform",
    "rubric",
    "weight",
    "confidential",
    "validation",
}
_RULE = re.compile(
    r"^\s*([A-Za-z]\w*)\s*(<=|>=|==|<|>)\s*(?:([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\*\s*)?"
    r"([A-Za-z]\w*)\s*$"
)
_MISSING = object()


class _Reader:
    """Reads plain data into typed values, collecting errors with their paths instead of stopping."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def fields(self, data: Any, path: str, required: set[str], optional: set[str]) -> dict | None:
        if not isinstance(data, Mapping):
            self.fail(path or "(top level)", "must be an object")
            return None
        for key in sorted(map(str, set(data) - required - optional)):
            self.fail(_join(path, key), "unknown field")
        for key in sorted(required - set(data)):
            self.fail(_join(path, key), "is required")
        return dict(data)

    def number(self, data: dict, key: str, path: str, default: Any = _MISSING) -> Any:
        value = data.get(key, default)
        if value is _MISSING or (value is None and default is None):
            return value if value is not _MISSING else None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(_join(path, key), "must be a finite number")
            return default if default is not _MISSING else math.nan
        return float(value)

    def string(self, data: dict, key: str, path: str, default: Any = _MISSING) -> Any:
        value = data.get(key, default)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            hint = " (quote it in YAML)" if isinstance(value, int | float) else ""
            self.fail(_join(path, key), f"must be a string{hint}")
            return ""
        return value

    def boolean(self, data: dict, key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(_join(path, key), "must be true or false")
            return default
        return value

    def choice(self, data: dict, key: str, path: str, enum: type, default: Any = _MISSING) -> Any:
        value = data.get(key, default)
        if value is _MISSING:
            return next(iter(enum))
        try:
            return enum(value)
        except ValueError:
            self.fail(_join(path, key), f"must be one of {', '.join(item.value for item in enum)}")
            return default if default is not _MISSING else next(iter(enum))

    def text(self, data: dict, key: str, path: str) -> FrozenMap:
        return self.text_value(data.get(key, {}), _join(path, key))

    def text_value(self, value: Any, path: str) -> FrozenMap:
        if not isinstance(value, Mapping):
            self.fail(path, 'must map locales to texts, e.g. {"es": "...", "en": "..."}')
            return EMPTY_TEXT
        return FrozenMap({str(k): v for k, v in value.items()})


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- loading -----------------------------------------------------------------------------------------


def load_methodology(data: Mapping[str, Any]) -> Methodology:
    """Build a methodology from plain data (parsed JSON/YAML); raise MethodologyError listing all problems."""
    reader = _Reader()
    top = reader.fields(
        data,
        "",
        {"version", "name", "locales", "pillars"},
        {"schema", "description", "aggregation", "coverage", "geometric_floor"},
    )
    if top is None:
        raise MethodologyError(reader.errors)
    if "schema" in top and top["schema"] != SCHEMA:
        reader.fail("schema", f"must be '{SCHEMA}'")
    locales = top.get("locales", [])
    if not isinstance(locales, list) or not all(isinstance(item, str) for item in locales):
        reader.fail("locales", 'must be a list of locale codes, default first, e.g. ["es", "en", "pt"]')
        locales = []
    pillars = top.get("pillars", [])
    if not isinstance(pillars, list):
        reader.fail("pillars", "must be a list")
        pillars = []
    methodology = Methodology(
        version=reader.string(top, "version", ""),
        name=reader.text(top, "name", ""),
        description=reader.text(top, "description", ""),
        locales=tuple(locales),
        aggregation=reader.choice(top, "aggregation", "", Aggregation, Aggregation.ARITHMETIC),
        coverage=_coverage(reader, top, ""),
        geometric_floor=reader.number(top, "geometric_floor", "", 1.0),
        pillars=tuple(_node(reader, item, f"pillars[{i}]") for i, item in enumerate(pillars)),
    )
    if reader.errors:
        raise MethodologyError(reader.errors)
    return check_methodology(methodology)


def _coverage(reader: _Reader, data: dict, path: str) -> Coverage:
    if "coverage" not in data:
        return Coverage()
    where = _join(path, "coverage")
    raw = reader.fields(data["coverage"], where, set(), {"min_share", "basis"})
    if raw is None:
        return Coverage()
    return Coverage(
        min_share=reader.number(raw, "min_share", where, Coverage.min_share),
        basis=reader.choice(raw, "basis", where, CoverageBasis, CoverageBasis.WEIGHT),
    )


def _node(reader: _Reader, data: Any, path: str) -> Node:
    raw = reader.fields(data, path, {"code", "name"}, _NODE_FIELDS | {"indicators", "sub_pillars"})
    if raw is None:
        return Node(code="", name=EMPTY_TEXT, children=())
    if ("indicators" in raw) == ("sub_pillars" in raw):
        reader.fail(path, "needs exactly one of `indicators` or `sub_pillars`")
    children: list[Node | Indicator] = []
    for key, build in (("sub_pillars", _node), ("indicators", _indicator)):
        items = raw.get(key, [])
        if not isinstance(items, list):
            reader.fail(_join(path, key), "must be a list")
            continue
        children += [build(reader, item, f"{path}.{key}[{i}]") for i, item in enumerate(items)]
    return Node(
        code=reader.string(raw, "code", path),
        name=reader.text(raw, "name", path),
        description=reader.text(raw, "description", path),
        weight=reader.number(raw, "weight", path, 1.0),
        aggregation=reader.choice(raw, "aggregation", path, Aggregation, Aggregation.ARITHMETIC),
        coverage=_coverage(reader, raw, path),
        geometric_floor=reader.number(raw, "geometric_floor", path, 1.0),
        children=tuple(children),
    )


def _bounds(reader: _Reader, data: dict, key: str, path: str) -> Bounds | None:
    if key not in data:
        return None
    where = _join(path, key)
    raw = reader.fields(data[key], where, {"lower", "upper"}, set())
    if raw is None:
        return None
    return Bounds(reader.number(raw, "lower", where), reader.number(raw, "upper", where))


def _indicator(reader: _Reader, data: Any, path: str) -> Indicator:
    raw = reader.fields(data, path, {"code", "name", "value_type", "direction"}, _INDICATOR_FIELDS)
    if raw is None:
        return Indicator("", EMPTY_TEXT, "", ValueType.NUMBER, Direction.HIGHER_BETTER, Bounds(0, 1))
    value_type = reader.choice(raw, "value_type", path, ValueType, ValueType.NUMBER)
    rubric = _rubric(reader, raw, path)
    goalposts = _bounds(reader, raw, "goalposts", path) or _default_goalposts(
        reader, value_type, rubric, path
    )
    return Indicator(
        code=reader.string(raw, "code", path),
        name=reader.text(raw, "name", path),
        definition=reader.text(raw, "definition", path),
        unit=reader.string(raw, "unit", path, ""),
        value_type=value_type,
        direction=reader.choice(raw, "direction", path, Direction, Direction.HIGHER_BETTER),
        goalposts=goalposts,
        band=_bounds(reader, raw, "band", path),
        transform=_transform(reader, raw, path),
        rubric=rubric,
        weight=reader.number(raw, "weight", path, 1.0),
        confidential=reader.boolean(raw, "confidential", path, False),
        validation=_validation(reader, raw, path),
    )


def _default_goalposts(reader: _Reader, value_type: ValueType, rubric: FrozenMap, path: str) -> Bounds:
    """Goalposts may be omitted where they are implied: rubric levels, boolean 0/1, percentage 0/100."""
    if value_type is ValueType.RUBRIC and rubric and all(isinstance(level, int) for level in rubric):
        return Bounds(float(min(rubric)), float(max(rubric)))
    if value_type is ValueType.BOOLEAN:
        return Bounds(0.0, 1.0)
    if value_type is ValueType.PERCENTAGE:
        return Bounds(0.0, 100.0)
    reader.fail(_join(path, "goalposts"), "is required for a number indicator")
    return Bounds(0.0, 1.0)


def _transform(reader: _Reader, data: dict, path: str) -> Transform:
    if "transform" not in data:
        return Transform()
    where = _join(path, "transform")
    raw = reader.fields(data["transform"], where, {"kind"}, {"at"})
    if raw is None:
        return Transform()
    return Transform(
        reader.choice(raw, "kind", where, TransformKind, TransformKind.NONE),
        reader.number(raw, "at", where, None),
    )


def _rubric(reader: _Reader, data: dict, path: str) -> FrozenMap:
    value = data.get("rubric", {})
    if not isinstance(value, Mapping):
        reader.fail(_join(path, "rubric"), 'must map levels to meanings, e.g. {"0": {"en": "none"}}')
        return EMPTY_TEXT
    levels = {}
    for key, meaning in value.items():
        try:
            level = int(key)
        except (TypeError, ValueError):
            reader.fail(f"{path}.rubric.{key}", "levels must be integers")
            continue
        levels[level] = reader.text_value(meaning, f"{path}.rubric.{level}")
    return FrozenMap(sorted(levels.items()))


def _validation(reader: _Reader, data: dict, path: str) -> ValidationRules:
    if "validation" not in data:
        return ValidationRules()
    where = _join(path, "validation")
    raw = reader.fields(
        data["validation"], where, set(), {"required", "min", "max", "max_change_pct", "rules"}
    )
    if raw is None:
        return ValidationRules()
    rules = raw.get("rules", [])
    if not isinstance(rules, list):
        reader.fail(_join(where, "rules"), 'must be a list of expressions like "a <= b" or "a <= 1.5 * b"')
        rules = []
    return ValidationRules(
        required=reader.boolean(raw, "required", where, True),
        min=reader.number(raw, "min", where, None),
        max=reader.number(raw, "max", where, None),
        max_change_pct=reader.number(raw, "max_change_pct", where, None),
        rules=tuple(
            rule
            for i, text in enumerate(rules)
            if (rule := parse_rule(reader, text, f"{where}.rules[{i}]")) is not None
        ),
    )


def parse_rule(reader: _Reader | None, text: Any, path: str = "rule") -> PairRule | None:
    """Parse `left op [factor *] right` (e.g. `release_time <= 24 * dwell_time`) into a PairRule."""
    match = _RULE.match(text) if isinstance(text, str) else None
    if match is None:
        message = 'must look like "a <= b" or "a <= 1.5 * b" (operators <, <=, >, >=, ==)'
        if reader is None:
            raise MethodologyError([f"{path}: {message}"])
        reader.fail(path, message)
        return None
    left, op, factor, right = match.groups()
    return PairRule(left=left, op=op, right=right, factor=float(factor) if factor else 1.0)


# --- dumping -----------------------------------------------------------------------------------------


def dump_methodology(m: Methodology) -> dict[str, Any]:
    """Plain data (JSON/YAML-ready) that `load_methodology` turns back into an equal methodology."""
    data: dict[str, Any] = {"schema": SCHEMA, "version": m.version, "name": dict(m.name)}
    if m.description:
        data["description"] = dict(m.description)
    data["locales"] = list(m.locales)
    data.update(_dump_rule(m.aggregation, m.coverage, m.geometric_floor))
    data["pillars"] = [_dump_node(pillar) for pillar in m.pillars]
    return data


def _dump_rule(aggregation: Aggregation, coverage: Coverage, floor: float) -> dict[str, Any]:
    return {
        "aggregation": aggregation.value,
        "geometric_floor": floor,
        "coverage": {"min_share": coverage.min_share, "basis": coverage.basis.value},
    }


def _dump_node(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"code": node.code, "name": dict(node.name)}
    if node.description:
        data["description"] = dict(node.description)
    data["weight"] = node.weight
    data.update(_dump_rule(node.aggregation, node.coverage, node.geometric_floor))
    if node.children and isinstance(node.children[0], Node):
        data["sub_pillars"] = [_dump_node(child) for child in node.children if isinstance(child, Node)]
    else:
        data["indicators"] = [
            _dump_indicator(child) for child in node.children if isinstance(child, Indicator)
        ]
    return data


def _dump_indicator(ind: Indicator) -> dict[str, Any]:
    data: dict[str, Any] = {"code": ind.code, "name": dict(ind.name)}
    if ind.definition:
        data["definition"] = dict(ind.definition)
    data |= {
        "unit": ind.unit,
        "value_type": ind.value_type.value,
        "direction": ind.direction.value,
        "goalposts": {"lower": ind.goalposts.lower, "upper": ind.goalposts.upper},
    }
    if ind.band is not None:
        data["band"] = {"lower": ind.band.lower, "upper": ind.band.upper}
    if ind.transform.kind is not TransformKind.NONE:
        data["transform"] = {"kind": ind.transform.kind.value}
        if ind.transform.at is not None:
            data["transform"]["at"] = ind.transform.at
    if ind.rubric:
        data["rubric"] = {str(level): dict(meaning) for level, meaning in ind.rubric.items()}
    data |= {"weight": ind.weight, "confidential": ind.confidential}
    rules = ind.validation
    data["validation"] = {"required": rules.required}
    for name in ("min", "max", "max_change_pct"):
        if getattr(rules, name) is not None:
            data["validation"][name] = getattr(rules, name)
    if rules.rules:
        data["validation"]["rules"] = [str(rule) for rule in rules.rules]
    return data
