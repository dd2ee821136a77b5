"""Views of a person's personal API tokens: list, create (the secret is shown once), revoke."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...models import User
from ...security import requires
from ...services import api_tokens as token_service
from ..forms import show_error
from . import bp
from .forms import ApiTokenForm


def _me() -> User:
    return current_user._get_current_object()


def _tokens_page(form: ApiTokenForm, secret: str | None = None, status: int = 200):
    page = render_template(
        "account/api_tokens.html",
        form=form,
        tokens=token_service.tokens_for(_me()),
        is_active=token_service.is_active,
        secret=secret,
    )
    # A page that shows a secret must not be kept by the browser or a proxy.
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/api-tokens", methods=["GET", "POST"])
@requires("account.manage")
def api_tokens():
    """List one's API tokens and create one; the new secret is on this response only, never stored."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = token_service.create_token(_me(), form.name.data, form.expires_in_days.data)
        except DomainError as error:
            show_error(form, error)
        else:
            # No redirect: after one the secret could only come back from storage, and it is never stored.
            flash(_("Your token is created. Copy it now: it will not be shown again."), "success")
            return _tokens_page(ApiTokenForm(formdata=None), secret=secret)
    return _tokens_page(form, status=422 if form.errors else 200)


@bp.post("/api-tokens/<int:token_id>/revoke")
@requires("account.manage")
def revoke_api_token(token_id: int):
    """Revoke one of one's own tokens; systems using it are refused from the next request on."""
    token = token_service.own_token(_me(), token_id) or abort(404)
    token_service.revoke_token(_me(), token)
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("account.api_tokens"))
