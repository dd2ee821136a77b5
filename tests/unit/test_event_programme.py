"""An event's programme: sessions within the event's time, kept in time order, speakers by name and
affiliation or linked to a platform account; organisers only, audited on the event."""

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import AuditEvent, EventKind, EventStatus, SpeakerRole
from ports_network.services import event_programme, time_zones
from ports_network.services.event_programme import SessionData, SpeakerData
from tests import factories


@pytest.fixture
def workshop(community):
    return factories.EventFactory(kind=EventKind.WORKSHOP, communities=[community])


def day_of(event):
    return time_zones.in_zone(event.starts_at, event.time_zone).date()


def test_sessions_with_a_time_come_first_in_time_order(coordinator, workshop):
    day = day_of(workshop)
    start = time_zones.in_zone(workshop.starts_at, workshop.time_zone).time()
    later = (time_zones.in_zone(workshop.starts_at + timedelta(hours=2), workshop.time_zone)).time()
    event_programme.add_session(coordinator, workshop, SessionData("Closing remarks"))
    event_programme.add_session(coordinator, workshop, SessionData("Second panel", day=day, start=later))
    event_programme.add_session(coordinator, workshop, SessionData("Opening", day=day, start=start))
    db.session.refresh(workshop)
    assert [part.title for part in workshop.sessions] == ["Opening", "Second panel", "Closing remarks"]
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_id == workshop.id))
    assert list(actions) == ["event_session.add"] * 3


@pytest.mark.parametrize(
    ("hours", "end", "field"),
    [(-1, None, "day"), (1, time(0, 1), "end"), (None, None, "start")],
)
def test_a_session_takes_place_while_the_event_does(coordinator, workshop, hours, end, field):
    start = (
        None
        if hours is None
        else time_zones.in_zone(workshop.starts_at + timedelta(hours=hours), workshop.time_zone).time()
    )
    with pytest.raises(DomainError) as refused:
        event_programme.add_session(
            coordinator, workshop, SessionData("Panel", day=day_of(workshop), start=start, end=end)
        )
    assert refused.value.field == field
    assert workshop.sessions == []


def test_speakers_are_named_and_may_be_linked_to_their_account(coordinator, member, workshop):
    part = event_programme.add_session(coordinator, workshop, SessionData("Port community systems"))
    speaker = event_programme.add_speaker(
        coordinator,
        part,
        SpeakerData(
            "Mara Member", "Autoridad Portuaria Nacional", SpeakerRole.MODERATOR, member.email.upper()
        ),
    )
    assert speaker.user_id == member.id and speaker.role == SpeakerRole.MODERATOR
    with pytest.raises(DomainError) as unknown:
        event_programme.add_speaker(coordinator, part, SpeakerData("Someone", email="nobody@example.org"))
    assert unknown.value.field == "email"
    event_programme.remove_speaker(coordinator, speaker)
    assert part.speakers == []


def test_only_organisers_change_the_programme_and_not_once_cancelled(member, coordinator, workshop):
    with pytest.raises(NotAllowed):
        event_programme.add_session(member, workshop, SessionData("Panel"))
    part = event_programme.add_session(coordinator, workshop, SessionData("Panel"))
    workshop.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        event_programme.update_session(coordinator, part, SessionData("Another title"))


def test_removing_a_session_removes_its_speakers(coordinator, workshop):
    part = event_programme.add_session(coordinator, workshop, SessionData("Panel"))
    event_programme.add_speaker(coordinator, part, SpeakerData("Ana"))
    event_programme.remove_session(coordinator, part)
    db.session.refresh(workshop)
    assert workshop.sessions == []
