"""The API's error answers: the app's JSON shape ({"error", "status"}) plus per-field errors (422) and
the current values on a conflict (409). HTTP errors (401, 403, 404, 429 ...) go through errors.py."""

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...errors import DomainError, NotAllowed
from ...services.submissions import InvalidValues, RevisionConflict
from . import bp

GENERAL = "_"  # the key of errors that belong to no one field


class InvalidBody(Exception):
    """The request body is not what the endpoint documents; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid request body")
        self.errors = errors


def json_error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    """An error in the same JSON shape as the app's error handlers, with extra members."""
    return jsonify(error=str(message), status=status, **extra), status


@bp.errorhandler(InvalidBody)
def _invalid_body(error: InvalidBody):
    return json_error(422, _("Some values are not valid."), errors=error.errors)


@bp.errorhandler(InvalidValues)
def _invalid_values(error: InvalidValues):
    """Nothing was stored: each refused entry is reported under its indicator code."""
    return json_error(422, error.message, errors={code: [str(text)] for code, text in error.errors.items()})


@bp.errorhandler(RevisionConflict)
def _conflict(error: RevisionConflict):
    """Someone saved in between: nothing was stored; here is what is stored now, to merge and send again."""
    current = {
        code: {"value": value, "justification": error.justifications.get(code)}
        for code, value in error.current.items()
    }
    return json_error(409, error.message, revision=error.revision, current=current)


@bp.errorhandler(NotAllowed)
def _not_allowed(error: NotAllowed):
    return json_error(403, error.message)


@bp.errorhandler(DomainError)
def _refused(error: DomainError):
    """A service refused: the message goes on the field it names (an indicator code, a form field)."""
    return json_error(422, error.message, errors={error.field or GENERAL: [str(error.message)]})
