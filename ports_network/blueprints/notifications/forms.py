"""The delivery preferences form: one select per preference group of the notification service."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from ...labels import choices
from ...models import Delivery
from ...services.notifications import GROUPS
from ..forms import options


class PreferencesForm(FlaskForm):
    """Built with one field per group by `preferences_form`; groups come from the service, not the view."""


def preferences_form(current: dict[str, Delivery]) -> PreferencesForm:
    """A preferences form with a select for every group, pre-filled with the person's current choices."""

    class Form(PreferencesForm):
        pass

    for group, group_label in GROUPS.items():
        setattr(
            Form,
            group,
            SelectField(
                group_label, choices=options(choices(Delivery)), coerce=Delivery, validators=[InputRequired()]
            ),
        )
    return Form(data={group: delivery.value for group, delivery in current.items()})


def chosen(form: PreferencesForm) -> dict[str, Delivery]:
    """The submitted delivery for every group."""
    return {group: Delivery(form[group].data) for group in GROUPS}
