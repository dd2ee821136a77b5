"""The agenda editor (server-rendered, no JavaScript needed): add, change, reorder and remove items, and
attach or remove their documents."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...services import committee_agenda
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_item, load_session
from .forms import DocumentForm, ItemForm, MoveForm


@bp.route("/sessions/<int:session_id>/agenda", methods=["GET", "POST"])
def agenda(session_id: int):
    """The session's items with their actions, and the form to add one."""
    meeting = load_session(session_id, "committees.run_session")
    form = ItemForm()
    form.set_presenters(committee_agenda.presenter_choices(meeting))
    if form.validate_on_submit():
        try:
            committee_agenda.add_item(current_user, meeting, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The item was added to the agenda."), "success")
            return redirect(url_for(".agenda", session_id=meeting.id))
    document_forms = {item.id: DocumentForm(prefix=f"i{item.id}", formdata=None) for item in meeting.items}
    page = render_template(
        "committees/agenda.html", session=meeting, body=meeting.body, form=form, document_forms=document_forms
    )
    return page, form_status()


@bp.route("/agenda/<int:agenda_item_id>/edit", methods=["GET", "POST"])
def edit_item(agenda_item_id: int):
    """Change an item's title, kind, presenter, time box or description."""
    item = load_item(agenda_item_id)
    form = ItemForm.of(item)
    form.set_presenters(committee_agenda.presenter_choices(item.session))
    if form.validate_on_submit():
        try:
            committee_agenda.update_item(current_user, item, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The item was saved."), "success")
            return redirect(url_for(".agenda", session_id=item.session_id))
    return render_template("committees/item_form.html", item=item, form=form), form_status()


@bp.post("/agenda/<int:agenda_item_id>/move")
def move_item(agenda_item_id: int):
    """Move an item one place up or down."""
    item = load_item(agenda_item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Move an item one place up or down."), "error")
        return redirect(url_for(".agenda", session_id=item.session_id))
    with flashing():
        committee_agenda.move_item(current_user, item, int(form.step.data))
    return redirect(url_for(".agenda", session_id=item.session_id))


@bp.post("/agenda/<int:agenda_item_id>/remove")
def remove_item(agenda_item_id: int):
    """Take an item off the agenda, with its documents."""
    item = load_item(agenda_item_id)
    session_id = item.session_id
    with flashing(_("The item was removed from the agenda.")):
        committee_agenda.remove_item(current_user, item)
    return redirect(url_for(".agenda", session_id=session_id))


@bp.post("/agenda/<int:agenda_item_id>/documents")
def attach_document(agenda_item_id: int):
    """Attach a document to an item."""
    item = load_item(agenda_item_id)
    form = DocumentForm(prefix=f"i{item.id}")
    if not form.validate_on_submit():
        flash(_("Choose a file to attach."), "error")
        return redirect(url_for(".agenda", session_id=item.session_id))
    with flashing(_("The document was attached.")):
        committee_agenda.attach_document(current_user, item, form.document.data)
    return redirect(url_for(".agenda", session_id=item.session_id))


@bp.post("/agenda/<int:agenda_item_id>/documents/<int:document_id>/remove")
def detach_document(agenda_item_id: int, document_id: int):
    """Remove a document from an item."""
    item = load_item(agenda_item_id)
    if all(document.id != document_id for document in item.documents):
        abort(404)
    with flashing(_("The document was removed.")):
        committee_agenda.detach_document(current_user, item, document_id)
    return redirect(url_for(".agenda", session_id=item.session_id))
