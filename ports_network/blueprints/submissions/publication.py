"""Publication of the index: the Secretariat publishes accepted submissions and recomputes the history."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ...errors import DomainError
from ...extensions import db
from ...models import DataCall, MethodologyVersion, ScoreRun
from ...security import authorize, requires
from ...services import index_results
from ..forms import show_error
from . import bp


class PublishForm(FlaskForm):
    """Publishing cannot be undone: the Secretariat ticks a confirmation first."""

    confirm = BooleanField(
        _l("I confirm: publish these submissions and their scores"),
        validators=[DataRequired(_l("Tick the box to confirm the publication."))],
    )


class RecomputeForm(FlaskForm):
    """Only the CSRF token: recomputing asks nothing more."""


def _figures(run: ScoreRun) -> dict[str, object]:
    return {"periods": ", ".join(run.periods), "ms": run.duration_ms or 0}


@bp.get("/results-admin")
@requires("index.publish")
def results_admin():
    """Methodology versions with their score runs, and the data calls waiting to be published."""
    versions, calls = index_results.publication_overview()
    return render_template(
        "submissions/publication/admin.html",
        versions=versions,
        calls=calls,
        publish_form=PublishForm(),
        recompute_form=RecomputeForm(),
    )


@bp.post("/methodologies/<int:version_id>/recompute")
def recompute(version_id: int):
    """Score the whole published history under a frozen version; earlier runs are kept."""
    version = db.get_or_404(MethodologyVersion, version_id)
    authorize("index.recompute", version)
    if RecomputeForm().validate_on_submit():
        try:
            run = index_results.recompute_history(current_user, version)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("The history was recomputed (periods %(periods)s, %(ms)d ms).", **_figures(run)), "success"
            )
    return redirect(url_for(".results_admin"))


@bp.route("/calls/<int:call_id>/publish", methods=["GET", "POST"])
def publish(call_id: int):
    """Confirm, then publish a call's accepted submissions and compute the index."""
    call = db.get_or_404(DataCall, call_id)
    authorize("index.publish", call)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            run = index_results.publish(current_user, call)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("Published; the index was computed (periods %(periods)s, %(ms)d ms).", **_figures(run)),
                "success",
            )
            return redirect(url_for(".results_admin"))
    page = render_template(
        "submissions/publication/confirm.html",
        call=call,
        submissions=index_results.accepted_submissions(call),
        form=form,
    )
    return page, 422 if request.method == "POST" else 200
