"""The message form of a room page, used when JavaScript is off."""

import uuid

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...services.room_moderation import MAX_MUTE_MINUTES, MAX_REASON_LENGTH, MAX_TITLE_LENGTH
from ...services.rooms import MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH

ACCEPTED_FILES = ".pdf,.docx,.xlsx,.pptx,.csv,.txt,.png,.jpg,.jpeg,.gif,.webp"


class MessageForm(FlaskForm):
    """A message; the hidden client id makes a resubmitted form store the message only once. The text may
    be empty when files are attached (the service checks that one or the other is there)."""

    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MAX_BODY_LENGTH)])
    client_id = HiddenField(validators=[DataRequired(), Length(max=MAX_CLIENT_ID_LENGTH)])
    reply_to = IntegerField(_l("In reply to message number"), validators=[Optional(), NumberRange(min=1)])
    attachments = MultipleFileField(_l("Files"), render_kw={"accept": ACCEPTED_FILES})


def message_form() -> MessageForm:
    """A form with a fresh client id, unless one was submitted; a reply link fills in `reply_to`."""
    form = MessageForm()
    if not form.client_id.data:
        form.client_id.data = uuid.uuid4().hex
    if form.reply_to.data is None and not form.is_submitted():
        form.reply_to.data = request.args.get("reply_to", type=int)
    return form


class TopicForm(FlaskForm):
    """The title of a new topic room."""

    title = StringField(_l("Title of the topic"), validators=[DataRequired(), Length(max=MAX_TITLE_LENGTH)])


class SearchForm(FlaskForm):
    """Search in the person's rooms (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Words"), validators=[Optional(), Length(max=200)])
    sender = StringField(_l("Sender"), validators=[Optional(), Length(max=200)])
    room = SelectField(_l("Room"), coerce=int, default=0)
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])


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
