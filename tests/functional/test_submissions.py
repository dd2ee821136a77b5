"""Submission pages: starting, the values form without JavaScript, conflicts that keep the loser's input,
live checks as JSON, the review steps, reopening, history, evidence and sanitised comments."""

import io

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Submission, SubmissionStatus
from ports_network.services import submission_pages, submission_workflow, submissions
from ports_network.services.submissions import ValueInput

from .. import factories
from ..conftest import login_as
from ..file_samples import pdf_bytes
from ..unit.test_submissions import valid_values


def _call(community):
    return factories.DataCallFactory(period="2025", communities=[community])


def _draft(community, focal_point):
    return submissions.open_submission(focal_point, _call(community), community)


def _url(submission, action: str = "") -> str:
    return f"/index/submissions/{submission.id}" + (f"/{action}" if action else "")


def _form(submission, values: dict[str, object], **extra) -> dict[str, object]:
    data = {f"value-{code}": str(value) for code, value in values.items()}
    return data | {"revision": str(submission.revision)} | extra


def _filled(community, focal_point):
    submission = _draft(community, focal_point)
    entries = {code: ValueInput(value) for code, value in valid_values().items()}
    submissions.save_values(focal_point, submission, entries, submission.revision)
    return submission


def test_a_focal_point_starts_the_submission_and_is_taken_to_it(client, community, focal_point):
    call = _call(community)
    login_as(client, focal_point)
    response = client.post(f"/index/calls/{call.id}/communities/{community.id}/submission")
    submission = db.session.scalars(sa.select(Submission)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(submission))
    page = client.get(_url(submission)).get_data(as_text=True)
    assert "Vessel time and maritime access" in page
    assert 'name="value-waiting_time"' in page
    assert "js/submission-form.js" in page


def test_a_member_sees_the_values_read_only(client, community, focal_point, member):
    submission = _filled(community, focal_point)
    login_as(client, member)
    page = client.get(_url(submission)).get_data(as_text=True)
    assert 'name="value-waiting_time"' not in page
    assert "Vessel waiting time" in page
    assert (
        client.post(_url(submission, "values"), data=_form(submission, {"waiting_time": 1})).status_code
        == 403
    )


def test_a_member_of_another_community_gets_404(client, community, focal_point, other_member):
    submission = _filled(community, focal_point)
    login_as(client, other_member)
    for path in ("", "history"):
        assert client.get(_url(submission, path)).status_code == 404
    for path in ("values", "check", "comments", "submit"):
        assert client.post(_url(submission, path), data={"body": "x"}).status_code == 404


def test_a_draft_is_saved_with_its_checks_shown(client, community, focal_point):
    submission = _draft(community, focal_point)
    login_as(client, focal_point)
    response = client.post(
        _url(submission, "values"), data=_form(submission, {"waiting_time": "12,5", "berth_occupancy": 130})
    )
    assert response.status_code == 302
    assert submissions.stored_values(submission) == {"waiting_time": 12.5, "berth_occupancy": 130.0}
    page = client.get(_url(submission)).get_data(as_text=True)
    assert 'value="12.5"' in page
    assert "Must be at most 100." in page


