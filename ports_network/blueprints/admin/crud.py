"""One reusable set of list / new / edit / archive views, declared per entity with `Screens` and `register`.

Each entity says which form, service functions and titles it uses; the views themselves are written once,
in the house order: load (404) -> authorise -> validate -> one service call -> flash -> redirect.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...errors import DomainError
from ...extensions import db
from ...security import requires
from ..forms import show_error
from .forms import EntityForm, FilterForm

ACCESS = "admin.access"


class Titles(NamedTuple):
    """Headings of an entity's pages, lazily translated."""

    plural: Any  # the list page
    new: Any
    edit: Any


@dataclass(frozen=True)
class Screens:
    """An entity's administration screens. `name` is the URL segment, endpoint prefix and list template."""

    name: str
    model: type
    titles: Titles
    form: type[EntityForm]
    listing: Callable[..., list[Any]]  # called with the filter form's criteria as keyword arguments
    filters: type[FilterForm] | None = None
    create: Callable[[Any, Any], Any] | None = None  # (actor, data)
    update: Callable[[Any, Any, Any], Any] | None = None  # (actor, item, data)
    archive: Callable[[Any, Any, bool], Any] | None = None  # (actor, item, archived)
    delete: Callable[[Any, Any], Any] | None = None  # (actor, item), for rows nothing else refers to
    segment: str | None = None  # the URL segment when it differs from `name` (e.g. "peer-groups")
    restorable: bool = True
    new_form: type[EntityForm] | None = None  # when adding asks for more than editing
    created: Any = None  # the message after adding, when "Saved." says too little
    describe: Callable[[Any], str] = attrgetter("name")
    context: dict[str, Any] = field(default_factory=dict)  # extra values for the list template


def form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a form page; a POST that gets here failed validation, so it answers 422."""
    return render_template(template, form=form, **context), 422 if request.method == "POST" else 200


def perform(action: Callable[[], Any], done: str, form: FlaskForm | None = None) -> bool:
    """Make one service call; flash `done` when it succeeds, else show the refusal on the form or flash it."""
    try:
        action()
    except DomainError as error:
        if form is None:
            flash(error.message, "error")
        else:
            show_error(form, error)
        return False
    flash(done, "success")
    return True


def _list(screen: Screens):
    filters = screen.filters(request.args) if screen.filters else None
    if filters is not None:
        filters.prepare()
    items = screen.listing(**(filters.criteria() if filters is not None else {}))
    return render_template(
        f"admin/{screen.name}.html", screen=screen, items=items, filters=filters, **screen.context
    )


def _new(screen: Screens):
    form = (screen.new_form or screen.form)()
    form.prepare()
    save = partial(screen.create, current_user)
    done = str(screen.created or _("Saved."))
    if form.validate_on_submit() and perform(lambda: save(form.to_data()), done, form):
        return redirect(url_for(f".{screen.name}"))
    return form_page("admin/form.html", form, screen=screen, title=screen.titles.new, item=None)


def _edit(screen: Screens, item_id: int):
    item = db.get_or_404(screen.model, item_id)
    form = screen.form(obj=item, **screen.form.initial(item)) if request.method == "GET" else screen.form()
    form.prepare(item)
    save = partial(screen.update, current_user, item)
    if form.validate_on_submit() and perform(lambda: save(form.to_data()), _("Saved."), form):
        return redirect(url_for(f".{screen.name}"))
    return form_page(
        "admin/form.html",
        form,
        screen=screen,
        title=screen.titles.edit,
        item=item,
        subject=screen.describe(item),
    )


def _set_archived(screen: Screens, archived: bool, item_id: int):
    item = db.get_or_404(screen.model, item_id)
    done = _("Archived.") if archived else _("Restored.")
    perform(lambda: screen.archive(current_user, item, archived), done)
    return redirect(url_for(f".{screen.name}"))


def _delete(screen: Screens, item_id: int):
    item = db.get_or_404(screen.model, item_id)
    perform(lambda: screen.delete(current_user, item), _("Deleted."))
    return redirect(url_for(f".{screen.name}"))


def register(bp: Blueprint, screen: Screens) -> None:
    """Add the entity's views to the blueprint, every one guarded by admin.access."""
    read, write = ["GET"], ["GET", "POST"]
    views: list[tuple[str, str, Callable, list[str]]] = [("/", "", partial(_list, screen), read)]
    if screen.create:
        views.append(("/new", "_new", partial(_new, screen), write))
    if screen.update:
        views.append(("/<int:item_id>/edit", "_edit", partial(_edit, screen), write))
    if screen.archive:
        views.append(("/<int:item_id>/archive", "_archive", partial(_set_archived, screen, True), ["POST"]))
    if screen.archive and screen.restorable:
        views.append(("/<int:item_id>/restore", "_restore", partial(_set_archived, screen, False), ["POST"]))
    if screen.delete:
        views.append(("/<int:item_id>/delete", "_delete", partial(_delete, screen), ["POST"]))
    for rule, suffix, view, methods in views:
        guarded = requires(ACCESS)(view)
        bp.add_url_rule(
            f"/{screen.segment or screen.name}{rule}", screen.name + suffix, guarded, methods=methods
        )
