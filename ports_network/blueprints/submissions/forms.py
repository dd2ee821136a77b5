"""Forms of a submission's page: the values (read field by field by the service), review messages,
reopening indicators, comments and evidence."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...services.submission_pages import MAX_COMMENT
from ...services.submission_workflow import MAX_MESSAGE
from ..forms import options


class ValuesForm(FlaskForm):
    """The revision the values were typed on; the `value-<code>` fields are read by the service."""

    revision = IntegerField(validators=[InputRequired()])


class MessageForm(FlaskForm):
    """Returning a submission: the message is required by the service, which says so on the page."""

    message = TextAreaField(_l("Message to the community"), validators=[Optional(), Length(max=MAX_MESSAGE)])


class ReopenForm(FlaskForm):
    """The Secretariat reopens some indicators of an accepted submission, saying why."""

    codes = SelectMultipleField(
        _l("Indicators to reopen"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    message = TextAreaField(_l("Why they are reopened"), validators=[Optional(), Length(max=MAX_MESSAGE)])

    def set_indicators(self, pairs: list[tuple[str, str]]) -> None:
        """(code, name) of the indicators that can be chosen."""
        self.codes.choices = options(pairs)


class CommentForm(FlaskForm):
    """A comment on one value (indicator_code) or the whole submission."""

    indicator_code = HiddenField()
    body = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=MAX_COMMENT)])


class EvidenceForm(FlaskForm):
    """A file supporting one value (indicator_code) or the whole submission."""

    indicator_code = HiddenField()
    file = FileField(
        _l("Evidence file (PDF, Word, Excel, PowerPoint, CSV, text or image)"), validators=[FileRequired()]
    )
