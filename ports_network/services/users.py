"""The Secretariat's management of accounts: search, edit, disable, confirm email, memberships."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..models import Membership, User
from ..models.base import utcnow
from ..models.user import new_session_token
from .changes import save_changes

SEARCH_LIMIT = 200


@dataclass(frozen=True)
class UserQuery:
    """Search text (name or email) and filters of the users list."""

    text: str = ""
    secretariat: bool = False
    disabled: bool = False
    unconfirmed: bool = False


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


def _check_update(actor: User | None, user: User, data: UserUpdate) -> str:
    """The cleaned name; DomainError for rules the Secretariat must not break."""
    if user.is_deleted:
        raise DomainError(_("This account was deleted and can no longer be changed."))
    name = " ".join((data.name or "").split())
    if not name:
        raise DomainError(_("Give the person a name."), field="name")
    if data.preferred_locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose one of the platform's languages."), field="preferred_locale")
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
    if data.is_disabled and not user.is_disabled:
        user.session_token = new_session_token()
    values = {
        "name": name,
        "preferred_locale": data.preferred_locale,
        "is_secretariat": data.is_secretariat,
        "is_disabled": data.is_disabled,
    }
    return save_changes(actor, user, "user.update", values)


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
