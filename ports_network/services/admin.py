"""Read models of the Secretariat's administration: dashboard figures and the community list."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CommunityStatus,
    Country,
    JoinRequest,
    MailStatus,
    Organisation,
    OutboxMail,
    Port,
    PortCommunity,
    RequestStatus,
    User,
)


@dataclass(frozen=True)
class Dashboard:
    """What the administration's front page counts (archived and deleted rows left out)."""

    countries: int
    ports: int
    communities: int
    organisations: int
    users: int
    pending_join_requests: int
    outbox_pending: int
    outbox_failed: int


def _count(column: sa.ColumnElement, *conditions: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count(column)).where(*conditions)) or 0


def dashboard() -> Dashboard:
    """Counts for the dashboard."""
    return Dashboard(
        countries=_count(Country.id, Country.archived.is_(False)),
        ports=_count(Port.id, Port.archived.is_(False)),
        communities=_count(PortCommunity.id, PortCommunity.status != CommunityStatus.ARCHIVED),
        organisations=_count(Organisation.id, Organisation.archived_at.is_(None)),
        users=_count(User.id, User.deleted_at.is_(None)),
        pending_join_requests=_count(JoinRequest.id, JoinRequest.status == RequestStatus.PENDING),
        outbox_pending=_count(OutboxMail.id, OutboxMail.status == MailStatus.PENDING),
        outbox_failed=_count(OutboxMail.id, OutboxMail.status == MailStatus.FAILED),
    )


def list_communities(country_id: int | None = None) -> list[PortCommunity]:
    """Every community, archived ones included, with country and ports loaded, by name."""
    query = (
        sa.select(PortCommunity)
        .options(sa.orm.joinedload(PortCommunity.country), sa.orm.selectinload(PortCommunity.ports))
        .order_by(PortCommunity.name, PortCommunity.id)
    )
    if country_id:
        query = query.where(PortCommunity.country_id == country_id)
    return list(db.session.scalars(query))
