"""The review workflow: submit (refused with errors), return (with a message), validate, accept (locks),
reopen named indicators; every step audited and notified."""

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import AuditEvent, Notification, SubmissionStatus
from ports_network.security import can
from ports_network.services import submission_pages, submission_workflow, submissions
from ports_network.services.submissions import InvalidValues, ValueInput
from tests import factories

from .test_submissions import valid_values


@pytest.fixture
def call(community):
    return factories.DataCallFactory(period="2025", communities=[community])


@pytest.fixture
def filled(call, community, focal_point):
    submission = submissions.open_submission(focal_point, call, community)
    values = {code: ValueInput(value) for code, value in valid_values().items()}
    submissions.save_values(focal_point, submission, values, submission.revision)
    return submission


@pytest.fixture
def accepted(filled, focal_point, validator, secretariat):
    submission_workflow.submit(focal_point, filled)
    submission_workflow.validate(validator, filled)
    submission_workflow.accept(secretariat, filled)
    return filled


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user.id)))


def test_submit_is_refused_while_values_have_errors(call, community, focal_point):
    submission = submissions.open_submission(focal_point, call, community)
    with pytest.raises(DomainError) as raised:
        submission_workflow.submit(focal_point, submission)
    assert "Vessel waiting time: A value is required." in raised.value.message
    assert submission.status == SubmissionStatus.DRAFT


def test_submit_is_refused_while_a_large_change_is_not_justified(call, community, focal_point):
    earlier = factories.DataCallFactory(period="2024", communities=[community])
    previous = factories.SubmissionFactory(
        data_call=earlier, community=community, status=SubmissionStatus.ACCEPTED
    )
    previous.values = [submissions.SubmissionValue(indicator_code="berth_productivity", value=20.0)]
    db.session.commit()
    submission = submissions.open_submission(focal_point, call, community)
    values = {code: ValueInput(value) for code, value in valid_values().items()}
    submissions.save_values(focal_point, submission, values, submission.revision)
    with pytest.raises(DomainError, match="Gross berth productivity"):
        submission_workflow.submit(focal_point, submission)
    justified = {"berth_productivity": ValueInput(values["berth_productivity"].value, "New cranes")}
    submissions.save_values(focal_point, submission, justified, submission.revision)
    submission_workflow.submit(focal_point, submission)
    assert submission.status == SubmissionStatus.SUBMITTED


def test_submit_tells_the_validators(filled, focal_point, validator):
    submission_workflow.submit(focal_point, filled)
    assert filled.status == SubmissionStatus.SUBMITTED
    assert filled.submitted_at is not None
    assert kinds_for(validator) == ["index.submission_submitted"]
    assert not can(focal_point, "submissions.edit", filled)


def test_return_needs_a_message_and_reaches_the_reporters(filled, focal_point, coordinator, validator):
    submission_workflow.submit(focal_point, filled)
    with pytest.raises(DomainError) as raised:
        submission_workflow.return_submission(validator, filled, "  ")
    assert raised.value.field == "message"
    submission_workflow.return_submission(validator, filled, "Check the dwell times.")
    assert (filled.status, filled.return_message) == (SubmissionStatus.RETURNED, "Check the dwell times.")
    assert kinds_for(focal_point) == ["index.submission_returned"]
    assert kinds_for(coordinator) == ["index.submission_returned"]
    assert can(focal_point, "submissions.edit", filled)


def test_only_the_community_validator_validates(filled, focal_point, member, validator, secretariat):
    submission_workflow.submit(focal_point, filled)
    for person in (member, focal_point, secretariat):
        with pytest.raises(NotAllowed):
            submission_workflow.validate(person, filled)
    submission_workflow.validate(validator, filled)
    assert filled.status == SubmissionStatus.VALIDATED
    assert kinds_for(secretariat) == ["index.submission_validated"]


def test_accepting_locks_the_values(accepted, focal_point):
    assert accepted.status == SubmissionStatus.ACCEPTED
    assert accepted.accepted_at is not None
    assert "index.submission_accepted" in kinds_for(focal_point)
    with pytest.raises(NotAllowed):
        submissions.save_values(focal_point, accepted, {"waiting_time": ValueInput(11.0)}, accepted.revision)


def test_the_validator_cannot_accept(filled, focal_point, validator):
    submission_workflow.submit(focal_point, filled)
    submission_workflow.validate(validator, filled)
    with pytest.raises(NotAllowed):
        submission_workflow.accept(validator, filled)


def test_reopen_lets_only_the_named_indicators_change(accepted, focal_point, secretariat):
    submission_workflow.reopen(secretariat, accepted, ["waiting_time"], "Please correct the waiting time.")
    assert (accepted.status, accepted.reopened_codes) == (SubmissionStatus.RETURNED, ["waiting_time"])
    assert "index.submission_reopened" in kinds_for(focal_point)
    with pytest.raises(InvalidValues) as raised:
        submissions.save_values(
            focal_point, accepted, {"berth_productivity": ValueInput(99.0)}, accepted.revision
        )
    assert set(raised.value.errors) == {"berth_productivity"}
    submissions.save_values(focal_point, accepted, {"waiting_time": ValueInput(8.0)}, accepted.revision)
    assert submissions.stored_values(accepted)["waiting_time"] == 8.0


def test_reopened_codes_are_cleared_when_accepted_again(accepted, focal_point, validator, secretariat):
    submission_workflow.reopen(secretariat, accepted, ["waiting_time"], "Please correct it.")
    submission_workflow.submit(focal_point, accepted)
    submission_workflow.validate(validator, accepted)
    submission_workflow.accept(secretariat, accepted)
    assert (accepted.status, accepted.reopened_codes) == (SubmissionStatus.ACCEPTED, None)


def test_reopen_needs_known_indicators_and_a_message(accepted, secretariat):
    with pytest.raises(DomainError):
        submission_workflow.reopen(secretariat, accepted, [], "Why")
    with pytest.raises(DomainError):
        submission_workflow.reopen(secretariat, accepted, ["nope"], "Why")
    with pytest.raises(DomainError):
        submission_workflow.reopen(secretariat, accepted, ["waiting_time"], "")
    assert accepted.status == SubmissionStatus.ACCEPTED


def test_every_transition_is_audited_with_old_and_new_status(accepted, focal_point, validator, secretariat):
    submission_workflow.reopen(secretariat, accepted, ["waiting_time"], "Please correct it.")
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.action.in_(
                ["submission.submit", "submission.validate", "submission.accept", "submission.reopen"]
            )
        )
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.old["status"], e.new["status"]) for e in events] == [
        ("submission.submit", "draft", "submitted"),
        ("submission.validate", "submitted", "validated"),
        ("submission.accept", "validated", "accepted"),
        ("submission.reopen", "accepted", "returned"),
    ]
    assert events[-1].new["reopened_codes"] == ["waiting_time"]
    history = submission_pages.history(accepted, "en")
    assert [entry.what for entry in history][-4:] == [
        "Index submission submitted",
        "Index submission validated",
        "Index submission accepted",
        "Indicators of an accepted submission reopened",
    ]
    assert ("Status", "Accepted", "Returned") in history[-1].changes
