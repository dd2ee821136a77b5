"""A methodology version of the Competitiveness Index as immutable data.

A methodology is a tree: the composite index at the root, pillars below it, optional sub-pillars, and
indicators at the leaves. Every node and indicator carries a weight relative to its siblings (weights
are renormalised over the siblings that are present, so they need not sum to 1). Each node chooses its
aggregation (weighted arithmetic or weighted geometric mean) and a coverage rule; each indicator
carries its direction, goalposts, optional transform, rubric levels and validation rules. The scoring
formulas live in `engine.py`; the file format (JSON/YAML) in `serialization.py` and
docs/index-methodology.md.

The semantic checks (with the path of each bad field) are in `validation.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

INDEX_CODE = "index"  # code of the composite (root node) in every result table
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


class ValueType(StrEnum):
    """What kind of raw value an indicator takes."""

    NUMBER = "number"
    PERCENTAGE = "percentage"  # a share between 0 and 100
    RUBRIC = "rubric"  # an integer level with a documented meaning
    BOOLEAN = "boolean"  # 0/1 (no/yes)


class Direction(StrEnum):
    """Which raw values are good."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    TARGET_BAND = "target_band"  # best inside [band.lower, band.upper]


class TransformKind(StrEnum):
    """Transform applied to the raw value before normalising."""

    NONE = "none"
    LOG = "log"  # natural logarithm; goalposts and band are transformed too
    CAP = "cap"  # min(value, at)


class Aggregation(StrEnum):
    """How a node combines its children's scores."""

    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"


class CoverageBasis(StrEnum):
    """Whether a node's coverage share counts children or sums their weights."""

    WEIGHT = "weight"
    COUNT = "count"


class MethodologyError(ValueError):
    """A methodology (or its file) is invalid; `errors` lists every problem with its field path."""

    def __init__(self, errors: list[str] | tuple[str, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("invalid methodology:\n  " + "\n  ".join(self.errors))


class FrozenMap(Mapping):
    """An immutable, hashable mapping (translations, rubric levels)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | tuple = ()) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __reduce__(self) -> tuple:
        return (FrozenMap, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


Text = FrozenMap  # {locale: text}
EMPTY_TEXT = FrozenMap()


def localized(text: Mapping[str, str], locale: str, fallbacks: tuple[str, ...] = ()) -> str:
    """The text in `locale`, else in the first fallback locale that has it, else any, else ''."""
    for candidate in (locale, *fallbacks):
        if text.get(candidate):
            return text[candidate]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class Bounds:
    """A closed interval [lower, upper] in raw units (goalposts or target band)."""

    lower: float
    upper: float


@dataclass(frozen=True)
class Transform:
    """Transform applied before normalising: none, natural log, or cap at `at`."""

    kind: TransformKind = TransformKind.NONE
    at: float | None = None


@dataclass(frozen=True)
class PairRule:
    """A cross-indicator check `left op factor * right`, e.g. `waiting_time <= port_hours`."""

    left: str
    op: str
    right: str
    factor: float = 1.0

    OPERATORS = ("<=", ">=", "==", "<", ">")

    def __str__(self) -> str:
        factor = "" if self.factor == 1 else f"{self.factor:g} * "
        return f"{self.left} {self.op} {factor}{self.right}"


@dataclass(frozen=True)
class ValidationRules:
    """Checks run on submitted values (min/max in raw units; change above max_change_pct needs a note)."""

    required: bool = True
    min: float | None = None
    max: float | None = None
    max_change_pct: float | None = None
    rules: tuple[PairRule, ...] = ()


@dataclass(frozen=True)
class Indicator:
    """A leaf of the tree: one measured quantity with its scoring parameters."""

    code: str
    name: Text
    unit: str
    value_type: ValueType
    direction: Direction
    goalposts: Bounds
    weight: float = 1.0
    definition: Text = EMPTY_TEXT
    band: Bounds | None = None
    transform: Transform = Transform()
    rubric: FrozenMap = EMPTY_TEXT  # {level (int): {locale: meaning}}
    confidential: bool = False
    validation: ValidationRules = ValidationRules()


@dataclass(frozen=True)
class Coverage:
    """A node is computed only if the share of its children with a score reaches `min_share`."""

    min_share: float = 0.75
    basis: CoverageBasis = CoverageBasis.WEIGHT


@dataclass(frozen=True)
class Node:
    """An inner node (the index, a pillar or a sub-pillar) aggregating its children."""

    code: str
    name: Text
    children: tuple[Node | Indicator, ...]
    weight: float = 1.0
    aggregation: Aggregation = Aggregation.ARITHMETIC
    coverage: Coverage = Coverage()
    geometric_floor: float = 1.0  # scores are floored here before a geometric mean (0 = exact)
    description: Text = EMPTY_TEXT


@dataclass(frozen=True)
class Methodology:
    """One version of the index: metadata, the composite's aggregation rule and the pillars."""

    version: str
    name: Text
    locales: tuple[str, ...]
    pillars: tuple[Node, ...]
    aggregation: Aggregation = Aggregation.ARITHMETIC
    coverage: Coverage = Coverage()
    geometric_floor: float = 1.0
    description: Text = EMPTY_TEXT

    @cached_property
    def root(self) -> Node:
        """The composite index as a node whose children are the pillars."""
        return Node(
            code=INDEX_CODE,
            name=self.name,
            children=self.pillars,
            aggregation=self.aggregation,
            coverage=self.coverage,
            geometric_floor=self.geometric_floor,
            description=self.description,
        )

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator in tree order."""
        return tuple(item for item, _ in walk(self.root) if isinstance(item, Indicator))

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node in post-order (children before parents), ending with the root."""
        return tuple(item for item, _ in walk(self.root, post_order=True) if isinstance(item, Node))

    @cached_property
    def _indicators_by_code(self) -> dict[str, Indicator]:
        return {item.code: item for item in self.indicators}

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code (KeyError if none)."""
        return self._indicators_by_code[code]


def walk(node: Node, depth: int = 0, *, post_order: bool = False) -> Iterator[tuple[Node | Indicator, int]]:
    """Yield (item, depth) for a node and all its descendants; depth 0 is the given node."""
    if not post_order:
        yield node, depth
    for child in node.children:
        if isinstance(child, Node):
            yield from walk(child, depth + 1, post_order=post_order)
        else:
            yield child, depth + 1
    if post_order:
        yield node, depth


def node_kind(depth: int) -> str:
    """Name of a tree level: index, pillar, sub_pillar."""
    return ("index", "pillar")[depth] if depth < 2 else "sub_pillar"  # noqa: PLR2004
