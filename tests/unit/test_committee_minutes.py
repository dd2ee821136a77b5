"""Minutes: generated from the session record, versioned edits, the amendment window, approval by a carried
motion, and the lock after approval with its stable hash."""

import hashlib
from datetime import timedelta

import pytest

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AgendaItemKind,
    AmendmentStatus,
    MinutesStatus,
    MotionStatus,
    SessionStatus,
    VersionOrigin,
)
from ports_network.models.base import utcnow
from ports_network.services import committee_minutes, minutes_amendments
from tests import factories
from tests.minutes_helpers import closed_meeting, later_approval_motion, ready_for_approval


@pytest.fixture
def meeting(coordinator, member, focal_point):
    return closed_meeting(coordinator, member, focal_point)


@pytest.fixture
def minutes(meeting):
    return committee_minutes.generate(meeting.chair, meeting.session)


def test_minutes_are_generated_once_by_an_officer_of_a_closed_session(meeting, secretariat):
    with pytest.raises(NotAllowed):
        committee_minutes.generate(meeting.attendee, meeting.session)
    meeting.session.status = SessionStatus.IN_PROGRESS
    db.session.commit()
    with pytest.raises(NotAllowed):
        committee_minutes.generate(meeting.chair, meeting.session)
    meeting.session.status = SessionStatus.CLOSED
    db.session.commit()
    minutes = committee_minutes.generate(secretariat, meeting.session)
    assert [v.number for v in minutes.versions] == [1]
    assert minutes.current.origin == VersionOrigin.GENERATED
    with pytest.raises(DomainError, match="already exist"):
        committee_minutes.generate(meeting.chair, meeting.session)


def test_generated_minutes_give_attendance_quorum_items_motions_named_votes_and_decisions(minutes):
    text = minutes.current.text
    assert "# Minutes: First ordinary session" in text
    assert "**Present:** Carla Coordinator (Chair" in text
    assert "**Remote:** Mara Member (Member" in text
    assert "**Excused:** Fabio Focal (Member" in text
    assert "Quorum: 2 of 3 voting seats required; 2 represented" in text
    assert "### 1. Work plan 2026" in text
    assert "> The committee adopts the work plan 2026." in text
    assert "Moved by Carla Coordinator, seconded by Mara Member." in text
    assert "Vote by named vote: 2 in favour, 0 against, 0 abstentions: **carried**." in text
    assert "- In favour: Carla Coordinator, Mara Member" in text
    decisions = text.split("## Decisions")[1].split("## Action items")[0]
    assert "1. The committee adopts the work plan 2026. (motion 1)" in decisions
    assert "elects a new rapporteur" not in decisions  # rejected: not a decision


def test_a_secret_ballot_is_minuted_with_its_totals_and_no_names(minutes):
    block = minutes.current.text.split("**Motion 2**")[1].split("## Decisions")[0]
    assert "Vote by secret ballot: 1 in favour, 1 against, 0 abstentions: **rejected**." in block
    assert "only the totals are recorded" in block
    assert "In favour:" not in block and "Carla Coordinator" not in block.split("Moved by")[1].split("\n")[1:]


def test_minutes_are_written_in_the_language_of_the_officer_who_generates_them(meeting):
    meeting.chair.preferred_locale = "es"
    db.session.commit()
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    assert minutes.locale == "es"
    assert "**Órgano:** Comité de operaciones" in minutes.current.text
    assert "# Acta: First ordinary session" in minutes.current.text


def test_every_edit_is_kept_as_a_new_version_and_a_save_over_a_newer_version_is_refused(minutes, meeting):
    first = minutes.current.text
    second = committee_minutes.edit(meeting.chair, minutes, first + "\nAdded a line.\r\n", "typo", based_on=1)
    assert second.number == 2 and second.text.endswith("Added a line.\n") and second.note == "typo"
    assert committee_minutes.edit(meeting.chair, minutes, second.text, None, based_on=2) is None
    with pytest.raises(DomainError, match="version 2"):
        committee_minutes.edit(meeting.chair, minutes, "Something else", None, based_on=1)
    with pytest.raises(NotAllowed):
        committee_minutes.edit(meeting.attendee, minutes, "Mine", None, based_on=2)
    regenerated = committee_minutes.regenerate(meeting.chair, minutes)
    assert regenerated.number == 3 and regenerated.text == first
    assert [v.number for v in minutes.versions] == [1, 2, 3]


def test_attendees_propose_amendments_only_while_the_window_is_open(minutes, meeting, outsider):
    with pytest.raises(NotAllowed):
        minutes_amendments.propose(meeting.attendee, minutes, None, "Add my apologies.")
    with pytest.raises(DomainError, match="90 days"):
        committee_minutes.open_amendments(meeting.chair, minutes, utcnow() - timedelta(minutes=1))
    committee_minutes.open_amendments(meeting.chair, minutes, utcnow() + timedelta(days=7))
    assert minutes.status == MinutesStatus.AMENDMENTS and minutes.window_open()
    amendment = minutes_amendments.propose(
        meeting.attendee, minutes, "opened at ten", "opened at half past ten"
    )
    assert amendment.status == AmendmentStatus.PENDING
    for stranger in (meeting.excused, outsider):  # excused did not attend; the outsider has no seat
        with pytest.raises(NotAllowed):
            minutes_amendments.propose(stranger, minutes, None, "Mine")
    committee_minutes.close_amendments(meeting.chair, minutes)
    with pytest.raises(NotAllowed):
        minutes_amendments.propose(meeting.attendee, minutes, None, "Too late")


def test_an_accepted_amendment_becomes_a_new_version_and_a_rejection_needs_a_reason(meeting):
    minutes = factories.MinutesFactory(
        session=meeting.session, text="# Minutes\n\nThe session opened at ten.\n"
    )
    committee_minutes.open_amendments(meeting.chair, minutes, utcnow() + timedelta(days=7))
    accepted = minutes_amendments.propose(meeting.attendee, minutes, "at ten", "at half past ten")
    rejected = minutes_amendments.propose(meeting.attendee, minutes, None, "Say it rained.")
    suggestion = minutes_amendments.suggested_text(accepted)
    assert suggestion == "# Minutes\n\nThe session opened at half past ten.\n"
    assert minutes_amendments.suggested_text(rejected) == minutes.current.text  # nothing to replace
    with pytest.raises(NotAllowed):
        minutes_amendments.accept(meeting.attendee, accepted, suggestion, based_on=1)
    minutes_amendments.accept(meeting.chair, accepted, suggestion, based_on=1)
    assert accepted.status == AmendmentStatus.ACCEPTED
    assert accepted.version.number == 2 and accepted.version.origin == VersionOrigin.AMENDMENT
    with pytest.raises(DomainError, match="already decided"):
        minutes_amendments.accept(meeting.chair, accepted, suggestion, based_on=2)
    with pytest.raises(DomainError, match="Say why"):
        minutes_amendments.reject(meeting.chair, rejected, "  ")
    minutes_amendments.reject(meeting.chair, rejected, "It did not rain.")
    assert rejected.status == AmendmentStatus.REJECTED and rejected.reason == "It did not rain."


def test_approval_needs_the_window_closed_and_every_amendment_decided(minutes, meeting):
    motion = later_approval_motion(meeting.session)
    with pytest.raises(DomainError, match="Open the minutes for amendments"):
        committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    committee_minutes.open_amendments(meeting.chair, minutes, utcnow() + timedelta(days=7))
    with pytest.raises(DomainError, match="still open"):
        committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    amendment = minutes_amendments.propose(meeting.attendee, minutes, None, "Add my apologies.")
    committee_minutes.close_amendments(meeting.chair, minutes)
    with pytest.raises(DomainError, match="every proposed amendment"):
        committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    minutes_amendments.reject(meeting.chair, amendment, "Apologies are in the attendance list.")
    committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approval_motion_id == motion.id
    assert minutes.locked_text == minutes.current.text


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("rejected", "carried motion of the same body"),
        ("other_body", "carried motion of the same body"),
        ("same_session", "later session"),
        ("earlier_session", "later session"),
        ("information_item", "decision item"),
        ("between_sessions_before", "after the session"),
    ],
)
def test_only_a_carried_motion_of_a_later_session_or_a_later_vote_between_sessions_approves(
    minutes, meeting, case, message
):
    ready_for_approval(minutes, meeting.chair)
    session = meeting.session
    motions = {
        "rejected": lambda: later_approval_motion(session, status=MotionStatus.REJECTED),
        "other_body": lambda: factories.MotionFactory(status=MotionStatus.CARRIED),
        "same_session": lambda: factories.MotionFactory(session=session, status=MotionStatus.CARRIED),
        "earlier_session": lambda: factories.MotionFactory(
            session=factories.CommitteeSessionFactory(
                body=session.body, starts_at=session.starts_at - timedelta(days=9)
            ),
            status=MotionStatus.CARRIED,
        ),
        "information_item": lambda: _on_information_item(later_approval_motion(session)),
        "between_sessions_before": lambda: factories.MotionFactory(
            session=None,
            body=session.body,
            between_sessions=True,
            closes_at=utcnow(),
            status=MotionStatus.CARRIED,
            created_at=session.starts_at - timedelta(hours=1),
        ),
    }
    motion = motions[case]()
    assert motion not in [c.motion for c in committee_minutes.approval_candidates(minutes)]
    with pytest.raises(DomainError, match=message):
        committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    assert minutes.status == MinutesStatus.AMENDMENTS


def _on_information_item(motion):
    motion.agenda_item.kind = AgendaItemKind.INFORMATION
    db.session.commit()
    return motion


