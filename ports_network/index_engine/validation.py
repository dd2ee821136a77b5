"""Semantic checks of a methodology, each reported with the path of the field in the file format.

`validate_methodology` returns every problem, e.g. `pillars[2].indicators[0].goalposts: lower must be
< upper`; `check_methodology` raises MethodologyError listing them. The loader and the engine both refuse
a methodology that has any, so a methodology built in code is held to the same rules as a file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from .methodology import (
    CODE_PATTERN,
    INDEX_CODE,
    Direction,
    Indicator,
    Methodology,
    MethodologyError,
    Node,
    PairRule,
    TransformKind,
    ValueType,
)


def validate_methodology(m: Methodology) -> list[str]:
    """Every semantic problem of a methodology, each prefixed with its field path."""
    errors: list[str] = []
    if not m.version.strip():
        errors.append("version: must not be empty")
    if not m.locales or len(set(m.locales)) != len(m.locales):
        errors.append("locales: must be a non-empty list without repetitions")
    errors += _text_errors(m.name, "name", m.locales)
    errors += _text_errors(m.description, "description", m.locales, required=False)
    errors += _node_rule_errors(m.root, "")
    if not m.pillars:
        errors.append("pillars: at least one pillar is required")
    seen: dict[str, str] = {}
    for index, pillar in enumerate(m.pillars):
        errors += _node_errors(pillar, f"pillars[{index}]", m.locales, seen)
    known = {indicator.code for indicator in m.indicators}
    for path, indicator in _indicator_paths(m):
        errors += _rule_reference_errors(indicator, path, known)
    return errors


def check_methodology(m: Methodology) -> Methodology:
    """Return the methodology, or raise MethodologyError listing all its problems."""
    errors = validate_methodology(m)
    if errors:
        raise MethodologyError(errors)
    return m


def child_path(node: Node, path: str, index: int) -> str:
    """The file-format path of a node's index-th child (`...indicators[i]` or `...sub_pillars[i]`)."""
    key = "indicators" if isinstance(node.children[index], Indicator) else "sub_pillars"
    return f"{path}.{key}[{index}]"


def _indicator_paths(m: Methodology) -> Iterator[tuple[str, Indicator]]:
    def visit(node: Node, path: str) -> Iterator[tuple[str, Indicator]]:
        for i, child in enumerate(node.children):
            sub = child_path(node, path, i)
            if isinstance(child, Node):
                yield from visit(child, sub)
            else:
                yield sub, child

    for index, pillar in enumerate(m.pillars):
        yield from visit(pillar, f"pillars[{index}]")


def _text_errors(text: Mapping, path: str, locales: tuple[str, ...], required: bool = True) -> list[str]:
    errors = [f"{path}.{key}: locale not listed in `locales`" for key in text if key not in locales]
    errors += [
        f"{path}.{key}: must be a non-empty string"
        for key, value in text.items()
        if not isinstance(value, str) or not value.strip()
    ]
    if required and locales and not text.get(locales[0]):
        errors.append(f"{path}: a text in the default locale '{locales[0]}' is required")
    return errors


def _code_errors(code: str, path: str, seen: dict[str, str]) -> list[str]:
    if not CODE_PATTERN.match(code):
        return [f"{path}.code: '{code}' must start with a letter and use only letters, digits and _"]
    if code == INDEX_CODE:
        return [f"{path}.code: '{INDEX_CODE}' is reserved for the composite index"]
    if code in seen:
        return [f"{path}.code: '{code}' is already used at {seen[code]}"]
    seen[code] = path
    return []


def _weight_errors(weight: float, path: str) -> list[str]:
    if not (math.isfinite(weight) and weight > 0):
        return [f"{path}.weight: must be a positive number"]
    return []


def _node_rule_errors(node: Node, path: str) -> list[str]:
    prefix = f"{path}." if path else ""
    errors = []
    if not 0 < node.coverage.min_share <= 1:
        errors.append(f"{prefix}coverage.min_share: must be > 0 and <= 1")
    if not 0 <= node.geometric_floor < 100:  # noqa: PLR2004
        errors.append(f"{prefix}geometric_floor: must be >= 0 and < 100")
    return errors


def _node_errors(node: Node, path: str, locales: tuple[str, ...], seen: dict[str, str]) -> list[str]:
    errors = _code_errors(node.code, path, seen) + _weight_errors(node.weight, path)
    errors += _text_errors(node.name, f"{path}.name", locales)
    errors += _text_errors(node.description, f"{path}.description", locales, required=False)
    errors += _node_rule_errors(node, path)
    if not node.children:
        errors.append(f"{path}: needs at least one indicator or sub-pillar")
    elif len({isinstance(child, Node) for child in node.children}) > 1:
        errors.append(f"{path}: holds either indicators or sub_pillars, not both")
    for i, child in enumerate(node.children):
        sub = child_path(node, path, i)
        if isinstance(child, Node):
            errors += _node_errors(child, sub, locales, seen)
        else:
            errors += _code_errors(child.code, sub, seen) + _weight_errors(child.weight, sub)
            errors += indicator_errors(child, sub, locales)
    return errors


