"""A community's submission: starting it, the values form (saved as a draft at any time, checked as typed),
comments and evidence, the review steps, and the history of every change."""

from collections.abc import Mapping
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...labels import label
from ...models import Submission
from ...security import authorize
from ...services import data_calls, storage, submission_pages, submission_workflow, submissions
from ...services.submissions import InvalidValues, RevisionConflict
from ..forms import flashing
from . import bp
from .forms import CommentForm, EvidenceForm, MessageForm, ReopenForm, ValuesForm


def _load(submission_id: int, action: str | None = None) -> Submission:
    """The submission of a URL for those who may see it (404 for others), and may do `action` (403)."""
    submission = submissions.get(submission_id) or abort(404)
    authorize("submissions.view", submission, hide=True)
    if action:
        authorize(action, submission)
    return submission


def _back(submission: Submission, anchor: str | None = None):
    return redirect(url_for(".show", submission_id=submission.id, _anchor=anchor))


def _page(submission: Submission, status: int = 200, **state: Any):
    """The submission page; after a refused save, `typed` holds what was typed so nothing is lost."""
    typed: Mapping[str, str] | None = state.get("typed")
    checks = submissions.preview_checks(submission, typed) if typed is not None else None
    sections = submission_pages.form_sections(submission, current_locale(), checks)
    reopen = ReopenForm()
    reopen.set_indicators([(i.code, i.name) for section in sections for i in section.indicators])
    general = (submission_pages.comments_by_code(submission), submission_pages.evidence_by_code(submission))
    page = render_template(
        "submissions/show.html",
        submission=submission,
        sections=sections,
        blocking=sum(check.blocks for section in sections for i in section.indicators for check in i.checks),
        general_comments=general[0].get(None, []),
        general_evidence=general[1].get(None, []),
        status_label=label(submission.status),
        number_text=submission_pages.number_text,
        file_size=storage.human_size,
        typed=typed,
        conflict=state.get("conflict"),
        errors=state.get("errors", {}),
        values_form=ValuesForm(),
        message_form=MessageForm(),
        reopen_form=reopen,
        comment_form=CommentForm(),
        evidence_form=EvidenceForm(),
    )
    return page, status


@bp.post("/calls/<int:call_id>/communities/<int:community_id>/submission")
def start(call_id: int, community_id: int):
    """A reporter of a community the call names starts its submission (or goes back to it)."""
    call = data_calls.get(call_id) or abort(404)
    authorize("data_calls.view", call, hide=True)
    community = submissions.named_community(call, community_id) or abort(404)
    existing = submissions.find_submission(call, community)
    if existing is not None:
        authorize("submissions.view", existing, hide=True)
        return _back(existing)
    authorize("submissions.start", (call, community))
    try:
        submission = submissions.open_submission(current_user, call, community)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".call", call_id=call.id))
    return _back(submission)


@bp.get("/submissions/<int:submission_id>")
def show(submission_id: int):
    """The values grouped by pillar (a form while editable), their checks, comments, evidence, review."""
    return _page(_load(submission_id))


@bp.post("/submissions/<int:submission_id>/values")
def save(submission_id: int):
    """Save the draft; after a conflict or invalid values nothing is stored and the input is shown again."""
    submission = _load(submission_id, "submissions.edit")
    form = ValuesForm()
    if not form.validate_on_submit():
        return _page(submission, 422, typed=request.form)
    try:
        entries = submissions.entries_from_form(request.form)
        submissions.save_values(current_user, submission, entries, form.revision.data)
    except RevisionConflict as conflict:
        return _page(submission, 409, typed=request.form, conflict=conflict)
    except InvalidValues as error:
        return _page(submission, 422, typed=request.form, errors=error.errors)
    except DomainError as error:
        flash(error.message, "error")
        return _page(submission, 422, typed=request.form)
    flash(_("Your values were saved."), "success")
    return _back(submission, "values")


