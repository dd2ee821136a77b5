"""Data-call pages: the Secretariat opens, changes, closes and reopens calls; members see their own."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import CommunityRole, DataCall, DataCallStatus, Notification, OutboxMail
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def _form(community, **changes) -> dict:
    """A complete new-call form under the default methodology (frozen), with some fields changed."""
    version = factories.default_methodology()
    deadline = utcnow() + timedelta(days=30)
    data = {
        "version": str(version.id),
        "period": "2025",
        "title": "Competitiveness index 2025",
        "deadline": deadline.date().isoformat(),
        "deadline_time": "18:00",
        "communities": [str(community.id)],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _calls() -> int:
    return db.session.scalar(sa.select(sa.func.count(DataCall.id)))


def test_secretariat_opens_a_call_through_the_form_and_focal_points_are_notified(
    client, secretariat, community, focal_point, member
):
    data = _form(community)
    login_as(client, secretariat)
    page = client.get("/index/calls/new", headers=EN).get_data(as_text=True)
    assert community.name in page and "Peru" in page and "UTC" in page
    response = client.post("/index/calls/new", data=data, headers=EN)
    call = db.session.scalar(sa.select(DataCall))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/index/calls/{call.id}")
    assert (call.period, call.deadline.hour, call.deadline.minute) == ("2025", 18, 0)
    assert db.session.scalars(sa.select(Notification.kind).filter_by(user_id=focal_point.id)).all() == [
        "index.data_call_opened"
    ]
    assert db.session.scalar(sa.select(OutboxMail).filter_by(recipient=focal_point.email)) is not None
    assert db.session.scalar(sa.select(Notification).filter_by(user_id=member.id)) is None
    shown = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Competitiveness index 2025" in shown and "Not started" in shown and "days left" in shown


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period": "2025-Q7"}, "Enter the period as a year (2025) or a quarter of a year (2025-Q2)."),
        ({"deadline": "2020-01-01"}, "The deadline must be in the future."),
        ({"communities": None}, "Choose at least one community."),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(client, secretariat, community, changes, message):
    login_as(client, secretariat)
    response = client.post("/index/calls/new", data=_form(community, **changes), headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _calls() == 0


def test_a_second_call_for_the_same_period_and_version_is_refused(client, secretariat, community):
    login_as(client, secretariat)
    client.post("/index/calls/new", data=_form(community), headers=EN)
    response = client.post("/index/calls/new", data=_form(community, title="Again"), headers=EN)
    assert response.status_code == 422
    assert "There is already a data call for this period and methodology version." in response.get_data(
        as_text=True
    )
    assert _calls() == 1


def test_members_see_the_calls_of_their_communities_and_others_get_404(
    client, community, member, other_community, other_member
):
    ours = factories.DataCallFactory(communities=[community], title="Our call")
    theirs = factories.DataCallFactory(communities=[other_community], title="Their call")
    login_as(client, member)
    listing = client.get("/index/calls", headers=EN).get_data(as_text=True)
    assert "Our call" in listing and "Their call" not in listing and "New data call" not in listing
    assert client.get(f"/index/calls/{ours.id}", headers=EN).status_code == 200
    assert client.get(f"/index/calls/{theirs.id}", headers=EN).status_code == 404
    login_as(client, other_member)
    assert client.get(f"/index/calls/{ours.id}", headers=EN).status_code == 404


def test_index_link_is_shown_to_network_members_only(client, member, outsider):
    assert "/index/calls" not in client.get("/", headers=EN).get_data(as_text=True)
    login_as(client, outsider)
    assert "/index/calls" not in client.get("/", headers=EN).get_data(as_text=True)
    login_as(client, member)
    assert "/index/calls" in client.get("/", headers=EN).get_data(as_text=True)


def test_secretariat_changes_closes_and_reopens_a_call(client, secretariat, community, other_community):
    newcomer = factories.MembershipFactory(community=other_community, role=CommunityRole.FOCAL_POINT).user
    call = factories.DataCallFactory(communities=[community], period="2025")
    login_as(client, secretariat)
    assert "New data call" in client.get("/index/calls", headers=EN).get_data(as_text=True)
    edit = client.get(f"/index/calls/{call.id}/edit", headers=EN).get_data(as_text=True)
    assert call.title in edit
    form = _form(community, title="Index 2025, extended")
    form["communities"] = [str(community.id), str(other_community.id)]
    response = client.post(f"/index/calls/{call.id}/edit", data=form, headers=EN)
    assert response.status_code == 302
    assert call.title == "Index 2025, extended" and len(call.communities) == 2
    assert db.session.scalars(sa.select(Notification.kind).filter_by(user_id=newcomer.id)).all() == [
        "index.data_call_opened"
    ]
    client.post(f"/index/calls/{call.id}/close", headers=EN)
    assert call.status == DataCallStatus.CLOSED
    page = client.get(f"/index/calls/{call.id}", headers=EN).get_data(as_text=True)
    assert "Reopen the data call" in page
    client.post(f"/index/calls/{call.id}/reopen", headers=EN)
    assert call.status == DataCallStatus.OPEN


def test_the_new_call_form_says_when_no_methodology_version_is_frozen(client, secretariat, community):
    login_as(client, secretariat)
    page = client.get("/index/calls/new", headers=EN).get_data(as_text=True)
    assert "There is no frozen methodology version yet" in page


def test_reporters_of_a_named_community_get_a_button_to_open_their_submission(
    client, secretariat, community, focal_point, validator
):
    call = factories.DataCallFactory(communities=[community])
    start = f"/index/calls/{call.id}/communities/{community.id}/submission"
    login_as(client, validator)
    assert start not in client.get(f"/index/calls/{call.id}", headers=EN).get_data(as_text=True)
    login_as(client, focal_point)
    page = client.get(f"/index/calls/{call.id}", headers=EN).get_data(as_text=True)
    assert start in page and "Open our submission" in page
    call.status = DataCallStatus.CLOSED
    db.session.commit()
    assert start not in client.get(f"/index/calls/{call.id}", headers=EN).get_data(as_text=True)
