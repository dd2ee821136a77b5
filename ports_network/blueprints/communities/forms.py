"""Forms of the community pages: joining, deciding on requests, inviting, changing roles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ... import labels
from ...models import CommunityRole, Organisation, Sector, StakeholderType
from ...services import join_requests
from ...services.join_requests import MAX_MOTIVATION
from ..forms import options

NOT_LISTED = 0


def _with_blank(pairs: list[tuple[object, object]]) -> list[SelectChoice]:
    return options([("", _l("Choose…")), *pairs])


def organisation_choices(organisations: list[Organisation]) -> list[SelectChoice]:
    """Choices of an organisation select."""
    return options([(organisation.id, organisation.name) for organisation in organisations])


class JoinForm(FlaskForm):
    """Ask to join: an organisation from the list, or a new one proposed; and an optional motivation."""

    organisation_id = SelectField(_l("Your organisation"), coerce=int, choices=[])
    proposed_name = StringField(_l("Name of the organisation"), validators=[Optional(), Length(max=200)])
    proposed_type = SelectField(
        _l("Kind of organisation"), choices=_with_blank(labels.choices(StakeholderType)), default=""
    )
    proposed_sector = SelectField(_l("Sector"), choices=_with_blank(labels.choices(Sector)), default="")
    proposed_website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    motivation = TextAreaField(
        _l("Why do you want to join? (optional)"), validators=[Optional(), Length(max=MAX_MOTIVATION)]
    )

    def set_organisations(self, organisations: list[Organisation]) -> None:
        """The organisations to choose from, after a "not listed" entry."""
        not_listed = SelectChoice(NOT_LISTED, _l("My organisation is not listed"))
        self.organisation_id.choices = [not_listed, *organisation_choices(organisations)]

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Exactly one of an existing organisation or a proposed new one."""
        if not super().validate(extra_validators):
            return False
        chose = self.organisation_id.data != NOT_LISTED
        proposed = bool((self.proposed_name.data or "").strip())
        if chose == proposed:
            self.organisation_id.errors.append(
                _l("Choose your organisation from the list, or propose a new one, but not both.")
            )
            return False
        return True

    def to_data(self) -> join_requests.JoinRequestData:
        """The service's input."""
        return join_requests.JoinRequestData(
            organisation_id=self.organisation_id.data or None,
            proposed_name=self.proposed_name.data or None,
            proposed_type=StakeholderType(self.proposed_type.data) if self.proposed_type.data else None,
            proposed_sector=Sector(self.proposed_sector.data) if self.proposed_sector.data else None,
            proposed_website=self.proposed_website.data or None,
            motivation=self.motivation.data or None,
        )


class DecisionForm(FlaskForm):
    """Approve or reject a request; a message is optional to approve and required to reject."""

    message = TextAreaField(_l("Message to the person"), validators=[Optional(), Length(max=2000)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class InviteForm(FlaskForm):
    """Invite someone by email for an organisation, with a role."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])
    role = SelectField(
        _l("Role"), choices=options(labels.choices(CommunityRole)), default=CommunityRole.MEMBER.value
    )


class RoleForm(FlaskForm):
    """A member's new role."""

    role = SelectField(_l("Role"), choices=options(labels.choices(CommunityRole)))
