"""Domain errors raised by services, and error pages that answer HTML or JSON as the client expects."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests, Unauthorized

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the operation; `field` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (checked again inside services for defence in depth)."""


ERROR_MESSAGES = {
    400: _l("Your browser sent a request we could not understand."),
    401: _l("Please sign in to continue."),
    403: _l("You do not have permission to do this."),
    404: _l("We could not find that page."),
    405: _l("This action is not available here."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing you saved was lost; please try again."),
}


def wants_json() -> bool:
    """Whether the client asked for JSON (API paths or an Accept header preferring it)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, message: str | None = None):
    """Render an error as JSON or as the HTML error page."""
    text = str(message or ERROR_MESSAGES.get(status, ERROR_MESSAGES[500]))
    if wants_json():
        return jsonify(error=text, status=status), status
    return render_template("errors/error.html", status=status, message=text), status


def _http_error(error: HTTPException):
    if isinstance(error, Unauthorized) and not wants_json():
        from .web import login_redirect

        return login_redirect()
    # Werkzeug's descriptions are English defaults; only our own rate-limit messages are shown as they are.
    custom = isinstance(error, TooManyRequests) and error.description != TooManyRequests.description
    return error_response(error.code or 500, error.description if custom else None)


def _csrf_error(error: CSRFError):
    return error_response(400, _l("Your form expired or was sent from elsewhere. Please try again."))


def _unexpected(error: Exception):
    logger.exception("unhandled error on %s", request.path)
    return error_response(500)


def register_error_handlers(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and crashes to the same HTML/JSON error rendering."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
