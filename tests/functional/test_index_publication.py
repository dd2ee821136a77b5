"""The Secretariat's publication page (publish a data call, recompute the history) and peer-group screens."""

import json

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    PeerGroup,
    ScoreRun,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from ports_network.models.base import utcnow
from ports_network.services import index_results, methodologies

from .. import factories
from ..conftest import login_as
from .test_index_cli import DEFAULT_FILE


def accept(call, community, quality: float) -> Submission:
    """An accepted submission of `community` with every indicator at `quality` between its goalposts."""
    submission = factories.SubmissionFactory(
        data_call=call, community=community, status=SubmissionStatus.ACCEPTED, accepted_at=utcnow()
    )
    methodology = methodologies.load_engine_methodology(call.methodology_version)
    for indicator in methodology.indicators:
        low, high = indicator.goalposts.lower, indicator.goalposts.upper
        value = low + quality * (high - low)
        db.session.add(
            SubmissionValue(submission_id=submission.id, indicator_code=indicator.code, value=value)
        )
    db.session.commit()
    return submission


@pytest.fixture
def call(community, other_community):
    """The 2025 call of methodology 2.0 with both communities' submissions accepted."""
    data_call = factories.DataCallFactory(period="2025", communities=[community, other_community])
    accept(data_call, community, 0.3)
    accept(data_call, other_community, 0.7)
    return data_call


def statuses() -> set[SubmissionStatus]:
    return set(db.session.scalars(sa.select(Submission.status)))


def test_secretariat_publishes_a_call_from_the_publication_page(client, secretariat, call):
    login_as(client, secretariat)
    page = client.get("/index/results-admin")
    assert page.status_code == 200
    assert call.title in page.text and f"/index/calls/{call.id}/publish" in page.text

    response = client.post(f"/index/calls/{call.id}/publish", data={"confirm": "y"}, follow_redirects=True)

    assert response.status_code == 200
    assert "Published; the index was computed (periods 2025" in response.text
    assert statuses() == {SubmissionStatus.PUBLISHED}
    run = db.session.scalar(sa.select(ScoreRun))
    assert (run.reason, run.created_by_id) == ("publish", secretariat.id)
    assert "Sofia Secretariat" in response.text and "Publication" in response.text
    assert "No data call has accepted submissions waiting for publication." in response.text


def test_publishing_needs_the_confirmation_ticked(client, secretariat, call, community):
    login_as(client, secretariat)
    confirm_page = client.get(f"/index/calls/{call.id}/publish")
    assert confirm_page.status_code == 200 and community.name in confirm_page.text

    response = client.post(f"/index/calls/{call.id}/publish", data={})

    assert response.status_code == 422
    assert "Tick the box to confirm the publication." in response.text
    assert statuses() == {SubmissionStatus.ACCEPTED}
    assert db.session.scalar(sa.select(sa.func.count(ScoreRun.id))) == 0


def test_publishing_a_call_with_nothing_accepted_says_so(client, secretariat, community):
    empty = factories.DataCallFactory(period="2024", communities=[community])
    login_as(client, secretariat)

    response = client.post(f"/index/calls/{empty.id}/publish", data={"confirm": "y"})

    assert response.status_code == 422
    assert "there is nothing to publish" in response.text


@pytest.mark.parametrize("persona", ["member", "coordinator"])
def test_only_the_secretariat_reaches_the_publication_pages(client, request, call, persona):
    login_as(client, request.getfixturevalue(persona))
    version_id = call.methodology_version.id

    assert client.get("/index/results-admin").status_code == 403
    assert client.get(f"/index/calls/{call.id}/publish").status_code == 403
    assert client.post(f"/index/calls/{call.id}/publish", data={"confirm": "y"}).status_code == 403
    assert client.post(f"/index/methodologies/{version_id}/recompute").status_code == 403
    assert statuses() == {SubmissionStatus.ACCEPTED}


