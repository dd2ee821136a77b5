"""Forms of a person's own account: profile, password, email address, privacy, picture, deletion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...labels import choices
from ...models import Visibility
from ...services.accounts import MAX_BIO_LENGTH
from ..auth.forms import email_field
from ..forms import language_choices, options


def _optional_id(value: object) -> int | None:
    """Select values arrive as text; the empty choice means 'not given'."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _password_field(label: object, autocomplete: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": autocomplete},
    )


class ProfileForm(FlaskForm):
    """The person's own profile details."""

    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Tell us your name.")), Length(max=120)]
    )
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"autocomplete": "tel", "type": "tel"}
    )
    bio = TextAreaField(
        _l("About me"),
        validators=[Optional(), Length(max=MAX_BIO_LENGTH)],
        render_kw={"rows": 6, "maxlength": MAX_BIO_LENGTH},
    )
    country_id = SelectField(_l("Country"), coerce=_optional_id, validate_choice=True)
    preferred_locale = SelectField(_l("Preferred language"))

    def __init__(self, *args, countries: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country_id.choices = options([("", _l("Not given")), *countries])
        self.preferred_locale.choices = language_choices()


class PasswordChangeForm(FlaskForm):
    """The current password, and the new one."""

    current_password = _password_field(_l("Current password"), "current-password")
    new_password = _password_field(_l("New password"), "new-password")


class EmailChangeForm(FlaskForm):
    """A new address, confirmed by the current password."""

    email = email_field(_l("New email address"))
    password = _password_field(_l("Current password"), "current-password")


class PrivacyForm(FlaskForm):
    """Who may find the person, and which contact details they show."""

    visibility = SelectField(_l("Who can see my profile"), choices=options(choices(Visibility)))
    show_email = BooleanField(_l("Show my email address to those who can see my profile"))
    show_phone = BooleanField(_l("Show my phone number to those who can see my profile"))
    share_presence = BooleanField(_l("Show others when I am in a room and when I am typing"))


class PictureForm(FlaskForm):
    """A new profile picture."""

    picture = FileField(
        _l("Profile picture"),
        validators=[FileRequired(message=_l("Choose an image file."))],
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )


class DeleteAccountForm(FlaskForm):
    """Deletion needs the password and an explicit acknowledgement."""

    password = _password_field(_l("Current password"), "current-password")
    confirm = BooleanField(
        _l("I understand that my account will be deleted and this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


EXPIRY_CHOICES = (("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("One year")), ("", _l("Never")))


class ApiTokenForm(FlaskForm):
    """A new personal API token: a name to recognise it by and when it stops working."""

    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=_l("Give the token a name.")), Length(max=80)],
        render_kw={"placeholder": _l("Our port community system")},
    )
    expires_in_days = SelectField(
        _l("Expires after"), choices=options(EXPIRY_CHOICES), default="90", coerce=_optional_id
    )
