"""A person's own account: registration, sign-in, email confirmation, password reset, profile and privacy.

Data export and account deletion live in `account_data.py`; both use the password check from here.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import realtime, realtime_presence
from ..errors import DomainError
from ..extensions import db
from ..links import external_url
from ..models import Country, Membership, MembershipStatus, StoredFile, User, Visibility
from ..models.base import utcnow
from ..models.user import new_session_token
from . import audit, mail, passwords, storage, tokens
from .changes import apply_changes, commit_unique
from .text_input import one_line

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 120
MAX_BIO_LENGTH = 2000
CONFIRM_PURPOSE = "confirm-email"
CHANGE_EMAIL_PURPOSE = "change-email"
RESET_PURPOSE = "reset-password"
# The forms validate addresses fully; this is the floor for every other caller (CLI, imports).
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Registration:
    """What a person gives to open an account."""

    email: str
    password: str
    name: str
    preferred_locale: str


@dataclass(frozen=True)
class ProfileData:
    """The editable part of a person's own profile."""

    name: str
    job_title: str | None
    phone: str | None
    bio: str | None
    country_id: int | None
    preferred_locale: str


@dataclass(frozen=True)
class OwnProfile:
    """What the person's own profile page shows, ready for the template."""

    user: User
    country_name: str | None
    avatar_public_id: str | None
    memberships: list[Membership]


@dataclass(frozen=True)
class PrivacySettings:
    """Who may find the person, which contact details others see, and whether rooms show them there."""

    visibility: Visibility
    show_email: bool
    show_phone: bool
    share_presence: bool = True


def normalise_email(email: str | None) -> str:
    """Email addresses are stored and compared stripped and lower-cased."""
    return (email or "").strip().lower()


def find_by_email(email: str | None) -> User | None:
    """The live (not deleted) account with this address, ignoring case."""
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == normalise_email(email), User.deleted_at.is_(None))
    )


def _check_email(email: str) -> str:
    if not EMAIL_SHAPE.match(email) or len(email) > 254:  # noqa: PLR2004 - RFC 5321's limit
        raise DomainError(_("Enter a valid email address, such as name@example.org."), field="email")
    return email


def _email_taken(email: str, except_user: User | None = None) -> bool:
    query = sa.select(User.id).where(sa.func.lower(User.email) == email)
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


def _duplicate_email() -> DomainError:
    return DomainError(
        _("An account with this email address already exists. Sign in, or reset your password."),
        field="email",
    )


def check_password_rules(password: str, email: str, field: str = "password") -> None:
    """Refuse passwords that are too short or equal to the email address."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at least %(count)d characters for your password.", count=MIN_PASSWORD_LENGTH), field=field
        )
    if normalise_email(password) == normalise_email(email):
        raise DomainError(_("Your password must not be your email address."), field=field)


def require_password(user: User, password: str, field: str = "password") -> None:
    """Refuse an action that needs the person's current password when it does not match."""
    if not passwords.verify_password(user.password_hash, password or ""):
        raise DomainError(_("Your password is not correct."), field=field)


