"""The Competitiveness Index engine: methodology as data, scoring, rank uncertainty (pandas/numpy only)."""

from .engine import MedianRecord, RankRecord, Results, ScoreRecord, compute
from .files import default_methodology, parse_methodology_text, read_methodology, write_methodology
from .methodology import (
    INDEX_CODE,
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
    localized,
)
from .serialization import dump_methodology, load_methodology
from .validation import check_methodology, validate_methodology

__all__ = [
    "INDEX_CODE",
    "Aggregation",
    "Bounds",
    "Coverage",
    "CoverageBasis",
    "Direction",
    "FrozenMap",
    "Indicator",
    "MedianRecord",
    "Methodology",
    "MethodologyError",
    "Node",
    "PairRule",
    "RankRecord",
    "Results",
    "ScoreRecord",
    "Transform",
    "TransformKind",
    "ValidationRules",
    "ValueType",
    "check_methodology",
    "compute",
    "default_methodology",
    "dump_methodology",
    "load_methodology",
    "localized",
    "parse_methodology_text",
    "read_methodology",
    "validate_methodology",
    "write_methodology",
]
