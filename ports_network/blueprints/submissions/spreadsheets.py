"""Spreadsheet templates of a submission and their upload: download, upload, report, confirm."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...i18n import current_locale
from ...models import StoredFile, Submission
from ...security import authorize, can
from ...services import index_spreadsheets
from ...services.submissions import RevisionConflict
from . import bp
from .spreadsheet_forms import ConfirmForm, UploadForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFLICT = _l(
    "Someone saved this submission after the report was shown, so nothing was applied. The report now "
    "compares the file with what is stored: check it and confirm again."
)


def _submission(submission_id: int, action: str | None = None) -> Submission:
    """The submission if the person sees it (404 otherwise: its existence is private), and may `action`."""
    submission = db.session.get(Submission, submission_id) or abort(404)
    authorize("submissions.view", submission, hide=True)
    if action is not None:
        authorize(action, submission)
    return submission


def _upload(submission: Submission, public_id: str) -> StoredFile:
    """An upload of this submission that the person may see (its uploader, or the Secretariat)."""
    stored = index_spreadsheets.find_upload(submission, public_id) or abort(404)
    authorize("files.view", stored, hide=True)
    return stored


def _download(body: bytes, mimetype: str, submission: Submission, extension: str) -> Response:
    name = f"index-{submission.community.slug}-{submission.data_call.period}.{extension}"
    headers = {
        "Content-Disposition": f"attachment; filename={name}",
        "Cache-Control": "private, no-store",  # raw values may be confidential
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get("/submissions/<int:submission_id>/template.xlsx")
def template_xlsx(submission_id: int):
    """The XLSX template with definitions, allowed ranges, previous and current values."""
    submission = _submission(submission_id)
    body = index_spreadsheets.template_xlsx(submission, current_locale())
    return _download(body, XLSX_TYPE, submission, "xlsx")


@bp.get("/submissions/<int:submission_id>/template.csv")
def template_csv(submission_id: int):
    """The CSV template: code, value, justification and columns to read."""
    submission = _submission(submission_id)
    body = index_spreadsheets.template_csv(submission, current_locale())
    return _download(body, "text/csv", submission, "csv")


@bp.route("/submissions/<int:submission_id>/upload", methods=["GET", "POST"])
def upload(submission_id: int):
    """Upload a filled-in template; it is only read and reported on until confirmed."""
    submission = _submission(submission_id, "submissions.edit")
    form = UploadForm()
    if form.validate_on_submit():
        try:
            stored = index_spreadsheets.store_upload(current_user, submission, form.file.data)
        except DomainError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            return redirect(
                url_for(".upload_report", submission_id=submission.id, public_id=stored.public_id)
            )
    page = render_template("submissions/spreadsheets/upload.html", submission=submission, form=form)
    return page, 422 if request.method == "POST" else 200


@bp.get("/submissions/<int:submission_id>/uploads/<public_id>")
def upload_report(submission_id: int, public_id: str):
    """What the file would change, every problem per cell, and the button to apply it when there are none."""
    submission = _submission(submission_id)
    stored = _upload(submission, public_id)
    report = index_spreadsheets.read_upload(submission, stored)
    confirmable = report.ok and bool(report.entries) and can(current_user, "submissions.edit", submission)
    form = ConfirmForm(formdata=None, revision=str(submission.revision))
    return render_template(
        "submissions/spreadsheets/report.html",
        submission=submission,
        stored=stored,
        report=report,
        form=form,
        confirmable=confirmable,
    )


@bp.post("/submissions/<int:submission_id>/uploads/<public_id>/confirm")
def confirm_upload(submission_id: int, public_id: str):
    """Apply a checked upload's changes, unless someone saved the submission since the report was shown."""
    submission = _submission(submission_id, "submissions.edit")
    stored = _upload(submission, public_id)
    report_url = url_for(".upload_report", submission_id=submission.id, public_id=stored.public_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The confirmation could not be read. Please check the report and confirm again."), "error")
        return redirect(report_url)
    try:
        index_spreadsheets.confirm_upload(current_user, submission, stored, int(form.revision.data))
    except RevisionConflict:
        flash(str(CONFLICT), "error")
        return redirect(report_url)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(report_url)
    flash(_("The values of the file are saved."), "success")
    return redirect(url_for(".show", submission_id=submission.id))
