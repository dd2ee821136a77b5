"""Action items: the follow-up lists (mine, a body's, a community's), an item's page with its history,
creating one from a carried motion or by hand, changing it, and its owner's status updates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...markdown import plain_text
from ...models import ActionItem, Body
from ...security import authorize, requires
from ...services import action_item_indicator, action_items, committee_seats, committee_sessions, communities
from ..committees.common import load_body
from ..forms import flashing, show_error
from . import bp
from .forms import FilterForm, ItemForm, StatusForm


def _load(action_item_id: int, action: str = "action_items.view") -> ActionItem:
    item = action_items.get(action_item_id) or abort(404)
    authorize("action_items.view", item, hide=True)  # an item's existence is its readers' business
    authorize(action, item)
    return item


def _with_choices(form: ItemForm) -> ItemForm:
    form.set_choices(
        committee_seats.people_choices(),
        committee_seats.community_choices(),
        action_items.indicator_choices(current_locale()),
    )
    return form


def _follow_up(template: str, **scope) -> tuple[str, dict]:
    """A follow-up list: the items of a scope the viewer may see, with the filters applied."""
    everything = action_items.listing(current_user, action_items.Filters(), **scope)
    form = FilterForm(request.args)
    form.set_choices(action_items.owners_in(everything))
    items = action_items.listing(current_user, form.filters(), **scope)
    return template, {"items": items, "filter_form": form, "today": action_items.today()}


@bp.get("/action-items/")
@requires("action_items.list")
def mine():
    """The actions the signed-in person owns."""
    template, context = _follow_up("action_items/mine.html", owner_id=current_user.id)
    return render_template(template, **context)


@bp.get("/committees/<int:body_id>/action-items")
def body_items(body_id: int):
    """A body's follow-up page: its actions the viewer may see, filtered by status and owner."""
    body = load_body(body_id)
    authorize("committees.view", body)
    template, context = _follow_up("action_items/body.html", body_id=body.id)
    return render_template(template, body=body, **context)


@bp.get("/communities/<slug>/action-items")
def community_items(slug: str):
    """A community's follow-up page, with its share of actions closed on time (the index indicator)."""
    community = communities.get_by_slug(slug) or abort(404)
    authorize("action_items.follow_community", community, hide=True)
    template, context = _follow_up("action_items/community.html", community_id=community.id)
    shares = action_item_indicator.recent_shares(community)
    return render_template(template, community=community, shares=shares, **context)


@bp.get("/action-items/<int:action_item_id>")
def show(action_item_id: int):
    """An action: what, who, by when, where it came from, its status form and history."""
    item = _load(action_item_id)
    form = StatusForm(status=item.status.value)
    history = action_items.history(item)
    return render_template(
        "action_items/show.html", item=item, form=form, history=history, today=action_items.today()
    )


def _origin(body: Body):
    """The session and carried motion named in the query string (for an action from a decision)."""
    session = committee_sessions.get(request.args.get("session_id", 0, type=int))
    motion_id = request.args.get("motion_id", 0, type=int)
    motion = next((m for m in action_items.carried_motions(body) if m.id == motion_id), None)
    return session, motion


@bp.route("/committees/<int:body_id>/action-items/new", methods=["GET", "POST"])
def new(body_id: int):
    """An officer records an action, by hand or from a carried motion (`?motion_id=`)."""
    body = load_body(body_id)
    authorize("action_items.create", body)
    session, motion = _origin(body)
    title = plain_text(motion.text)[: action_items.MAX_TITLE] if motion else None  # the decision, unmarked
    form = _with_choices(ItemForm(title=title))
    if form.validate_on_submit():
        try:
            item = action_items.create(current_user, body, form.to_data(), session=session, motion=motion)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The action was recorded and its owner told."), "success")
            return redirect(url_for(".show", action_item_id=item.id))
    page = render_template("action_items/form.html", form=form, body=body, item=None, motion=motion)
    return page, 422 if request.method == "POST" else 200


@bp.route("/action-items/<int:action_item_id>/edit", methods=["GET", "POST"])
def edit(action_item_id: int):
    """An officer changes an action (a new owner is told)."""
    item = _load(action_item_id, "action_items.edit")
    form = _with_choices(ItemForm.of(item))
    if form.validate_on_submit():
        try:
            action_items.update(current_user, item, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The action was saved."), "success")
            return redirect(url_for(".show", action_item_id=item.id))
    page = render_template("action_items/form.html", form=form, body=item.body, item=item, motion=item.motion)
    return page, 422 if request.method == "POST" else 200


@bp.post("/action-items/<int:action_item_id>/status")
def update_status(action_item_id: int):
    """The owner (or an officer) gives the action a new status with a note."""
    item = _load(action_item_id, "action_items.update_status")
    form = StatusForm()
    with flashing(_("The status was updated.")):
        if not form.validate_on_submit():
            raise DomainError(_("Choose a status and keep the note under 1000 characters."))
        action_items.set_status(current_user, item, form.status.data, form.note.data)
    return redirect(url_for(".show", action_item_id=item.id))