@bp.post("/submissions/<int:submission_id>/check")
def check(submission_id: int):
    """The checks the typed values would get (JSON, nothing saved), for the form's live validation."""
    submission = _load(submission_id, "submissions.edit")
    results: dict[str, list[dict[str, Any]]] = {}
    for found in submissions.preview_checks(submission, request.form):
        results.setdefault(found.code, []).append(
            {"rule": found.rule, "severity": found.severity, "message": found.message, "blocks": found.blocks}
        )
    return jsonify(findings=results, blocking=sum(f["blocks"] for items in results.values() for f in items))


@bp.post("/submissions/<int:submission_id>/submit")
def submit(submission_id: int):
    """Send the values to the community's validator."""
    submission = _load(submission_id, "submissions.edit")
    with flashing(_("The values were submitted for validation.")):
        submission_workflow.submit(current_user, submission)
    return _back(submission)


@bp.post("/submissions/<int:submission_id>/return", endpoint="return")
def return_submission(submission_id: int):
    """Send the values back to the community with a message."""
    submission = _load(submission_id, "submissions.return")
    form = MessageForm()
    with flashing(_("The submission was returned to the community.")):
        if not form.validate_on_submit():
            raise DomainError(" ".join(form.message.errors) or _("Please try again."))
        submission_workflow.return_submission(current_user, submission, form.message.data)
    return _back(submission, "review")


@bp.post("/submissions/<int:submission_id>/validate")
def validate(submission_id: int):
    """The community's validator approves the submitted values."""
    submission = _load(submission_id, "submissions.validate")
    with flashing(_("The values were validated; the Secretariat was asked to accept them.")):
        submission_workflow.validate(current_user, submission)
    return _back(submission)


@bp.post("/submissions/<int:submission_id>/accept")
def accept(submission_id: int):
    """The Secretariat accepts the validated values, which locks them."""
    submission = _load(submission_id, "submissions.accept")
    with flashing(_("The submission was accepted; its values are locked.")):
        submission_workflow.accept(current_user, submission)
    return _back(submission)


@bp.post("/submissions/<int:submission_id>/reopen")
def reopen(submission_id: int):
    """The Secretariat reopens some indicators of an accepted submission."""
    submission = _load(submission_id, "submissions.reopen")
    form = ReopenForm()
    form.set_indicators([(i.code, i.code) for i in submissions.methodology_of(submission).indicators])
    with flashing(_("The indicators were reopened; the community was told.")):
        if not form.validate_on_submit():
            raise DomainError(_("Choose the indicators to reopen."))
        submission_workflow.reopen(current_user, submission, form.codes.data, form.message.data)
    return _back(submission, "review")


@bp.post("/submissions/<int:submission_id>/comments")
def comment(submission_id: int):
    """Comment on one value or on the whole submission."""
    submission = _load(submission_id, "submissions.comment")
    form = CommentForm()
    with flashing(_("Your comment was added.")):
        if not form.validate_on_submit():
            raise DomainError(" ".join(form.body.errors) or _("Please try again."))
        submission_pages.add_comment(current_user, submission, form.indicator_code.data, form.body.data)
    return _back(submission, f"indicator-{form.indicator_code.data}" if form.indicator_code.data else "notes")


@bp.post("/submissions/<int:submission_id>/evidence")
def evidence(submission_id: int):
    """Attach a file supporting one value or the whole submission."""
    submission = _load(submission_id, "submissions.edit")
    form = EvidenceForm()
    with flashing(_("The file was attached.")):
        if not form.validate_on_submit():
            raise DomainError(" ".join(form.file.errors) or _("Choose a file to attach."))
        submission_pages.add_evidence(current_user, submission, form.indicator_code.data, form.file.data)
    return _back(submission, f"indicator-{form.indicator_code.data}" if form.indicator_code.data else "notes")


@bp.get("/submissions/<int:submission_id>/history")
def history(submission_id: int):
    """Every change of the submission, oldest first: who, when, what, and each value's old → new."""
    submission = _load(submission_id)
    entries = submission_pages.history(submission, current_locale())
    return render_template("submissions/history.html", submission=submission, entries=entries)