def test_values_of_the_wrong_type_are_shown_again_and_nothing_is_stored(client, community, focal_point):
    submission = _draft(community, focal_point)
    login_as(client, focal_point)
    data = _form(submission, {"waiting_time": "12", "berth_productivity": "lots", "pcs_maturity": "2.5"})
    response = client.post(_url(submission, "values"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="lots"' in page
    assert "Enter a number" in page
    assert submissions.stored_values(submission) == {}
    data["value-berth_productivity"] = "40"
    response = client.post(_url(submission, "values"), data=data)
    assert response.status_code == 422
    assert "Choose one of the levels 0, 1, 2, 3, 4." in response.get_data(as_text=True)
    assert submissions.stored_values(submission) == {}


def test_a_conflict_keeps_the_losers_input_and_shows_the_stored_values(
    app, community, focal_point, coordinator
):
    submission = _draft(community, focal_point)
    first, second = app.test_client(), app.test_client()
    login_as(first, coordinator)
    login_as(second, focal_point)
    revision = submission.revision
    winner = {"value-waiting_time": "20", "revision": str(revision)}
    loser = {
        "value-waiting_time": "33",
        "justification-waiting_time": "Strike in March",
        "revision": str(revision),
    }
    assert first.post(_url(submission, "values"), data=winner).status_code == 302
    response = second.post(_url(submission, "values"), data=loser)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'value="33"' in page and "Strike in March" in page
    assert "Saved by someone else meanwhile: 20" in page
    assert f'name="revision" value="{revision + 1}"' in page
    assert submissions.stored_values(submission) == {"waiting_time": 20.0}
    # Saving again after seeing the conflict is a deliberate choice and goes through.
    loser["revision"] = str(revision + 1)
    assert second.post(_url(submission, "values"), data=loser).status_code == 302
    assert submissions.stored_values(submission) == {"waiting_time": 33.0}


def test_live_checks_answer_json_without_saving(client, community, focal_point):
    submission = _draft(community, focal_point)
    login_as(client, focal_point)
    response = client.post(
        _url(submission, "check"),
        data={"value-waiting_time": "900", "value-berth_occupancy": "x"},
        headers={"Accept": "application/json", "X-CSRFToken": client.csrf_token()},
        csrf=False,
    )
    findings = response.get_json()["findings"]
    assert response.status_code == 200
    assert {f["rule"] for f in findings["waiting_time"]} >= {"max"}
    assert findings["berth_occupancy"][0]["rule"] == "number"
    assert submissions.stored_values(submission) == {}


def test_submitting_with_errors_is_refused_with_the_problems_listed(client, community, focal_point):
    submission = _draft(community, focal_point)
    login_as(client, focal_point)
    response = client.post(_url(submission, "submit"), follow_redirects=True)
    assert "The values cannot be submitted yet" in response.get_data(as_text=True)
    assert db.session.get(Submission, submission.id).status == SubmissionStatus.DRAFT


def test_the_review_runs_from_submit_to_accept_and_locks_editing(
    client, community, focal_point, validator, secretariat
):
    submission = _filled(community, focal_point)
    login_as(client, focal_point)
    client.post(_url(submission, "submit"))
    login_as(client, validator)
    response = client.post(_url(submission, "return"), data={"message": ""}, follow_redirects=True)
    assert "Write a message saying what needs to change." in response.get_data(as_text=True)
    client.post(_url(submission, "validate"))
    login_as(client, secretariat)
    client.post(_url(submission, "accept"))
    assert db.session.get(Submission, submission.id).status == SubmissionStatus.ACCEPTED
    login_as(client, focal_point)
    page = client.get(_url(submission)).get_data(as_text=True)
    assert 'name="value-waiting_time"' not in page
    assert (
        client.post(_url(submission, "values"), data=_form(submission, {"waiting_time": 1})).status_code
        == 403
    )


def test_a_returned_submission_shows_the_message_and_can_be_edited(client, community, focal_point, validator):
    submission = _filled(community, focal_point)
    submission_workflow.submit(focal_point, submission)
    login_as(client, validator)
    assert (
        client.post(_url(submission, "return"), data={"message": "Check the **dwell** times"}).status_code
        == 302
    )
    login_as(client, focal_point)
    page = client.get(_url(submission)).get_data(as_text=True)
    assert "Check the **dwell** times" in page
    assert 'name="value-import_dwell_time"' in page


def test_reopened_indicators_are_the_only_ones_editable(
    client, community, focal_point, validator, secretariat
):
    submission = _filled(community, focal_point)
    submission_workflow.submit(focal_point, submission)
    submission_workflow.validate(validator, submission)
    submission_workflow.accept(secretariat, submission)
    login_as(client, secretariat)
    data = {"codes": ["waiting_time"], "message": "Please recheck the waiting time."}
    assert client.post(_url(submission, "reopen"), data=data).status_code == 302
    login_as(client, focal_point)
    page = client.get(_url(submission)).get_data(as_text=True)
    assert 'name="value-waiting_time"' in page
    assert 'name="value-berth_productivity"' not in page
    response = client.post(_url(submission, "values"), data=_form(submission, {"berth_productivity": 1}))
    assert response.status_code == 422
    assert submissions.stored_values(submission)["berth_productivity"] == valid_values()["berth_productivity"]


def test_history_lists_every_step_with_value_diffs(client, community, focal_point, validator):
    submission = _filled(community, focal_point)
    submission_workflow.submit(focal_point, submission)
    submission_workflow.return_submission(validator, submission, "Fix it")
    login_as(client, focal_point)
    page = client.get(_url(submission, "history")).get_data(as_text=True)
    for text in ("Index submission started", "Index values saved", "Index submission submitted"):
        assert text in page
    assert "Vessel waiting time: — → 10" in page
    assert "Returned" in page and "Fix it" in page


def test_evidence_is_uploaded_and_downloaded_by_the_community_only(
    client, community, focal_point, member, other_member
):
    submission = _draft(community, focal_point)
    login_as(client, focal_point)
    upload = {"indicator_code": "waiting_time", "file": (io.BytesIO(pdf_bytes()), "port-log.pdf")}
    response = client.post(_url(submission, "evidence"), data=upload, content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = submission_pages.evidence_by_code(submission)["waiting_time"][0]
    url = f"/files/{evidence.stored_file.public_id}"
    assert url in client.get(_url(submission)).get_data(as_text=True)
    login_as(client, member)
    assert client.get(url).status_code == 200
    stranger = client.application.test_client()
    login_as(stranger, other_member)
    assert stranger.get(url).status_code == 404


def test_comments_are_rendered_as_sanitised_markdown(client, community, focal_point, member):
    submission = _draft(community, focal_point)
    login_as(client, member)
    body = "<script>alert(1)</script> Why **so** long? [x](javascript:alert(2))"
    response = client.post(
        _url(submission, "comments"), data={"indicator_code": "waiting_time", "body": body}
    )
    assert response.status_code == 302
    page = client.get(_url(submission)).get_data(as_text=True)
    assert "<strong>so</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
