"""Views of the public portal."""

from flask import current_app, redirect, render_template, request, session
from flask_login import current_user

from ...extensions import db
from ...i18n import current_locale
from ...services import accounts, event_calendar, portal
from ...web import is_safe_next
from . import bp


@bp.get("/")
def index():
    """Home page: what the network is, its figures, its next events, its communities by country."""
    locale = current_locale()
    return render_template(
        "main/index.html",
        figures=portal.network_figures(),
        groups=portal.communities_by_country(locale),
        next_events=event_calendar.next_public(),
    )


@bp.get("/about")
def about():
    """What the Network of Digital and Collaborative Ports is and how it works."""
    return render_template("main/about.html")


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session and, for a signed-in person, in their profile."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_preferred_locale(current_user, locale)
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else "/")


@bp.get("/health")
def health():
    """Liveness and database check for load balancers."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
