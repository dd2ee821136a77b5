"""Organisations taking part in communities: validation, archiving, logos and find-or-create for joining."""

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..errors import DomainError
from ..extensions import db
from ..models import Country, Organisation, Sector, StakeholderType, User
from ..models.base import utcnow
from . import audit, storage
from .changes import create_recorded, save_changes, snapshot
from .countries import usable_country
from .text_input import one_line

AUDITED = ("name", "stakeholder_type", "sector", "country_id", "website")
MAX_WEBSITE = 300


@dataclass(frozen=True)
class OrganisationData:
    """An organisation as the Secretariat enters it."""

    name: str
    stakeholder_type: StakeholderType
    sector: Sector
    country_id: int | None
    website: str | None = None


def list_organisations(
    country_id: int | None = None, stakeholder_type: StakeholderType | None = None
) -> list[Organisation]:
    """Organisations (archived ones included), optionally of one country and one stakeholder type."""
    query = sa.select(Organisation).options(sa.orm.joinedload(Organisation.country))
    if country_id:
        query = query.where(Organisation.country_id == country_id)
    if stakeholder_type:
        query = query.where(Organisation.stakeholder_type == stakeholder_type)
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.id)))


def organisation_choices() -> list[tuple[int, str]]:
    """(id, "name (country code)") of live organisations, for a select."""
    return [
        (organisation.id, f"{organisation.name} ({organisation.country.alpha2})")
        for organisation in list_organisations()
        if organisation.archived_at is None
    ]


def clean_website(raw: str | None, field: str = "website") -> str | None:
    """A web address with an http(s) scheme and a host, or None when blank; else DomainError on `field`."""
    url = (raw or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in url or len(url) > MAX_WEBSITE:
        raise DomainError(_("Enter a web address starting with http:// or https://."), field=field)
    return url


def _same_name(name: str, country_id: int, exclude: Organisation | None = None) -> Organisation | None:
    query = sa.select(Organisation).where(
        sa.func.lower(Organisation.name) == name.lower(), Organisation.country_id == country_id
    )
    if exclude is not None:
        query = query.where(Organisation.id != exclude.id)
    return db.session.scalars(query.limit(1)).first()


def _duplicate(name: str) -> DomainError:
    return DomainError(
        _("An organisation called “%(name)s” already exists in this country.", name=name), field="name"
    )


def _validated(data: OrganisationData, organisation: Organisation | None = None) -> dict[str, Any]:
    """Checked and normalised column values; raises DomainError before anything is changed."""
    name = one_line(data.name)
    if not name:
        raise DomainError(_("Give the organisation a name."), field="name")
    country = usable_country(data.country_id, organisation.country_id if organisation else None)
    if _same_name(name, country.id, organisation) is not None:
        raise _duplicate(name)
    return {
        "name": name,
        "stakeholder_type": StakeholderType(data.stakeholder_type),
        "sector": Sector(data.sector),
        "country_id": country.id,
        "website": clean_website(data.website),
    }


def create_organisation(actor: User | None, data: OrganisationData) -> Organisation:
    """Add an organisation; its name is unique (ignoring case) within its country."""
    values = _validated(data)
    organisation = Organisation(**values)
    conflict = partial(_duplicate, values["name"])
    return create_recorded(actor, organisation, "organisation.create", AUDITED, conflict)


def update_organisation(
    actor: User | None, organisation: Organisation, data: OrganisationData
) -> Organisation:
    """Change an organisation under the same rules as when it was added."""
    values = _validated(data, organisation)
    conflict = partial(_duplicate, values["name"])
    return save_changes(actor, organisation, "organisation.update", values, conflict)


def set_archived(actor: User | None, organisation: Organisation, archived: bool) -> Organisation:
    """Archive an organisation (kept for existing memberships' history) or bring it back."""
    if archived == (organisation.archived_at is not None):
        return organisation
    action = "organisation.archive" if archived else "organisation.restore"
    return save_changes(actor, organisation, action, {"archived_at": utcnow() if archived else None})


def find_or_create(  # noqa: PLR0917 - the positional interface the join-request approval calls
    name: str,
    stakeholder_type: StakeholderType,
    sector: Sector,
    country: Country,
    website: str | None,
    actor: User | None,
) -> Organisation:
    """The organisation of that name in the country (ignoring case, archived ones too), or a new one.

    Part of the caller's transaction: adds to the session and audits a creation, but does not commit.
    """
    clean_name = one_line(name)
    if not clean_name:
        raise DomainError(_("Give the organisation a name."), field="name")
    existing = _same_name(clean_name, country.id)
    if existing is not None:
        return existing
    organisation = Organisation(
        name=clean_name,
        stakeholder_type=StakeholderType(stakeholder_type),
        sector=Sector(sector),
        country_id=country.id,
        website=clean_website(website),
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.create", organisation, new=snapshot(organisation, AUDITED))
    return organisation


def set_logo(actor: User | None, organisation: Organisation, upload: FileStorage) -> Organisation:
    """Store an uploaded image as the organisation's logo, replacing (and deleting) the previous one."""
    previous = organisation.logo
    try:
        stored = storage.save_upload(upload, "logo", actor)
    except DomainError as error:
        raise DomainError(error.message, field="logo") from error
    organisation.logo = stored
    old = {"logo": previous.original_name if previous else None}
    audit.record(actor, "organisation.logo", organisation, old=old, new={"logo": stored.original_name})
    if previous is not None:
        storage.delete(previous)
    db.session.commit()
    return organisation


def remove_logo(actor: User | None, organisation: Organisation) -> Organisation:
    """Take the organisation's logo away and delete the file."""
    previous = organisation.logo
    if previous is None:
        return organisation
    organisation.logo = None
    old = {"logo": previous.original_name}
    audit.record(actor, "organisation.logo", organisation, old=old, new={"logo": None})
    storage.delete(previous)
    db.session.commit()
    return organisation
