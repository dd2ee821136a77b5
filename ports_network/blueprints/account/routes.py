"""Views of a person's own account: profile, password, email address, privacy, picture, data, deletion."""

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ...errors import DomainError
from ...i18n import current_locale
from ...labels import label
from ...models import User
from ...security import requires
from ...services import account_data, accounts, countries
from ..forms import flashing, show_error
from . import bp
from .forms import (
    DeleteAccountForm,
    EmailChangeForm,
    PasswordChangeForm,
    PictureForm,
    PrivacyForm,
    ProfileForm,
)

EXPORT_FILENAME = "ports-network-my-data.json"


def _me() -> User:
    """The signed-in account itself, not Flask-Login's proxy, for the services."""
    return current_user._get_current_object()


def _page(template: str, form, **context) -> tuple[str, int]:
    """Render a form page; 422 when the form was refused."""
    context.setdefault("min_password", accounts.MIN_PASSWORD_LENGTH)
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _stay_signed_in(user: User) -> None:
    """After the session token rotated, sign this session in again; a lasting sign-in stays lasting."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie in request.cookies)


@bp.get("/")
@requires("account.manage")
def profile():
    """The person's own profile, as they entered it."""
    return render_template(
        "account/profile.html", profile=accounts.own_profile(_me(), current_locale()), label=label
    )


@bp.route("/edit", methods=["GET", "POST"])
@requires("account.manage")
def edit():
    """Edit name, job title, phone, about me, country and language."""
    user = _me()
    form = ProfileForm(obj=user, countries=countries.country_choices(current_locale(), keep=user.country_id))
    if form.validate_on_submit():
        data = accounts.ProfileData(
            name=form.name.data,
            job_title=form.job_title.data,
            phone=form.phone.data,
            bio=form.bio.data,
            country_id=form.country_id.data,
            preferred_locale=form.preferred_locale.data,
        )
        try:
            accounts.update_profile(user, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return _page("account/edit.html", form)


@bp.route("/password", methods=["GET", "POST"])
@requires("account.manage")
def password():
    """Change the password; other devices are signed out, this one stays signed in."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(_me(), form.current_password.data, form.new_password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            _stay_signed_in(_me())
            flash(_("Your new password is saved. Your other devices were signed out."), "success")
            return redirect(url_for("account.profile"))
    return _page("account/password.html", form)


@bp.route("/email", methods=["GET", "POST"])
@requires("account.manage")
def email():
    """Ask to change the email address; it changes once the new address is confirmed."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new_email = accounts.request_email_change(_me(), form.password.data, form.email.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("We sent a link to %(email)s. Your address changes when you open it.", email=new_email),
                "info",
            )
            return redirect(url_for("account.profile"))
    return _page("account/email.html", form)


@bp.route("/privacy", methods=["GET", "POST"])
@requires("account.manage")
def privacy():
    """Choose who may find you and which contact details they see."""
    user = _me()
    form = PrivacyForm(obj=user)
    if form.validate_on_submit():
        settings = accounts.PrivacySettings(
            visibility=form.visibility.data,
            show_email=form.show_email.data,
            show_phone=form.show_phone.data,
            share_presence=form.share_presence.data,
        )
        accounts.update_privacy(user, settings)
        flash(_("Your privacy settings are saved."), "success")
        return redirect(url_for("account.profile"))
    return _page("account/privacy.html", form)


@bp.route("/picture", methods=["GET", "POST"])
@requires("account.manage")
def picture():
    """Upload a new profile picture."""
    form = PictureForm()
    if form.validate_on_submit():
        try:
            accounts.set_avatar(_me(), form.picture.data)
        except DomainError as error:
            form.picture.errors.append(error.message)
        else:
            flash(_("Your profile picture is saved."), "success")
            return redirect(url_for("account.profile"))
    return _page("account/picture.html", form, has_picture=_me().avatar_id is not None)


@bp.post("/picture/remove")
@requires("account.manage")
def remove_picture():
    """Remove the profile picture."""
    with flashing(_("Your profile picture was removed.")):
        accounts.remove_avatar(_me())
    return redirect(url_for("account.profile"))


@bp.get("/data")
@requires("account.manage")
def download_data():
    """Download everything the platform holds about you, as a JSON file."""
    body = json.dumps(account_data.export_data(_me()), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename={EXPORT_FILENAME}",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@requires("account.manage")
def delete():
    """Delete your account: personal data is erased, what you wrote stays under "Deleted member"."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_data.delete_account(_me(), form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            logout_user()
            flash(_("Your account was deleted. Thank you for taking part in the network."), "info")
            return redirect(url_for("main.index"))
    return _page("account/delete.html", form)
