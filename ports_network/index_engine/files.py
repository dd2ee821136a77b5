"""Methodology files: JSON, or YAML (PyYAML, imported only when a YAML file is read or written).

The format is `serialization.dump_methodology`'s plain data, documented in docs/index-methodology.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .methodology import Methodology, MethodologyError
from .serialization import dump_methodology, load_methodology


def _is_yaml(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml")


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as error:  # pragma: no cover - PyYAML is installed in this project
        raise MethodologyError(["(file): YAML needs PyYAML; install it or use JSON"]) from error
    return yaml


def parse_methodology_text(text: str, *, yaml_format: bool = False) -> Methodology:
    """Load a methodology from JSON (or YAML) text; syntax errors become MethodologyError."""
    syntax_errors: tuple[type[Exception], ...] = (ValueError,)  # json.JSONDecodeError is a ValueError
    try:
        if yaml_format:
            yaml = _yaml()
            syntax_errors += (yaml.YAMLError,)
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except syntax_errors as error:
        raise MethodologyError([f"(file): not valid {'YAML' if yaml_format else 'JSON'}: {error}"]) from error
    return load_methodology(data)


def read_methodology(path: str | Path) -> Methodology:
    """Read a methodology from a .json, .yaml or .yml file."""
    path = Path(path)
    return parse_methodology_text(path.read_text(encoding="utf-8"), yaml_format=_is_yaml(path))


def format_methodology(data: Mapping[str, Any], *, yaml_format: bool = False) -> str:
    """A methodology's plain data (`dump_methodology`) as the text of a JSON or YAML file."""
    if yaml_format:
        return _yaml().safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_methodology(m: Methodology, path: str | Path) -> None:
    """Write a methodology as JSON, or YAML when the file name ends in .yaml/.yml."""
    path = Path(path)
    path.write_text(format_methodology(dump_methodology(m), yaml_format=_is_yaml(path)), encoding="utf-8")


def default_methodology() -> Methodology:
    """The methodology version 2.0 shipped with the platform (default_methodology.json)."""
    text = resources.files(__package__).joinpath("default_methodology.json").read_text(encoding="utf-8")
    return parse_methodology_text(text)
