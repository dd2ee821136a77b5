"""The JSON API (/api/v1) for port community systems and the browser, and its documentation (/api/docs).

Requests authenticate with `Authorization: Bearer <token>` (a personal API token; no CSRF token needed,
since a browser never adds that header by itself) or with the session cookie (then state-changing
requests need the X-CSRFToken header, as forms do). Flask-WTF's form-field check is switched off for
this blueprint and done in auth.py instead, only for the cookie case.
"""

from flask import Blueprint

from ...extensions import csrf, limiter

bp = Blueprint("api", __name__)
docs_bp = Blueprint("api_docs", __name__)

csrf.exempt(bp)

from . import auth, calls, docs, errors, results, submissions  # noqa: E402,F401 - registers hooks and views on bp

limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key, error_message=auth.too_many_requests)(bp)
