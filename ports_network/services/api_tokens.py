"""Personal API tokens: created and revoked by their owner, checked on every bearer-authenticated API request.

The secret is shown once, when the token is created; only its sha256 is stored. A lookup by that hash
compares no secret byte by byte, so timing tells an attacker nothing about how close a guess was.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import ApiToken, User
from ..models.base import utcnow
from . import audit

logger = logging.getLogger(__name__)

SECRET_PREFIX = "pn_"
PREFIX_LENGTH = 10  # "pn_" and 7 characters of the secret: enough to tell one's tokens apart
MAX_NAME = ApiToken.name.type.length
MAX_SECRET = 128  # anything longer is not one of ours; refused before hashing
MAX_EXPIRY_DAYS = 3650
MAX_ACTIVE_TOKENS = 20
# Writing last_used_at on every request would turn each API read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The sha256 (hex) under which a token's secret is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def is_active(token: ApiToken) -> bool:
    """Neither revoked nor expired."""
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > utcnow())


def tokens_for(user: User) -> list[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones too, for their record)."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, for example the system that will use it."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_("Use at most %(count)d characters.", count=MAX_NAME), field="name")
    return name


def _checked_days(days: int | None) -> int | None:
    if days is not None and not 1 <= days <= MAX_EXPIRY_DAYS:
        raise DomainError(
            _("Choose between 1 and %(count)d days, or no expiry.", count=MAX_EXPIRY_DAYS),
            field="expires_in_days",
        )
    return days


def create_token(user: User, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is never stored and cannot be shown again."""
    if not user.is_active:
        raise NotAllowed(_("This account cannot use the API."))
    name, days = _checked_name(name), _checked_days(expires_in_days)
    if sum(1 for token in tokens_for(user) if is_active(token)) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _(
                "You have %(count)d active tokens. Revoke one you no longer use first.",
                count=MAX_ACTIVE_TOKENS,
            ),
            field="name",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        expires_at=utcnow() + timedelta(days=days) if days is not None else None,
    )
    db.session.add(token)
    db.session.flush()  # the audit record needs the id
    audit.record(user, "api_token.create", token, new=_summary(token))
    db.session.commit()
    logger.info("API token %s created for user %s", token.id, user.id)
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    """Revoke one of the person's own tokens; revoking a revoked token changes nothing."""
    if token.user_id != user.id:
        raise NotAllowed(_("This is not one of your tokens."))
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(user, "api_token.revoke", token, old={"revoked_at": None}, new=_summary(token))
    db.session.commit()
    logger.info("API token %s revoked by user %s", token.id, user.id)


def own_token(user: User, token_id: int) -> ApiToken | None:
    """The person's token with this id, or None (someone else's token is as good as missing)."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def authenticate(secret: str | None) -> User | None:
    """The active user a live token belongs to, or None; notes when the token was last used."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > MAX_SECRET:
        return None
    digest = hash_secret(secret)
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == digest).options(sa.orm.joinedload(ApiToken.user))
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not is_active(token):
        return None
    if not token.user.is_active:  # disabled or deleted accounts lose their tokens' power at once
        return None
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    """Record the use at most once per TOUCH_INTERVAL; concurrent requests update the row only once."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token.id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _summary(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }
