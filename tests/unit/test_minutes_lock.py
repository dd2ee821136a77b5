"""Approved minutes are locked on every path: the services, the ORM (mapper events) and the database itself
(triggers, on SQLite and PostgreSQL), for the minutes row, its versions and its amendments."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import (
    AmendmentStatus,
    CommitteeMinutes,
    LockedMinutesError,
    MinutesAmendment,
    MinutesStatus,
    MinutesVersion,
    VersionOrigin,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_minutes, minutes_amendments
from tests.minutes_helpers import closed_meeting, later_approval_motion


@pytest.fixture
def meeting(coordinator, member, focal_point):
    return closed_meeting(coordinator, member, focal_point)


@pytest.fixture
def locked(meeting, secretariat):
    """Approved minutes with one decided amendment (an accepted one), so every table has a row."""
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    committee_minutes.open_amendments(meeting.chair, minutes, utcnow() + timedelta(days=2))
    amendment = minutes_amendments.propose(meeting.attendee, minutes, None, "Add a closing line.")
    minutes_amendments.accept(meeting.chair, amendment, minutes.current.text + "\nClosed at noon.\n", 1)
    committee_minutes.close_amendments(meeting.chair, minutes)
    committee_minutes.approve_by_motion(minutes, later_approval_motion(meeting.session), meeting.chair)
    assert minutes.status == MinutesStatus.APPROVED
    return minutes


def _unchanged(minutes: CommitteeMinutes, text: str, versions: int) -> None:
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(CommitteeMinutes, minutes.id)
    assert fresh.status == MinutesStatus.APPROVED
    assert fresh.locked_text == text and len(fresh.versions) == versions
    assert committee_minutes.verified(fresh)


def test_every_service_refuses_to_change_approved_minutes_even_for_the_secretariat(
    locked, meeting, secretariat
):
    text, versions = locked.locked_text, len(locked.versions)
    attempts = [
        lambda: committee_minutes.edit(secretariat, locked, "Rewritten", None, None),
        lambda: committee_minutes.regenerate(secretariat, locked),
        lambda: committee_minutes.open_amendments(secretariat, locked, utcnow() + timedelta(days=1)),
        lambda: committee_minutes.close_amendments(secretariat, locked),
        lambda: committee_minutes.approve_by_motion(
            locked, later_approval_motion(meeting.session), secretariat
        ),
        lambda: committee_minutes.approve_by_motion(locked, later_approval_motion(meeting.session)),
        lambda: minutes_amendments.propose(meeting.attendee, locked, None, "Late change"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
    _unchanged(locked, text, versions)


def test_the_orm_refuses_any_change_to_approved_minutes_or_their_parts(locked, meeting):
    text, versions = locked.locked_text, len(locked.versions)
    changes = [
        lambda m: setattr(m, "locked_text", "Forged"),
        lambda m: setattr(m, "status", MinutesStatus.DRAFT),
        lambda m: setattr(m, "content_hash", "0" * 64),
        db.session.delete,
        lambda m: db.session.add(MinutesVersion(minutes=m, number=99, text="x", origin=VersionOrigin.EDITED)),
        lambda m: setattr(m.versions[0], "text", "Forged"),
        lambda m: db.session.delete(m.versions[0]),
        lambda m: db.session.add(
            MinutesAmendment(minutes=m, proposed_by_id=meeting.attendee.id, proposed="x")
        ),
        lambda m: setattr(_amendment(m), "status", AmendmentStatus.PENDING),
        lambda m: db.session.delete(_amendment(m)),
    ]
    for change in changes:
        minutes = db.session.get(CommitteeMinutes, locked.id)
        change(minutes)
        with pytest.raises(LockedMinutesError):
            db.session.commit()
        _unchanged(locked, text, versions)


def _amendment(minutes: CommitteeMinutes) -> MinutesAmendment:
    return db.session.scalar(sa.select(MinutesAmendment).where(MinutesAmendment.minutes_id == minutes.id))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE committee_minutes SET locked_text = 'Forged' WHERE id = :id",
        "UPDATE committee_minutes SET status = 'draft' WHERE id = :id",
        "UPDATE committee_minutes SET content_hash = NULL, locked_text = NULL, status = 'draft' "
        "WHERE id = :id",
        "UPDATE committee_minutes_version SET text = 'Forged' WHERE minutes_id = :id",
        "INSERT INTO committee_minutes_version (minutes_id, number, text, origin, created_at) "
        "VALUES (:id, 99, 'Forged', 'edited', CURRENT_TIMESTAMP)",
        "UPDATE committee_minutes_amendment SET proposed = 'Forged' WHERE minutes_id = :id",
        "INSERT INTO committee_minutes_amendment (minutes_id, proposed_by_id, proposed, status, created_at) "
        "VALUES (:id, :person, 'Forged', 'pending', CURRENT_TIMESTAMP)",
    ],
)
def test_the_database_refuses_raw_sql_that_would_change_approved_minutes(locked, meeting, statement):
    text, versions = locked.locked_text, len(locked.versions)
    with pytest.raises(sa.exc.IntegrityError, match="approved minutes are locked"):
        db.session.execute(sa.text(statement), {"id": locked.id, "person": meeting.attendee.id})
    _unchanged(locked, text, versions)


def test_a_bulk_orm_update_is_refused_by_the_database(locked):
    text, versions = locked.locked_text, len(locked.versions)
    with pytest.raises(sa.exc.IntegrityError, match="approved minutes are locked"):
        db.session.execute(sa.update(CommitteeMinutes).values(locked_text="Forged"))
    _unchanged(locked, text, versions)


def test_draft_minutes_and_other_minutes_stay_changeable_beside_locked_ones(
    locked, coordinator, member, focal_point
):
    other = closed_meeting(coordinator, member, focal_point)
    draft = committee_minutes.generate(other.chair, other.session)
    assert committee_minutes.edit(other.chair, draft, "A new text", None, 1).number == 2
    db.session.execute(
        sa.text("UPDATE committee_minutes_version SET note = 'ok' WHERE minutes_id = :id"), {"id": draft.id}
    )
    db.session.commit()
