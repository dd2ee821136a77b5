"""Demo data from the real network (seed_data/network.json); running it twice changes nothing."""

import json
import logging
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import pycountry
import sqlalchemy as sa

from ..extensions import db
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
    Sector,
    StakeholderType,
    SupportStage,
    User,
    Visibility,
)
from ..models.base import utcnow
from . import committee_seed, event_seed, material_seed, methodologies, seed_index
from . import countries as countries_service
from .passwords import hash_password

logger = logging.getLogger(__name__)

DESCRIPTIONS = {
    "es": "Comunidad logística portuaria de {ports} ({country}), miembro de la Red desde {year}.",
    "en": "Port logistics community of {ports} ({country}), member of the Network since {year}.",
    "pt": "Comunidade logística portuária de {ports} ({country}), membro da Rede desde {year}.",
}


@dataclass
class SeedReport:
    """How many rows the seed created (zero on a second run)."""

    created: int = 0


def load_network_data() -> dict[str, Any]:
    """The demo data file shipped with the package."""
    text = resources.files("ports_network.seed_data").joinpath("network.json").read_text(encoding="utf-8")
    return json.loads(text)


def _get_or_create(model: type, lookup: dict[str, Any], report: SeedReport, **fields: Any) -> Any:
    instance = db.session.scalar(sa.select(model).filter_by(**lookup))
    if instance is None:
        instance = model(**lookup, **fields)
        db.session.add(instance)
        db.session.flush()
        report.created += 1
    return instance


def _seed_countries(data: dict[str, Any], report: SeedReport) -> dict[str, Country]:
    countries = {}
    for entry in data["countries"]:
        record = pycountry.countries.get(alpha_2=entry["alpha2"])
        countries[entry["alpha2"]] = _get_or_create(
            Country,
            {"alpha2": entry["alpha2"]},
            report,
            alpha3=record.alpha_3,
            sela_member=entry["sela_member"],
        )
    for code in countries_service.SELA_MEMBER_STATES:  # members without ports, for event statistics
        if code not in countries:
            record = pycountry.countries.get(alpha_2=code)
            _get_or_create(Country, {"alpha2": code}, report, alpha3=record.alpha_3, sela_member=True)
    return countries


def _seed_community(entry: dict[str, Any], country: Country, report: SeedReport) -> PortCommunity:
    ports = [
        _get_or_create(
            Port,
            {"unlocode": p["unlocode"]},
            report,
            name=p["name"],
            country=country,
            latitude=p["lat"],
            longitude=p["lon"],
        )
        for p in entry["ports"]
    ]
    port_names = ", ".join(port.name for port in ports)
    mou = entry.get("mou")
    community = _get_or_create(
        PortCommunity,
        {"slug": entry["slug"]},
        report,
        name=entry["name"],
        country=country,
        phase=Phase(entry["phase"]),
        joined_year=entry["joined_year"],
        status=CommunityStatus.ACTIVE,
        support_stage=SupportStage(entry["stage"]),
        mou_signed=mou is not None,
        mou_signed_on=date.fromisoformat(mou["signed_on"]) if mou else None,
        mou_signatory=mou["signatory"] if mou else None,
        description={
            locale: text.format(ports=port_names, country=country.name_in(locale), year=entry["joined_year"])
            for locale, text in DESCRIPTIONS.items()
        },
    )
    if not community.ports:
        community.ports = ports
    for name, kind, sector in entry["organisations"]:
        _get_or_create(
            Organisation,
            {"name": name, "country_id": country.id},
            report,
            stakeholder_type=StakeholderType(kind),
            sector=Sector(sector),
        )
    return community


def _seed_user(entry: dict[str, Any], password_hash: str, report: SeedReport) -> None:
    user = _get_or_create(
        User,
        {"email": entry["email"]},
        report,
        name=entry["name"],
        password_hash=password_hash,
        preferred_locale=entry["locale"],
        email_confirmed_at=utcnow(),
        is_secretariat=entry.get("secretariat", False),
        visibility=Visibility(entry.get("visibility", "community")),
        job_title=entry.get("job_title"),
        show_email=entry.get("visibility") == "network",
    )
    if "community" not in entry:
        return
    community = db.session.scalar(sa.select(PortCommunity).filter_by(slug=entry["community"]))
    organisation = db.session.scalar(
        sa.select(Organisation).filter_by(name=entry["organisation"], country_id=community.country_id)
    )
    _get_or_create(
        Membership,
        {"user_id": user.id, "community_id": community.id, "status": MembershipStatus.ACTIVE},
        report,
        organisation_id=organisation.id,
        role=CommunityRole(entry["role"]),
    )


def seed_demo() -> SeedReport:
    """Load countries, ports, communities, organisations, demo users, governance bodies, methodology 2.0,
    the 2026 data call, the peer groups, the events and the library's materials; idempotent."""
    data = load_network_data()
    report = SeedReport()
    countries = _seed_countries(data, report)
    for entry in data["communities"]:
        _seed_community(entry, countries[entry["country"]], report)
    password_hash = hash_password(data["demo_password"])
    for entry in data["demo_users"]:
        _seed_user(entry, password_hash, report)
    report.created += committee_seed.seed_committees()  # bodies, seats, a scheduled and a past session
    db.session.commit()
    committee_seed.seed_committee_rooms()  # commits on its own
    report.created += methodologies.ensure_default()  # commits on its own; an existing 2.0 is left alone
    report.created += seed_index.seed_index_demo()  # the 2026 data call (under 2.0) and the peer groups
    report.created += event_seed.seed_events()  # the network's events and an upcoming workshop; commits
    report.created += material_seed.seed_materials()  # the library's demo documents; commits
    logger.info("demo seed created %d rows", report.created)
    return report


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, password, what the account is) for the README and the start command's banner."""
    data = load_network_data()
    logins = []
    for entry in data["demo_users"]:
        role = "secretariat" if entry.get("secretariat") else entry.get("role", "registered, no community")
        where = f" ({entry['community']})" if "community" in entry else ""
        logins.append((entry["email"], data["demo_password"], role + where))
    return logins
