"""Forms of the minutes pages: editing a version, the amendment window, amendments and their decision,
recording the approval."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from ...services import committee_minutes, minutes_amendments, time_zones
from ...services.committee_minutes import Candidate
from ..forms import options


class EditForm(FlaskForm):
    """The minutes' text (markdown) and a note on what changed; `based_on` is the version edited."""

    text = TextAreaField(
        _l("Text of the minutes (Markdown)"), validators=[Length(max=committee_minutes.MAX_TEXT)]
    )
    note = StringField(_l("What changed (optional)"), validators=[Length(max=committee_minutes.MAX_NOTE)])
    based_on = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class WindowForm(FlaskForm):
    """When the amendment window closes, in the session's time zone."""

    close_date = DateField(_l("Amendments close on (the session's time zone)"), validators=[DataRequired()])
    close_time = TimeField(_l("at"), validators=[DataRequired()])

    def closes_at(self, zone: str) -> datetime | None:
        """The deadline in UTC, or None when it does not exist in that zone."""
        if not (self.close_date.data and self.close_time.data):
            return None
        try:
            return time_zones.to_utc(datetime.combine(self.close_date.data, self.close_time.data), zone)
        except ValueError:
            return None


class AmendmentForm(FlaskForm):
    """An attendee's amendment: the passage to replace (optional) and the proposed wording."""

    original = TextAreaField(
        _l("Passage to replace (copy it exactly; leave empty to add text)"),
        validators=[Length(max=minutes_amendments.MAX_PASSAGE)],
    )
    proposed = TextAreaField(_l("Proposed wording"), validators=[Length(max=minutes_amendments.MAX_PASSAGE)])


class AcceptForm(FlaskForm):
    """The draft with the amendment worked in, as it will be saved."""

    text = TextAreaField(
        _l("Text of the minutes with the amendment"), validators=[Length(max=committee_minutes.MAX_TEXT)]
    )
    based_on = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class RejectForm(FlaskForm):
    """Why an amendment is rejected."""

    reason = TextAreaField(
        _l("Reason for rejecting it"), validators=[Length(max=minutes_amendments.MAX_REASON)]
    )


class ApproveForm(FlaskForm):
    """The carried motion that approved the minutes."""

    motion_id = SelectField(_l("Motion that approved the minutes"), coerce=int, choices=[])

    def set_choices(self, candidates: list[Candidate], describe) -> None:
        """The carried motions that may approve the minutes, described for the reader."""
        self.motion_id.choices = options((c.motion.id, describe(c)) for c in candidates)
