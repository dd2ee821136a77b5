"""Forms of sign-in, registration, email confirmation and password reset."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..forms import language_choices

EMAIL_VALIDATORS = [
    DataRequired(message=_l("Enter your email address.")),
    Email(message=_l("Enter a valid email address, such as name@example.org.")),
    Length(max=254, message=_l("This email address is too long.")),
]


def strip_text(value: object) -> object:
    """Field filter: surrounding spaces, often pasted along with an address, are dropped."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: object) -> EmailField:
    """An email address field: trimmed, validated, with the browser's autocomplete hint."""
    return EmailField(
        label, validators=EMAIL_VALIDATORS, filters=[strip_text], render_kw={"autocomplete": "email"}
    )


class LoginForm(FlaskForm):
    """Email address and password, with an optional lasting sign-in."""

    email = email_field(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegisterForm(FlaskForm):
    """What a person gives to open an account."""

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Tell us your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        render_kw={"autocomplete": "new-password"},
    )
    preferred_locale = SelectField(_l("Preferred language"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_locale.choices = language_choices()


class ConfirmForm(FlaskForm):
    """A confirmation button: the link's GET only shows it, so mail scanners that prefetch change nothing."""


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = email_field(_l("Email address"))


class ResetPasswordForm(FlaskForm):
    """A new password chosen from a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        render_kw={"autocomplete": "new-password"},
    )
