"""The spreadsheet templates of a submission: an XLSX workbook (values, definitions, about) and a CSV file.

The XLSX "Values" sheet has a visible header row in the reader's language and, hidden below it, a row of
technical column keys that the import reads, so a template downloaded in any language imports. Only the
value and justification cells are unlocked (sheet protection without a password: it guards against
accidents, not people). Text that a spreadsheet could take for a formula is escaped (CSV injection).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from ..index_engine import Direction, Indicator, Methodology, Node, ValueType, localized
from ..index_engine.methodology import walk
from ..models import Submission
from ..models.base import utcnow
from . import submissions
from .index_spreadsheet_reader import FORMULA_TRIGGERS, META_SHEET, escape_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECIMAL_COMMA_LOCALES = frozenset({"es", "pt"})
COLUMN_KEYS = (
    "code",
    "pillar",
    "indicator",
    "unit",
    "value_type",
    "allowed",
    "previous",
    "value",
    "justification",
)
EDITABLE = frozenset({"value", "justification"})
WIDTHS = {"code": 26, "pillar": 30, "indicator": 40, "allowed": 30, "justification": 50}
HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3


def column_labels() -> dict[str, str]:
    """The columns' headers in the current language, by technical key."""
    return {
        "code": _("Code"),
        "pillar": _("Pillar"),
        "indicator": _("Indicator"),
        "unit": _("Unit"),
        "value_type": _("Value type"),
        "allowed": _("Allowed range or levels"),
        "previous": _("Previous value"),
        "value": _("Value"),
        "justification": _("Justification"),
    }


@dataclass(frozen=True)
class TemplateRow:
    """One indicator's line of a template, its texts already in the reader's language."""

    indicator: Indicator
    pillar: str
    name: str
    previous: float | None
    value: float | None
    justification: str | None


def template_rows(submission: Submission, locale: str) -> list[TemplateRow]:
    """The template's lines in methodology order with the previous period's and the current values."""
    methodology = submissions.methodology_of(submission)
    fallbacks = methodology.locales
    before = submissions.stored_values(
        submissions.previous_submission(submission.data_call, submission.community_id)
    )
    current = {row.indicator_code: row for row in submission.values}
    rows = []
    for pillar, indicator in _indicators_by_pillar(methodology):
        stored = current.get(indicator.code)
        rows.append(
            TemplateRow(
                indicator,
                localized(pillar.name, locale, fallbacks),
                localized(indicator.name, locale, fallbacks),
                before.get(indicator.code),
                stored.value if stored else None,
                stored.justification if stored else None,
            )
        )
    return rows


def _indicators_by_pillar(methodology: Methodology) -> Iterator[tuple[Node, Indicator]]:
    for pillar in methodology.pillars:
        for item, _depth in walk(pillar):
            if isinstance(item, Indicator):
                yield pillar, item


def number_text(value: float | None, *, decimal_comma: bool = False) -> str:
    """A number written out in full (no exponent, no thousands separator), '' for None."""
    if value is None:
        return ""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _shown(value: float | None) -> str:
    return "" if value is None else format_decimal(value, format="#,##0.########")


def allowed_text(indicator: Indicator) -> str:
    """What the value may be, for people: the range, the rubric levels or yes/no."""
    if indicator.value_type is ValueType.RUBRIC:
        levels = ", ".join(_shown(level) for level in sorted(indicator.rubric))
        return _("Levels %(levels)s (see Definitions)", levels=levels)
    if indicator.value_type is ValueType.BOOLEAN:
        return _("1 = yes, 0 = no")
    low, high = indicator.validation.min, indicator.validation.max
    if low is not None and high is not None:
        return _("%(low)s to %(high)s", low=_shown(low), high=_shown(high))
    if low is not None:
        return _("at least %(low)s", low=_shown(low))
    if high is not None:
        return _("at most %(high)s", high=_shown(high))
    return ""


def value_type_label(indicator: Indicator) -> str:
    """The value type in words."""
    return {
        ValueType.NUMBER: _("Number"),
        ValueType.PERCENTAGE: _("Percentage (0 to 100)"),
        ValueType.RUBRIC: _("Rubric level"),
        ValueType.BOOLEAN: _("Yes (1) or no (0)"),
    }[indicator.value_type]