def test_recompute_button_adds_a_run_under_a_new_version_and_keeps_the_old(client, secretariat, call):
    first = index_results.publish(secretariat, call)
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"] = "2.1"
    second_version = methodologies.import_methodology(json.dumps(document), freeze=True)
    login_as(client, secretariat)

    response = client.post(f"/index/methodologies/{second_version.id}/recompute", follow_redirects=True)

    assert "The history was recomputed (periods 2025" in response.text
    assert [run.id for run in index_results.runs("2.0")] == [first.id]
    assert index_results.current_run("2.1").reason == "recompute"
    assert response.text.count("Recompute the history under this version") == 2


def test_recompute_with_nothing_published_is_refused_with_a_message(client, secretariat, call):
    login_as(client, secretariat)

    response = client.post(
        f"/index/methodologies/{call.methodology_version.id}/recompute", follow_redirects=True
    )

    assert "Nothing is published yet for methodology 2.0." in response.text
    assert db.session.scalar(sa.select(sa.func.count(ScoreRun.id))) == 0


# ------------------------------------------------------------------------------------------- peer groups


def test_secretariat_adds_a_peer_group_with_its_communities(client, secretariat, community):
    login_as(client, secretariat)
    assert client.get("/admin/peer-groups/new").status_code == 200

    response = client.post(
        "/admin/peer-groups/new",
        data={
            "code": "pacific",
            "name_en": "Pacific coast",
            "name_es": "Costa del Pacífico",
            "community_ids": [community.id],
        },
        follow_redirects=True,
    )

    assert response.status_code == 200 and "Pacific coast" in response.text
    group = db.session.scalar(sa.select(PeerGroup))
    assert (group.code, group.name, [c.id for c in group.communities]) == (
        "pacific",
        {"en": "Pacific coast", "es": "Costa del Pacífico"},
        [community.id],
    )
    assert db.session.scalar(sa.select(AuditEvent.action)) == "peer_group.create"


def test_moving_a_community_between_peer_groups_must_be_explicit(client, secretariat, community):
    pacific = PeerGroup(code="pacific", name={"en": "Pacific"}, communities=[community])
    caribbean = PeerGroup(code="caribbean", name={"en": "Caribbean"}, communities=[])
    db.session.add_all([pacific, caribbean])
    db.session.commit()
    login_as(client, secretariat)
    url = f"/admin/peer-groups/{caribbean.id}/edit"
    assert "(now in Pacific)" in client.get(url).text

    refused = client.post(url, data={"name_en": "Caribbean", "community_ids": [community.id]})

    assert refused.status_code == 422 and "Already in another peer group" in refused.text
    moved = client.post(url, data={"name_en": "Caribbean", "community_ids": [community.id], "move": "y"})
    assert moved.status_code == 302
    db.session.expire_all()
    assert [c.id for c in caribbean.communities] == [community.id] and pacific.communities == []


def test_secretariat_deletes_a_peer_group(client, secretariat, community):
    group = PeerGroup(code="pacific", name={"en": "Pacific"}, communities=[community])
    db.session.add(group)
    db.session.commit()
    login_as(client, secretariat)

    response = client.post(f"/admin/peer-groups/{group.id}/delete", follow_redirects=True)

    assert "Deleted." in response.text
    assert db.session.scalar(sa.select(sa.func.count(PeerGroup.id))) == 0


def test_a_peer_group_code_is_checked(client, secretariat):
    login_as(client, secretariat)

    response = client.post("/admin/peer-groups/new", data={"code": "Not a code!", "name_en": "X"})

    assert response.status_code == 422 and "lowercase letters, digits and hyphens" in response.text


def test_non_secretariat_cannot_open_the_peer_group_screens(client, coordinator):
    login_as(client, coordinator)

    assert client.get("/admin/peer-groups/").status_code == 403
    assert client.post("/admin/peer-groups/new", data={"code": "x", "name_en": "X"}).status_code == 403
