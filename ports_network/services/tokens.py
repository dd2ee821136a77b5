"""Signed, expiring tokens for email confirmation, password reset and invitations."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import DomainError


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ports-network.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """Sign `payload` for one purpose; a token for one purpose is worthless for another."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    """The payload of a valid token, or a DomainError saying it expired or is invalid."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_l("This link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise DomainError(_l("This link is not valid.")) from None
