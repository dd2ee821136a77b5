"""Registering for events: capacity, waiting list served in order, deadline, cancelling, and what people
are told (a notice, and a mail carrying the calendar entry)."""

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    EventRegistration,
    EventStatus,
    Gender,
    Notification,
    OutboxMail,
    RegistrationStatus,
    StakeholderType,
    User,
)
from ports_network.models.base import utcnow
from ports_network.services import event_registrations, events, jobs
from ports_network.services.event_registrations import RegistrationData
from tests import factories

on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent registrations need a server database (in-memory SQLite is one connection)",
)


@pytest.fixture
def peru():
    return factories.CountryFactory(alpha2="PE")


def data(country, **changes) -> RegistrationData:
    return RegistrationData(country_id=country.id, **changes)


def statuses(event) -> dict[str, str]:
    rows = db.session.scalars(sa.select(EventRegistration).where(EventRegistration.event_id == event.id))
    return {row.user.name: row.status.value for row in rows}


def test_a_registration_takes_a_place_and_the_person_gets_the_calendar_entry(member, peru):
    event = factories.EventFactory(capacity=10)
    row = event_registrations.register(member, event, data(peru, gender=Gender.WOMAN))
    assert row.status == RegistrationStatus.REGISTERED and row.gender == Gender.WOMAN
    notice = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id)).one()
    assert notice.kind == "events.registered"
    mail = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == member.email)).one()
    assert mail.attachment_name == f"event-{event.id}.ics"
    assert "METHOD:REQUEST" in mail.attachment_body and event.ical_uid in mail.attachment_body
    assert event_registrations.availability(member, event).places_left == 9


def test_when_the_event_is_full_people_wait_in_line_and_are_told_their_position(peru):
    event = factories.EventFactory(capacity=1)
    first, second, third = (factories.UserFactory(name=name) for name in ("Ana", "Bruno", "Carla"))
    event_registrations.register(first, event, data(peru))
    waiting = event_registrations.register(second, event, data(peru))
    event_registrations.register(third, event, data(peru))
    assert statuses(event) == {"Ana": "registered", "Bruno": "waitlisted", "Carla": "waitlisted"}
    assert event_registrations.waiting_position(waiting) == 1
    notice = db.session.scalars(sa.select(Notification).where(Notification.user_id == third.id)).one()
    assert notice.kind == "events.waitlisted" and notice.params["position"] == 2
    # Nothing to add to a calendar while waiting.
    assert (
        db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == third.email))
        .one()
        .attachment_name
        is None
    )


def test_a_cancelled_place_goes_to_the_first_person_waiting(peru):
    event = factories.EventFactory(capacity=1)
    first, second, third = (factories.UserFactory(name=name) for name in ("Ana", "Bruno", "Carla"))
    for person in (first, second, third):
        event_registrations.register(person, event, data(peru))
    event_registrations.cancel(first, event)
    assert statuses(event) == {"Ana": "cancelled", "Bruno": "registered", "Carla": "waitlisted"}
    kinds = {
        n.kind for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == second.id))
    }
    assert kinds == {"events.waitlisted", "events.promoted"}
    cancelled_mail = db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.recipient == first.email).order_by(OutboxMail.id.desc())
    ).first()
    assert "METHOD:CANCEL" in cancelled_mail.attachment_body


def test_without_a_waiting_list_a_full_event_refuses_and_stores_nothing(member, outsider, peru):
    event = factories.EventFactory(capacity=1, waiting_list=False)
    event_registrations.register(member, event, data(peru))
    with pytest.raises(DomainError, match="full"):
        event_registrations.register(outsider, event, data(peru))
    assert statuses(event) == {member.name: "registered"}
    assert event_registrations.availability(outsider, event).reason == "This event is full."


def test_registration_closes_at_the_deadline(member, peru):
    event = factories.EventFactory(registration_deadline=utcnow() - timedelta(minutes=1))
    with pytest.raises(NotAllowed, match="closed"):
        event_registrations.register(member, event, data(peru))
    assert not event_registrations.availability(member, event).may_register


def test_without_a_deadline_registration_closes_when_the_event_starts(member, peru):
    start = utcnow() - timedelta(hours=1)
    event = factories.EventFactory(starts_at=start, ends_at=start + timedelta(hours=3))
    with pytest.raises(NotAllowed, match="closed"):
        event_registrations.register(member, event, data(peru))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_open": False}, "do not take registrations"),
        ({"status": EventStatus.DRAFT, "published_at": None}, "not open for registration"),
        ({"status": EventStatus.CANCELLED}, "not open for registration"),
    ],
)
def test_only_published_events_that_take_registrations_accept_them(member, peru, changes, message):
    event = factories.EventFactory(**changes)
    with pytest.raises(NotAllowed, match=message):
        event_registrations.register(member, event, data(peru))
    assert statuses(event) == {}


