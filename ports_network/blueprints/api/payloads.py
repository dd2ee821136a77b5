"""Reading the JSON request bodies the API documents; every problem is reported on its field (422)."""

import math
from typing import Any

from flask import abort, request
from flask_babel import gettext as _

from ...services.submissions import ValueInput
from .errors import InvalidBody

MAX_VALUES = 1000  # far more indicators than any methodology has; bounds the work of one request


def json_body() -> Any:
    """The parsed JSON body; 400 when it is missing or not JSON."""
    body = request.get_json(silent=True)
    if body is None:
        abort(400)
    return body


def _number(raw: Any) -> float | None:
    """A JSON number or null; booleans and strings are refused rather than guessed."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise ValueError(raw)
    return float(raw)


def _entry(raw: Any) -> ValueInput:
    if not isinstance(raw, dict) or "value" not in raw:
        raise ValueError(_('Send an object with "value" (a number or null) and optionally "justification".'))
    justification = raw.get("justification")
    if justification is not None and not isinstance(justification, str):
        raise ValueError(_("The justification must be text or null."))
    try:
        value = _number(raw["value"])
    except ValueError:
        raise ValueError(_("The value must be a number or null.")) from None
    return ValueInput(value, justification)


def _revision(body: dict, errors: dict[str, list[str]]) -> int:
    revision = body.get("revision")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        errors["revision"] = [_("Send the revision of the submission you started from (a whole number).")]
        return 0
    return revision


def values_update(body: Any) -> tuple[int, dict[str, ValueInput]]:
    """The expected revision and the entries of a `PUT .../values` body, or InvalidBody."""
    if not isinstance(body, dict):
        raise InvalidBody({"_": [_('Send a JSON object with "revision" and "values".')]})
    errors: dict[str, list[str]] = {}
    revision = _revision(body, errors)
    raw_values = body.get("values")
    if not isinstance(raw_values, dict) or len(raw_values) > MAX_VALUES:
        errors["values"] = [_("Send the values as an object from indicator code to entry.")]
        raise InvalidBody(errors)
    entries: dict[str, ValueInput] = {}
    for code, raw in raw_values.items():
        try:
            entries[code] = _entry(raw)
        except ValueError as error:
            errors[code] = [str(error.args[0])]
    if errors:
        raise InvalidBody(errors)
    return revision, entries
