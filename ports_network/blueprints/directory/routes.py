"""The network directory and personal profile pages."""

from flask import render_template, request
from flask_login import current_user

from ...extensions import db
from ...i18n import current_locale
from ...models import User
from ...security import authorize, requires
from ...services import directory
from . import bp
from .forms import DirectorySearchForm


@bp.get("/")
@requires("directory.view")
def index():
    """Search the network's members by name, organisation or job title; filter by country, community, kind."""
    form = DirectorySearchForm(request.args)
    form.load_choices(current_locale())
    query = form.to_query(request.args.get("page", 1, type=int))
    page, cards = directory.search(current_user, query)
    return render_template("directory/index.html", form=form, page=page, cards=cards)


@bp.get("/people/<int:user_id>")
def profile(user_id: int):
    """A person's profile, for those their privacy setting allows (404 for everyone else)."""
    person = db.get_or_404(User, user_id)
    authorize("users.view_profile", person, hide=True)
    return render_template("directory/profile.html", card=directory.profile(person))
