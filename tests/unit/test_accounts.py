"""The accounts services without HTTP: rules on passwords, tokens, sign-in, export and deletion."""

import json

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import AuditEvent, OutboxMail, User
from ports_network.services import account_data, accounts, passwords, tokens
from tests import factories


@pytest.fixture(autouse=True)
def _request(app):
    """Translated messages need a locale, which the app selects per request."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def registration(**fields) -> accounts.Registration:
    values = {
        "email": "ana@example.org",
        "password": "long enough secret",
        "name": "Ana",
        "preferred_locale": "es",
    }
    values.update(fields)
    return accounts.Registration(**values)


def test_email_addresses_are_stripped_and_lower_cased():
    assert accounts.normalise_email("  Ana@Example.ORG\n") == "ana@example.org"
    assert accounts.normalise_email(None) == ""


@pytest.mark.parametrize(
    ("password", "message"),
    [("123456789", "at least 10 characters"), ("ANA@example.org", "must not be your email address")],
)
def test_password_rules_refuse_short_passwords_and_the_email_address(app, password, message):
    with pytest.raises(DomainError, match=message) as refusal:
        accounts.check_password_rules(password, "ana@example.org")
    assert refusal.value.field == "password"


def test_a_ten_character_password_is_enough(app):
    accounts.check_password_rules("0123456789", "ana@example.org")


def test_register_stores_a_hashed_password_and_queues_the_confirmation_in_the_persons_language(app):
    user = accounts.register(registration(email=" ANA@example.org "))
    assert user.email == "ana@example.org" and not user.is_confirmed
    assert user.password_hash != "long enough secret"
    (mail,) = db.session.scalars(sa.select(OutboxMail)).all()
    assert mail.recipient == "ana@example.org"
    assert "/auth/confirm/" in mail.body


def test_register_refuses_a_taken_address_on_the_email_field(app):
    accounts.register(registration())
    with pytest.raises(DomainError) as refusal:
        accounts.register(registration(email="Ana@Example.org"))
    assert refusal.value.field == "email"


def test_register_refuses_an_unknown_language(app):
    with pytest.raises(DomainError) as refusal:
        accounts.register(registration(preferred_locale="xx"))
    assert refusal.value.field == "preferred_locale"


def test_authenticate_gives_one_message_for_unknown_address_and_wrong_password(app, outsider):
    with pytest.raises(DomainError) as unknown:
        accounts.authenticate("nobody@example.org", factories.PASSWORD)
    with pytest.raises(DomainError) as wrong:
        accounts.authenticate(outsider.email, "wrong password")
    assert unknown.value.message == wrong.value.message
    assert unknown.value.field is wrong.value.field is None


def test_authenticate_refuses_a_disabled_account_even_with_the_right_password(app, outsider):
    outsider.is_disabled = True
    db.session.commit()
    with pytest.raises(DomainError, match="disabled"):
        accounts.authenticate(outsider.email, factories.PASSWORD)


def test_a_confirmation_token_for_another_purpose_is_refused(app, outsider):
    token = tokens.make_token("reset-password", {"user": outsider.id, "email": outsider.email})
    with pytest.raises(DomainError):
        accounts.confirmation_target(token)


def test_a_reset_token_stops_working_once_the_password_changed(app, outsider):
    accounts.request_password_reset(outsider.email)
    token = db.session.scalar(sa.select(OutboxMail)).body.split("/auth/password/reset/")[1].split()[0]
    assert accounts.reset_target(token) == outsider
    accounts.change_password(outsider, factories.PASSWORD, "another fine passphrase")
    with pytest.raises(DomainError, match="already used"):
        accounts.reset_target(token)


def test_a_reset_token_does_not_reveal_the_password_hash(app, outsider):
    accounts.request_password_reset(outsider.email)
    body = db.session.scalar(sa.select(OutboxMail)).body
    token = body.split("/auth/password/reset/")[1].split()[0]
    payload = tokens.read_token("reset-password", token, 60)
    assert outsider.password_hash not in json.dumps(payload)


def test_change_password_rotates_the_session_token(app, outsider):
    before = outsider.session_token
    accounts.change_password(outsider, factories.PASSWORD, "another fine passphrase")
    assert outsider.session_token != before
    assert passwords.verify_password(outsider.password_hash, "another fine passphrase")


def test_an_email_change_token_is_void_after_a_later_change(app, outsider):
    accounts.request_email_change(outsider, factories.PASSWORD, "first@example.org")
    accounts.request_email_change(outsider, factories.PASSWORD, "second@example.org")
    first, second = (
        mail.body.split("/auth/email/")[1].split()[0]
        for mail in db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id))
    )
    accounts.confirm_email_change(second)
    assert outsider.email == "second@example.org"
    with pytest.raises(DomainError):
        accounts.confirm_email_change(first)


def test_update_privacy_records_only_what_changed(app, outsider):
    accounts.update_privacy(
        outsider, accounts.PrivacySettings(visibility="network", show_email=False, show_phone=True)
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.privacy_changed"))
    assert event.new == {"visibility": "network", "show_phone": True}
    accounts.update_privacy(
        outsider, accounts.PrivacySettings(visibility="network", show_email=False, show_phone=True)
    )
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


def test_set_preferred_locale_refuses_an_unknown_language(app, outsider):
    accounts.set_preferred_locale(outsider, "pt")
    assert outsider.preferred_locale == "pt"
    with pytest.raises(DomainError):
        accounts.set_preferred_locale(outsider, "xx")


def test_display_name_shows_deleted_member_for_deleted_accounts(app, outsider):
    assert accounts.display_name(outsider) == "Olga Outsider"
    account_data.delete_account(outsider, factories.PASSWORD)
    with force_locale("en"):
        assert accounts.display_name(outsider) == "Deleted member"
    assert accounts.display_name(None) == "Deleted member"


def test_export_is_plain_json_data(app, member):
    data = account_data.export_data(member)
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {
        "profile",
        "memberships",
        "join_requests",
        "invitations",
        "notifications",
        "notification_preferences",
        "audit_events",
    }


def test_delete_account_refuses_a_wrong_password_and_changes_nothing(app, outsider):
    with pytest.raises(DomainError):
        account_data.delete_account(outsider, "not the password")
    db.session.refresh(outsider)
    assert not outsider.is_deleted and outsider.name == "Olga Outsider"


def test_a_deleted_account_frees_its_email_address_and_is_never_loadable(app, outsider):
    email, token = outsider.email, outsider.session_token
    account_data.delete_account(outsider, factories.PASSWORD)
    assert accounts.find_by_email(email) is None
    assert db.session.scalar(sa.select(User).where(User.session_token == token)) is None
    assert not outsider.is_active
    accounts.register(registration(email=email))


@pytest.mark.parametrize("email", ["no-at-sign", "two@@example.org", "spaces in@example.org", "a@b"])
def test_register_refuses_a_malformed_address_from_any_caller(app, email):
    with pytest.raises(DomainError) as refusal:
        accounts.register(registration(email=email))
    assert refusal.value.field == "email"


def test_link_for_an_account_the_secretariat_opened_outlives_an_ordinary_reset_link(app, member):
    from ports_network.errors import DomainError
    from ports_network.services import accounts

    ordinary = accounts.password_reset_token(member)
    welcome = accounts.password_reset_token(member, new_account=True)
    app.config["RESET_TOKEN_MAX_AGE"] = -1  # every ordinary reset link has expired
    try:
        assert accounts.reset_target(welcome).id == member.id
        with pytest.raises(DomainError):
            accounts.reset_target(ordinary)
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = 7200
