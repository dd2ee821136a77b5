"""Views of sign-in, registration, email confirmation and password reset."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ... import realtime
from ...errors import DomainError
from ...extensions import limiter
from ...i18n import current_locale
from ...models import User
from ...security import requires
from ...services import accounts
from ...web import is_safe_next
from ..forms import show_error
from . import bp
from .forms import (
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)

TOO_MANY_ATTEMPTS = _l("Too many attempts from your connection. Please wait a few minutes and try again.")


def _attempt_limit() -> str:
    """Read on every request, so the limit follows the configuration (and tests can lower it)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _not_a_success(response: Response) -> bool:
    """Only refused attempts count against the limit; a successful one redirects."""
    return response.status_code != 302  # noqa: PLR2004


# Sign-in and registration count refusals only (a workshop registering together shares one address);
# the forms that mail an existing account count every submission, so nobody can flood a mailbox.
limit_failures = limiter.limit(
    _attempt_limit, methods=["POST"], deduct_when=_not_a_success, error_message=TOO_MANY_ATTEMPTS
)
limit_submissions = limiter.limit(_attempt_limit, methods=["POST"], error_message=TOO_MANY_ATTEMPTS)


def _page(template: str, form, **context) -> tuple[str, int]:
    """Render a form page; 422 when the form was refused, so clients and tests can tell."""
    context.setdefault("min_password", accounts.MIN_PASSWORD_LENGTH)
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _sign_in(user: User, remember: bool = False) -> None:
    login_user(user, remember=remember)
    session["locale"] = user.preferred_locale


def _next_page(default: str) -> str:
    target = request.args.get("next")
    return target if is_safe_next(target) else default


@bp.route("/login", methods=["GET", "POST"])
@limit_failures
def login():
    """Sign in with email address and password; a wrong pair gets one message, whichever part was wrong."""
    if current_user.is_authenticated:
        return redirect(_next_page(url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            _sign_in(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            if not user.is_confirmed:
                flash(_("Please confirm your email address: open the link we mailed you."), "info")
            return redirect(_next_page(url_for("main.index")))
    return _page("auth/login.html", form)


@bp.route("/register", methods=["GET", "POST"])
@limit_failures
def register():
    """Open an account; the person is signed in at once and asked to confirm their address."""
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = RegisterForm(preferred_locale=current_locale())
    if form.validate_on_submit():
        data = accounts.Registration(
            email=form.email.data,
            password=form.password.data,
            name=form.name.data,
            preferred_locale=form.preferred_locale.data,
        )
        try:
            user = accounts.register(data)
        except DomainError as error:
            show_error(form, error)
        else:
            _sign_in(user)
            flash(
                _("Welcome! We sent a link to %(email)s: open it to confirm your address.", email=user.email),
                "success",
            )
            return redirect(url_for("account.profile"))
    return _page("auth/register.html", form)


@bp.post("/logout")
def logout():
    """Sign out (POST only, so a link or an image cannot sign anyone out); open sockets close too."""
    user_id = current_user.id if current_user.is_authenticated else None
    logout_user()
    if user_id is not None:
        realtime.disconnect_user(user_id)
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link in the confirmation mail: GET shows a button, only the POST confirms."""
    form = ConfirmForm()
    try:
        user = accounts.confirmation_target(token)
        if form.validate_on_submit():
            accounts.confirm_email(token)
            flash(_("Thank you: your email address is confirmed."), "success")
            return redirect(url_for("account.profile" if current_user.is_authenticated else "auth.login"))
    except DomainError as error:
        return render_template("auth/invalid_link.html", message=error.message), 400
    return render_template("auth/confirm_email.html", form=form, email=user.email, new_address=False)


@bp.post("/confirm/resend")
@requires("account.manage")
@limit_submissions
def resend_confirmation():
    """Mail a new confirmation link to the signed-in person."""
    try:
        accounts.resend_confirmation(current_user)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("account.profile"))


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """The link mailed to a new address: GET shows a button, only the POST switches the address."""
    form = ConfirmForm()
    try:
        _user, email = accounts.email_change_target(token)
        if form.validate_on_submit():
            accounts.confirm_email_change(token)
            flash(_("Your email address is now %(email)s.", email=email), "success")
            return redirect(url_for("account.profile" if current_user.is_authenticated else "auth.login"))
    except DomainError as error:
        return render_template("auth/invalid_link.html", message=error.message), 400
    return render_template("auth/confirm_email.html", form=form, email=email, new_address=True)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limit_submissions
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(
            _(
                "If an account uses %(email)s, we sent it a link to choose a new password.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return _page("auth/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link; other sessions are signed out, this one is signed in."""
    try:
        accounts.reset_target(token)
    except DomainError as error:
        return render_template("auth/invalid_link.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            _sign_in(user)
            flash(_("Your new password is saved and you are signed in."), "success")
            return redirect(url_for("account.profile"))
    return _page("auth/reset_password.html", form)
