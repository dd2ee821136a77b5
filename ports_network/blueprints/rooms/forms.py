"""The message form of a room page, used when JavaScript is off."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ...services.rooms import MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH, MAX_MUTE_MINUTES, MAX_REASON_LENGTH


class MessageForm(FlaskForm):
    """A message; the hidden client id makes a resubmitted form store the message only once."""

    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_BODY_LENGTH)])
    client_id = HiddenField(validators=[DataRequired(), Length(max=MAX_CLIENT_ID_LENGTH)])


def message_form() -> MessageForm:
    """A form with a fresh client id, unless one was submitted."""
    form = MessageForm()
    if not form.client_id.data:
        form.client_id.data = uuid.uuid4().hex
    return form


class EditForm(FlaskForm):
    """The new text of one's own message."""

    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_BODY_LENGTH)])


class ReportForm(FlaskForm):
    """Why a message is reported to the room's moderators."""

    reason = TextAreaField(
        _l("Why are you reporting this message?"), validators=[DataRequired(), Length(max=MAX_REASON_LENGTH)]
    )


class MuteForm(FlaskForm):
    """Which member to mute in the room, and for how long (0 lifts the mute)."""

    user_id = IntegerField(_l("Member"), validators=[InputRequired()])
    minutes = IntegerField(
        _l("Minutes"), validators=[InputRequired(), NumberRange(min=0, max=MAX_MUTE_MINUTES)]
    )
