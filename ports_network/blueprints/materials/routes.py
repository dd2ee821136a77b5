"""The library's pages: list and search, a material's page, adding one, new versions and translations,
captions, and changing what describes it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...i18n import current_locale
from ...models import Body, CommitteeSession, Event, EventSession, Material, MaterialVariant, PortCommunity
from ...security import authorize
from ...services import material_pages, material_search, materials
from ...services.storage import FileTooLarge
from ..forms import flashing, show_error
from . import bp
from .forms import ATTACHMENT_FIELDS, CaptionForm, MaterialForm, MetadataForm, VersionForm

TARGETS = {
    "community": PortCommunity,
    "body": Body,
    "committee_session": CommitteeSession,
    "event": Event,
    "event_session": EventSession,
}


def load_material(material_id: int, action: str | None = None) -> Material:
    """The material of a URL: 404 for anyone who may not see it; then `action` (403 when refused)."""
    material = material_pages.get(material_id) or abort(404)
    authorize("materials.view", material, hide=True)
    if action:
        authorize(action, material)
    return material


def load_variant(material: Material, language: str) -> MaterialVariant:
    """A language variant of a material that has a version."""
    variant = material.variant(language)
    if variant is None or variant.latest is None:
        abort(404)
    return variant


def refused(form, error: DomainError) -> int:
    """Show a service's refusal on the form; the status the page answers with (413 for a file too large)."""
    show_error(form, error)
    return 413 if isinstance(error, FileTooLarge) else 422


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None  # noqa: PLR2004


def library_query() -> material_search.LibraryQuery:
    """The search and filters of the library's URL; malformed values are ignored."""
    return material_search.LibraryQuery(
        words=request.args.get("q", "")[:200],
        kind=request.args.get("kind") or None,
        language=request.args.get("language") or None,
        year=_int_arg("year"),
        page=_int_arg("page") or 1,
        **{name: _int_arg(name) for name in ATTACHMENT_FIELDS},
    )


@bp.get("/")
def index():
    """The library: what the person may see, searched and filtered (people signed out: public materials)."""
    query, locale = library_query(), current_locale()
    page = material_search.search(current_user, query)
    shown = [
        (material, material_pages.pick_variant(material, query.language or locale)) for material in page.items
    ]
    return render_template(
        "materials/index.html",
        page=page,
        shown=shown,
        query=query,
        years=[(year, str(year)) for year in material_search.years(current_user)],
        filters=material_pages.filter_choices(current_user, locale),
    )


def _target():
    """The community, body, session or event named by the URL's query (?community=3), or None."""
    for name, model in TARGETS.items():
        if (ident := _int_arg(name)) is not None:
            return name, db.session.get(model, ident) or abort(404)
    return None, None


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a material (the Secretariat anywhere; coordinators, officers, organisers where they may)."""
    name, target = _target()
    authorize("materials.add", target)
    form = MaterialForm(**({f"{name}_id": target.id} if target else {}), language=current_locale())
    form.set_choices(material_pages.form_choices(current_user, current_locale()))
    status = 200
    if form.validate_on_submit():
        try:
            material = materials.create(current_user, form.to_data(), form.variant_data(), form.upload_data())
        except DomainError as error:
            status = refused(form, error)
        else:
            flash(_("The material was added to the library."), "success")
            return redirect(url_for(".show", material_id=material.id))
    elif request.method == "POST":
        status = 422
    return render_template("materials/new.html", form=form), status


@bp.get("/<int:material_id>")
def show(material_id: int):
    """A material's page: its reader's variant, every language, every version with checksum, previews."""
    material = load_material(material_id)
    variant = material_pages.pick_variant(material, request.args.get("language") or current_locale())
    caption_form = CaptionForm(language=variant.language if variant else None)
    return render_template(
        "materials/show.html", material=material, variant=variant, caption_form=caption_form
    )


@bp.route("/<int:material_id>/edit", methods=["GET", "POST"])
def edit(material_id: int):
    """Change what describes a material in every language."""
    material = load_material(material_id, "materials.manage")
    form = MetadataForm.of(material) if request.method == "GET" else MetadataForm()
    form.set_choices(material_pages.form_choices(current_user, current_locale()))
    if form.validate_on_submit():
        try:
            materials.update(current_user, material, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The material was saved."), "success")
            return redirect(url_for(".show", material_id=material.id))
    return render_template("materials/edit.html", form=form, material=material), 422 if form.errors else 200


@bp.route("/<int:material_id>/versions/new", methods=["GET", "POST"])
def new_version(material_id: int):
    """Upload a new version of a language variant (the permalink then serves it), or a new language."""
    material = load_material(material_id, "materials.manage")
    current = material_pages.pick_variant(material, request.args.get("language") or current_locale())
    form = VersionForm(obj=current) if request.method == "GET" else VersionForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = materials.add_version(current_user, material, form.variant_data(), form.upload_data())
        except DomainError as error:
            status = refused(form, error)
        else:
            flash(_("Version %(number)d was uploaded.", number=created.number), "success")
            return redirect(url_for(".show", material_id=material.id, language=created.variant.language))
    elif request.method == "POST":
        status = 422
    return render_template("materials/version_form.html", form=form, material=material), status


@bp.post("/<int:material_id>/<language>/captions")
def add_caption(material_id: int, language: str):
    """Attach WebVTT captions in one language to a recording's variant."""
    material = load_material(material_id, "materials.manage")
    variant = load_variant(material, language)
    form = CaptionForm()
    if form.validate_on_submit():
        with flashing(_("The captions were saved.")):
            materials.add_caption(current_user, variant, form.language.data, form.file.data)
    return redirect(url_for(".show", material_id=material.id, language=variant.language))