def indicator_errors(ind: Indicator, path: str, locales: tuple[str, ...]) -> list[str]:
    """Problems of one indicator's own fields (texts, goalposts, band, transform, rubric, validation)."""
    errors = _text_errors(ind.name, f"{path}.name", locales)
    errors += _text_errors(ind.definition, f"{path}.definition", locales, required=False)
    errors += _goalpost_errors(ind, path) + _band_errors(ind, path) + _transform_errors(ind, path)
    errors += _rubric_errors(ind, path, locales) + _validation_errors(ind, path)
    return errors


def _goalpost_errors(ind: Indicator, path: str) -> list[str]:
    lower, upper = ind.goalposts.lower, ind.goalposts.upper
    where = f"{path}.goalposts"
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return [f"{where}: lower and upper must be finite numbers"]
    if lower >= upper:
        return [f"{where}: lower must be < upper"]
    if ind.value_type is ValueType.PERCENTAGE and (lower < 0 or upper > 100):  # noqa: PLR2004
        return [f"{where}: a percentage's goalposts must lie within 0..100"]
    if ind.value_type is ValueType.BOOLEAN and (lower, upper) != (0, 1):
        return [f"{where}: a boolean's goalposts must be 0 and 1"]
    return []


def _band_errors(ind: Indicator, path: str) -> list[str]:
    band, posts = ind.band, ind.goalposts
    if ind.direction is not Direction.TARGET_BAND:
        return [f"{path}.band: only a target_band indicator has a band"] if band else []
    if band is None:
        return [f"{path}.band: a target_band indicator needs band.lower and band.upper"]
    if ind.value_type is ValueType.BOOLEAN:
        return [f"{path}.direction: a boolean cannot have a target band"]
    if not band.lower <= band.upper:
        return [f"{path}.band: lower must be <= upper"]
    if not posts.lower <= band.lower <= band.upper <= posts.upper:
        return [f"{path}.band: must lie within the goalposts"]
    return []


def _transform_errors(ind: Indicator, path: str) -> list[str]:
    kind, where = ind.transform.kind, f"{path}.transform"
    if kind is not TransformKind.NONE and ind.value_type in (ValueType.RUBRIC, ValueType.BOOLEAN):
        return [f"{where}: rubric and boolean indicators take no transform"]
    if kind is TransformKind.LOG and not ind.goalposts.lower > 0:
        return [f"{where}: log needs goalposts.lower > 0"]
    if kind is TransformKind.CAP:
        at = ind.transform.at
        if at is None or not math.isfinite(at):
            return [f"{where}.at: cap needs a finite number"]
        if at <= ind.goalposts.lower:
            return [f"{where}.at: the cap must be above goalposts.lower"]
    elif ind.transform.at is not None:
        return [f"{where}.at: only a cap transform takes `at`"]
    return []


def _rubric_errors(ind: Indicator, path: str, locales: tuple[str, ...]) -> list[str]:
    where = f"{path}.rubric"
    if ind.value_type is not ValueType.RUBRIC:
        return [f"{where}: only a rubric indicator has levels"] if ind.rubric else []
    if not ind.rubric:
        return [f"{where}: a rubric indicator needs its levels"]
    errors = [
        f"{where}.{level}: levels must be integers" for level in ind.rubric if not isinstance(level, int)
    ]
    if errors:
        return errors
    for level, meaning in ind.rubric.items():
        errors += _text_errors(meaning, f"{where}.{level}", locales)
    if ind.goalposts.lower < min(ind.rubric) or ind.goalposts.upper > max(ind.rubric):
        errors.append(
            f"{path}.goalposts: must lie within the rubric levels {min(ind.rubric)}..{max(ind.rubric)}"
        )
    return errors


def _validation_errors(ind: Indicator, path: str) -> list[str]:
    rules, where = ind.validation, f"{path}.validation"
    errors = [
        f"{where}.{name}: must be a finite number"
        for name in ("min", "max", "max_change_pct")
        if getattr(rules, name) is not None and not math.isfinite(getattr(rules, name))
    ]
    if errors:
        return errors
    if rules.min is not None and rules.max is not None and rules.min > rules.max:
        errors.append(f"{where}: min must be <= max")
    if rules.max_change_pct is not None and rules.max_change_pct <= 0:
        errors.append(f"{where}.max_change_pct: must be > 0")
    return errors


def _rule_reference_errors(ind: Indicator, path: str, known: set[str]) -> list[str]:
    errors = []
    for i, rule in enumerate(ind.validation.rules):
        where = f"{path}.validation.rules[{i}]"
        errors += [
            f"{where}: unknown indicator '{code}'" for code in (rule.left, rule.right) if code not in known
        ]
        if ind.code not in (rule.left, rule.right):
            errors.append(f"{where}: must mention this indicator ('{ind.code}')")
        if rule.op not in PairRule.OPERATORS:
            errors.append(f"{where}: operator must be one of {', '.join(PairRule.OPERATORS)}")
        if not (math.isfinite(rule.factor) and rule.factor != 0):
            errors.append(f"{where}: the factor must be a non-zero number")
    return errors
