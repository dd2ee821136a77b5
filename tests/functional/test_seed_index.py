"""`flask seed demo` opens the 2026 data call for the Phase I-II communities and adds peer groups by coast."""

from datetime import UTC, datetime

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import DataCall, DataCallStatus, PeerGroup, Phase, PortCommunity, SubmissionValue
from ports_network.services.seed import load_network_data


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_opens_the_2026_call_for_every_phase_one_and_two_community_without_values(app):
    seed(app)

    call = db.session.scalar(sa.select(DataCall))
    assert (call.period, call.methodology_version.version, call.status) == (
        "2026",
        "2.0",
        DataCallStatus.OPEN,
    )
    assert call.deadline == datetime(2027, 3, 31, 23, 59, tzinfo=UTC)
    expected = {c["slug"] for c in load_network_data()["communities"] if c["phase"] in ("I", "II")}
    assert {community.slug for community in call.communities} == expected and len(expected) == 15
    assert all(community.phase in (Phase.I, Phase.II) for community in call.communities)
    assert db.session.scalar(sa.select(sa.func.count(SubmissionValue.id))) == 0


def test_seed_adds_peer_groups_by_coast_and_twice_changes_nothing(app):
    seed(app)
    second = seed(app)

    groups = {group.code: group for group in db.session.scalars(sa.select(PeerGroup))}
    assert set(groups) == {"caribbean", "pacific-south-america"}
    caribbean = {community.slug for community in groups["caribbean"].communities}
    pacific = {community.slug for community in groups["pacific-south-america"].communities}
    assert {"cartagena", "kingston", "colon", "limon-moin"} <= caribbean
    assert {"callao", "valparaiso", "guayaquil", "buenaventura"} <= pacific
    assert not caribbean & pacific
    latitudes = {
        community.slug: community.ports[0].latitude
        for community in db.session.scalars(sa.select(PortCommunity))
    }
    assert all(latitudes[slug] > 8 for slug in caribbean)  # north of the Panama isthmus
    assert all(latitudes[slug] < 5 for slug in pacific)  # Buenaventura (3.9° N) and further south
    assert db.session.scalar(sa.select(sa.func.count(DataCall.id))) == 1
    assert "demo data: 0 rows created" in second.output


def test_seed_leaves_the_secretariats_changes_to_the_groups_alone(app):
    seed(app)
    group = db.session.scalar(sa.select(PeerGroup).where(PeerGroup.code == "caribbean"))
    group.communities = []
    db.session.commit()

    seed(app)

    db.session.expire_all()
    assert db.session.scalar(sa.select(PeerGroup).where(PeerGroup.code == "caribbean")).communities == []