def direction_label(indicator: Indicator) -> str:
    """Which values are better, in words."""
    if indicator.direction is Direction.TARGET_BAND and indicator.band is not None:
        return _(
            "Best between %(low)s and %(high)s",
            low=_shown(indicator.band.lower),
            high=_shown(indicator.band.upper),
        )
    if indicator.direction is Direction.LOWER_BETTER:
        return _("Lower is better")
    return _("Higher is better")


def rubric_text(indicator: Indicator, locale: str, fallbacks: tuple[str, ...]) -> str:
    """Each rubric level with its meaning, one per line."""
    return "\n".join(
        f"{_shown(level)}: {localized(indicator.rubric[level], locale, fallbacks)}"
        for level in sorted(indicator.rubric)
    )


# ---------------------------------------------------------------------------------------------- CSV


def template_csv(submission: Submission, locale: str) -> bytes:
    """The CSV template: code, value, justification, then columns for reading only (the import ignores them).

    Spanish and Portuguese get semicolons and decimal commas, as their spreadsheet programs expect; the
    byte order mark makes Excel read UTF-8. Headers are the technical keys in every language.
    """
    decimal_comma = locale in DECIMAL_COMMA_LOCALES
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    with force_locale(locale):
        writer.writerow(["code", "value", "justification", "indicator", "unit", "allowed", "previous"])
        for row in template_rows(submission, locale):
            writer.writerow(
                [
                    row.indicator.code,
                    number_text(row.value, decimal_comma=decimal_comma),
                    escape_text(row.justification or ""),
                    escape_text(row.name),
                    escape_text(row.indicator.unit),
                    escape_text(allowed_text(row.indicator)),
                    number_text(row.previous, decimal_comma=decimal_comma),
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------------------------- XLSX


def template_xlsx(submission: Submission, locale: str) -> bytes:
    """The XLSX template: sheets Values (to fill in), Definitions and About, plus a hidden sheet of facts."""
    from openpyxl import Workbook

    workbook = Workbook()
    with force_locale(locale):
        rows = template_rows(submission, locale)
        _values_sheet(workbook.active, rows)
        fallbacks = submissions.methodology_of(submission).locales
        _definitions_sheet(workbook.create_sheet(_("Definitions")), rows, locale, fallbacks)
        _about_sheet(workbook.create_sheet(_("About")), submission)
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    for key, value in template_facts(submission).items():
        meta.append([key, value])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_facts(submission: Submission) -> dict[str, str]:
    """What the import checks a template against: the submission it was made for and its revision."""
    return {
        "submission_id": str(submission.id),
        "revision": str(submission.revision),
        "methodology_version": submission.data_call.methodology_version.version,
        "period": submission.data_call.period,
        "generated_at": utcnow().isoformat(timespec="seconds"),
    }


def _text(cell: Any, text: str | None) -> None:
    """Put text in a cell as text: never a formula, with Excel's own quote prefix where it could be one."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text) if text else text  # control characters XML cannot hold
    cell.value = text or None
    if text:
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True


def _header(sheet: Any, labels: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(labels)
    for position, (cell, width) in enumerate(zip(sheet[1], widths, strict=True), start=1):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[get_column_letter(position)].width = width


def _values_sheet(sheet: Any, rows: list[TemplateRow]) -> None:
    """Values: a translated header, the hidden key row, one line per indicator; value cells validated."""
    from openpyxl.styles import Alignment, Protection

    sheet.title = _("Values")
    labels = column_labels()
    _header(sheet, [labels[key] for key in COLUMN_KEYS], [WIDTHS.get(key, 14) for key in COLUMN_KEYS])
    sheet.append(list(COLUMN_KEYS))
    sheet.row_dimensions[KEY_ROW].hidden = True
    column = {key: position for position, key in enumerate(COLUMN_KEYS, start=1)}
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        texts = {
            "code": row.indicator.code,
            "pillar": row.pillar,
            "indicator": row.name,
            "unit": row.indicator.unit,
            "value_type": value_type_label(row.indicator),
            "allowed": allowed_text(row.indicator),
            "justification": row.justification,
        }
        for key, text in texts.items():
            _text(sheet.cell(number, column[key]), text)
        sheet.cell(number, column["previous"], row.previous)
        sheet.cell(number, column["value"], row.value).number_format = "General"
        for key in EDITABLE:
            sheet.cell(number, column[key]).protection = Protection(locked=False)
        sheet.cell(number, column["justification"]).alignment = Alignment(wrap_text=True)
        _validate(sheet, row.indicator, sheet.cell(number, column["value"]).coordinate)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, column["value"])
    sheet.protection.sheet = True  # no password: it prevents accidents, and anyone may lift it
    sheet.protection.formatColumns = sheet.protection.formatRows = False  # resizing stays allowed


def _validate(sheet: Any, indicator: Indicator, coordinate: str) -> None:
    """Data validation on one value cell: a list for rubrics and yes/no, a decimal range otherwise."""
    from openpyxl.worksheet.datavalidation import DataValidation

    options = {"allow_blank": True, "showErrorMessage": True, "errorTitle": _("Value not allowed")}
    if indicator.value_type in (ValueType.RUBRIC, ValueType.BOOLEAN):
        levels = sorted(indicator.rubric) if indicator.value_type is ValueType.RUBRIC else [0, 1]
        listed = ",".join(number_text(level) for level in levels)
        rule = DataValidation(type="list", formula1=f'"{listed}"', **options)
    else:
        low, high = indicator.validation.min, indicator.validation.max
        if low is None and high is None:
            return
        if low is not None and high is not None:
            bounds = {"operator": "between", "formula1": number_text(low), "formula2": number_text(high)}
        elif low is not None:
            bounds = {"operator": "greaterThanOrEqual", "formula1": number_text(low)}
        else:
            bounds = {"operator": "lessThanOrEqual", "formula1": number_text(high)}
        rule = DataValidation(type="decimal", **bounds, **options)
    rule.error = allowed_text(indicator)
    sheet.add_data_validation(rule)
    rule.add(coordinate)


def _definitions_sheet(sheet: Any, rows: list[TemplateRow], locale: str, fallbacks: tuple[str, ...]) -> None:
    """Definitions: what each indicator measures, which direction is better, what each rubric level means."""
    from openpyxl.styles import Alignment

    labels = [_("Code"), _("Indicator"), _("Definition"), _("Unit"), _("Direction"), _("Rubric levels")]
    _header(sheet, labels, [26, 40, 70, 12, 28, 60])
    for number, row in enumerate(rows, start=2):
        indicator = row.indicator
        texts = [
            indicator.code,
            row.name,
            localized(indicator.definition, locale, fallbacks),
            indicator.unit,
            direction_label(indicator),
            rubric_text(indicator, locale, fallbacks),
        ]
        for position, text in enumerate(texts, start=1):
            cell = sheet.cell(number, position)
            _text(cell, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True


def _about_sheet(sheet: Any, submission: Submission) -> None:
    """About: whose values these are, for which period and methodology, and how to fill them in."""
    from openpyxl.styles import Alignment, Font

    call = submission.data_call
    facts = [
        (_("Community"), submission.community.name),
        (_("Data call"), call.title),
        (_("Period"), call.period),
        (_("Methodology version"), call.methodology_version.version),
        (_("Submission revision"), str(submission.revision)),
        (_("Downloaded at (UTC)"), utcnow().strftime("%Y-%m-%d %H:%M")),
        (_("Instructions"), instructions()),
    ]
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    for number, (label, text) in enumerate(facts, start=1):
        _text(sheet.cell(number, 1), label)
        sheet.cell(number, 1).font = Font(bold=True)
        _text(sheet.cell(number, 2), text)
        sheet.cell(number, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.protection.sheet = True


def instructions() -> str:
    """How to fill in and return the template, in the current language."""
    return "\n".join(
        [
            _("Fill in the Value column of the Values sheet; only Value and Justification can be edited."),
            _("Type numbers without thousands separators; leave a value empty when it is not available."),
            _("Explain large changes from the previous period in the Justification column."),
            _("Do not use formulas: type the values themselves."),
            _(
                "Upload the file on the submission's page. Nothing changes until you have checked the "
                "report and confirmed."
            ),
        ]
    )
