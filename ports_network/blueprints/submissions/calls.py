"""Data-call pages: the calls a person can see, one call with its communities' progress, and the
Secretariat's screens to open, change, close and reopen calls."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...labels import label
from ...models import DataCall
from ...security import authorize, requires
from ...services import data_calls
from ..forms import flashing, show_error
from . import bp
from .call_forms import CallForm, NewCallForm


def _call(call_id: int, action: str, *, hide: bool = False) -> DataCall:
    call = data_calls.get(call_id) or abort(404)
    authorize(action, call, hide=hide)
    return call


def _form_page(form: CallForm, groups: list, call: DataCall | None = None):
    page = render_template("submissions/calls/form.html", form=form, groups=groups, call=call)
    return page, 422 if request.method == "POST" else 200


@bp.get("/calls")
@requires("data_calls.list")
def calls():
    """The data calls naming the person's communities (every call, for the Secretariat)."""
    calls_seen = data_calls.calls_for(current_user)
    return render_template("submissions/calls/index.html", calls=calls_seen, label=label)


@bp.route("/calls/new", methods=["GET", "POST"])
@requires("data_calls.manage")
def new_call():
    """The Secretariat opens a data call; the reporters of the communities it names are told."""
    form = NewCallForm()
    groups = data_calls.community_groups(current_locale())
    form.set_versions(data_calls.frozen_versions())
    form.set_communities(groups)
    if form.validate_on_submit():
        try:
            call = data_calls.open_call(current_user, **form.open_arguments())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("The data call is open; the communities' coordinators and focal points were told."),
                "success",
            )
            return redirect(url_for(".call", call_id=call.id))
    return _form_page(form, groups)


@bp.get("/calls/<int:call_id>")
def call(call_id: int):
    """A data call: methodology version, period, deadline, status and each community's progress."""
    data_call = _call(call_id, "data_calls.view", hide=True)
    return render_template(
        "submissions/calls/show.html",
        call=data_call,
        label=label,
        days_left=data_calls.days_left(data_call),
        rows=data_calls.call_overview(data_call),
    )


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
def edit_call(call_id: int):
    """The Secretariat changes a call's title, deadline or communities (new ones are told)."""
    data_call = _call(call_id, "data_calls.manage")
    form = CallForm.of(data_call)
    groups = data_calls.community_groups(current_locale(), keep=[c.id for c in data_call.communities])
    form.set_communities(groups)
    if form.validate_on_submit():
        try:
            data_calls.update_call(current_user, data_call, **form.update_arguments())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The data call was saved."), "success")
            return redirect(url_for(".call", call_id=data_call.id))
    return _form_page(form, groups, data_call)


@bp.post("/calls/<int:call_id>/close")
def close_call(call_id: int):
    """The Secretariat closes a call: it takes no more submissions."""
    return _change_status(
        _call(call_id, "data_calls.manage"), data_calls.close_call, _("The data call is closed.")
    )


@bp.post("/calls/<int:call_id>/reopen")
def reopen_call(call_id: int):
    """The Secretariat opens a closed call again."""
    return _change_status(
        _call(call_id, "data_calls.manage"), data_calls.reopen_call, _("The data call is open again.")
    )


def _change_status(data_call: DataCall, change, done: str):
    with flashing(done):
        change(current_user, data_call)
    return redirect(url_for(".call", call_id=data_call.id))
