"""The Secretariat's management of accounts: create, search, edit, disable, confirm email, memberships."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import realtime
from ..errors import DomainError
from ..extensions import db
from ..links import external_url
from ..models import Membership, User
from ..models.base import utcnow
from ..models.user import new_session_token
from . import accounts, audit, mail
from .changes import commit_unique, save_changes, taken_by_another
from .text_input import one_line

SEARCH_LIMIT = 200


@dataclass(frozen=True)
class UserQuery:
    """Search text (name or email) and filters of the users list."""

    text: str = ""
    secretariat: bool = False
    disabled: bool = False
    unconfirmed: bool = False


@dataclass(frozen=True)
class UserCreate:
    """A new account opened by the Secretariat; the person chooses a password from the mailed link."""

    name: str
    email: str
    preferred_locale: str
    is_secretariat: bool


@dataclass(frozen=True)
class UserUpdate:
    """What the Secretariat may change on an account."""

    name: str
    preferred_locale: str
    is_secretariat: bool
    is_disabled: bool


def search_users(query: UserQuery, limit: int = SEARCH_LIMIT) -> list[User]:
    """Accounts matching the search, by name; at most `limit` (the page says to refine beyond that)."""
    select = sa.select(User).order_by(User.name, User.id).limit(limit)
    text = query.text.strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        select = select.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern, escape="\\"),
                sa.func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if query.secretariat:
        select = select.where(User.is_secretariat.is_(True))
    if query.disabled:
        select = select.where(User.is_disabled.is_(True))
    if query.unconfirmed:
        select = select.where(User.email_confirmed_at.is_(None))
    return list(db.session.scalars(select))


def get_by_email(email: str) -> User:
    """The live account with this email address (ignoring case), or DomainError on the email field."""
    address = (email or "").strip().lower()
    user = db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == address, User.deleted_at.is_(None))
    )
    if user is None:
        raise DomainError(_("Nobody has an account with this email address."), field="email")
    return user


def _clean_name(name: str | None) -> str:
    cleaned = one_line(name)
    if not cleaned:
        raise DomainError(_("Give the person a name."), field="name")
    if len(cleaned) > accounts.MAX_NAME_LENGTH:
        raise DomainError(
            _("Use at most %(count)d characters.", count=accounts.MAX_NAME_LENGTH), field="name"
        )
    return cleaned


def _check_locale(locale: str) -> str:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose one of the platform's languages."), field="preferred_locale")
    return locale


def _email_in_use() -> DomainError:
    return DomainError(_("Another account already uses this email address."), field="email")


def _new_email(email: str | None) -> str:
    """The normalised address; DomainError when malformed or already used by any account."""
    address = accounts.normalise_email(email)
    if not accounts.EMAIL_SHAPE.match(address) or len(address) > 254:  # noqa: PLR2004 - RFC 5321's limit
        raise DomainError(_("Enter a valid email address, such as name@example.org."), field="email")
    # Every row counts, deleted ones too: the column is unique and deletion rewrites the address.
    if taken_by_another(User, None, sa.func.lower(User.email) == address):
        raise _email_in_use()
    return address


def create_user(actor: User | None, data: UserCreate) -> User:
    """Open an account without a password and mail the person a link to choose one."""
    user = User(
        email=_new_email(data.email),
        name=_clean_name(data.name),
        preferred_locale=_check_locale(data.preferred_locale),
        is_secretariat=bool(data.is_secretariat),
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()  # the token and the audit record need the id
    # Contact details stay out of audit records: those outlive a deleted account.
    values = {"preferred_locale": user.preferred_locale, "is_secretariat": user.is_secretariat}
    audit.record(actor, "user.create", user, new=values)
    # The reset link sets the first password and, having reached the address, confirms it; it lasts
    # INVITATION_MAX_AGE, and once expired "Forgot your password?" sends a fresh one.
    mail.queue_templated(
        user.email,
        user.preferred_locale,
        "account_created",
        name=user.name,
        email=user.email,
        link=external_url("auth.reset_password", token=accounts.password_reset_token(user, new_account=True)),
        days=max(1, current_app.config["INVITATION_MAX_AGE"] // 86400),
        forgot_link=external_url("auth.forgot_password"),
    )
    commit_unique(_email_in_use)
    return user


def _check_update(actor: User | None, user: User, data: UserUpdate) -> str:
    """The cleaned name; DomainError for rules the Secretariat must not break."""
    if user.is_deleted:
        raise DomainError(_("This account was deleted and can no longer be changed."))
    name = _clean_name(data.name)
    _check_locale(data.preferred_locale)
    if actor is not None and actor.id == user.id:
        if user.is_secretariat and not data.is_secretariat:
            message = _("You cannot remove your own Secretariat role; ask another administrator.")
            raise DomainError(message, field="is_secretariat")
        if data.is_disabled:
            raise DomainError(_("You cannot disable your own account."), field="is_disabled")
    return name


def update_user(actor: User | None, user: User, data: UserUpdate) -> User:
    """Change an account; disabling it also rotates its session token, which signs the person out."""
    name = _check_update(actor, user, data)
    disabling = data.is_disabled and not user.is_disabled
    if disabling:
        user.session_token = new_session_token()
    values = {
        "name": name,
        "preferred_locale": data.preferred_locale,
        "is_secretariat": data.is_secretariat,
        "is_disabled": data.is_disabled,
    }
    user = save_changes(actor, user, "user.update", values)
    if disabling:
        realtime.disconnect_user(user.id)  # after the commit: open sockets kept the old session
    return user


def confirm_email(actor: User | None, user: User) -> User:
    """Mark the account's email address confirmed by hand (for people whose mail does not arrive)."""
    if user.is_confirmed:
        raise DomainError(_("This email address is already confirmed."))
    if user.is_deleted:
        raise DomainError(_("This account was deleted and can no longer be changed."))
    return save_changes(actor, user, "user.confirm_email", {"email_confirmed_at": utcnow()})


def memberships_of(user: User) -> list[Membership]:
    """All of a person's memberships, current and ended, with community and organisation loaded."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.user_id == user.id)
            .options(sa.orm.joinedload(Membership.community), sa.orm.joinedload(Membership.organisation))
            .order_by(Membership.started_at.desc(), Membership.id.desc())
        )
    )