def test_an_unconfirmed_account_cannot_register(peru):
    person = factories.UserFactory(email_confirmed_at=None)
    with pytest.raises(NotAllowed, match="Confirm your email address"):
        event_registrations.register(person, factories.EventFactory(), data(peru))


def test_registering_twice_is_refused(member, peru):
    event = factories.EventFactory()
    event_registrations.register(member, event, data(peru))
    with pytest.raises(DomainError, match="already registered"):
        event_registrations.register(member, event, data(peru))


def test_a_country_is_required_and_long_organisation_names_are_refused(member, peru):
    event = factories.EventFactory()
    with pytest.raises(DomainError) as missing:
        event_registrations.register(member, event, RegistrationData(country_id=None))
    assert missing.value.field == "country_id"
    with pytest.raises(DomainError) as too_long:
        event_registrations.register(member, event, data(peru, organisation_name="x" * 201))
    assert too_long.value.field == "organisation_name"
    assert statuses(event) == {}


def test_registering_again_after_cancelling_reuses_the_row_and_goes_to_the_back_of_the_line(member, peru):
    event = factories.EventFactory()
    first = event_registrations.register(member, event, data(peru, gender=Gender.MAN))
    event_registrations.cancel(member, event)
    again = event_registrations.register(member, event, data(peru))
    assert again.id == first.id and again.status == RegistrationStatus.REGISTERED and again.gender is None


def test_cancelling_is_refused_once_the_event_started(member, peru):
    event = factories.EventFactory()
    event_registrations.register(member, event, data(peru))
    event.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(DomainError, match="has started"):
        event_registrations.cancel(member, event)


def test_the_organisation_of_a_membership_is_linked_and_proposed(member, community):
    event = factories.EventFactory()
    defaults = event_registrations.defaults_for(member)
    organisation = member.memberships[0].organisation
    assert defaults.organisation_name == organisation.name and defaults.country_id == community.country_id
    assert defaults.stakeholder_type == StakeholderType.PORT_AUTHORITY
    row = event_registrations.register(member, event, defaults)
    assert row.organisation_id == organisation.id


def test_the_capacity_cannot_drop_below_the_places_taken_and_raising_it_serves_the_waiting_list(
    secretariat, peru
):
    event = factories.EventFactory(capacity=1)
    people = [factories.UserFactory(name=name) for name in ("Ana", "Bruno", "Carla")]
    for person in people:
        event_registrations.register(person, event, data(peru))
    with pytest.raises(DomainError) as refused:
        event_registrations.check_capacity(event, 0)
    assert refused.value.field == "capacity"
    event.capacity = 2
    db.session.commit()
    assert event_registrations.fill_free_places(event) == 1
    assert statuses(event) == {"Ana": "registered", "Bruno": "registered", "Carla": "waitlisted"}


def _register_in_thread(app, user_id, event_id, country_id, outcomes):
    with app.app_context():
        person = db.session.get(User, user_id)
        event = events.get(event_id)
        try:
            outcomes.append(event_registrations.register(person, event, RegistrationData(country_id)).status)
        except DomainError as error:  # "This event is full", in the platform's default language here
            outcomes.append(error)
        db.session.remove()


@on_postgresql
def test_two_people_never_get_the_last_place_together(app, peru):
    event = factories.EventFactory(capacity=1, waiting_list=False)
    people = [factories.UserFactory() for _ in range(6)]
    outcomes: list = []
    threads = [
        threading.Thread(target=_register_in_thread, args=(app, person.id, event.id, peru.id, outcomes))
        for person in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(RegistrationStatus.REGISTERED) == 1
    assert sum(isinstance(outcome, DomainError) for outcome in outcomes) == 5
    assert db.session.scalar(sa.select(sa.func.count(EventRegistration.id))) == 1


def test_people_holding_a_place_are_reminded_once_the_day_before(app, member, outsider, peru):
    soon = utcnow() + timedelta(hours=20)
    event = factories.EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=2))
    later = factories.EventFactory()  # three weeks ahead: not yet
    for person, at in ((member, event), (outsider, later)):
        event_registrations.register(person, at, data(peru))
    factories.EventRegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    assert jobs.run_job(jobs.JOBS["events.remind_registrants"])
    reminded = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.kind == "events.reminder")
    )
    assert list(reminded) == [member.id]
    assert event_registrations.remind_due() == 0