def test_a_vote_between_sessions_after_the_session_approves_the_minutes_without_an_actor(minutes, meeting):
    ready_for_approval(minutes, meeting.chair)
    motion = factories.MotionFactory(
        session=None,
        body=meeting.session.body,
        between_sessions=True,
        closes_at=utcnow(),
        status=MotionStatus.CARRIED,
    )
    assert [c.motion for c in committee_minutes.approval_candidates(minutes)] == [motion]
    committee_minutes.approve_by_motion(minutes, motion)
    assert minutes.is_approved and minutes.approved_by_id is None


def _held_early(session, started_hours_ago: int = 3, closed_hours_ago: int = 1) -> None:
    """The session planned a month ahead but opened and closed by its chair today."""
    now = utcnow().replace(microsecond=0)
    session.starts_at = now + timedelta(days=30)
    session.started_at = now - timedelta(hours=started_hours_ago)
    session.closed_at = now - timedelta(hours=closed_hours_ago)
    db.session.commit()


def test_a_session_held_before_its_planned_time_is_approved_by_a_vote_put_to_the_members_after_it(
    minutes, meeting
):
    _held_early(meeting.session)
    ready_for_approval(minutes, meeting.chair)
    during = factories.MotionFactory(
        session=None,
        body=meeting.session.body,
        between_sessions=True,
        closes_at=utcnow(),
        status=MotionStatus.CARRIED,
        opened_at=utcnow() - timedelta(hours=2),
    )
    after = factories.MotionFactory(
        session=None,
        body=meeting.session.body,
        between_sessions=True,
        closes_at=utcnow(),
        status=MotionStatus.CARRIED,
        opened_at=utcnow(),
    )
    assert [c.motion for c in committee_minutes.approval_candidates(minutes)] == [after]
    with pytest.raises(DomainError, match="after the session"):
        committee_minutes.approve_by_motion(minutes, during, meeting.chair)
    committee_minutes.approve_by_motion(minutes, after, meeting.chair)
    assert minutes.approval_motion_id == after.id


def test_a_later_session_is_the_one_held_later_even_when_planned_for_an_earlier_day(minutes, meeting):
    _held_early(meeting.session)
    ready_for_approval(minutes, meeting.chair)
    motion = later_approval_motion(meeting.session)
    later = motion.session
    later.starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)  # planned before the first
    later.started_at = utcnow()
    db.session.commit()
    assert [c.motion for c in committee_minutes.approval_candidates(minutes)] == [motion]
    later.started_at = meeting.session.started_at + timedelta(minutes=30)  # while the first one was held
    db.session.commit()
    assert committee_minutes.approval_candidates(minutes) == []
    with pytest.raises(DomainError, match="later session"):
        committee_minutes.approve_by_motion(minutes, motion, meeting.chair)


def test_a_carried_motion_offers_the_draft_minutes_it_names_by_session_title_or_as_the_minutes(
    minutes, meeting
):
    session = meeting.session
    by_title = later_approval_motion(session, text="Se aprueba el acta de la first ORDINARY  session.")
    by_item = later_approval_motion(session, text="Agreed.")
    by_item.agenda_item.title = "Minutes of First ordinary session"
    by_word = later_approval_motion(session, text="Se aprueba el acta.")
    unrelated = later_approval_motion(session, text="The budget 2026 is adopted.")
    unrelated.agenda_item.title = "Budget"
    rejected = later_approval_motion(session, text="The minutes are approved.", status=MotionStatus.REJECTED)
    db.session.commit()
    for motion in (by_title, by_item, by_word):
        assert committee_minutes.approvable_by(motion) == [minutes]
    assert committee_minutes.approvable_by(unrelated) == []
    assert committee_minutes.approvable_by(rejected) == []
    assert committee_minutes.approvable_by(meeting.named) == []  # the session's own decision


def test_approved_minutes_are_offered_no_more(minutes, meeting):
    motion = later_approval_motion(meeting.session, text="The minutes of First ordinary session pass.")
    ready_for_approval(minutes, meeting.chair)
    committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    assert committee_minutes.approvable_by(motion) == []


def test_the_hash_is_the_sha256_of_the_approved_text_and_stays_the_same(minutes, meeting):
    committee_minutes.edit(meeting.chair, minutes, "Línea con acentos: São Paulo\r\nsegunda línea", None, 1)
    ready_for_approval(minutes, meeting.chair)
    committee_minutes.approve_by_motion(minutes, later_approval_motion(meeting.session), meeting.chair)
    expected = hashlib.sha256("Línea con acentos: São Paulo\nsegunda línea\n".encode()).hexdigest()
    assert minutes.content_hash == expected
    db.session.expire_all()
    reloaded = committee_minutes.get(minutes.id)
    assert reloaded.content_hash == expected == committee_minutes.content_hash(reloaded.locked_text)
    assert committee_minutes.verified(reloaded)
