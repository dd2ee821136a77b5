"""Forms of the administration: each entity form fills itself from a row and builds its service input."""

import dataclasses
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    Form,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from ... import labels
from ...i18n import LANGUAGE_NAMES, current_locale
from ...models import CommunityStatus, Phase, Sector, StakeholderType, SupportStage
from ...services import countries, organisations, ports, users
from ...services.communities import CommunityData
from ..auth.forms import strip_text
from ..forms import options

DESCRIPTION_LOCALES = ("es", "en", "pt")


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to int, with the empty placeholder meaning None."""
    return int(value) if value not in (None, "") else None


def _country_field(label: Any, placeholder: Any) -> SelectField:
    return SelectField(label, coerce=optional_int, choices=options([("", placeholder)]))


def _with_countries(field: SelectField, keep: int | None = None) -> None:
    """Put the network's countries (in the reader's language) after the field's placeholder."""
    field.choices = [field.choices[0], *options(countries.country_choices(current_locale(), keep))]


class EntityForm(FlaskForm):
    """Create/edit form: `initial` prefills from a row, `prepare` sets choices, `to_data` gives the input."""

    data_class: type | None = None  # the service's input, whose fields are named like the form's

    @classmethod
    def initial(cls, _item: Any) -> dict[str, Any]:
        """Field values the row does not hold under the field's own name."""
        return {}

    def prepare(self, item: Any = None) -> None:
        """Fill choices from the database (the country select, if any); `item` is the row being edited."""
        if "country_id" in self:
            _with_countries(self.country_id, item.country_id if item else None)

    def to_data(self) -> Any:
        """The data object the service expects, built from the fields of the same names."""
        names = [field.name for field in dataclasses.fields(self.data_class)]
        return self.data_class(**{name: self[name].data for name in names})


class CountryNewForm(EntityForm):
    """Add a country by its ISO code."""

    alpha2 = StringField(_l("ISO 3166-1 alpha-2 code"), validators=[DataRequired()])
    sela_member = BooleanField(_l("Member state of SELA"), default=True)
    data_class = countries.CountryData


class CountryForm(EntityForm):
    """Edit a country (its codes never change)."""

    sela_member = BooleanField(_l("Member state of SELA"))
    data_class = countries.CountryUpdate