def _clean_name(name: str | None) -> str:
    cleaned = one_line(name)
    if not cleaned:
        raise DomainError(_("Tell us your name."), field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DomainError(_("Use at most %(count)d characters.", count=MAX_NAME_LENGTH), field="name")
    return cleaned


def _check_locale(locale: str, field: str = "preferred_locale") -> str:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose one of the platform's languages."), field=field)
    return locale


def register(data: Registration) -> User:
    """Open an unconfirmed account and mail a confirmation link to its address."""
    email = _check_email(normalise_email(data.email))
    if _email_taken(email):
        raise _duplicate_email()
    check_password_rules(data.password, email)
    user = User(
        email=email,
        name=_clean_name(data.name),
        preferred_locale=_check_locale(data.preferred_locale),
        password_hash=passwords.hash_password(data.password),
    )
    db.session.add(user)
    db.session.flush()  # the token and the audit record need the id
    # Contact details stay out of audit records: those outlive a deleted account.
    audit.record(user, "account.registered", user, new={"preferred_locale": user.preferred_locale})
    _queue_confirmation(user)
    commit_unique(_duplicate_email())
    return user


def _queue_confirmation(user: User) -> None:
    token = tokens.make_token(CONFIRM_PURPOSE, {"user": user.id, "email": user.email})
    mail.queue_templated(
        user.email,
        user.preferred_locale,
        "confirm_email",
        name=user.name,
        link=external_url("auth.confirm_email", token=token),
        hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600,
        new_address=False,
    )


def resend_confirmation(user: User) -> None:
    """Mail a fresh confirmation link to an unconfirmed account."""
    if user.is_confirmed:
        raise DomainError(_("Your email address is already confirmed."))
    _queue_confirmation(user)
    db.session.commit()


def _invalid_link() -> DomainError:
    return DomainError(_("This link is not valid. It may have been replaced by a newer one."))


def _token_user(purpose: str, token: str, max_age: int) -> tuple[User, dict[str, Any]]:
    """The live account a token was made for, and its payload; DomainError when expired or invalid."""
    payload = tokens.read_token(purpose, token, max_age)
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.is_active:
        raise _invalid_link()
    return user, payload


def confirmation_target(token: str) -> User:
    """The account a confirmation link is for (read only: the link page shows it before confirming)."""
    user, payload = _token_user(CONFIRM_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if payload.get("email") != user.email:
        raise _invalid_link()
    return user


def confirm_email(token: str) -> User:
    """Mark the address confirmed; confirming twice is harmless."""
    user = confirmation_target(token)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
        audit.record(user, "account.email_confirmed", user)
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """The account for these credentials, with its sign-in recorded; one message for any wrong pair."""
    user = find_by_email(email)
    if user is None:
        passwords.hash_password(password or "")  # spend the same time as a real check: no account probing
    if user is None or not passwords.verify_password(user.password_hash, password or ""):
        raise DomainError(_("The email address or the password is not correct."))
    if not user.is_active:
        raise DomainError(_("This account has been disabled. Please contact the Technical Secretariat."))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once; reveals nothing of the hash."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:20]


def password_reset_token(user: User, *, new_account: bool = False) -> str:
    """A token for the reset-password link: it sets a password once and confirms the address.

    Links for accounts the Secretariat opened last INVITATION_MAX_AGE (the person may read the mail days
    later); ordinary reset links last RESET_TOKEN_MAX_AGE.
    """
    payload = {"user": user.id, "fp": _password_fingerprint(user), "new_account": new_account}
    return tokens.make_token(RESET_PURPOSE, payload)


def _reset_link_max_age(new_account: bool) -> int:
    return current_app.config["INVITATION_MAX_AGE" if new_account else "RESET_TOKEN_MAX_AGE"]


def request_password_reset(email: str) -> None:
    """Mail a reset link if a live, enabled account has this address; say nothing either way."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        logger.info("password reset asked for an unknown or inactive address")
        return
    token = password_reset_token(user)
    mail.queue_templated(
        user.email,
        user.preferred_locale,
        "reset_password",
        name=user.name,
        link=external_url("auth.reset_password", token=token),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )
    db.session.commit()


def reset_target(token: str) -> User:
    """The account a reset link is for; refused once the password has changed since it was sent."""
    longest = max(_reset_link_max_age(True), _reset_link_max_age(False))
    user, payload = _token_user(RESET_PURPOSE, token, longest)
    tokens.read_token(RESET_PURPOSE, token, _reset_link_max_age(bool(payload.get("new_account"))))
    if payload.get("fp") != _password_fingerprint(user):
        raise DomainError(_("This link was already used. Please ask for a new one."))
    return user


def _set_password(user: User, password: str, field: str) -> None:
    check_password_rules(password, user.email, field)
    user.password_hash = passwords.hash_password(password)
    user.session_token = new_session_token()  # signs out every other session and remember-me cookie


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; other sessions are signed out."""
    user = reset_target(token)
    _set_password(user, password, "password")
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()  # the link reached this address, which proves it
    audit.record(user, "account.password_reset", user)
    db.session.commit()
    realtime.disconnect_user(user.id)  # open sockets belong to sessions the new password signed out
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; other sessions are signed out."""
    require_password(user, current_password, "current_password")
    _set_password(user, new_password, "new_password")
    audit.record(user, "account.password_changed", user)
    db.session.commit()
    # Other sessions are signed out, so their open sockets close too; this tab's socket reconnects.
    realtime.disconnect_user(user.id)


def request_email_change(user: User, password: str, new_email: str) -> str:
    """Mail a confirmation link to a new address; the address changes only once it is confirmed."""
    require_password(user, password)
    email = _check_email(normalise_email(new_email))
    if email == user.email:
        raise DomainError(_("This is already your email address."), field="email")
    if _email_taken(email):
        raise DomainError(_("Another account already uses this email address."), field="email")
    token = tokens.make_token(CHANGE_EMAIL_PURPOSE, {"user": user.id, "from": user.email, "email": email})
    mail.queue_templated(
        email,
        user.preferred_locale,
        "confirm_email",
        name=user.name,
        link=external_url("auth.confirm_email_change", token=token),
        hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600,
        new_address=True,
    )
    db.session.commit()
    return email


def email_change_target(token: str) -> tuple[User, str]:
    """The account and new address of an email-change link; invalid once the address has changed."""
    user, payload = _token_user(CHANGE_EMAIL_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if payload.get("from") != user.email or not payload.get("email"):
        raise _invalid_link()
    return user, payload["email"]


def confirm_email_change(token: str) -> User:
    """Switch the account to the confirmed new address and tell the old address about it."""
    user, email = email_change_target(token)
    taken = DomainError(_("Another account already uses this email address."))
    if _email_taken(email, except_user=user):
        raise taken
    old_email = user.email
    user.email = email
    user.email_confirmed_at = utcnow()
    audit.record(user, "account.email_changed", user)
    mail.queue_templated(old_email, user.preferred_locale, "email_changed", name=user.name, new_email=email)
    commit_unique(taken)
    return user


def own_profile(user: User, locale: str) -> OwnProfile:
    """The person's profile with their country's name in `locale` and their active memberships."""
    memberships = db.session.scalars(
        sa.select(Membership)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
        .options(sa.orm.selectinload(Membership.community), sa.orm.selectinload(Membership.organisation))
        .order_by(Membership.started_at, Membership.id)
    )
    return OwnProfile(
        user=user,
        country_name=user.country.name_in(locale) if user.country else None,
        avatar_public_id=user.avatar.public_id if user.avatar else None,
        memberships=list(memberships),
    )


def update_profile(user: User, data: ProfileData) -> User:
    """Save the person's own profile details."""
    bio = (data.bio or "").strip()
    if len(bio) > MAX_BIO_LENGTH:
        raise DomainError(_("Use at most %(count)d characters.", count=MAX_BIO_LENGTH), field="bio")
    if data.country_id is not None and db.session.get(Country, data.country_id) is None:
        raise DomainError(_("Choose a country from the list."), field="country_id")
    values = {
        "name": _clean_name(data.name),
        "job_title": (data.job_title or "").strip() or None,
        "phone": (data.phone or "").strip() or None,
        "bio": bio or None,
        "country_id": data.country_id,
        "preferred_locale": _check_locale(data.preferred_locale),
    }
    _old, new = apply_changes(user, values)
    if new:
        # Which fields changed, not their values: audit records outlive a deleted account.
        audit.record(user, "account.profile_updated", user, new={"fields": sorted(new)})
    db.session.commit()
    return user


def update_privacy(user: User, settings: PrivacySettings) -> User:
    """Save who may find the person, which contact details they show and whether rooms show them there."""
    values = {
        "visibility": Visibility(settings.visibility),
        "show_email": bool(settings.show_email),
        "show_phone": bool(settings.show_phone),
        "share_presence": bool(settings.share_presence),
    }
    old, new = apply_changes(user, values)
    if new:
        audit.record(user, "account.privacy_changed", user, old=old, new=new)
    db.session.commit()
    if new.get("share_presence") is False:
        realtime_presence.hide(user)  # after the commit: the rooms stop showing them at once
    return user


def set_avatar(user: User, upload: FileStorage) -> StoredFile:
    """Store a new profile picture in place of the previous one (whose bytes go once this commits)."""
    previous = user.avatar
    stored = storage.save_upload(upload, "avatar", user)
    user.avatar = stored
    if previous is not None:
        storage.delete(previous)
    db.session.commit()
    return stored


def remove_avatar(user: User) -> None:
    """Remove the profile picture, bytes included."""
    stored = user.avatar
    if stored is None:
        raise DomainError(_("You have no profile picture."))
    user.avatar = None
    storage.delete(stored)
    db.session.commit()


def set_preferred_locale(user: User, locale: str) -> None:
    """Remember the interface language the person chose."""
    user.preferred_locale = _check_locale(locale)
    db.session.commit()


def display_name(user: User | None) -> str:
    """The name to show for a person; deleted accounts show a translated "Deleted member"."""
    if user is None or user.is_deleted:
        return _("Deleted member")
    return user.name
