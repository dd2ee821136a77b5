"""Reading an uploaded index spreadsheet (XLSX or CSV) into plain rows, defensively.

Only what the import needs leaves this module: for each data row its number in the file and the cells of
the technical columns (code, value, justification), each marked when it holds a formula. Everything that
makes a file unreadable (not a spreadsheet, no header row, too many rows, too large once unpacked)
raises FileProblem with a translated message. Columns are found by their technical key (the hidden key
row of the template, or a header a person typed), so a template downloaded in any language imports.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..index_engine import ValueType

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("code", "value")
COLUMNS = (*REQUIRED_COLUMNS, "justification")
MAX_ROWS = 1000  # data rows; a methodology has a few dozen indicators
MAX_SCAN_ROWS = 5000  # row positions read at most, empty ones included (openpyxl fills gaps)
MAX_COLUMNS = 40
HEADER_SEARCH_ROWS = 10
MAX_SHEETS = 5
MAX_TEXT = 4000  # characters in one cell
# A filled template is about 100 KB once unzipped. openpyxl parses a whole sheet when it has no
# <dimension> and the whole shared-string table up front, so these sizes bound the work per upload.
MAX_UNPACKED_BYTES = 5 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 1024 * 1024
SHARED_STRINGS = "xl/sharedStrings.xml"
MAX_PARTS = 200
META_SHEET = "meta"  # the template's hidden sheet of technical facts (submission id, revision)

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
AMBIGUOUS_THOUSANDS = re.compile(r"[+-]?\d{1,3}\.\d{3}")
SPACES = " \t\u00a0\u202f\u2009"
# Characters that make a spreadsheet program treat a text cell as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(Exception):
    """The file as a whole cannot be imported; `message` says why in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManyRows(FileProblem):
    """The file has more data rows than the import reads (no other sheet is tried then)."""


class NumberProblem(ValueError):
    """A cell's text is not a number the import accepts; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    """One cell as read: its value (str, int, float, bool, date or None) and how it was written."""

    value: Any = None
    formula: bool = False
    error: bool = False  # a spreadsheet error value such as #DIV/0!
    percent: bool = False  # shown with a percent number format: 45 % is stored as 0.45


EMPTY = Cell()


@dataclass(frozen=True)
class Row:
    """A data row: its number in the file (1-based) and its cells by technical column."""

    number: int
    cells: Mapping[str, Cell]

    def __getitem__(self, key: str) -> Cell:
        return self.cells.get(key, EMPTY)


@dataclass
class Table:
    """The data rows of a file, its kind, whether numbers may use a decimal comma, the template's facts."""

    kind: str  # "XLSX" or "CSV"
    rows: list[Row]
    decimal_comma: bool
    meta: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------- numbers


def parse_number(text: str, *, decimal_comma: bool, percent: bool = False) -> float | None:
    """A number typed as text; None when blank. Thousands separators are refused rather than guessed."""
    cleaned = text.strip(SPACES)
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip(SPACES)
    if not cleaned:
        return None
    if "," in cleaned:
        if not decimal_comma or "." in cleaned or cleaned.count(",") > 1:
            raise NumberProblem(not_a_number(text))
        cleaned = cleaned.replace(",", ".")
    elif decimal_comma and AMBIGUOUS_THOUSANDS.fullmatch(cleaned):
        whole = cleaned.replace(".", "")
        raise NumberProblem(
            _(
                "“%(text)s” is ambiguous: write %(whole)s, or %(decimal)s with a decimal comma.",
                text=text.strip(),
                whole=whole,
                decimal=cleaned.replace(".", ","),
            )
        )
    if not NUMBER.fullmatch(cleaned):
        raise NumberProblem(not_a_number(text))
    number = float(cleaned)
    if not math.isfinite(number):
        raise NumberProblem(not_a_number(text))
    return number


def not_a_number(text: str) -> str:
    return _(
        "“%(text)s” is not a number. Write digits only, with a decimal point (or a decimal comma in "
        "Spanish and Portuguese) and no thousands separators.",
        text=text.strip()[:50],
    )


