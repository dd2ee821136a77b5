"""The Secretariat's methodology versions: import a JSON/YAML file as a draft, preview, export, copy into a
new draft, freeze. The same services serve `flask index import-methodology / export-methodology / freeze`."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from ...errors import DomainError
from ...extensions import db
from ...i18n import current_locale
from ...index_engine import format_methodology
from ...models import MethodologyVersion
from ...security import authorize, requires
from ...services import index_public, methodologies
from ..forms import flashing, show_error
from . import bp

EXPORT_TYPES = {"json": "application/json", "yaml": "application/yaml"}


class ImportForm(FlaskForm):
    """A methodology file; importing a draft's version again replaces that draft."""

    file = FileField(
        _l("Methodology file (JSON or YAML, at most 1 MB)"),
        validators=[FileRequired(message=_l("Choose the file to import."))],
    )
    freeze = BooleanField(_l("Freeze it at once (it can then never change)"))


class NewDraftForm(FlaskForm):
    """The number of the new draft version."""

    version = StringField(
        _l("New version"), validators=[DataRequired(_l("Give the new version a number, e.g. 2.1."))]
    )


class FreezeForm(FlaskForm):
    """Freezing cannot be undone: the Secretariat ticks a confirmation first."""

    confirm = BooleanField(
        _l("I confirm: this version never changes again"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


def _version(version_id: int) -> MethodologyVersion:
    version = db.get_or_404(MethodologyVersion, version_id)
    authorize("methodologies.manage", version)
    return version


def _flash_refusal(form: FlaskForm) -> None:
    """A form of the list page that did not validate: its messages (or an expired token's) as a flash."""
    messages = [str(message) for errors in form.errors.values() for message in errors]
    flash(" ".join(messages) or _("The form expired; try again."), "error")


def _list_page(import_form: ImportForm | None = None, status: int = 200):
    page = render_template(
        "submissions/methodologies/list.html",
        versions=methodologies.all_versions(),
        import_form=import_form or ImportForm(),
        new_draft_form=NewDraftForm(),
        freeze_form=FreezeForm(),
    )
    return page, status


@bp.get("/methodologies")
@requires("methodologies.manage")
def methodologies_list():
    """Every methodology version with its status and checksum, and the import form."""
    return _list_page()


@bp.post("/methodologies/import")
@requires("methodologies.manage")
def methodologies_import():
    """Import a methodology file as a new draft (or a draft's new document); nothing changes on an error."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.stream.read(methodologies.UPLOAD_MAX_BYTES + 1)
            row = methodologies.import_upload(data, upload.filename, current_user, freeze=form.freeze.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Methodology %(version)s imported.", version=row.version), "success")
            return redirect(url_for(".methodologies_list"))
    return _list_page(form, 422)


@bp.get("/methodologies/<int:version_id>")
def methodology_preview(version_id: int):
    """A version as the public methodology page will show it, drafts included."""
    version = _version(version_id)
    page = index_public.methodology_page(version.version, current_locale(), drafts=True) or abort(404)
    return render_template("results/methodology.html", page=page, preview=version)


@bp.get("/methodologies/<int:version_id>/export.<file_type>")
def methodology_export(version_id: int, file_type: str):
    """The version as a JSON or YAML file that the import reads back."""
    version = _version(version_id)
    if file_type not in EXPORT_TYPES:
        abort(404)
    text = format_methodology(methodologies.export_methodology(version), yaml_format=file_type == "yaml")
    response = Response(text, mimetype=EXPORT_TYPES[file_type])
    filename = f"methodology-{version.version}.{file_type}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/methodologies/<int:version_id>/new-draft")
def methodology_new_draft(version_id: int):
    """A new draft version that starts as a copy of this one."""
    version = _version(version_id)
    form = NewDraftForm()
    if form.validate_on_submit():
        try:
            row = methodologies.new_draft_from(current_user, version, form.version.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("Draft %(version)s created from %(source)s.", version=row.version, source=version.version),
                "success",
            )
    else:
        _flash_refusal(form)
    return redirect(url_for(".methodologies_list"))


@bp.post("/methodologies/<int:version_id>/freeze")
def methodology_freeze(version_id: int):
    """Freeze a draft: data calls and scores may then refer to it, and it never changes."""
    version = _version(version_id)
    form = FreezeForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
    else:
        with flashing(_("Methodology %(version)s is frozen.", version=version.version)):
            methodologies.freeze(current_user, version)
    return redirect(url_for(".methodologies_list"))
