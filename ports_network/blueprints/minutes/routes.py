"""The minutes of a session: generating the draft, the page with its versions and amendments, editing,
the amendment window, recording the approval, the diff between versions and the locked downloads."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...services import committee_minutes, minutes_amendments, minutes_documents
from ..committees.common import load_session
from ..committees.live_events import publish
from ..forms import flashing, show_error
from . import bp
from .common import describe, form_status, load_minutes
from .forms import AmendmentForm, ApproveForm, EditForm, WindowForm


def _show(minutes_id: int):
    return redirect(url_for(".show", minutes_id=minutes_id))


@bp.post("/sessions/<int:session_id>/minutes")
def generate(session_id: int):
    """An officer writes the first draft of a closed session's minutes from its record."""
    meeting = load_session(session_id, "minutes.generate")
    try:
        minutes = committee_minutes.generate(current_user, meeting)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committees.session", session_id=meeting.id))
    flash(
        _("The draft minutes were written from the session record. Read them and edit as needed."), "success"
    )
    return _show(minutes.id)


@bp.get("/minutes/<int:minutes_id>")
def show(minutes_id: int):
    """The minutes as they stand, their versions, amendments and what the reader may do next."""
    minutes = load_minutes(minutes_id)
    approve_form = ApproveForm(motion_id=request.args.get("motion_id", type=int))  # from a motion's result
    approve_form.set_choices(committee_minutes.approval_candidates(minutes), describe)
    return render_template(
        "minutes/show.html",
        minutes=minutes,
        session=minutes.session,
        amendments=minutes_amendments.of_minutes(minutes),
        window_form=WindowForm(),
        amendment_form=AmendmentForm(),
        approve_form=approve_form,
        verified=committee_minutes.verified(minutes),
    )


@bp.route("/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
def edit(minutes_id: int):
    """An officer edits the draft; each save is a new version."""
    minutes = load_minutes(minutes_id, "minutes.edit")
    form = EditForm(text=minutes.current.text, based_on=minutes.current.number)
    if form.validate_on_submit():
        try:
            saved = committee_minutes.edit(
                current_user, minutes, form.text.data, form.note.data, form.based_on.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("Version %(num)d saved.", num=saved.number) if saved else _("Nothing changed."), "success"
            )
            return _show(minutes.id)
    return render_template("minutes/edit.html", minutes=minutes, form=form), form_status()


@bp.post("/minutes/<int:minutes_id>/regenerate")
def regenerate(minutes_id: int):
    """Write the minutes again from the session record, as a new version."""
    minutes = load_minutes(minutes_id, "minutes.edit")
    created = committee_minutes.regenerate(current_user, minutes)
    flash(_("Version %(num)d was written from the session record.", num=created.number), "success")
    return _show(minutes.id)


@bp.post("/minutes/<int:minutes_id>/window")
def open_window(minutes_id: int):
    """Open the draft to the attendees' amendments until a deadline."""
    minutes = load_minutes(minutes_id, "minutes.edit")
    form = WindowForm()
    closes_at = form.closes_at(minutes.session.time_zone) if form.validate_on_submit() else None
    with flashing(_("The attendees can now propose amendments; they were told.")):
        committee_minutes.open_amendments(current_user, minutes, closes_at)
    return _show(minutes.id)


@bp.post("/minutes/<int:minutes_id>/window/close")
def close_window(minutes_id: int):
    """Close the amendment window now."""
    minutes = load_minutes(minutes_id, "minutes.edit")
    with flashing(_("The amendment window is closed.")):
        committee_minutes.close_amendments(current_user, minutes)
    return _show(minutes.id)


@bp.post("/minutes/<int:minutes_id>/approve")
def approve(minutes_id: int):
    """Record the carried motion that approved the minutes, which locks them."""
    minutes = load_minutes(minutes_id, "minutes.edit")
    form = ApproveForm()
    form.set_choices(committee_minutes.approval_candidates(minutes), describe)
    if not form.validate_on_submit():
        flash(_("Choose the carried motion that approved the minutes."), "error")
        return _show(minutes.id)
    motion = next(
        c.motion for c in committee_minutes.approval_candidates(minutes) if c.motion.id == form.motion_id.data
    )
    try:
        committee_minutes.approve_by_motion(minutes, motion, current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The minutes are approved and locked."), "success")
        if motion.session is not None and motion.session.is_live:
            publish(motion.session, [motion])  # its live result offers the approval no more
    return _show(minutes.id)


@bp.get("/minutes/<int:minutes_id>/diff")
def diff(minutes_id: int):
    """The changes between two versions (`from` and `to`, by number; default the last two)."""
    minutes = load_minutes(minutes_id)
    newest = minutes.current.number
    old = committee_minutes.version(minutes, request.args.get("from", max(newest - 1, 1), type=int))
    new = committee_minutes.version(minutes, request.args.get("to", newest, type=int))
    if old is None or new is None:
        abort(404)
    hunks = minutes_documents.diff(old.text, new.text)
    return render_template("minutes/diff.html", minutes=minutes, old=old, new=new, hunks=hunks)


def _download(minutes, body: bytes | str, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = minutes_documents.file_name(minutes, extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-SHA256"] = minutes.content_hash
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/minutes/<int:minutes_id>/minutes.html")
def download_html(minutes_id: int):
    """The approved minutes as a stand-alone HTML file."""
    minutes = load_minutes(minutes_id, "minutes.download")
    doc = minutes_documents.document(minutes)
    with force_locale(minutes.locale):
        page = render_template("minutes/document.html", doc=doc, session=minutes.session)
    return _download(minutes, page, "text/html", "html")


@bp.get("/minutes/<int:minutes_id>/minutes.pdf")
def download_pdf(minutes_id: int):
    """The approved minutes as a PDF."""
    minutes = load_minutes(minutes_id, "minutes.download")
    return _download(minutes, minutes_documents.pdf(minutes), "application/pdf", "pdf")
