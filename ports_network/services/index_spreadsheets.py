"""Spreadsheet round trip of an index submission: templates out, uploads in, a report, then confirmation.

An upload is stored (purpose "index_upload", seen only by its uploader and the Secretariat) and linked to
its submission by the audit record of the upload. Reading it changes nothing: the report lists every
problem per cell, the validation results the values would have, and the changes old -> new. Only
`confirm_upload` applies them, through `submissions.save_values`, after reading the stored file again.
"""

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..index_engine import Indicator, Methodology, ValueType, localized
from ..models import AuditEvent, StoredFile, Submission, SubmissionValue, User
from . import audit, storage, submissions
from .file_types import TEXT_TYPES, XLSX
from .index_spreadsheet_reader import (
    FileProblem,
    NumberProblem,
    Row,
    Table,
    cell_number,
    cell_text,
    not_a_spreadsheet,
    read_csv,
    read_xlsx,
    unescape_text,
)
from .index_spreadsheet_template import (
    DECIMAL_COMMA_LOCALES,
    allowed_text,
    column_labels,
    number_text,
    template_csv,
    template_xlsx,
)
from .submissions import ValueCheck, ValueInput

logger = logging.getLogger(__name__)

__all__ = [
    "PURPOSE",
    "Change",
    "ImportReport",
    "Problem",
    "confirm_upload",
    "find_upload",
    "read_upload",
    "store_upload",
    "template_csv",
    "template_xlsx",
]

PURPOSE = "index_upload"
UPLOAD_ACTION = "submission.upload"


@dataclass(frozen=True)
class Problem:
    """Why (part of) the file cannot be imported: the row in the file, the column, the code, the reason."""

    row: int | None
    column: str | None
    code: str | None
    message: str


@dataclass(frozen=True)
class Change:
    """What confirming would change for one indicator."""

    code: str
    name: str
    old_value: float | None
    new_value: float | None
    old_justification: str | None
    new_justification: str | None

    @property
    def old_text(self) -> str:
        """The stored value as the reader writes numbers ('—' when none)."""
        return _shown(self.old_value)

    @property
    def new_text(self) -> str:
        """The file's value as the reader writes numbers ('—' when none)."""
        return _shown(self.new_value)


