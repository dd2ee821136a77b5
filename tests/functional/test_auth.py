"""Registration, email confirmation, sign-in (rate limited), sign-out and password reset, through HTTP."""

import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from ports_network.extensions import db
from ports_network.models import AuditEvent, OutboxMail, User
from ports_network.services import passwords
from tests import factories
from tests.conftest import login_as

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://localhost(/\S+)")


def mails_to(recipient: str) -> list[OutboxMail]:
    """Queued messages for one address, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMail).where(OutboxMail.recipient == recipient).order_by(OutboxMail.id)
        )
    )


def link_in(mail: OutboxMail) -> str:
    """The site path of the (single) link in a mail."""
    return LINK.search(mail.body).group(1)


def register(client, **fields):
    data = {
        "name": "Rosa Registrant",
        "email": "rosa@example.org",
        "password": "long enough secret",
        "preferred_locale": "en",
    }
    data.update(fields)
    return client.post("/auth/register", data=data, headers={"Accept-Language": "en"})


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def sign_in(client, email, password=factories.PASSWORD, **extra):
    return client.post(
        "/auth/login", data={"email": email, "password": password, **extra}, headers={"Accept-Language": "en"}
    )


# ------------------------------------------------------------------------------------------ registration


def test_registration_creates_an_unconfirmed_account_signs_in_and_mails_a_confirmation_link(client):
    response = register(client, email="  Rosa@Example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    user = user_by_email("rosa@example.org")
    assert user is not None and not user.is_confirmed
    assert passwords.verify_password(user.password_hash, "long enough secret")
    assert user.preferred_locale == "en"
    (mail,) = mails_to("rosa@example.org")
    assert mail.subject == "Confirm your email address"
    assert link_in(mail).startswith("/auth/confirm/")
    page = client.get("/account/").get_data(as_text=True)
    assert "rosa@example.org" in page
    assert "Please confirm your email address." in page


def test_registration_is_audited_without_contact_details(client):
    register(client)
    user = user_by_email("rosa@example.org")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.registered"))
    assert event.actor_id == user.id and event.subject_id == user.id
    assert "rosa@example.org" not in str(event.new)


def test_registration_refuses_a_password_shorter_than_ten_characters(client):
    response = register(client, password="short1234")
    assert response.status_code == 422
    assert "Use at least 10 characters for your password." in response.get_data(as_text=True)
    assert user_by_email("rosa@example.org") is None


def test_registration_refuses_a_password_equal_to_the_email_address(client):
    response = register(client, email="rosa@example.org", password="ROSA@example.org")
    assert response.status_code == 422
    assert "Your password must not be your email address." in response.get_data(as_text=True)
    assert user_by_email("rosa@example.org") is None


def test_registration_refuses_an_address_already_registered_whatever_its_case(client, outsider):
    response = register(client, email=outsider.email.upper())
    assert response.status_code == 422
    assert "An account with this email address already exists." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert mails_to(outsider.email) == []


def test_registration_refuses_an_invalid_email_address(client):
    response = register(client, email="not-an-address")
    assert response.status_code == 422
    assert "Enter a valid email address" in response.get_data(as_text=True)


def test_registration_form_offers_the_current_language_by_default(client):
    page = client.get("/auth/register", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert re.search(r'<option selected value="pt">|<option value="pt" selected>', page)


def test_registration_needs_csrf(client):
    response = client.post("/auth/register", data={"name": "X", "email": "x@example.org"}, csrf=False)
    assert response.status_code == 400
    assert user_by_email("x@example.org") is None


# ------------------------------------------------------------------------------------------ confirmation


def test_opening_the_confirmation_link_changes_nothing_until_the_button_is_pressed(client):
    register(client)
    path = link_in(mails_to("rosa@example.org")[0])
    page = client.get(path, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Confirm my address" in page.get_data(as_text=True)
    assert not user_by_email("rosa@example.org").is_confirmed
    response = client.post(path)
    assert response.status_code == 302
    user = user_by_email("rosa@example.org")
    assert user.is_confirmed
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.email_confirmed"))


def test_confirmation_works_without_being_signed_in(client, app):
    register(client)
    path = link_in(mails_to("rosa@example.org")[0])
    other_device = app.test_client()
    assert other_device.post(path).headers["Location"] == "/auth/login"
    assert user_by_email("rosa@example.org").is_confirmed


def test_an_expired_confirmation_link_is_refused_and_changes_nothing(client, app, monkeypatch):
    register(client)
    path = link_in(mails_to("rosa@example.org")[0])
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", -1)
    for response in (
        client.get(path, headers={"Accept-Language": "en"}),
        client.post(path, headers={"Accept-Language": "en"}),
    ):
        assert response.status_code == 400
        assert "This link has expired." in response.get_data(as_text=True)
    assert not user_by_email("rosa@example.org").is_confirmed


def test_a_tampered_confirmation_link_is_refused(client):
    register(client)
    path = link_in(mails_to("rosa@example.org")[0])
    response = client.post(path[:-3] + "xyz", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)
    assert not user_by_email("rosa@example.org").is_confirmed


def test_a_reset_link_cannot_be_used_as_a_confirmation_link(client):
    register(client)
    client.post("/auth/password/forgot", data={"email": "rosa@example.org"})
    reset_path = link_in(mails_to("rosa@example.org")[-1])
    token = reset_path.rsplit("/", 1)[1]
    response = client.post(f"/auth/confirm/{token}")
    assert response.status_code == 400
    assert not user_by_email("rosa@example.org").is_confirmed


def test_unconfirmed_person_can_ask_for_the_link_again(client):
    register(client)
    response = client.post("/auth/confirm/resend")
    assert response.status_code == 302
    assert len(mails_to("rosa@example.org")) == 2


def test_a_confirmed_person_gets_no_new_confirmation_link(client, outsider):
    login_as(client, outsider)
    client.post("/auth/confirm/resend")
    assert mails_to(outsider.email) == []


def test_asking_for_a_new_confirmation_link_needs_sign_in(client):
    response = client.post("/auth/confirm/resend")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_an_unconfirmed_person_may_not_ask_to_join_a_community(client, community):
    from ports_network.security import can

    register(client)
    assert not can(user_by_email("rosa@example.org"), "communities.request_join", community)


# ------------------------------------------------------------------------------------------ sign-in


def test_signing_in_records_the_time_and_uses_the_persons_language(client, outsider):
    outsider.preferred_locale = "pt"
    db.session.commit()
    response = sign_in(client, outsider.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    db.session.refresh(outsider)
    assert outsider.last_login_at is not None
    with client.session_transaction() as session:
        assert session["locale"] == "pt"
        assert session["_user_id"] == outsider.session_token
    assert '<html lang="pt"' in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_address_get_the_same_message(client, outsider):
    wrong_password = sign_in(client, outsider.email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong_password.status_code == unknown.status_code == 422
    message = "The email address or the password is not correct."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_sign_in_follows_a_local_next_page(client, outsider):
    response = client.post(
        "/auth/login?next=/account/privacy", data={"email": outsider.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/account/privacy"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_sign_in_ignores_an_external_next_page(client, outsider, target):
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": outsider.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_protected_page_sends_to_sign_in_and_back(client, outsider):
    response = client.get("/account/privacy")
    assert response.status_code == 302
    login_path = response.headers["Location"]
    assert login_path.startswith("/auth/login?next=")
    response = client.post(login_path, data={"email": outsider.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/account/privacy"


def test_remember_me_sets_a_lasting_cookie(client, outsider):
    response = sign_in(client, outsider.email, remember="y")
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_a_disabled_account_cannot_sign_in(client, outsider):
    outsider.is_disabled = True
    db.session.commit()
    response = sign_in(client, outsider.email)
    assert response.status_code == 422
    assert "This account has been disabled." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_signing_in_upgrades_an_outdated_password_hash(client, outsider):
    outsider.password_hash = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1).hash(
        factories.PASSWORD
    )
    db.session.commit()
    old_hash = outsider.password_hash
    assert sign_in(client, outsider.email).status_code == 302
    db.session.refresh(outsider)
    assert outsider.password_hash != old_hash
    assert not passwords.needs_rehash(outsider.password_hash)
    assert passwords.verify_password(outsider.password_hash, factories.PASSWORD)


def test_repeated_failed_sign_ins_are_stopped_with_a_clear_message(client, app, outsider, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert sign_in(client, outsider.email, "wrong password here").status_code == 422
    response = sign_in(client, outsider.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_successful_sign_ins_do_not_count_against_the_limit(client, app, outsider, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    for _ in range(4):
        assert sign_in(client, outsider.email).status_code == 302
        client.post("/auth/logout")


def test_a_signed_in_person_visiting_sign_in_goes_home(client, outsider):
    login_as(client, outsider)
    assert client.get("/auth/login").headers["Location"] == "/"


# ------------------------------------------------------------------------------------------ sign-out


def test_signing_out_needs_post(client, outsider):
    login_as(client, outsider)
    assert client.get("/auth/logout").status_code == 405
    with client.session_transaction() as session:
        assert session["_user_id"] == outsider.session_token


def test_signing_out_ends_the_session_and_goes_home(client, outsider):
    login_as(client, outsider)
    response = client.post("/auth/logout")
    assert response.headers["Location"] == "/"
    assert client.get("/account/").status_code == 302


def test_signing_out_needs_csrf(client, outsider):
    login_as(client, outsider)
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert client.get("/account/").status_code == 200


# ------------------------------------------------------------------------------------------ password reset


def test_asking_for_a_reset_answers_the_same_for_unknown_addresses(client, outsider):
    known = client.post(
        "/auth/password/forgot", data={"email": outsider.email}, headers={"Accept-Language": "en"}
    )
    unknown = client.post(
        "/auth/password/forgot", data={"email": "nobody@example.org"}, headers={"Accept-Language": "en"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/auth/login"
    assert len(mails_to(outsider.email)) == 1
    assert mails_to("nobody@example.org") == []
    page = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "we sent it a link to choose a new password" in page


def test_reset_link_sets_a_new_password_signs_in_and_signs_out_other_sessions(client, app, outsider):
    other_device = app.test_client()
    login_as(other_device, outsider)
    old_token = outsider.session_token
    client.post("/auth/password/forgot", data={"email": outsider.email})
    path = link_in(mails_to(outsider.email)[0])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD})
    assert response.headers["Location"] == "/account/"
    db.session.refresh(outsider)
    assert passwords.verify_password(outsider.password_hash, NEW_PASSWORD)
    assert outsider.session_token != old_token
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.password_reset"))


def test_a_reset_link_works_only_once(client, outsider):
    client.post("/auth/password/forgot", data={"email": outsider.email})
    path = link_in(mails_to(outsider.email)[0])
    client.post(path, data={"password": NEW_PASSWORD})
    again = client.post(path, data={"password": "yet another passphrase"}, headers={"Accept-Language": "en"})
    assert again.status_code == 400
    assert "This link was already used." in again.get_data(as_text=True)
    db.session.refresh(outsider)
    assert passwords.verify_password(outsider.password_hash, NEW_PASSWORD)


def test_an_expired_reset_link_is_refused(client, app, outsider, monkeypatch):
    client.post("/auth/password/forgot", data={"email": outsider.email})
    path = link_in(mails_to(outsider.email)[0])
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)
    response = client.post(path, data={"password": NEW_PASSWORD}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This link has expired." in response.get_data(as_text=True)
    db.session.refresh(outsider)
    assert passwords.verify_password(outsider.password_hash, factories.PASSWORD)


def test_reset_refuses_a_short_password_and_keeps_the_link_usable(client, outsider):
    client.post("/auth/password/forgot", data={"email": outsider.email})
    path = link_in(mails_to(outsider.email)[0])
    response = client.post(path, data={"password": "short"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Use at least 10 characters" in response.get_data(as_text=True)
    assert client.post(path, data={"password": NEW_PASSWORD}).status_code == 302


def test_a_disabled_account_gets_no_reset_link(client, outsider):
    outsider.is_disabled = True
    db.session.commit()
    client.post("/auth/password/forgot", data={"email": outsider.email})
    assert mails_to(outsider.email) == []


def test_resetting_the_password_also_confirms_the_address(client):
    register(client)
    client.post("/auth/logout")
    client.post("/auth/password/forgot", data={"email": "rosa@example.org"})
    path = link_in(mails_to("rosa@example.org")[-1])
    client.post(path, data={"password": NEW_PASSWORD})
    assert user_by_email("rosa@example.org").is_confirmed


def test_reset_requests_are_limited_so_nobody_can_flood_a_mailbox(client, app, outsider, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    for _ in range(2):
        assert client.post("/auth/password/forgot", data={"email": outsider.email}).status_code == 302
    response = client.post(
        "/auth/password/forgot", data={"email": outsider.email}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert len(mails_to(outsider.email)) == 2


def test_successful_registrations_from_one_connection_are_not_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    for number in range(4):
        assert register(client, email=f"participant{number}@example.org").status_code == 302
        client.post("/auth/logout")
