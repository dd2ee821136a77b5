"""Forms of the data-call pages: opening a call and changing one."""

from datetime import UTC, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, Length

from ...models import Country, DataCall, MethodologyVersion, PortCommunity
from ...services import data_calls
from ..forms import options

END_OF_DAY = time(23, 59)


class CallForm(FlaskForm):
    """What can change on a call: its title, deadline (date and time in UTC) and communities."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=data_calls.MAX_TITLE)])
    # The platform has no per-person time zone (Babel's default is UTC), so deadlines are entered in UTC.
    deadline = DateField(_l("Deadline (date, UTC)"), validators=[DataRequired()])
    deadline_time = TimeField(_l("Deadline (time, UTC)"), default=END_OF_DAY, validators=[DataRequired()])
    communities = SelectMultipleField(_l("Communities asked for data"), coerce=int, choices=[])

    def set_communities(self, groups: list[tuple[Country, list[PortCommunity]]]) -> None:
        """The communities to choose from (shown as checkboxes grouped by country)."""
        self.communities.choices = options(
            (community.id, community.name) for _country, members in groups for community in members
        )

    def deadline_at(self) -> datetime:
        """The deadline as an aware UTC datetime."""
        return datetime.combine(self.deadline.data, self.deadline_time.data, tzinfo=UTC)

    def update_arguments(self) -> dict[str, Any]:
        """The arguments of `data_calls.update_call` after the actor and the call."""
        return {
            "title": self.title.data,
            "deadline": self.deadline_at(),
            "communities": data_calls.find_communities(self.communities.data or []),
        }

    @classmethod
    def of(cls, call: DataCall) -> "CallForm":
        """The form filled from a call (shown before any change is sent)."""
        return cls(
            title=call.title,
            deadline=call.deadline.date(),
            deadline_time=call.deadline.time().replace(second=0, microsecond=0),
            communities=[community.id for community in call.communities],
        )


class NewCallForm(CallForm):
    """Opening a call adds its methodology version and period, which never change afterwards."""

    version = SelectField(_l("Methodology version"), coerce=int, choices=[])
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=16)])

    def set_versions(self, versions: list[MethodologyVersion]) -> None:
        """The frozen methodology versions to choose from, newest first."""
        self.version.choices = options(
            (version.id, f"{version.version} – {version.title}") for version in versions
        )

    def open_arguments(self) -> dict[str, Any]:
        """The arguments of `data_calls.open_call` after the actor."""
        return {
            "version": data_calls.find_version(self.version.data),
            "period": self.period.data,
            **self.update_arguments(),
        }
