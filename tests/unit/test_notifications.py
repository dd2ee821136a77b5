"""The notification service: delivery follows each person's preference; digests group notices per person."""

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Delivery, Notification, OutboxMail
from ports_network.models.base import utcnow
from ports_network.services import notifications
from tests import factories

APPROVED = "join_request.approved"


def notify(person, kind: str = APPROVED, link: str | None = "/communities/callao"):
    notice = notifications.notify(person, kind, {"community": "Callao"}, link=link)
    db.session.commit()
    return notice


def rows(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


@pytest.fixture
def person():
    return factories.UserFactory(email="ana@example.org", preferred_locale="en")


def test_off_creates_no_notice_and_no_mail(person):
    notifications.set_preferences(person, {"join_decisions": Delivery.OFF})
    assert notify(person) is None
    assert rows(Notification) == []
    assert rows(OutboxMail) == []


def test_in_app_creates_a_notice_but_no_mail(person):
    notifications.set_preferences(person, {"join_decisions": Delivery.IN_APP})
    notice = notify(person)
    assert [n.id for n in rows(Notification)] == [notice.id]
    assert notice.digest_pending is False
    assert rows(OutboxMail) == []


def test_digest_creates_a_pending_notice_and_no_mail_until_the_digest(person):
    notifications.set_preferences(person, {"join_decisions": Delivery.DIGEST})
    notice = notify(person)
    assert notice.digest_pending is True
    assert rows(OutboxMail) == []
    assert notifications.send_digests() == 1
    assert len(rows(OutboxMail)) == 1
    assert db.session.get(Notification, notice.id).digest_pending is False


def test_immediate_is_the_default_and_mails_in_the_persons_language(person):
    notice = notify(person)
    assert notice is not None
    (mail,) = rows(OutboxMail)
    assert mail.recipient == "ana@example.org"
    assert "Welcome! Your request to join Callao was approved." in mail.subject
    assert "Welcome! Your request to join Callao was approved." in mail.body
    assert "http://localhost/communities/callao" in mail.body
    assert "http://localhost/notifications/preferences" in mail.body


def test_a_preference_applies_to_its_group_only(person):
    notifications.set_preferences(person, {"join_decisions": Delivery.OFF})
    assert notify(person, "membership.removed") is not None
    assert len(rows(OutboxMail)) == 1


def test_deleted_accounts_get_nothing(person):
    person.deleted_at = utcnow()
    db.session.commit()
    assert notify(person) is None
    assert rows(Notification) == [] and rows(OutboxMail) == []


def test_preferences_list_every_group_with_defaults_filled_in(person):
    notifications.set_preferences(person, {"memberships": Delivery.DIGEST})
    chosen = notifications.preferences(person)
    assert set(chosen) == set(notifications.GROUPS)
    assert chosen["memberships"] == Delivery.DIGEST
    assert chosen["join_decisions"] == Delivery.IMMEDIATE


def test_saving_preferences_again_replaces_the_choice(person):
    notifications.set_preferences(person, {"memberships": Delivery.DIGEST})
    notifications.set_preferences(person, {"memberships": Delivery.OFF})
    assert notifications.preferences(person)["memberships"] == Delivery.OFF


def test_unknown_preference_group_is_refused(person):
    with pytest.raises(KeyError):
        notifications.set_preferences(person, {"everything": Delivery.OFF})


def test_text_is_rendered_in_the_requested_language(person):
    notice = notify(person)
    assert notifications.text_of(notice, "en") == "Welcome! Your request to join Callao was approved."


def test_text_of_an_unknown_kind_falls_back_to_the_kind(person):
    notice = Notification(user_id=person.id, kind="retired.kind", params={})
    assert notifications.text_of(notice, "en") == "retired.kind"


def test_mark_read_touches_only_the_persons_own_notices(person):
    other = factories.UserFactory()
    mine, theirs = notify(person), notify(other)
    assert notifications.mark_read(person, theirs.id) == 0
    assert notifications.mark_read(person, mine.id) == 1
    assert db.session.get(Notification, theirs.id).read_at is None
    assert notifications.unread_count(person) == 0
    assert notifications.unread_count(other) == 1


def test_find_does_not_return_someone_elses_notice(person):
    theirs = notify(factories.UserFactory())
    assert notifications.find(person, theirs.id) is None


def test_listing_marks_unread_and_newest_first_in_the_request_language(app, person):
    first, second = notify(person), notify(person, "membership.removed")
    notifications.mark_read(person, first.id)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        items = notifications.listing(person)
    assert [(i.id, i.unread) for i in items] == [(second.id, True), (first.id, False)]
    assert items[0].text == "You are no longer a member of Callao."
