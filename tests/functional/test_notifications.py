"""The notification centre: own notices only, marking read, following links safely, preferences."""

import re

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Delivery, Notification, NotificationPreference
from ports_network.services import notifications
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def notice(person, community: str = "Callao", link: str | None = "/communities/callao") -> Notification:
    created = Notification(
        user_id=person.id, kind="join_request.approved", params={"community": community}, link=link
    )
    db.session.add(created)
    db.session.commit()
    return created


@pytest.fixture
def signed_in(client, member):
    login_as(client, member)
    return member


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unread_count_answers_401_json_to_anonymous_scripts(client):
    response = client.get("/notifications/unread-count", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.is_json


def test_list_shows_own_notices_with_unread_ones_marked(client, signed_in, other_member):
    notice(signed_in, "Callao")
    read = notice(signed_in, "Paita")
    notifications.mark_read(signed_in, read.id)
    notice(other_member, "Manzanillo")
    page = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert "Welcome! Your request to join Callao was approved." in page
    assert "Welcome! Your request to join Paita was approved." in page
    assert "Manzanillo" not in page
    assert page.count('<span class="visually-hidden">Unread:</span>') == 1


def test_empty_list_says_so(client, signed_in):
    page = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert "You have no notifications yet." in page


def test_marking_one_notice_read(client, signed_in):
    mine = notice(signed_in)
    response = client.post(f"/notifications/{mine.id}/read")
    assert response.status_code == 302
    assert db.session.get(Notification, mine.id).read_at is not None


def test_someone_elses_notice_is_404_and_stays_unread(client, signed_in, other_member):
    theirs = notice(other_member)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, signed_in):
    mine = notice(signed_in, link="/communities/callao")
    response = client.post(f"/notifications/{mine.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/communities/callao"
    assert db.session.get(Notification, mine.id).read_at is not None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "/\\evil.example", None])
def test_opening_a_notice_never_leaves_the_site(client, signed_in, link):
    mine = notice(signed_in, link=link)
    response = client.post(f"/notifications/{mine.id}/open")
    assert response.headers["Location"] == "/notifications/"


def test_mark_all_read_leaves_other_peoples_notices_alone(client, signed_in, other_member):
    notice(signed_in), notice(signed_in)
    theirs = notice(other_member)
    response = client.post("/notifications/read-all", headers=EN, follow_redirects=True)
    assert "2 notices marked as read." in response.get_data(as_text=True)
    assert notifications.unread_count(signed_in) == 0
    assert db.session.get(Notification, theirs.id).read_at is None


def test_marking_read_needs_csrf(client, signed_in):
    mine = notice(signed_in)
    assert client.post(f"/notifications/{mine.id}/read", csrf=False).status_code == 400
    assert client.post("/notifications/read-all", csrf=False).status_code == 400
    assert db.session.get(Notification, mine.id).read_at is None


def test_unread_count_json(client, signed_in):
    notice(signed_in), notice(signed_in)
    response = client.get("/notifications/unread-count")
    assert response.get_json() == {"unread": 2}
    assert response.headers["Cache-Control"] == "no-store"


def test_nav_shows_the_unread_count(client, signed_in):
    notice(signed_in)
    page = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert '<span class="badge">1</span>' in page


def test_preferences_page_has_one_select_per_group(app, client, signed_in):
    page = client.get("/notifications/preferences", headers=EN).get_data(as_text=True)
    with app.test_request_context(headers=EN):
        labels = {group: str(label) for group, label in notifications.GROUPS.items()}
    for group, label in labels.items():
        assert re.search(rf'<select [^>]*id="{group}" name="{group}"', page)
        assert label in page
    assert "Daily digest by mail" in page


def test_saving_preferences(client, signed_in):
    choices = {group: Delivery.IMMEDIATE.value for group in notifications.GROUPS}
    choices["memberships"] = Delivery.DIGEST.value
    response = client.post("/notifications/preferences", data=choices, headers=EN, follow_redirects=True)
    assert "Your notification preferences were saved." in response.get_data(as_text=True)
    assert notifications.preferences(signed_in)["memberships"] == Delivery.DIGEST
    assert re.search(r'<option selected value="digest">', response.get_data(as_text=True))


def test_invalid_preference_is_refused_and_nothing_saved(client, signed_in):
    choices = {group: "sometimes" for group in notifications.GROUPS}
    response = client.post("/notifications/preferences", data=choices, headers=EN)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationPreference)) == 0
