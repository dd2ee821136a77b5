"""Demo data of the Competitiveness Index (seed_data/index.json): the open data call and the peer groups.

No values are seeded: the Network's documents publish none. Running it twice changes nothing, and
what the Secretariat changed since (a group's communities, a call's deadline) is left alone.
"""

import json
from datetime import datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import DataCall, DataCallStatus, PeerGroup, Phase, PortCommunity, peer_group_member
from . import methodologies


def load_index_data() -> dict[str, Any]:
    """The index demo data file shipped with the package."""
    text = resources.files("ports_network.seed_data").joinpath("index.json").read_text(encoding="utf-8")
    return json.loads(text)


def _seed_call(entry: dict[str, Any]) -> int:
    version = methodologies.get(entry["version"])
    exists = db.session.scalar(
        sa.select(DataCall.id).where(
            DataCall.methodology_version_id == version.id, DataCall.period == entry["period"]
        )
    )
    if exists is not None:
        return 0
    phases = [Phase(phase) for phase in entry["phases"]]
    communities = db.session.scalars(
        sa.select(PortCommunity).where(PortCommunity.phase.in_(phases)).order_by(PortCommunity.name)
    ).all()
    db.session.add(
        DataCall(
            methodology_version=version,
            period=entry["period"],
            title=entry["title"],
            deadline=datetime.fromisoformat(entry["deadline"]),
            status=DataCallStatus.OPEN,
            communities=list(communities),
        )
    )
    return 1


def _seed_group(entry: dict[str, Any]) -> int:
    if db.session.scalar(sa.select(PeerGroup.id).where(PeerGroup.code == entry["code"])) is not None:
        return 0
    grouped = sa.select(peer_group_member.c.community_id)
    communities = db.session.scalars(
        sa.select(PortCommunity).where(
            PortCommunity.slug.in_(entry["communities"]), PortCommunity.id.not_in(grouped)
        )
    ).all()
    group = PeerGroup(
        code=entry["code"],
        name=entry["name"],
        description=entry["description"],
        communities=list(communities),
    )
    db.session.add(group)
    db.session.flush()  # the next group must see these communities as taken
    return 1


def seed_index_demo() -> int:
    """Open the demo data call and add the peer groups unless they exist; the number of rows created."""
    data = load_index_data()
    created = sum(_seed_call(entry) for entry in data["data_calls"])
    created += sum(_seed_group(entry) for entry in data["peer_groups"])
    db.session.commit()
    return created
