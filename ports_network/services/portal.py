"""What the public portal shows: the network in figures and its communities by country."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import CommunityStatus, Country, Port, PortCommunity, community_port


@dataclass(frozen=True)
class NetworkFigures:
    """Headline numbers for the home page."""

    countries: int
    communities: int
    ports: int


def network_figures() -> NetworkFigures:
    """Countries, communities and ports currently in the network (archived ones excluded)."""
    live = PortCommunity.status != CommunityStatus.ARCHIVED
    communities = db.session.scalar(sa.select(sa.func.count(PortCommunity.id)).where(live)) or 0
    countries = (
        db.session.scalar(sa.select(sa.func.count(sa.distinct(PortCommunity.country_id))).where(live)) or 0
    )
    ports = (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(community_port.c.port_id)))
            .join(PortCommunity, PortCommunity.id == community_port.c.community_id)
            .where(live)
        )
        or 0
    )
    return NetworkFigures(countries=countries, communities=communities, ports=ports)


def communities_by_country(locale: str) -> list[tuple[Country, list[PortCommunity]]]:
    """Live communities grouped by country, countries sorted by their name in `locale`."""
    rows = db.session.scalars(
        sa.select(PortCommunity)
        .where(PortCommunity.status != CommunityStatus.ARCHIVED)
        .options(sa.orm.selectinload(PortCommunity.ports).selectinload(Port.country))
        .options(sa.orm.joinedload(PortCommunity.country))
        .order_by(PortCommunity.name)
    )
    return group_by_country(rows, locale)


def group_by_country(
    communities: Iterable[PortCommunity], locale: str
) -> list[tuple[Country, list[PortCommunity]]]:
    """Communities grouped by country (keeping their order), countries sorted by their name in `locale`."""
    grouped: dict[int, tuple[Country, list[PortCommunity]]] = {}
    for community in communities:
        grouped.setdefault(community.country_id, (community.country, []))[1].append(community)
    return sorted(grouped.values(), key=lambda pair: pair[0].name_in(locale))
