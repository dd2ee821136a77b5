"""Port logistics communities: public listings, and the Secretariat's validated, audited changes to them."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..models import (
    CommunityRole,
    CommunityStatus,
    Country,
    Membership,
    MembershipStatus,
    Organisation,
    Phase,
    Port,
    PortCommunity,
    StakeholderType,
    SupportStage,
    User,
)
from ..models.base import utcnow
from . import audit, memberships, portal
from .text_input import one_line

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Paths under /communities/ that are not community pages.
RESERVED_SLUGS = frozenset({"invitations", "new", "join", "requests", "members", "manage", "audit"})
MAX_SLUG = 80
MAX_NAME = 160
MAX_SIGNATORY = 200
FIRST_YEAR = 2014  # the network was created in 2014
DESCRIPTION_LOCALES = ("es", "en", "pt")
AUDITED = (
    "name",
    "slug",
    "country_id",
    "port_ids",
    "phase",
    "joined_year",
    "status",
    "support_stage",
    "mou_signed",
    "mou_signed_on",
    "mou_signatory",
    "description",
)


@dataclass
class CommunityData:
    """A community as the Secretariat enters it; `description` is keyed by locale (es/en/pt)."""

    name: str
    slug: str
    country_id: int
    port_ids: list[int]
    phase: Phase
    joined_year: int | None
    status: CommunityStatus
    support_stage: SupportStage
    mou_signed: bool
    mou_signed_on: date | None
    mou_signatory: str | None
    description: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganisationGroup:
    """Member organisations of one stakeholder type, for the public community page."""

    stakeholder_type: StakeholderType
    label: str
    organisations: list[Organisation]


def live_by_country(locale: str) -> list[tuple[Country, list[PortCommunity]]]:
    """Non-archived communities grouped by country, countries sorted by name in `locale`."""
    return portal.communities_by_country(locale)


def get_by_slug(slug: str) -> PortCommunity | None:
    """The community with this slug (archived ones too), with its country and ports loaded."""
    return db.session.scalar(
        sa.select(PortCommunity)
        .where(PortCommunity.slug == slug)
        .options(sa.orm.joinedload(PortCommunity.country), sa.orm.selectinload(PortCommunity.ports))
    )


def member_organisations(community: PortCommunity) -> list[OrganisationGroup]:
    """Organisations with active members in the community, grouped by stakeholder type (no personal data)."""
    organisations = db.session.scalars(
        sa.select(Organisation)
        .where(
            Organisation.id.in_(
                sa.select(Membership.organisation_id).where(
                    Membership.community_id == community.id, Membership.status == MembershipStatus.ACTIVE
                )
            )
        )
        .order_by(Organisation.name, Organisation.id)
    ).all()
    grouped: dict[StakeholderType, list[Organisation]] = {}
    for organisation in organisations:
        grouped.setdefault(organisation.stakeholder_type, []).append(organisation)
    groups = [OrganisationGroup(kind, label(kind), items) for kind, items in grouped.items()]
    return sorted(groups, key=lambda group: group.label.casefold())


def _snapshot(community: PortCommunity) -> dict[str, Any]:
    values = {name: getattr(community, name) for name in AUDITED if name != "port_ids"}
    values["port_ids"] = sorted(port.id for port in community.ports)
    values["description"] = dict(community.description or {})
    return values


def _clean_slug(raw: str, community: PortCommunity | None) -> str:
    slug = (raw or "").strip().lower()
    if not slug or len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise DomainError(
            _("Use lower-case letters, digits and single hyphens (for example “callao”)."), field="slug"
        )
    taken = sa.select(PortCommunity.id).where(PortCommunity.slug == slug)
    if community is not None:
        taken = taken.where(PortCommunity.id != community.id)
    if db.session.scalar(taken) is not None:
        raise _slug_taken(slug)
    return slug


def _slug_taken(slug: str) -> DomainError:
    return DomainError(_("Another community already uses the address “%(slug)s”.", slug=slug), field="slug")


def _clean_country(country_id: int | None, community: PortCommunity | None) -> Country:
    country = db.session.get(Country, country_id) if country_id else None
    unchanged = community is not None and community.country_id == country_id
    if country is None or (country.archived and not unchanged):
        raise DomainError(_("Choose one of the network's countries."), field="country_id")
    return country


def _clean_ports(port_ids: list[int], country: Country, community: PortCommunity | None) -> list[Port]:
    wanted = set(port_ids or [])
    if not wanted:
        raise DomainError(_("Choose at least one port of the community."), field="port_ids")
    ports = db.session.scalars(sa.select(Port).where(Port.id.in_(wanted)).order_by(Port.name)).all()
    current = {port.id for port in community.ports} if community is not None else set()
    if len(ports) != len(wanted) or any(port.archived and port.id not in current for port in ports):
        raise DomainError(_("Choose ports of the network."), field="port_ids")
    if any(port.country_id != country.id for port in ports):
        raise DomainError(_("Every port must be in the community's country."), field="port_ids")
    return list(ports)


def _clean_mou(data: CommunityData) -> tuple[bool, date | None, str | None]:
    if not data.mou_signed:
        return False, None, None
    if data.mou_signed_on is None:
        raise DomainError(
            _("Give the date the Memorandum of Understanding was signed."), field="mou_signed_on"
        )
    if data.mou_signed_on > utcnow().date():
        raise DomainError(_("The signing date cannot be in the future."), field="mou_signed_on")
    signatory = one_line(data.mou_signatory)
    if not signatory or len(signatory) > MAX_SIGNATORY:
        raise DomainError(_("Say who signed the Memorandum of Understanding."), field="mou_signatory")
    return True, data.mou_signed_on, signatory


def _clean_year(year: int | None) -> int | None:
    if year is None:
        return None
    if not FIRST_YEAR <= year <= utcnow().year:
        raise DomainError(
            _("Give a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=utcnow().year),
            field="joined_year",
        )
    return year


def _clean_description(description: Mapping[str, str] | None) -> dict[str, str]:
    return {
        locale: text.strip()
        for locale, text in (description or {}).items()
        if locale in DESCRIPTION_LOCALES and text and text.strip()
    }


def _validated(data: CommunityData, community: PortCommunity | None = None) -> dict[str, Any]:
    """Checked, normalised values (ports as Port objects); raises DomainError before anything changes."""
    name = one_line(data.name)
    if not name or len(name) > MAX_NAME:
        raise DomainError(_("Give the community a name (at most 160 characters)."), field="name")
    slug = _clean_slug(data.slug, community)
    country = _clean_country(data.country_id, community)
    mou_signed, mou_signed_on, mou_signatory = _clean_mou(data)
    return {
        "name": name,
        "slug": slug,
        "country_id": country.id,
        "ports": _clean_ports(data.port_ids, country, community),
        "phase": Phase(data.phase),
        "joined_year": _clean_year(data.joined_year),
        "status": CommunityStatus(data.status),
        "support_stage": SupportStage(data.support_stage),
        "mou_signed": mou_signed,
        "mou_signed_on": mou_signed_on,
        "mou_signatory": mou_signatory,
        "description": _clean_description(data.description),
    }


def _changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}


def _commit(slug: str) -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise _slug_taken(slug) from None


def _require_secretariat(actor: User) -> None:
    if not getattr(actor, "is_secretariat", False):
        raise NotAllowed(_("Only the Technical Secretariat can change communities."))


def create_community(actor: User, data: CommunityData) -> PortCommunity:
    """Add a community to the network."""
    _require_secretariat(actor)
    values = _validated(data)
    community = PortCommunity(**values)
    if community.status == CommunityStatus.ARCHIVED:
        community.archived_at = utcnow()
    db.session.add(community)
    db.session.flush()
    audit.record(actor, "community.create", community, new=_snapshot(community), community=community)
    _commit(values["slug"])
    return community


def update_community(actor: User, community: PortCommunity, data: CommunityData) -> PortCommunity:
    """Change a community under the same rules as when it was added; records what changed."""
    _require_secretariat(actor)
    values = _validated(data, community)
    before = _snapshot(community)
    for name, value in values.items():
        setattr(community, name, value)
    if community.status == CommunityStatus.ARCHIVED and before["status"] != CommunityStatus.ARCHIVED:
        community.archived_at = utcnow()
    elif community.status != CommunityStatus.ARCHIVED:
        community.archived_at = None
    old, new = _changed(before, _snapshot(community))
    if new:
        audit.record(actor, "community.update", community, old=old, new=new, community=community)
    _commit(values["slug"])
    return community


def archive_community(actor: User, community: PortCommunity) -> None:
    """Archive a community: it keeps its history but leaves public lists and takes no new members."""
    _require_secretariat(actor)
    if community.is_archived:
        raise DomainError(_("This community is already archived."))
    old_status = community.status
    community.status = CommunityStatus.ARCHIVED
    community.archived_at = utcnow()
    audit.record(
        actor,
        "community.archive",
        community,
        old={"status": old_status},
        new={"status": community.status},
        community=community,
    )
    db.session.commit()


def assign_coordinator(
    actor: User, community: PortCommunity, user: User, organisation: Organisation
) -> Membership:
    """Make `user` a coordinator of the community, promoting their active membership or creating one."""
    _require_secretariat(actor)
    if community.is_archived:
        raise DomainError(_("An archived community takes no new coordinators."))
    if user is None or user.is_deleted:
        raise DomainError(_("Choose a person with an account."), field="email")
    current = memberships.active_membership(user, community)
    if current is None:
        membership = memberships.add_member(actor, community, user, organisation, CommunityRole.COORDINATOR)
    else:
        membership = memberships.apply_role(actor, current, CommunityRole.COORDINATOR, organisation)
    db.session.commit()
    return membership
