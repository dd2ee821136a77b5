"""Forms of the live session console and of motions and votes, used when JavaScript is off (the script
sends the same fields over the socket); votes between sessions have their own page."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ... import labels
from ...models import AttendanceStatus, User, VoteChoice, VoteMethod
from ...models.committee_vote import ELECTRONIC_METHODS
from ...services import committee_async_votes, committee_motions
from ..forms import options

NONE = 0
ELECTRONIC = [(m.value, labels.label(m)) for m in ELECTRONIC_METHODS]


class ItemForm(FlaskForm):
    """The agenda item the chair takes up (0: none)."""

    item_id = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


class RollCallForm(FlaskForm):
    """One person's roll-call answer and, for an absent voting member, who holds their proxy."""

    person_id = IntegerField(validators=[DataRequired()])
    status = SelectField(_l("Roll call"), choices=options(labels.choices(AttendanceStatus)))
    proxy_holder_id = IntegerField(_l("Proxy held by"), validators=[Optional()])

    def holder(self) -> int | None:
        """The proxy holder chosen, or None."""
        return self.proxy_holder_id.data or None


class MotionForm(FlaskForm):
    """A motion recorded in the session: text (Markdown), mover and seconder among the voting members."""

    text = TextAreaField(
        _l("Motion (Markdown)"), validators=[DataRequired(), Length(max=committee_motions.MAX_TEXT)]
    )
    # The service checks that both are voting members, so a form posted from the live page (or the
    # script) needs no list of choices to be validated against.
    mover_id = SelectField(_l("Moved by"), coerce=int, choices=[], default=NONE, validate_choice=False)
    seconder_id = SelectField(_l("Seconded by"), coerce=int, choices=[], default=NONE, validate_choice=False)

    def set_people(self, people: list[User]) -> None:
        """The voting members who may move or second."""
        choices = options([(NONE, _l("Nobody named")), *((p.id, p.name) for p in people)])
        self.mover_id.choices = choices
        self.seconder_id.choices = choices

    def to_data(self, agenda_item_id: int | None = None) -> committee_motions.MotionData:
        """The service's input."""
        return committee_motions.MotionData(
            text=self.text.data or "",
            mover_id=self.mover_id.data or None,
            seconder_id=self.seconder_id.data or None,
            agenda_item_id=agenda_item_id,
        )


class OpenVoteForm(FlaskForm):
    """How a motion is put to the vote in the session."""

    method = SelectField(_l("How the vote is taken"), choices=options(labels.choices(VoteMethod)))


class BallotForm(FlaskForm):
    """One's own vote."""

    choice = SelectField(_l("Your vote"), choices=options(labels.choices(VoteChoice)))


class HandForm(FlaskForm):
    """A raised hand the secretary records by name."""

    voter_id = IntegerField(validators=[DataRequired()])
    choice = SelectField(_l("Vote"), choices=options(labels.choices(VoteChoice)))


class BetweenSessionsForm(FlaskForm):
    """How a motion is put to the voting members between sessions: method, deadline (UTC), turnout."""

    method = SelectField(_l("How the vote is taken"), choices=options(ELECTRONIC))
    closes_date = DateField(_l("Closes on (UTC)"), validators=[DataRequired()])
    closes_time = TimeField(_l("at (UTC)"), validators=[DataRequired()])
    required_turnout = IntegerField(
        _l("Votes needed for the vote to count (optional)"), validators=[Optional(), NumberRange(min=1)]
    )

    def to_data(self) -> committee_async_votes.BallotData:
        """The service's input."""
        closes = None
        if self.closes_date.data and self.closes_time.data:
            closes = datetime.combine(self.closes_date.data, self.closes_time.data, tzinfo=UTC)
        return committee_async_votes.BallotData(
            VoteMethod(self.method.data), closes, self.required_turnout.data or None
        )


class NewMotionForm(MotionForm, BetweenSessionsForm):
    """A motion put to the members between sessions, with its vote."""

    def ballot(self) -> committee_async_votes.BallotData:
        """The vote's settings (the motion's own fields are `to_data`)."""
        return BetweenSessionsForm.to_data(self)

    def to_data(self, agenda_item_id: int | None = None) -> committee_motions.MotionData:
        """The motion."""
        return MotionForm.to_data(self, agenda_item_id)
