"""Helpers shared by the community views: loading a community from its URL and showing service errors."""

from flask import abort, request
from flask_wtf import FlaskForm

from ...errors import DomainError
from ...models import PortCommunity
from ...security import authorize
from ...services import communities


def load_community(slug: str) -> PortCommunity:
    """The community of a URL, or 404 (archived ones exist only for the Secretariat)."""
    community = communities.get_by_slug(slug)
    if community is None:
        abort(404)
    authorize("communities.view", community, hide=True)
    return community


def managed_community(slug: str) -> PortCommunity:
    """The community, for those who manage its members; 404 for everyone else."""
    community = load_community(slug)
    authorize("communities.manage_members", community, hide=True)
    return community


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error on the field it names, or at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
