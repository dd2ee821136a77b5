"""Member directories of the network and of each community, as far as each person lets others see them."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from .. import security
from ..extensions import db
from ..labels import choices
from ..models import (
    CommunityStatus,
    Membership,
    MembershipStatus,
    Organisation,
    PortCommunity,
    StakeholderType,
    User,
)

PER_PAGE = 24


@dataclass(frozen=True)
class DirectoryQuery:
    """Search text (name, organisation or job title) and filters of the network directory."""

    text: str = ""
    country_id: int | None = None
    community_id: int | None = None
    stakeholder_type: StakeholderType | None = None
    page: int = 1


@dataclass(frozen=True)
class PersonCard:
    """What a directory shows of one person: contact details only where they chose to show them."""

    user: User
    memberships: list[Membership]
    email: str | None
    phone: str | None
    avatar_public_id: str | None


def _card(user: User, memberships: list[Membership] | None = None) -> PersonCard:
    if memberships is None:
        memberships = sorted(
            (m for m in user.memberships if m.is_active and not m.community.is_archived),
            key=lambda m: m.community.name,
        )
    return PersonCard(
        user=user,
        memberships=memberships,
        email=user.email if user.show_email else None,
        phone=user.phone if user.show_phone and user.phone else None,
        avatar_public_id=user.avatar.public_id if user.avatar is not None else None,
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _in_live_community(query: DirectoryQuery) -> sa.ColumnElement[bool]:
    """The person has an active membership in a live community matching every membership filter at once."""
    conditions = [
        Membership.user_id == User.id,
        Membership.status == MembershipStatus.ACTIVE,
        PortCommunity.status != CommunityStatus.ARCHIVED,
    ]
    if query.country_id:
        conditions.append(PortCommunity.country_id == query.country_id)
    if query.community_id:
        conditions.append(Membership.community_id == query.community_id)
    if query.stakeholder_type:
        conditions.append(Organisation.stakeholder_type == StakeholderType(query.stakeholder_type))
    return sa.exists(
        sa.select(Membership.id)
        .join(PortCommunity, PortCommunity.id == Membership.community_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(*conditions)
    )


def _matches_text(text: str) -> sa.ColumnElement[bool]:
    pattern = _like(text)
    works_for = sa.exists(
        sa.select(Membership.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(
            Membership.user_id == User.id,
            Membership.status == MembershipStatus.ACTIVE,
            sa.func.lower(Organisation.name).like(pattern, escape="\\"),
        )
    )
    return sa.or_(
        sa.func.lower(User.name).like(pattern, escape="\\"),
        sa.func.lower(sa.func.coalesce(User.job_title, "")).like(pattern, escape="\\"),
        works_for,
    )


def _with_details(select: sa.Select) -> sa.Select:
    return select.options(
        sa.orm.selectinload(User.memberships).joinedload(Membership.community),
        sa.orm.selectinload(User.memberships).joinedload(Membership.organisation),
        sa.orm.selectinload(User.avatar),
    )


def search(viewer: User, query: DirectoryQuery) -> tuple[Pagination, list[PersonCard]]:
    """One page of the network directory for `viewer`: only people whose profile they may see."""
    select = sa.select(User).where(security.profiles_visible_to(viewer), _in_live_community(query))
    if query.text.strip():
        select = select.where(_matches_text(query.text.strip()))
    select = _with_details(select).order_by(sa.func.lower(User.name), User.id)
    page = db.paginate(select, page=max(query.page, 1), per_page=PER_PAGE, error_out=False)
    return page, [_card(user) for user in page.items]


def community_members(
    viewer: User, community: PortCommunity, page: int = 1
) -> tuple[Pagination, list[PersonCard]]:
    """One page of a community's members that `viewer` may see, each with their role there."""
    select = (
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
            security.profiles_visible_to(viewer),
        )
        .options(
            sa.orm.contains_eager(Membership.user).selectinload(User.avatar),
            sa.orm.joinedload(Membership.organisation),
        )
        .order_by(sa.func.lower(User.name), User.id)
    )
    result = db.paginate(select, page=max(page, 1), per_page=PER_PAGE, error_out=False)
    return result, [_card(membership.user, [membership]) for membership in result.items]


def profile(person: User) -> PersonCard:
    """A person's profile card with their current memberships (authorisation is the caller's)."""
    db.session.scalars(_with_details(sa.select(User).where(User.id == person.id))).all()
    return _card(person)


def country_choices(locale: str) -> list[tuple[int, str]]:
    """(id, name) of countries that have live communities, by name in `locale`."""
    rows = db.session.scalars(
        sa.select(PortCommunity)
        .where(PortCommunity.status != CommunityStatus.ARCHIVED)
        .options(sa.orm.joinedload(PortCommunity.country))
    ).all()
    countries = {community.country.id: community.country.name_in(locale) for community in rows}
    return sorted(countries.items(), key=lambda pair: pair[1])


def community_choices() -> list[tuple[int, str]]:
    """(id, name) of live communities, by name."""
    rows = db.session.execute(
        sa.select(PortCommunity.id, PortCommunity.name)
        .where(PortCommunity.status != CommunityStatus.ARCHIVED)
        .order_by(PortCommunity.name)
    )
    return [(community_id, name) for community_id, name in rows]


def stakeholder_choices() -> list[tuple[str, object]]:
    """(value, label) of stakeholder types."""
    return choices(StakeholderType)
