"""Who is calling the API: a bearer token, or the browser's session cookie (then with a CSRF token)."""

from dataclasses import dataclass

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response
from wtforms import ValidationError

from ...extensions import login_manager
from ...models import User
from ...security import is_signed_in
from ...services import api_tokens
from . import bp

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_RATE_LIMIT = "120 per minute"
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")
REALM = 'Bearer realm="api"'


@dataclass(frozen=True)
class Caller:
    """How this request authenticated: `bearer` when it sent a token; `user` is None when that was refused."""

    bearer: bool
    user: User | None = None


def _bearer_secret() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def caller() -> Caller:
    """The request's caller, worked out once (the rate limiter asks before the views do)."""
    if "api_caller" not in g:
        secret = _bearer_secret()
        if secret is None:
            g.api_caller = Caller(bearer=False)
        else:
            user = api_tokens.authenticate(secret)
            if user is not None:
                # Flask-Login's per-request slot (what login_user fills), without touching the session:
                # a token never turns into a cookie, and a cookie never outranks a token.
                login_manager._update_request_context_with_user(user)
            g.api_caller = Caller(bearer=True, user=user)
    return g.api_caller


def rate_limit() -> str:
    """Read per request, so the limit follows the configuration (and tests can lower it)."""
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def rate_limit_key() -> str:
    """Counted per person, whichever token or browser they use; per address before sign-in."""
    who = caller()
    user = who.user if who.bearer else current_user
    if is_signed_in(user):
        return f"user:{user.id}"
    return f"address:{get_remote_address()}"


def too_many_requests() -> str:
    """The 429 message."""
    return _("Too many API requests. Please wait a minute and try again.")


def _check_csrf() -> None:
    token = next((request.headers[name] for name in CSRF_HEADERS if name in request.headers), None)
    try:
        validate_csrf(token or request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None


@bp.before_request
def _authenticate() -> None:
    """A refused token is a 401; a cookie-authenticated change needs a valid X-CSRFToken header."""
    who = caller()
    if who.bearer:
        if who.user is None:
            abort(401)
        return
    if request.method in SAFE_METHODS:
        return
    if not is_signed_in(current_user):
        abort(401)
    _check_csrf()


@bp.after_request
def _headers(response: Response) -> Response:
    """Challenge for a token on 401 (RFC 6750); answers for a person are never cached."""
    if response.status_code == 401:  # noqa: PLR2004
        refused = caller().bearer
        response.headers["WWW-Authenticate"] = REALM + (', error="invalid_token"' if refused else "")
    if is_signed_in(current_user):
        response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Authorization", "Cookie"))
    return response
