"""The notification centre: the person's notices, marking them read, and delivery preferences."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...security import requires
from ...services import notifications
from ...web import is_safe_next
from . import bp
from .forms import chosen, preferences_form


@bp.get("/")
@requires("notifications.view")
def index():
    """The person's newest notices, unread ones marked."""
    return render_template("notifications/index.html", items=notifications.listing(current_user))


@bp.post("/<int:notification_id>/read")
@requires("notifications.view")
def mark_read(notification_id: int):
    """Mark one of the person's notices read."""
    notice = notifications.find(current_user, notification_id) or abort(404)
    notifications.mark_read(current_user, notice.id)
    return redirect(url_for(".index"))


@bp.post("/<int:notification_id>/open")
@requires("notifications.view")
def open_notice(notification_id: int):
    """Mark a notice read and follow its link (only a same-site path; else back to the list)."""
    notice = notifications.find(current_user, notification_id) or abort(404)
    notifications.mark_read(current_user, notice.id)
    return redirect(notice.link if is_safe_next(notice.link) else url_for(".index"))


@bp.post("/read-all")
@requires("notifications.view")
def mark_all_read():
    """Mark every notice of the person read."""
    changed = notifications.mark_read(current_user)
    if changed:
        flash(
            ngettext("%(num)d notice marked as read.", "%(num)d notices marked as read.", changed), "success"
        )
    else:
        flash(_("You had no unread notices."), "info")
    return redirect(url_for(".index"))


@bp.route("/preferences", methods=["GET", "POST"])
@requires("notifications.view")
def preferences():
    """Choose, per group of notices, how they are delivered."""
    form = preferences_form(notifications.preferences(current_user))
    if form.validate_on_submit():
        notifications.set_preferences(current_user, chosen(form))
        flash(_("Your notification preferences were saved."), "success")
        return redirect(url_for(".preferences"))
    status = 422 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form), status


@bp.get("/unread-count")
@requires("notifications.view")
def unread_count():
    """How many unread notices the person has, for live badge updates."""
    return {"unread": notifications.unread_count(current_user)}, 200, {"Cache-Control": "no-store"}
