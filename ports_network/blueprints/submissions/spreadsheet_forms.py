"""Forms of the spreadsheet import: the file to upload, and the confirmation of a checked upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

XLSX_AND_CSV = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class UploadForm(FlaskForm):
    """A filled-in template (XLSX or CSV); the service checks its bytes, size and content."""

    file = FileField(
        _l("Filled-in template (XLSX or CSV)"),
        validators=[FileRequired(message=_l("Choose the file to upload."))],
        render_kw={"accept": XLSX_AND_CSV},
    )


class ConfirmForm(FlaskForm):
    """The submission's revision when the report was shown: a save in between is a conflict."""

    revision = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
