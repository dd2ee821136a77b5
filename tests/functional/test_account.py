"""A person's own account through HTTP: profile, password, email, privacy, picture, data export, deletion."""

import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import render_template_string
from PIL import Image

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Notification,
    OutboxMail,
    RequestStatus,
    StoredFile,
    User,
    Visibility,
)
from ports_network.services import notifications, passwords
from tests import factories
from tests.conftest import login_as

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://localhost(/\S+)")
EN = {"Accept-Language": "en"}


def mails_to(recipient: str) -> list[OutboxMail]:
    """Queued messages for one address, oldest first."""
    query = sa.select(OutboxMail).where(OutboxMail.recipient == recipient).order_by(OutboxMail.id)
    return list(db.session.scalars(query))


def png(size: tuple[int, int] = (8, 8)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def signed_in(client, member):
    login_as(client, member)
    return member


# ------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize(
    "path",
    [
        "/account/",
        "/account/edit",
        "/account/password",
        "/account/email",
        "/account/privacy",
        "/account/picture",
        "/account/data",
        "/account/delete",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in_from_account_pages(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_profile_page_shows_own_data_and_communities(client, signed_in, community):
    signed_in.job_title = "Harbour master"
    signed_in.bio = "I <script>coordinate</script> berths."
    db.session.commit()
    page = client.get("/account/", headers=EN).get_data(as_text=True)
    assert "Mara Member" in page and signed_in.email in page and "Harbour master" in page
    assert "Callao port logistics community" in page
    assert "&lt;script&gt;coordinate&lt;/script&gt;" in page
    assert "Members of my communities" in page
    assert "Please confirm your email address." not in page


# ------------------------------------------------------------------------------------------ profile


def test_editing_the_profile_saves_it(client, signed_in, community):
    response = client.post(
        "/account/edit",
        data={
            "name": "  Mara   Marina ",
            "job_title": "Analyst",
            "phone": "+51 1 555 0100",
            "bio": "Line one\nLine two",
            "country_id": str(community.country_id),
            "preferred_locale": "pt",
        },
    )
    assert response.headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    assert (signed_in.name, signed_in.job_title, signed_in.phone) == (
        "Mara Marina",
        "Analyst",
        "+51 1 555 0100",
    )
    assert signed_in.country_id == community.country_id and signed_in.preferred_locale == "pt"
    (event,) = events("account.profile_updated")
    assert "bio" in event.new["fields"] and "+51" not in str(event.new)


def test_the_country_may_be_left_empty(client, signed_in, community):
    signed_in.country_id = community.country_id
    db.session.commit()
    client.post("/account/edit", data={"name": "Mara Member", "country_id": "", "preferred_locale": "en"})
    db.session.refresh(signed_in)
    assert signed_in.country_id is None


def test_a_bio_longer_than_2000_characters_is_refused(client, signed_in):
    response = client.post(
        "/account/edit",
        data={"name": "Mara Member", "bio": "x" * 2001, "country_id": "", "preferred_locale": "en"},
        headers=EN,
    )
    assert response.status_code == 422
    db.session.refresh(signed_in)
    assert signed_in.bio is None


def test_an_unknown_country_is_refused(client, signed_in):
    response = client.post(
        "/account/edit", data={"name": "Mara", "country_id": "999999", "preferred_locale": "en"}
    )
    assert response.status_code == 422


def test_an_empty_name_is_refused(client, signed_in):
    response = client.post(
        "/account/edit", data={"name": "   ", "country_id": "", "preferred_locale": "en"}, headers=EN
    )
    assert response.status_code == 422
    assert "Tell us your name." in response.get_data(as_text=True)


# ------------------------------------------------------------------------------------------ password


def test_changing_the_password_needs_the_current_one(client, signed_in):
    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=EN,
    )
    assert response.status_code == 422
    assert "Your password is not correct." in response.get_data(as_text=True)
    db.session.refresh(signed_in)
    assert passwords.verify_password(signed_in.password_hash, factories.PASSWORD)


def test_changing_the_password_signs_out_other_devices_but_not_this_one(client, app, signed_in):
    other_device = app.test_client()
    login_as(other_device, signed_in)
    old_token = signed_in.session_token
    response = client.post(
        "/account/password", data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    assert signed_in.session_token != old_token
    assert passwords.verify_password(signed_in.password_hash, NEW_PASSWORD)
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    assert len(events("account.password_changed")) == 1


def test_the_new_password_follows_the_same_rules(client, signed_in):
    response = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "new_password": signed_in.email},
        headers=EN,
    )
    assert response.status_code == 422
    assert "must not be your email address" in response.get_data(as_text=True)


# ------------------------------------------------------------------------------------------ email address


def test_changing_the_email_needs_the_password(client, signed_in):
    response = client.post(
        "/account/email", data={"email": "new@example.org", "password": "wrong one"}, headers=EN
    )
    assert response.status_code == 422
    assert mails_to("new@example.org") == []


def test_changing_to_an_address_in_use_is_refused(client, signed_in, outsider):
    response = client.post(
        "/account/email", data={"email": outsider.email, "password": factories.PASSWORD}, headers=EN
    )
    assert response.status_code == 422
    assert "Another account already uses this email address." in response.get_data(as_text=True)


def test_the_email_changes_only_when_the_new_address_is_confirmed(client, signed_in):
    old_email = signed_in.email
    client.post("/account/email", data={"email": " New@Example.org ", "password": factories.PASSWORD})
    db.session.refresh(signed_in)
    assert signed_in.email == old_email
    (mail,) = mails_to("new@example.org")
    assert mail.subject == "Confirm your new email address"
    path = LINK.search(mail.body).group(1)
    assert "new@example.org" in client.get(path, headers=EN).get_data(as_text=True)
    db.session.refresh(signed_in)
    assert signed_in.email == old_email
    assert client.post(path).headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    assert signed_in.email == "new@example.org" and signed_in.is_confirmed
    (notice,) = mails_to(old_email)
    assert "new@example.org" in notice.body
    assert len(events("account.email_changed")) == 1
    assert client.post(path).status_code == 400  # the link is spent once the address changed


def test_a_confirmation_link_for_a_previous_address_no_longer_works(client, signed_in):
    from ports_network.services import tokens

    token = tokens.make_token("confirm-email", {"user": signed_in.id, "email": signed_in.email})
    signed_in.email = "moved@example.org"
    signed_in.email_confirmed_at = None
    db.session.commit()
    assert client.post(f"/auth/confirm/{token}").status_code == 400
    db.session.refresh(signed_in)
    assert not signed_in.is_confirmed


# ------------------------------------------------------------------------------------------ privacy


def test_privacy_settings_are_saved_and_audited(client, signed_in):
    page = client.get("/account/privacy", headers=EN).get_data(as_text=True)
    assert "All members of the network" in page
    response = client.post(
        "/account/privacy", data={"visibility": "network", "show_email": "y", "share_presence": "y"}
    )
    assert response.headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    assert signed_in.visibility == Visibility.NETWORK and signed_in.show_email and not signed_in.show_phone
    (event,) = events("account.privacy_changed")
    assert event.old == {"visibility": "community", "show_email": False}
    assert event.new == {"visibility": "network", "show_email": True}


def test_an_unknown_visibility_is_refused(client, signed_in):
    assert client.post("/account/privacy", data={"visibility": "everyone"}).status_code == 422
    db.session.refresh(signed_in)
    assert signed_in.visibility == Visibility.COMMUNITY


# ------------------------------------------------------------------------------------------ picture


def test_uploading_a_picture_shows_it_on_the_profile(client, signed_in):
    response = client.post(
        "/account/picture", data={"picture": (png(), "me.png")}, content_type="multipart/form-data"
    )
    assert response.headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    stored = db.session.get(StoredFile, signed_in.avatar_id)
    assert stored.purpose == "avatar" and stored.uploaded_by_id == signed_in.id
    page = client.get("/account/").get_data(as_text=True)
    assert f"/files/{stored.public_id}" in page
    assert client.get(f"/files/{stored.public_id}").status_code == 200


def test_a_new_picture_replaces_the_old_one(client, signed_in):
    client.post("/account/picture", data={"picture": (png(), "one.png")}, content_type="multipart/form-data")
    db.session.refresh(signed_in)
    first = signed_in.avatar_id
    client.post(
        "/account/picture", data={"picture": (png((9, 9)), "two.png")}, content_type="multipart/form-data"
    )
    db.session.refresh(signed_in)
    assert signed_in.avatar_id != first
    assert db.session.get(StoredFile, first) is None
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1


def test_a_file_that_is_not_an_image_is_refused(client, signed_in):
    response = client.post(
        "/account/picture",
        data={"picture": (io.BytesIO(b"just some text, not an image"), "me.png")},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 422
    assert "This type of file is not accepted here." in response.get_data(as_text=True)
    db.session.refresh(signed_in)
    assert signed_in.avatar_id is None


def test_removing_the_picture_deletes_it(client, signed_in):
    client.post("/account/picture", data={"picture": (png(), "me.png")}, content_type="multipart/form-data")
    response = client.post("/account/picture/remove")
    assert response.headers["Location"] == "/account/"
    db.session.refresh(signed_in)
    assert signed_in.avatar_id is None
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0


# ------------------------------------------------------------------------------------------ data export


def test_downloading_my_data_gives_a_json_file_with_everything_about_me(client, signed_in, community):
    db.session.add(
        JoinRequest(
            user_id=signed_in.id,
            community_id=community.id,
            proposed_name="Port Lab",
            motivation="To share data",
        )
    )
    db.session.add(
        Invitation(
            email=signed_in.email,
            community_id=community.id,
            organisation_id=signed_in.memberships[0].organisation_id,
            invited_by_id=signed_in.id,
        )
    )
    notifications.notify(signed_in, "membership.removed", {"community": "Somewhere"})
    db.session.commit()
    client.post("/account/privacy", data={"visibility": "hidden"})
    response = client.get("/account/data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=ports-network-my-data.json"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == signed_in.email and data["profile"]["name"] == "Mara Member"
    (membership,) = data["memberships"]
    assert membership["community"] == "Callao port logistics community"
    assert membership["role"] == "member" and membership["status"] == "active" and membership["started_at"]
    assert data["join_requests"][0]["organisation"] == "Port Lab"
    assert data["invitations"][0]["community"] == "Callao port logistics community"
    assert data["notifications"][0]["text"] == "You are no longer a member of Somewhere."
    assert data["notification_preferences"]["memberships"] == "immediate"
    assert [event["action"] for event in data["audit_events"]] == ["account.privacy_changed"]


def test_the_data_export_holds_only_my_own_data(client, signed_in, other_member):
    notifications.notify(other_member, "membership.removed", {"community": "Elsewhere"})
    db.session.commit()
    data = client.get("/account/data").get_json()
    assert "Otto Other" not in json.dumps(data) and data["notifications"] == []


# ------------------------------------------------------------------------------------------ deletion


def test_deleting_needs_the_password_and_the_checkbox(client, signed_in):
    wrong = client.post("/account/delete", data={"password": "not it at all", "confirm": "y"}, headers=EN)
    assert wrong.status_code == 422 and "Your password is not correct." in wrong.get_data(as_text=True)
    unticked = client.post("/account/delete", data={"password": factories.PASSWORD}, headers=EN)
    assert unticked.status_code == 422 and "Tick the box to confirm." in unticked.get_data(as_text=True)
    db.session.refresh(signed_in)
    assert not signed_in.is_deleted


def test_deleting_the_account_anonymises_it_and_ends_participation(
    client, app, signed_in, community, other_community
):
    email, user_id = signed_in.email, signed_in.id
    signed_in.phone, signed_in.bio, signed_in.job_title = "+51 1", "Bio", "Chief"
    client.post("/account/picture", data={"picture": (png(), "me.png")}, content_type="multipart/form-data")
    client.post("/account/privacy", data={"visibility": "network"})
    db.session.add(JoinRequest(user_id=user_id, community_id=other_community.id, proposed_name="Port Lab"))
    notifications.notify(signed_in, "membership.removed", {"community": "Somewhere"})
    db.session.commit()
    other_device = app.test_client()
    login_as(other_device, signed_in)

    response = client.post("/account/delete", data={"password": factories.PASSWORD, "confirm": "y"})
    assert response.headers["Location"] == "/"

    user = db.session.get(User, user_id)
    assert user.is_deleted and not user.is_active
    assert user.name == "Deleted member" and user.email == f"deleted-{user_id}@invalid.example"
    assert user.password_hash is None and (user.phone, user.bio, user.job_title) == (None, None, None)
    assert user.avatar_id is None and db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
    assert user.visibility == Visibility.HIDDEN
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user_id))
    assert membership.status == MembershipStatus.LEFT and membership.ended_at is not None
    request = db.session.scalar(sa.select(JoinRequest).where(JoinRequest.user_id == user_id))
    assert request.status == RequestStatus.WITHDRAWN
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    authored = {
        event.action
        for event in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.actor_id == user_id))
    }
    assert {"account.privacy_changed", "account.deleted"} <= authored
    assert client.get("/account/").status_code == 302
    assert other_device.get("/account/").status_code == 302
    login = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD}, headers=EN)
    assert login.status_code == 422


def test_a_deleted_account_cannot_sign_in_even_with_its_anonymised_address(client, signed_in):
    client.post("/account/delete", data={"password": factories.PASSWORD, "confirm": "y"})
    db.session.refresh(signed_in)
    response = client.post("/auth/login", data={"email": signed_in.email, "password": factories.PASSWORD})
    assert response.status_code == 422


def test_templates_show_a_deleted_member_by_the_display_name_filter(app, client, signed_in):
    client.post("/account/delete", data={"password": factories.PASSWORD, "confirm": "y"})
    db.session.refresh(signed_in)
    with app.test_request_context(headers=EN):
        assert render_template_string("{{ user|display_name }}", user=signed_in) == "Deleted member"
        assert (
            render_template_string("{{ user|display_name }}", user=factories.UserFactory(name="Ana")) == "Ana"
        )
