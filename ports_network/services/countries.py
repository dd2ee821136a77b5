"""Countries of the network: added by ISO 3166-1 alpha-2 code, marked SELA members, archived."""

from dataclasses import dataclass

import pycountry
import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..models import Country, User
from .changes import create_recorded, save_changes, taken_by_another

# SELA's 25 member states, from the lists of "SELA member countries" in its 2024 annual report
# (shared/seeds 003:271, 003:307, 003:503, 003:603, 003:679, 003:799, 003:885), whose union is exactly 25
# countries. Costa Rica (003:273, 003:605) and Jamaica (003:505) appear there among the "other" countries,
# so neither is a member although both have ports in the network.
# fmt: off
SELA_MEMBER_STATES = (
    "AR", "BS", "BB", "BZ", "BO", "BR", "CL", "CO", "CU", "DO", "EC", "SV", "GT",
    "GY", "HT", "HN", "MX", "NI", "PA", "PY", "PE", "SR", "TT", "UY", "VE",
)
# fmt: on


@dataclass(frozen=True)
class CountryData:
    """What the Secretariat gives to add a country."""

    alpha2: str
    sela_member: bool = True


@dataclass(frozen=True)
class CountryUpdate:
    """What can change on a country once added (its codes never change)."""

    sela_member: bool


def all_countries(locale: str) -> list[Country]:
    """Every country, archived ones included, sorted by its name in `locale`."""
    return sorted(db.session.scalars(sa.select(Country)), key=lambda country: country.name_in(locale))


def country_choices(locale: str, keep: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of live countries for a select, plus `keep` (the current value) even if archived."""
    return [
        (country.id, country.name_in(locale))
        for country in all_countries(locale)
        if not country.archived or country.id == keep
    ]


def usable_country(country_id: int | None, current_id: int | None = None) -> Country:
    """The country chosen for a row: it must exist and be live, unless the row already had it."""
    country = db.session.get(Country, country_id) if country_id else None
    if country is None or (country.archived and country.id != current_id):
        raise DomainError(_("Choose one of the network's countries."), field="country_id")
    return country


def _iso_record(code: str) -> object:
    record = pycountry.countries.get(alpha_2=code) if len(code) == 2 and code.isalpha() else None  # noqa: PLR2004
    if record is None:
        message = _(
            "“%(code)s” is not an ISO 3166-1 alpha-2 country code (two letters, such as PE or BR).", code=code
        )
        raise DomainError(message, field="alpha2")
    return record


def add_country(actor: User | None, data: CountryData) -> Country:
    """Add a country by its ISO code; alpha-3 comes from pycountry. Refuses unknown and duplicate codes."""
    code = data.alpha2.strip().upper()
    record = _iso_record(code)

    def duplicate() -> DomainError:
        return DomainError(_("%(code)s is already in the network.", code=code), field="alpha2")

    if taken_by_another(Country, None, Country.alpha2 == code):
        raise duplicate()
    country = Country(alpha2=code, alpha3=record.alpha_3, sela_member=data.sela_member)
    return create_recorded(actor, country, "country.create", ("alpha2", "alpha3", "sela_member"), duplicate)


def update_country(actor: User | None, country: Country, data: CountryUpdate) -> Country:
    """Change whether the country is a SELA member."""
    return save_changes(actor, country, "country.update", {"sela_member": data.sela_member})


def set_archived(actor: User | None, country: Country, archived: bool) -> Country:
    """Archive a country (no new ports or organisations choose it) or bring it back."""
    action = "country.archive" if archived else "country.restore"
    return save_changes(actor, country, action, {"archived": archived})