class PortForm(EntityForm):
    """A port with its UN/LOCODE and position."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    unlocode = StringField(_l("UN/LOCODE"), validators=[DataRequired(), Length(max=6)])
    country_id = _country_field(_l("Country"), _l("Choose a country"))
    latitude = FloatField(_l("Latitude"), validators=[Optional()])
    longitude = FloatField(_l("Longitude"), validators=[Optional()])
    data_class = ports.PortData


class CommunityForm(EntityForm):
    """A port logistics community with its ports, programme phase, MoU and description in three languages."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = StringField(_l("Short name in web addresses"), validators=[DataRequired(), Length(max=80)])
    country_id = _country_field(_l("Country"), _l("Choose a country"))
    port_ids = SelectMultipleField(_l("Ports"), coerce=int, choices=[])
    phase = SelectField(_l("Phase"), choices=options(labels.choices(Phase)))
    joined_year = IntegerField(_l("Year joined"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(labels.choices(CommunityStatus)))
    support_stage = SelectField(_l("Support stage"), choices=options(labels.choices(SupportStage)))
    mou_signed = BooleanField(_l("Memorandum of Understanding signed"))
    mou_signed_on = DateField(_l("Date the MoU was signed"), validators=[Optional()])
    mou_signatory = StringField(_l("Who signed the MoU"), validators=[Optional(), Length(max=200)])
    description_es = TextAreaField(_l("Description in Spanish"))
    description_en = TextAreaField(_l("Description in English"))
    description_pt = TextAreaField(_l("Description in Portuguese"))

    @classmethod
    def initial(cls, item: Any) -> dict[str, Any]:
        """Ports and descriptions are stored differently from how the form shows them."""
        description = item.description or {}
        values = {f"description_{locale}": description.get(locale, "") for locale in DESCRIPTION_LOCALES}
        return {**values, "port_ids": [port.id for port in item.ports]}

    def prepare(self, item: Any = None) -> None:
        """Country and port choices."""
        super().prepare(item)
        kept = [port.id for port in item.ports] if item else None
        self.port_ids.choices = options(ports.port_choices(kept))

    def to_data(self) -> CommunityData:
        """The service's input."""
        return CommunityData(
            name=self.name.data,
            slug=self.slug.data,
            country_id=self.country_id.data,
            port_ids=list(self.port_ids.data or []),
            phase=Phase(self.phase.data),
            joined_year=self.joined_year.data,
            status=CommunityStatus(self.status.data),
            support_stage=SupportStage(self.support_stage.data),
            mou_signed=self.mou_signed.data,
            mou_signed_on=self.mou_signed_on.data,
            mou_signatory=self.mou_signatory.data or None,
            description={locale: self[f"description_{locale}"].data or "" for locale in DESCRIPTION_LOCALES},
        )


class OrganisationForm(EntityForm):
    """An organisation with its stakeholder type, sector, country and website."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    stakeholder_type = SelectField(_l("Stakeholder type"), choices=options(labels.choices(StakeholderType)))
    sector = SelectField(_l("Sector"), choices=options(labels.choices(Sector)))
    country_id = _country_field(_l("Country"), _l("Choose a country"))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    data_class = organisations.OrganisationData


class UserForm(EntityForm):
    """What the Secretariat may change on an account."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    preferred_locale = SelectField(_l("Preferred language"), choices=options(LANGUAGE_NAMES.items()))
    is_secretariat = BooleanField(_l("Technical Secretariat administrator"))
    is_disabled = BooleanField(_l("Disabled (cannot sign in)"))
    data_class = users.UserUpdate


class UserNewForm(EntityForm):
    """Open an account for someone; they receive a link to choose their password."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address, such as name@example.org.")),
            Length(max=254),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    preferred_locale = SelectField(_l("Preferred language"), choices=options(LANGUAGE_NAMES.items()))
    is_secretariat = BooleanField(_l("Technical Secretariat administrator"))
    data_class = users.UserCreate


class CoordinatorForm(FlaskForm):
    """Make a person the coordinator of a community on behalf of an organisation."""

    email = StringField(_l("Email address of the person"), validators=[DataRequired(), Length(max=254)])
    organisation_id = SelectField(
        _l("On behalf of"),
        coerce=optional_int,
        choices=options([("", _l("Choose an organisation"))]),
        validators=[DataRequired()],
    )

    def prepare(self) -> None:
        """Organisation choices."""
        placeholder = self.organisation_id.choices[0]
        self.organisation_id.choices = [placeholder, *options(organisations.organisation_choices())]


class LogoForm(FlaskForm):
    """Upload an organisation's logo."""

    logo = FileField(_l("Logo image (PNG, JPEG or WebP)"), validators=[FileRequired()])


class FilterForm(Form):
    """A list page's filters, read from the query string (GET, so no CSRF token)."""

    def prepare(self) -> None:
        """Fill choices that come from the database."""

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for the listing; an invalid filter is ignored rather than refused."""
        return {name: value for name, value in self.data.items() if value} if self.validate() else {}


class CountryFilter(FilterForm):
    """Filter by country."""

    country_id = _country_field(_l("Country"), _l("All countries"))

    def prepare(self) -> None:
        """Country choices."""
        _with_countries(self.country_id)


class OrganisationFilter(CountryFilter):
    """Filter by country and stakeholder type."""

    stakeholder_type = SelectField(
        _l("Stakeholder type"), choices=options([("", _l("All types")), *labels.choices(StakeholderType)])
    )


class UserFilter(FilterForm):
    """Search by name or email and filter by role and state."""

    text = StringField(_l("Name or email"))
    secretariat = BooleanField(_l("Secretariat only"))
    disabled = BooleanField(_l("Disabled only"))
    unconfirmed = BooleanField(_l("Unconfirmed email only"))