def cell_text(value: Any) -> str:
    """A cell's value as text (a whole number without its '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_number(cell: Cell, value_type: ValueType, decimal_comma: bool) -> float | None:
    """The cell's number; spreadsheet percent cells of percentage indicators are scaled (0.45 -> 45)."""
    value = cell.value
    percentage = value_type is ValueType.PERCENTAGE
    if cell.error:
        raise NumberProblem(not_a_number(str(value)))
    if value is None:
        return None
    if isinstance(value, bool):
        if value_type is not ValueType.BOOLEAN:
            raise NumberProblem(not_a_number(str(value)))
        return float(value)
    if isinstance(value, int | float):
        number = float(value) * 100 if cell.percent and percentage else float(value)
        if not math.isfinite(number):
            raise NumberProblem(not_a_number(str(value)))
        return round(number, 9) if cell.percent and percentage else number
    if isinstance(value, str):
        return parse_number(value, decimal_comma=decimal_comma, percent=percentage)
    raise NumberProblem(not_a_number(str(value)))  # a date, a time or a duration


def unescape_text(text: str) -> str:
    """Undo the apostrophe the template puts before text that a spreadsheet would read as a formula."""
    if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS and text[1:2]:
        return text[1:]
    return text


def escape_text(text: str) -> str:
    """Text for a spreadsheet cell that no spreadsheet program will evaluate (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# ------------------------------------------------------------------------------------------- headers


def _key(value: Any) -> str:
    return re.sub(r"[\s_]+", "_", str(value).strip().casefold()) if isinstance(value, str) else ""


def find_columns(cells: Iterable[Any], labels: Mapping[str, str]) -> dict[str, int] | None:
    """Positions of the technical columns in a header row, or None when code and value are not both there.

    A cell matches a column by its technical key ("code") or by its label in the user's language.
    """
    translated = {_key(labels[key]): key for key in COLUMNS if key in labels}
    aliases = translated | {_key(key): key for key in COLUMNS}
    found: dict[str, int] = {}
    for position, value in enumerate(cells):
        key = aliases.get(_key(value))
        if key is not None and key not in found:
            found[key] = position
    return found if all(key in found for key in REQUIRED_COLUMNS) else None


def _locate_header(rows: list[tuple[int, list[Any]]], labels: Mapping[str, str]) -> tuple[int, dict] | None:
    """The header row among the first rows: the first that names code and value, or the one right after
    it when that one does too (the template's translated row above its hidden key row)."""
    for index, (_number, cells) in enumerate(rows):
        columns = find_columns(cells, labels)
        if columns is None:
            continue
        if index + 1 < len(rows) and (following := find_columns(rows[index + 1][1], labels)) is not None:
            return index + 1, following
        return index, columns
    return None


def missing_columns_problem() -> FileProblem:
    """The file has no header row naming the required columns."""
    return FileProblem(
        _(
            "The file has no header row with the columns %(columns)s. Download the template and "
            "keep its columns.",
            columns=", ".join(REQUIRED_COLUMNS),
        )
    )


def _rows_from(
    numbered: Iterator[tuple[int, list[Cell]]], labels: Mapping[str, str], kind: str, decimal_comma: bool
) -> Table:
    """Find the header among the first rows, then take the data rows below it, within the limits."""
    head: list[tuple[int, list[Cell]]] = []
    for item in numbered:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    found = _locate_header([(n, [c.value for c in cells]) for n, cells in head], labels)
    if found is None:
        if not any(cell.value not in (None, "") for _n, cells in head for cell in cells):
            raise FileProblem(_("The file is empty."))
        raise missing_columns_problem()
    index, columns = found
    rows: list[Row] = []
    for number, cells in itertools.chain(head[index + 1 :], numbered):
        picked = {key: cells[pos] if pos < len(cells) else EMPTY for key, pos in columns.items()}
        if all(cell.value in (None, "") and not cell.formula for cell in picked.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise too_many_rows()
        rows.append(Row(number, picked))
    return Table(kind, rows, decimal_comma)


def too_many_rows() -> TooManyRows:
    """The file has more data rows than the import reads."""
    return TooManyRows(_("The file has more than %(limit)d rows; the import stops there.", limit=MAX_ROWS))


# ---------------------------------------------------------------------------------------------- CSV


def read_csv(data: bytes, labels: Mapping[str, str], *, decimal_comma: bool) -> Table:
    """Rows of a UTF-8 CSV file (BOM optional) delimited by commas, semicolons or tabs.

    A semicolon-delimited file also accepts decimal commas: that is how spreadsheet programs in Spanish
    and Portuguese save CSV.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = ((reader.line_num, [_csv_cell(value) for value in row[:MAX_COLUMNS]]) for row in reader)
    try:
        return _rows_from(numbered, labels, "CSV", decimal_comma or delimiter == ";")
    except csv.Error as error:
        logger.info("unreadable CSV upload: %s", error)
        raise FileProblem(_("The file could not be read as CSV.")) from None


def _csv_cell(text: str) -> Cell:
    value = text.strip(SPACES)
    # CSV keeps no formulas: "=..." was typed by hand and a spreadsheet would have shown its result.
    return Cell(value or None, formula=value.startswith("="))


# --------------------------------------------------------------------------------------------- XLSX


def check_package(data: bytes) -> None:
    """Refuse archives that unpack to far more than a template could (zip bombs, giant shared strings).

    zipfile never returns more bytes than an entry declares, so the declared sizes bound what is read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_a_spreadsheet() from None
    strings = sum(part.file_size for part in parts if part.filename == SHARED_STRINGS)
    total = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or total > MAX_UNPACKED_BYTES or strings > MAX_SHARED_STRINGS_BYTES:
        raise FileProblem(_("The spreadsheet is too large once unpacked. Upload the template only."))


def not_a_spreadsheet() -> FileProblem:
    """The bytes are not a spreadsheet the import can read."""
    return FileProblem(_("The file could not be read as a spreadsheet. Upload an XLSX or CSV file."))


def read_xlsx(data: bytes, labels: Mapping[str, str], *, decimal_comma: bool) -> Table:
    """Rows of the first sheet (of the first few) that has a header row; formulas are kept, not computed."""
    import openpyxl

    check_package(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; they do not matter here
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as error:  # a hostile file may break the parser in any way
            logger.info("unreadable XLSX upload: %r", error)
            raise not_a_spreadsheet() from None
        try:
            return _read_workbook(workbook, labels, decimal_comma)
        except FileProblem:
            raise
        except Exception as error:  # sheets are parsed lazily, so errors surface here too
            logger.info("unreadable XLSX upload: %r", error)
            raise not_a_spreadsheet() from None
        finally:
            workbook.close()


def _read_workbook(workbook: Any, labels: Mapping[str, str], decimal_comma: bool) -> Table:
    problem: FileProblem | None = None
    sheets = [sheet for sheet in workbook.worksheets if sheet.title != META_SHEET][:MAX_SHEETS]
    for sheet in sheets:
        rows = sheet.iter_rows(min_row=1, max_row=MAX_SCAN_ROWS + 1, min_col=1, max_col=MAX_COLUMNS)
        try:
            table = _rows_from(_numbered_xlsx(rows), labels, "XLSX", decimal_comma)
        except TooManyRows:
            raise
        except FileProblem as error:
            problem = problem or error
            continue
        table.meta = _meta(workbook)
        return table
    raise problem or not_a_spreadsheet()


def _numbered_xlsx(rows: Iterable[tuple]) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in enumerate(rows, start=1):
        if number > MAX_SCAN_ROWS:
            raise too_many_rows()
        yield number, [_xlsx_cell(cell) for cell in row]


def _xlsx_cell(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return EMPTY
    kind = getattr(cell, "data_type", "n")
    if isinstance(value, str):
        value = value.strip(SPACES)[: MAX_TEXT + 1] or None
    percent = kind == "n" and "%" in str(getattr(cell, "number_format", "") or "")
    return Cell(value, formula=kind == "f", error=kind == "e", percent=percent)


def _meta(workbook: Any) -> dict[str, str]:
    """The template's technical facts (key, value) from its hidden sheet, if the file still has it."""
    if META_SHEET not in workbook.sheetnames:
        return {}
    rows = workbook[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True)
    return {str(key): str(value) for key, value in rows if key is not None and value is not None}
