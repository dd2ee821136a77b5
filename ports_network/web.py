"""Request-level wiring: sign-in loading, security headers and the globals every template gets."""

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, Request, Response, redirect, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import security
from .extensions import db, login_manager
from .i18n import LANGUAGE_NAMES, current_locale
from .models import User

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Where Flask-SocketIO keeps a socket's own copy of the session (its manage_session mode, the default).
SOCKET_SESSION_KEY = "saved_session"


class SessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, not decoded again for every Socket.IO event.

    Flask-SocketIO copies the session when the socket connects and puts that copy in place of the
    request's for each event, so verifying and decoding the cookie again would only be thrown away."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session of an HTTP request (or of a socket's connect); an empty one for a socket's event."""
        if SOCKET_SESSION_KEY in request.environ:
            return self.session_class()
        return super().open_session(app, request)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Load the signed-in user by their session token (rotated on password change and deletion)."""
    return db.session.scalar(sa.select(User).where(User.session_token == session_token))


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after sign-in (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def login_redirect() -> Response:
    """Send an anonymous visitor to the sign-in page, remembering where they were going."""
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target if is_safe_next(target) else None))


def _set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _unread_notifications() -> int:
    if not current_user or not current_user.is_authenticated:
        return 0
    from .services.notifications import unread_count

    return unread_count(current_user)


def _unread_room_messages() -> int:
    if not current_user or not security.can(current_user, "rooms.list"):
        return 0
    from .services.rooms import unread_total

    return unread_total(current_user)


def _template_globals() -> dict[str, Any]:
    return {
        "can": lambda action, obj=None: security.can(current_user, action, obj),
        "current_locale": current_locale(),
        "language_names": LANGUAGE_NAMES,
        "unread_notifications": _unread_notifications(),
        "unread_room_messages": _unread_room_messages(),
    }


def register_request_hooks(app: Flask) -> None:
    """Install the sign-in loader, security headers and template globals."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.session_interface = SessionInterface()
    app.after_request(_set_security_headers)
    app.context_processor(_template_globals)
