"""Spreadsheet templates and uploads through the web: download, upload, report, confirm, and who may."""

import io
import re

import openpyxl
import pytest

from ports_network.extensions import db
from ports_network.models import StoredFile
from ports_network.services import submissions
from ports_network.services.submissions import ValueInput

from .. import factories
from ..conftest import login_as
from ..index_spreadsheet_helpers import fill

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def submission(community, coordinator):
    call = factories.DataCallFactory(communities=[community], period="2025")
    return submissions.open_submission(coordinator, call, community)


def _upload(client, submission, data: bytes, name: str):
    return client.post(
        f"/index/submissions/{submission.id}/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _value(submission, code: str):
    db.session.expire_all()
    return next((row.value for row in submission.values if row.indicator_code == code), None)


def _confirm_form(page: str) -> tuple[str, str]:
    action = re.search(r'action="([^"]+/confirm)"', page).group(1)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    return action, revision


def test_reporter_downloads_fills_uploads_checks_and_confirms(client, submission, coordinator):
    login_as(client, coordinator)
    download = client.get(f"/index/submissions/{submission.id}/template.xlsx")
    assert download.status_code == 200
    assert download.mimetype == XLSX_TYPE
    assert "no-store" in download.headers["Cache-Control"]
    book = openpyxl.load_workbook(io.BytesIO(download.data))

    response = _upload(client, submission, fill(book, {"waiting_time": 14}), "filled.xlsx")

    assert response.status_code == 302
    report = client.get(response.headers["Location"])
    page = report.get_data(as_text=True)
    assert report.status_code == 200
    assert "No problems found." in page
    assert "waiting_time" in page and "14" in page
    assert _value(submission, "waiting_time") is None  # nothing changes before confirming

    action, revision = _confirm_form(page)
    confirmed = client.post(action, data={"revision": revision}, follow_redirects=True)

    assert "The values of the file are saved." in confirmed.get_data(as_text=True)
    assert _value(submission, "waiting_time") == 14


def test_csv_template_downloads_in_the_readers_language(client, submission, coordinator):
    coordinator.preferred_locale = "es"
    db.session.commit()
    login_as(client, coordinator)

    response = client.get(f"/index/submissions/{submission.id}/template.csv")

    assert response.status_code == 200
    assert response.data.startswith("\ufeffcode;value;justification".encode())


def test_report_with_problems_offers_no_confirmation_and_confirming_changes_nothing(
    client, submission, coordinator
):
    login_as(client, coordinator)
    response = _upload(client, submission, b"code,value\nwaiting_time,lots\nnope,1\n", "bad.csv")
    report_url = response.headers["Location"]

    page = client.get(report_url).get_data(as_text=True)

    assert "2 problems" in page
    assert "“lots” is not a number" in page
    assert "nope is not an indicator of this methodology." in page
    assert "/confirm" not in page
    confirmed = client.post(
        report_url + "/confirm", data={"revision": str(submission.revision)}, follow_redirects=True
    )
    assert "nothing was changed" in confirmed.get_data(as_text=True)
    assert _value(submission, "waiting_time") is None


def test_confirming_after_someone_else_saved_applies_nothing(client, submission, coordinator, focal_point):
    login_as(client, coordinator)
    report_url = _upload(client, submission, b"code,value\nwaiting_time,30\n", "v.csv").headers["Location"]
    action, revision = _confirm_form(client.get(report_url).get_data(as_text=True))
    submissions.save_values(
        focal_point, submission, {"port_hours_per_call": ValueInput(40)}, submission.revision
    )

    response = client.post(action, data={"revision": revision}, follow_redirects=True)

    assert "Someone saved this submission after the report was shown" in response.get_data(as_text=True)
    assert _value(submission, "waiting_time") is None


def test_bad_file_is_refused_on_the_upload_form(client, submission, coordinator):
    login_as(client, coordinator)

    response = _upload(client, submission, b"%PDF-1.4 a document", "values.pdf")

    assert response.status_code == 422
    assert "This type of file is not accepted here" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == 0


def test_member_who_does_not_report_may_download_but_not_upload(client, submission, member):
    login_as(client, member)

    assert client.get(f"/index/submissions/{submission.id}/template.xlsx").status_code == 200
    assert client.get(f"/index/submissions/{submission.id}/upload").status_code == 403
    assert _upload(client, submission, b"code,value\nwaiting_time,1\n", "v.csv").status_code == 403


def test_member_of_another_community_gets_404(client, submission, coordinator, other_member):
    login_as(client, coordinator)
    report_url = _upload(client, submission, b"code,value\nwaiting_time,30\n", "v.csv").headers["Location"]
    login_as(client, other_member)

    for url in (
        f"/index/submissions/{submission.id}/template.xlsx",
        f"/index/submissions/{submission.id}/template.csv",
        f"/index/submissions/{submission.id}/upload",
        report_url,
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(report_url + "/confirm", data={"revision": "1"}).status_code == 404


def test_upload_is_seen_only_by_its_uploader_and_the_secretariat(
    client, submission, coordinator, focal_point, secretariat
):
    login_as(client, coordinator)
    report_url = _upload(client, submission, b"code,value\nwaiting_time,30\n", "v.csv").headers["Location"]
    public_id = report_url.rsplit("/", 1)[1]
    assert client.get(f"/files/{public_id}").status_code == 200

    login_as(client, focal_point)
    assert client.get(report_url).status_code == 404
    assert client.get(f"/files/{public_id}").status_code == 404

    login_as(client, secretariat)
    assert client.get(report_url).status_code == 200
    assert client.get(f"/files/{public_id}").status_code == 200


def test_submission_page_links_templates_for_members_and_upload_for_reporters(
    client, submission, coordinator, member
):
    upload_link = f'href="/index/submissions/{submission.id}/upload"'
    login_as(client, coordinator)
    page = client.get(f"/index/submissions/{submission.id}").get_data(as_text=True)
    assert f'href="/index/submissions/{submission.id}/template.xlsx"' in page
    assert upload_link in page

    login_as(client, member)
    page = client.get(f"/index/submissions/{submission.id}").get_data(as_text=True)
    assert f'href="/index/submissions/{submission.id}/template.csv"' in page
    assert upload_link not in page
