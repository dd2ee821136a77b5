"""Submissions: opening one pre-filled, saving values with optimistic locking, validation results, the
form's sections, comments, evidence and the history of changes."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import AuditEvent, Submission, SubmissionStatus
from ports_network.security import can
from ports_network.services import submission_pages, submissions
from ports_network.services.submissions import InvalidValues, RevisionConflict, ValueInput
from tests import factories
from tests.file_samples import image_bytes


def valid_values() -> dict[str, float]:
    """A value for every indicator of the default methodology that passes every rule."""
    methodology = factories.default_methodology()
    values = {}
    for indicator in submissions.methodologies.load_engine_methodology(methodology).indicators:
        rules = indicator.validation
        if indicator.value_type.value in ("rubric", "boolean"):
            values[indicator.code] = 1.0
        else:
            values[indicator.code] = (rules.min + rules.max) / 2
    values["waiting_time"] = 10.0
    values["port_hours_per_call"] = 40.0
    values["customs_release_time"] = 24.0
    values["import_dwell_time"] = 5.0
    return values


def entries(values: dict[str, float | None], **justifications: str) -> dict[str, ValueInput]:
    return {code: ValueInput(value, justifications.get(code)) for code, value in values.items()}


@pytest.fixture
def call(community):
    return factories.DataCallFactory(period="2025", communities=[community])


@pytest.fixture
def draft(call, community, focal_point):
    return submissions.open_submission(focal_point, call, community)


def accepted_submission(community, period: str, values: dict[str, float]) -> Submission:
    earlier = factories.DataCallFactory(period=period, communities=[community])
    submission = factories.SubmissionFactory(
        data_call=earlier, community=community, status=SubmissionStatus.ACCEPTED
    )
    submission.values = [
        submissions.SubmissionValue(indicator_code=code, value=value) for code, value in values.items()
    ]
    db.session.commit()
    return submission


def test_open_submission_creates_one_draft_and_returns_it_again(call, community, focal_point):
    first = submissions.open_submission(focal_point, call, community)
    again = submissions.open_submission(focal_point, call, community)
    assert first.id == again.id
    assert first.status == SubmissionStatus.DRAFT
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 1


def test_open_submission_is_prefilled_from_the_last_accepted_period(call, community, focal_point):
    accepted_submission(community, "2023", {"waiting_time": 5.0})
    accepted_submission(community, "2024", {"waiting_time": 12.0, "not_an_indicator": 3.0})
    submission = submissions.open_submission(focal_point, call, community)
    assert submissions.stored_values(submission) == {"waiting_time": 12.0}


def test_prefill_prefers_an_accepted_period_over_a_later_draft(call, community, focal_point):
    accepted_submission(community, "2023", {"waiting_time": 5.0})
    later = factories.DataCallFactory(period="2024", communities=[community])
    draft = factories.SubmissionFactory(data_call=later, community=community)
    draft.values = [submissions.SubmissionValue(indicator_code="waiting_time", value=99.0)]
    db.session.commit()
    submission = submissions.open_submission(focal_point, call, community)
    assert submissions.stored_values(submission) == {"waiting_time": 5.0}


def test_only_reporters_of_a_named_community_open_a_submission(
    call, community, member, validator, secretariat
):
    for person in (member, validator, secretariat):
        with pytest.raises(NotAllowed):
            submissions.open_submission(person, call, community)


def test_a_community_not_named_in_the_call_cannot_answer_it(call, other_community):
    stranger = factories.MembershipFactory(
        community=other_community,
        role="focal_point",
        user=factories.UserFactory(),
        organisation=factories.OrganisationFactory(country=other_community.country),
    ).user
    with pytest.raises(NotAllowed):
        submissions.open_submission(stranger, call, other_community)


def test_save_values_stores_audits_and_bumps_the_revision(draft, focal_point):
    revision = draft.revision
    submissions.save_values(focal_point, draft, entries({"waiting_time": 10.0}), revision)
    assert submissions.stored_values(draft)["waiting_time"] == 10.0
    assert draft.revision == revision + 1
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "submission.values")).one()
    assert (event.old, event.new) == ({"waiting_time": None}, {"waiting_time": 10.0})


def test_saving_the_same_values_again_records_nothing(draft, focal_point):
    submissions.save_values(focal_point, draft, entries({"waiting_time": 10.0}), draft.revision)
    revision = draft.revision
    submissions.save_values(focal_point, draft, entries({"waiting_time": 10.0}), revision)
    assert draft.revision == revision
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "submission.values")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("pcs_maturity", 2.5),
        ("single_window_interoperability", 2.0),
        ("waiting_time", float("nan")),
        ("nope", 1.0),
    ],
)
def test_values_of_the_wrong_type_or_code_change_nothing(draft, focal_point, code, value):
    revision = draft.revision
    with pytest.raises(InvalidValues) as raised:
        submissions.save_values(focal_point, draft, entries({"waiting_time": 10.0, code: value}), revision)
    assert code in raised.value.errors
    db.session.expire_all()
    assert submissions.stored_values(draft) == {}
    assert draft.revision == revision


def test_an_older_revision_is_a_conflict_carrying_the_stored_values(draft, focal_point, coordinator):
    revision = draft.revision
    submissions.save_values(coordinator, draft, entries({"waiting_time": 11.0}), revision)
    with pytest.raises(RevisionConflict) as raised:
        submissions.save_values(focal_point, draft, entries({"waiting_time": 99.0}), revision)
    assert raised.value.current == {"waiting_time": 11.0}
    assert raised.value.revision == revision + 1
    assert submissions.stored_values(draft) == {"waiting_time": 11.0}


def test_a_save_racing_past_the_revision_check_is_still_a_conflict(draft, focal_point):
    revision = draft.revision
    # Another request commits between our read and our write: the version column catches it.
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Submission).where(Submission.id == draft.id).values(revision=revision + 1)
        )
    with pytest.raises(RevisionConflict):
        submissions.save_values(focal_point, draft, entries({"waiting_time": 99.0}), revision)
    assert submissions.stored_values(draft) == {}


def test_value_checks_report_errors_and_justify_findings(call, community, focal_point):
    accepted_submission(community, "2024", {"berth_productivity": 100.0})
    submission = submissions.open_submission(focal_point, call, community)
    values = valid_values() | {"berth_productivity": 300.0, "berth_occupancy": 120.0}
    checks = submissions.save_values(focal_point, submission, entries(values), submission.revision)
    found = {(check.code, check.rule, check.severity, check.justified) for check in checks}
    assert found == {
        ("berth_occupancy", "max", "error", False),
        ("berth_productivity", "change", "justify", False),
    }
    change = next(check for check in checks if check.rule == "change")
    assert "more than 50%" in change.message and "100" in change.message


def test_a_justification_satisfies_a_justify_finding(call, community, focal_point):
    accepted_submission(community, "2024", {"berth_productivity": 100.0})
    submission = submissions.open_submission(focal_point, call, community)
    values = valid_values() | {"berth_productivity": 300.0}
    checks = submissions.save_values(
        focal_point, submission, entries(values, berth_productivity="New cranes"), submission.revision
    )
    assert [(c.rule, c.justified, c.blocks) for c in checks] == [("change", True, False)]


def test_preview_checks_use_the_typed_values_without_saving(draft):
    checks = submissions.preview_checks(draft, {"value-waiting_time": "800", "value-berth_occupancy": "abc"})
    by_code = {(check.code, check.rule) for check in checks}
    assert ("waiting_time", "max") in by_code
    assert ("berth_occupancy", "number") in by_code
    assert submissions.stored_values(draft) == {}


def test_entries_from_form_read_decimal_commas_and_refuse_text():
    assert submissions.entries_from_form(
        {"value-a": "12,5", "value-b": "", "justification-a": "x", "other": "1"}
    ) == {
        "a": ValueInput(12.5, "x"),
        "b": ValueInput(None, None),
    }
    with pytest.raises(InvalidValues) as raised:
        submissions.entries_from_form({"value-a": "1.234,5"})
    assert set(raised.value.errors) == {"a"}


def test_form_sections_group_indicators_by_pillar_with_previous_values(call, community, focal_point):
    accepted_submission(community, "2024", {"waiting_time": 12.0})
    submission = submissions.open_submission(focal_point, call, community)
    sections = submission_pages.form_sections(submission, "es")
    assert [section.code for section in sections] == [
        "vessel",
        "cargo",
        "facilitation",
        "connectivity",
        "community",
    ]
    waiting = sections[0].indicators[0]
    assert (waiting.code, waiting.name, waiting.unit, waiting.previous_text) == (
        "waiting_time",
        "Tiempo de espera del buque",
        "h",
        "12",
    )
    maturity = next(i for s in sections for i in s.indicators if i.code == "pcs_maturity")
    assert [level for level, _meaning in maturity.levels] == [0, 1, 2, 3, 4]
    assert sum(len(section.indicators) for section in sections) == 21


def test_comments_need_a_body_and_a_known_indicator(draft, member):
    with pytest.raises(DomainError):
        submission_pages.add_comment(member, draft, None, "   ")
    with pytest.raises(DomainError):
        submission_pages.add_comment(member, draft, "nope", "Why?")
    comment = submission_pages.add_comment(member, draft, "waiting_time", "Why so **long**?")
    assert submission_pages.comments_by_code(draft)["waiting_time"] == [comment]


def test_members_of_another_community_cannot_comment(draft, other_member):
    with pytest.raises(NotAllowed):
        submission_pages.add_comment(other_member, draft, None, "Hello")


def test_evidence_is_stored_audited_and_visible_to_the_community_only(
    draft, focal_point, member, other_member
):
    upload = FileStorage(io.BytesIO(image_bytes()), "photo.png")
    evidence = submission_pages.add_evidence(focal_point, draft, "waiting_time", upload)
    stored = evidence.stored_file
    assert stored.purpose == "evidence"
    assert can(member, "files.view", stored)
    assert not can(other_member, "files.view", stored)
    assert submission_pages.evidence_by_code(draft)["waiting_time"] == [evidence]


def test_evidence_of_a_refused_type_is_not_stored(draft, focal_point):
    upload = FileStorage(io.BytesIO(b"\x00\x01binary"), "tool.exe")
    with pytest.raises(DomainError):
        submission_pages.add_evidence(focal_point, draft, None, upload)
    assert submission_pages.evidence_by_code(draft) == {}


def test_history_shows_value_changes_with_indicator_names(draft, focal_point):
    submissions.save_values(
        focal_point, draft, entries({"waiting_time": 10.0}, waiting_time="Port works"), draft.revision
    )
    submissions.save_values(
        focal_point, draft, entries({"waiting_time": 12.5}, waiting_time="Port works"), draft.revision
    )
    entries_ = submission_pages.history(draft, "en")
    assert [entry.event.action for entry in entries_] == [
        "submission.open",
        "submission.values",
        "submission.values",
    ]
    assert entries_[1].changes == [
        ("Vessel waiting time", "—", "10"),
        ("Vessel waiting time (justification)", "—", "Port works"),
    ]
    assert entries_[2].changes == [("Vessel waiting time", "10", "12.5")]
