"""The message form of a room page, used when JavaScript is off."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.rooms import MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH


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
