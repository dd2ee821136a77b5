"""Form helpers every blueprint shares: select options, and showing a service's refusal on the form or as a
flashed message."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import current_app, flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ..errors import DomainError
from ..i18n import LANGUAGE_NAMES


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as select options (WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(value="" if value is None else value, label=label) for value, label in pairs]


def language_choices() -> list[SelectChoice]:
    """The platform's languages, each named in its own language."""
    return options((code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"])


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal on the field it names, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


@contextmanager
def flashing(success: str | None = None) -> Iterator[None]:
    """Run a button's service call: its refusal is flashed as an error (the service changed nothing), and
    otherwise `success`, if given, is flashed as done."""
    try:
        yield
    except DomainError as error:
        flash(error.message, "error")
    else:
        if success:
            flash(success, "success")