def _shown(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0.########")


@dataclass(frozen=True)
class ImportReport:
    """Everything the import found: problems (any one blocks), notices, changes and validation results."""

    file_name: str
    kind: str
    rows: int
    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    checks: tuple[ValueCheck, ...] = ()
    entries: dict[str, ValueInput] | None = None
    names: dict[str, str] | None = None  # indicator names by code, in the reader's language

    @property
    def ok(self) -> bool:
        """Whether the file could be applied as it is."""
        return not self.problems


# ------------------------------------------------------------------------------------ storing uploads


def store_upload(actor: User, submission: Submission, upload: FileStorage) -> StoredFile:
    """Keep an uploaded spreadsheet for the submission (nothing else changes); DomainError for bad files."""
    if not security.can(actor, "submissions.edit", submission):
        raise NotAllowed(_("This submission cannot be changed now."))
    stored = storage.save_upload(upload, PURPOSE, actor)
    db.session.flush()
    audit.record(
        actor,
        UPLOAD_ACTION,
        submission,
        new={"file": stored.public_id, "name": stored.original_name},
        community=submission.community,
    )
    db.session.commit()
    logger.info("index upload %s stored for submission %s", stored.public_id, submission.id)
    return stored


def find_upload(submission: Submission, public_id: str) -> StoredFile | None:
    """The spreadsheet uploaded for this submission under this public id, or None."""
    stored = db.session.scalar(
        sa.select(StoredFile).where(StoredFile.public_id == public_id, StoredFile.purpose == PURPOSE)
    )
    if stored is None:
        return None
    records = db.session.scalars(
        sa.select(AuditEvent.new).where(
            AuditEvent.action == UPLOAD_ACTION,
            AuditEvent.subject_type == Submission.__name__,
            AuditEvent.subject_id == submission.id,
        )
    )
    return stored if any((record or {}).get("file") == public_id for record in records) else None


# -------------------------------------------------------------------------------------------- reading


def read_upload(submission: Submission, stored: StoredFile, locale: str | None = None) -> ImportReport:
    """Check an uploaded file against the submission and report; nothing is stored or changed."""
    locale = locale or _language()
    kind = "XLSX" if stored.content_type == XLSX else "CSV"
    try:
        table = _parse(storage.read_bytes(stored), stored.content_type, locale)
    except FileProblem as problem:
        return ImportReport(
            stored.original_name, kind, 0, problems=(Problem(None, None, None, problem.message),)
        )
    reading = _Reading(submission, table)
    entries = reading.run()
    changes = tuple(reading.changes(entries))  # may add problems: changes to locked indicators
    problems = tuple(reading.problems)
    checks = () if problems else tuple(_preview(submission, entries))
    return ImportReport(
        stored.original_name,
        table.kind,
        len(table.rows),
        problems=problems,
        notices=tuple(reading.notices()),
        changes=changes,
        checks=checks,
        entries={change.code: entries[change.code] for change in changes},
        names={code: _indicator_name(indicator) for code, indicator in reading.codes.items()},
    )


def _parse(data: bytes, content_type: str, locale: str) -> Table:
    decimal_comma = locale in DECIMAL_COMMA_LOCALES
    if content_type == XLSX:
        return read_xlsx(data, column_labels(), decimal_comma=decimal_comma)
    if content_type in TEXT_TYPES:
        return read_csv(data, column_labels(), decimal_comma=decimal_comma)
    raise not_a_spreadsheet()


def _preview(submission: Submission, entries: dict[str, ValueInput]) -> list[ValueCheck]:
    """The validation results of the submission as it would be with the entries applied."""
    form: dict[str, str] = {}
    for code, entry in entries.items():
        form[f"value-{code}"] = number_text(entry.value)
        form[f"justification-{code}"] = entry.justification or ""
    return submissions.preview_checks(submission, form)


class _Reading:
    """One pass over a table's rows: the entries it asks for and the problems found on the way."""

    def __init__(self, submission: Submission, table: Table) -> None:
        self.submission = submission
        self.table = table
        self.methodology: Methodology = submissions.methodology_of(submission)
        self.codes = {indicator.code: indicator for indicator in self.methodology.indicators}
        self.stored: dict[str, SubmissionValue] = {row.indicator_code: row for row in submission.values}
        self.labels = column_labels()
        self.problems: list[Problem] = []

    def problem(self, row: Row | None, column: str | None, code: str | None, message: str) -> None:
        """Note a problem of one cell (or of the whole file when row is None)."""
        label = self.labels.get(column) if column else None
        self.problems.append(Problem(row.number if row else None, label, code, message))

    def run(self) -> dict[str, ValueInput]:
        """The entries of every readable row, by code."""
        self._check_facts()
        entries: dict[str, ValueInput] = {}
        first_row: dict[str, int] = {}
        for row in self.table.rows:
            code = self._code(row, first_row)
            if code is None:
                continue
            indicator = self.codes[code]
            value = self._value(row, indicator)
            justification = self._justification(row, code)
            if value is not _INVALID and justification is not _INVALID:
                entries[code] = ValueInput(value, justification)
        if not self.problems and not self.table.rows:
            self.problem(None, None, None, _("The file has no rows of values."))
        return entries

    def _check_facts(self) -> None:
        made_for = self.table.meta.get("submission_id")
        if made_for is not None and made_for != str(self.submission.id):
            message = _("This file is the template of another submission. Download the template of this one.")
            self.problem(None, None, None, message)

    def notices(self) -> list[str]:
        """Things to know that do not block: the submission changed since the template was made."""
        revision = self.table.meta.get("revision")
        if revision is not None and revision != str(self.submission.revision):
            return [
                _(
                    "The submission changed after this template was downloaded. The changes below are "
                    "measured against what is stored now."
                )
            ]
        return []

    def _code(self, row: Row, first_row: dict[str, int]) -> str | None:
        cell = row["code"]
        if cell.formula:
            self.problem(row, "code", None, _formula())
            return None
        code = str(cell.value).strip() if cell.value is not None else ""
        if not code:
            self.problem(row, "code", None, _("This row has no indicator code."))
            return None
        if code not in self.codes:
            self.problem(
                row, "code", code[:64], _("%(code)s is not an indicator of this methodology.", code=code[:64])
            )
            return None
        if code in first_row:
            message = _(
                "%(code)s appears more than once (first in row %(row)d).", code=code, row=first_row[code]
            )
            self.problem(row, "code", code, message)
            return None
        first_row[code] = row.number
        return code

    def _value(self, row: Row, indicator: Indicator) -> Any:
        cell = row["value"]
        if cell.formula:
            self.problem(row, "value", indicator.code, _formula())
            return _INVALID
        try:
            value = cell_number(cell, indicator.value_type, self.table.decimal_comma)
        except NumberProblem as error:
            self.problem(row, "value", indicator.code, error.message)
            return _INVALID
        if value is not None and (message := _rule_problem(indicator, value)):
            self.problem(row, "value", indicator.code, message)
            return _INVALID
        return value

    def _justification(self, row: Row, code: str) -> Any:
        if "justification" not in row.cells:  # a file without the column keeps the stored notes
            stored = self.stored.get(code)
            return stored.justification if stored else None
        cell = row["justification"]
        if cell.formula:
            self.problem(row, "justification", code, _formula())
            return _INVALID
        text = unescape_text(cell_text(cell.value)).strip() if cell.value is not None else ""
        if len(text) > submissions.MAX_JUSTIFICATION:
            message = _(
                "Please keep the justification under %(count)s characters.",
                count=submissions.MAX_JUSTIFICATION,
            )
            self.problem(row, "justification", code, message)
            return _INVALID
        return text or None

    def changes(self, entries: dict[str, ValueInput]) -> list[Change]:
        """The entries that differ from what is stored; changes to locked indicators become problems."""
        allowed = submissions.editable_codes(self.submission)
        found = []
        for code, entry in entries.items():
            stored = self.stored.get(code)
            old = (stored.value, stored.justification) if stored else (None, None)
            if old == (entry.value, entry.justification):
                continue
            if allowed is not None and code not in allowed:
                self.problem(
                    None, "value", code, _("Only the indicators the Secretariat reopened can change.")
                )
                continue
            name = _indicator_name(self.codes[code])
            found.append(Change(code, name, old[0], entry.value, old[1], entry.justification))
        order = {code: position for position, code in enumerate(self.codes)}
        return sorted(found, key=lambda change: order[change.code])


_INVALID = object()


def _formula() -> str:
    return _("Formulas are not accepted: type the value itself.")


def _rule_problem(indicator: Indicator, value: float) -> str | None:
    """Why a value can never be right for this indicator: not a level, not 0/1, outside its range."""
    shown = number_text(value)
    if indicator.value_type is ValueType.RUBRIC and value not in indicator.rubric:
        levels = ", ".join(number_text(level) for level in sorted(indicator.rubric))
        return _("%(value)s is not one of the levels %(levels)s.", value=shown, levels=levels)
    if indicator.value_type is ValueType.BOOLEAN and value not in (0, 1):
        return _("%(value)s is not allowed: write 1 for yes or 0 for no.", value=shown)
    rules = indicator.validation
    if (rules.min is not None and value < rules.min) or (rules.max is not None and value > rules.max):
        return _(
            "%(value)s is outside the allowed range: %(allowed)s.",
            value=shown,
            allowed=allowed_text(indicator),
        )
    return None


def _indicator_name(indicator: Indicator) -> str:
    return localized(indicator.name, _language(), ("en",))


def _language() -> str:
    return str(get_locale() or "en").split("_")[0]


# -------------------------------------------------------------------------------------------- confirm


def confirm_upload(
    actor: User, submission: Submission, stored: StoredFile, expected_revision: int
) -> list[ValueCheck]:
    """Apply an uploaded file's changes (read again now) through save_values; RevisionConflict propagates."""
    report = read_upload(submission, stored)
    if not report.ok:
        raise DomainError(
            _("The file has problems, so nothing was changed. Correct them and upload it again.")
        )
    if not report.entries:
        raise DomainError(_("The file changes nothing in this submission."))
    checks = submissions.save_values(actor, submission, report.entries, expected_revision)
    logger.info("index upload %s applied to submission %s", stored.public_id, submission.id)
    return checks
