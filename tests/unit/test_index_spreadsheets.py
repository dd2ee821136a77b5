"""Spreadsheet templates and uploads of index submissions: round trips, every bad file, limits, conflicts."""

import io
import time

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import DataCall, StoredFile, SubmissionValue
from ports_network.services import index_spreadsheets, submissions
from ports_network.services.index_spreadsheet_reader import (
    MAX_ROWS,
    NumberProblem,
    escape_text,
    parse_number,
    unescape_text,
)
from ports_network.services.submissions import RevisionConflict, ValueInput

from .. import factories
from ..index_spreadsheet_helpers import (
    columns,
    csv_bytes,
    fill,
    inline_row,
    number_row,
    raw_xlsx,
    save,
    template_book,
)


@pytest.fixture
def submission(community, coordinator):
    call = factories.DataCallFactory(communities=[community], period="2025")
    return submissions.open_submission(coordinator, call, community)


def _save(user, submission, **values):
    entries = {code: ValueInput(value) for code, value in values.items()}
    submissions.save_values(user, submission, entries, submission.revision)


def _upload(user, submission, data: bytes, name: str = "values.xlsx") -> StoredFile:
    return index_spreadsheets.store_upload(user, submission, FileStorage(io.BytesIO(data), name))


def _report(user, submission, data: bytes, name: str = "values.csv", **options):
    return index_spreadsheets.read_upload(submission, _upload(user, submission, data, name), **options)


def _stored(submission) -> dict:
    db.session.expire_all()
    return {row.indicator_code: (row.value, row.justification) for row in submission.values}


def _messages(report) -> list[str]:
    return [problem.message for problem in report.problems]


# ------------------------------------------------------------------------------------------ round trip


def test_xlsx_template_round_trip_changes_nothing_until_confirmed(submission, coordinator):
    _save(coordinator, submission, waiting_time=10, pcs_maturity=2)
    data = fill(
        template_book(submission),
        {"waiting_time": 12.5, "berth_occupancy": 70, "pcs_maturity": 3},
        {"waiting_time": "New anchorage rules"},
    )
    stored = _upload(coordinator, submission, data)

    report = index_spreadsheets.read_upload(submission, stored)

    assert report.problems == ()
    assert report.kind == "XLSX"
    assert [(c.code, c.old_value, c.new_value) for c in report.changes] == [
        ("waiting_time", 10, 12.5),
        ("berth_occupancy", None, 70),
        ("pcs_maturity", 2, 3),
    ]
    assert report.changes[0].new_justification == "New anchorage rules"
    assert _stored(submission)["waiting_time"] == (10, None)

    index_spreadsheets.confirm_upload(coordinator, submission, stored, submission.revision)

    after = _stored(submission)
    assert after["waiting_time"] == (12.5, "New anchorage rules")
    assert after["berth_occupancy"] == (70, None)
    assert after["pcs_maturity"] == (3, None)


def test_unchanged_template_reports_no_problem_and_no_change(submission, coordinator):
    _save(coordinator, submission, waiting_time=10, single_window_interoperability=1)

    report = _report(coordinator, submission, index_spreadsheets.template_xlsx(submission, "en"), "t.xlsx")

    assert report.problems == ()
    assert report.changes == ()
    with pytest.raises(DomainError, match="changes nothing"):
        index_spreadsheets.confirm_upload(
            coordinator,
            submission,
            _upload(coordinator, submission, save(template_book(submission))),
            submission.revision,
        )


def test_report_carries_the_validation_results_of_the_resulting_values(submission, coordinator):
    data = fill(template_book(submission), {"waiting_time": 50, "port_hours_per_call": 20})

    report = _report(coordinator, submission, data, "t.xlsx")

    rules = {(check.code, check.rule) for check in report.checks}
    assert ("waiting_time", "pair") in rules  # waiting time must not exceed port hours
    assert ("berth_productivity", "required") in rules


def test_template_shows_previous_period_values_and_prefills_current_ones(community, coordinator):
    earlier = factories.DataCallFactory(communities=[community], period="2024")
    before = submissions.open_submission(coordinator, earlier, community)
    _save(coordinator, before, waiting_time=8)
    call = factories.DataCallFactory(communities=[community], period="2025")
    submission = submissions.open_submission(coordinator, call, community)
    _save(coordinator, submission, waiting_time=9)

    sheet = template_book(submission).worksheets[0]

    where = columns(sheet)
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, where["code"]).value == "waiting_time")
    assert sheet.cell(row, where["previous"]).value == 8
    assert sheet.cell(row, where["value"]).value == 9
    assert sheet.row_dimensions[2].hidden
    assert sheet.cell(1, where["value"]).value == "Value"


def test_template_locks_everything_but_values_and_justifications(submission):
    book = template_book(submission)
    sheet = book.worksheets[0]
    where = columns(sheet)

    assert sheet.protection.sheet
    assert not sheet.protection.password
    assert sheet.cell(3, where["value"]).protection.locked is False
    assert sheet.cell(3, where["justification"]).protection.locked is False
    assert sheet.cell(3, where["code"]).protection.locked is True
    assert [ws.title for ws in book.worksheets][:3] == ["Values", "Definitions", "About"]
    assert book["meta"].sheet_state == "veryHidden"


def test_template_validates_value_cells(submission):
    sheet = template_book(submission).worksheets[0]
    rules = {(rule.type, rule.formula1, rule.formula2) for rule in sheet.data_validations.dataValidation}

    assert ("list", '"0,1,2,3,4"', None) in rules  # the rubric levels of pcs_maturity
    assert ("list", '"0,1"', None) in rules  # yes/no
    assert ("decimal", "0", "720") in rules  # waiting time


def test_template_downloaded_in_another_language_imports(submission, coordinator):
    book = template_book(submission, "es")
    sheet = book.worksheets[0]
    for cell in sheet[1]:
        cell.value = f"Columna {cell.column}"  # whatever the language, the hidden key row identifies columns
    data = fill(book, {"waiting_time": 11})

    report = _report(coordinator, submission, data, "plantilla.xlsx")

    assert report.problems == ()
    assert [change.code for change in report.changes] == ["waiting_time"]


def test_template_escapes_text_a_spreadsheet_would_run(submission, coordinator):
    attack = "=cmd|' /C calc'!A0"
    submissions.save_values(
        coordinator, submission, {"waiting_time": ValueInput(5, attack)}, submission.revision
    )

    sheet = template_book(submission).worksheets[0]
    where = columns(sheet)
    cell = next(
        sheet.cell(r, where["justification"])
        for r in range(3, sheet.max_row + 1)
        if sheet.cell(r, where["code"]).value == "waiting_time"
    )
    csv_text = index_spreadsheets.template_csv(submission, "en").decode("utf-8-sig")

    assert cell.data_type == "s" and cell.value == attack and cell.quotePrefix
    assert "'=cmd|' /C calc'!A0" in csv_text
    assert escape_text("-5 days") == "'-5 days" and unescape_text("'-5 days") == "-5 days"


def test_template_survives_control_characters_in_justifications(submission, coordinator):
    entries = {"waiting_time": ValueInput(5, "bell\x07 and tab\tkept")}
    submissions.save_values(coordinator, submission, entries, submission.revision)

    sheet = template_book(submission).worksheets[0]

    where = columns(sheet)
    texts = [sheet.cell(r, where["justification"]).value for r in range(3, sheet.max_row + 1)]
    assert "bell and tab\tkept" in texts


def test_csv_template_round_trip(submission, coordinator):
    _save(coordinator, submission, waiting_time=10.25)
    text = index_spreadsheets.template_csv(submission, "en").decode("utf-8-sig")
    assert text.splitlines()[0] == "code,value,justification,indicator,unit,allowed,previous"
    assert "waiting_time,10.25," in text
    edited = text.replace("waiting_time,10.25,", "waiting_time,11,because")

    report = _report(coordinator, submission, csv_bytes(edited, bom=True))

    assert report.problems == ()
    assert [(c.code, c.new_value, c.new_justification) for c in report.changes] == [
        ("waiting_time", 11, "because")
    ]


def test_spanish_csv_template_uses_semicolons_and_decimal_commas_and_imports(submission, coordinator):
    _save(coordinator, submission, waiting_time=10.25)
    text = index_spreadsheets.template_csv(submission, "es").decode("utf-8-sig")
    assert text.startswith("code;value;justification;")
    assert "waiting_time;10,25;" in text

    report = _report(
        coordinator, submission, csv_bytes(text.replace("waiting_time;10,25;", "waiting_time;12,5;"))
    )

    assert report.problems == ()
    assert [(c.code, c.new_value) for c in report.changes] == [("waiting_time", 12.5)]


@pytest.mark.parametrize(
    ("content", "locale", "expected"),
    [
        ("\ufeffcode;value\nwaiting_time;12,5\n", "en", 12.5),  # BOM, semicolons: a decimal comma
        ('code,value\nwaiting_time,"12,5"\n', "es", 12.5),  # commas, but a Spanish reader
        ("code,value\nwaiting_time,12.5\n", "es", 12.5),  # a decimal point is always accepted
        ("code\tvalue\nwaiting_time\t 12.5 \n", "en", 12.5),  # tabs, spaces around
        ("Code,Value\r\nwaiting_time,7\r\n", "pt", 7),  # headers in any case, CRLF
    ],
)
def test_csv_dialects_are_read(submission, coordinator, content, locale, expected):
    with force_locale(locale):
        report = _report(coordinator, submission, content.encode("utf-8"))

    assert report.problems == ()
    assert [(c.code, c.new_value) for c in report.changes] == [("waiting_time", expected)]


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("12.5", False, 12.5),
        ("12,5", True, 12.5),
        (" -3 ", False, -3),
        (".5", False, 0.5),
        ("", False, None),
        ("45 %", False, None),  # only percentages may carry a % sign
    ],
)
def test_parse_number_accepts(text, decimal_comma, expected):
    if expected is None and text:
        with pytest.raises(NumberProblem):
            parse_number(text, decimal_comma=decimal_comma)
    else:
        assert parse_number(text, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma", "message"),
    [
        ("12,5", False, "is not a number"),  # a comma is not a decimal mark for English readers
        ("1,234.5", False, "is not a number"),  # thousands separators are refused, not guessed
        ("1.234,5", True, "is not a number"),
        ("1.234", True, "is ambiguous"),  # 1234 or 1,234? Spanish and Portuguese readers must say
        ("nan", False, "is not a number"),
        ("inf", False, "is not a number"),
        ("1e999", False, "is not a number"),
    ],
)
def test_parse_number_refuses(text, decimal_comma, message):
    with pytest.raises(NumberProblem, match=message):
        parse_number(text, decimal_comma=decimal_comma)


# ------------------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        ("code,value\nno_such_code,1\n", 2, "no_such_code is not an indicator of this methodology"),
        (
            "code,value\nwaiting_time,1\nwaiting_time,2\n",
            3,
            "waiting_time appears more than once (first in row 2)",
        ),
        ("code,value\nwaiting_time,twelve\n", 2, "“twelve” is not a number"),
        ("code,value\nwaiting_time,721\n", 2, "721 is outside the allowed range: 0 to 720"),
        ("code,value\npcs_maturity,5\n", 2, "5 is not one of the levels 0, 1, 2, 3, 4"),
        ("code,value\npcs_maturity,2.5\n", 2, "2.5 is not one of the levels"),
        ("code,value\nsingle_window_interoperability,2\n", 2, "write 1 for yes or 0 for no"),
        ("code,value\nwaiting_time,=1+1\n", 2, "Formulas are not accepted"),
        ('code,value,justification\nwaiting_time,1,=HYPERLINK("x")\n', 2, "Formulas are not accepted"),
        ("code,value\n,1\n", 2, "This row has no indicator code"),
        ("code,value,justification\nwaiting_time,1," + "x" * 2001 + "\n", 2, "under 2000 characters"),
        ("indicator,amount\nwaiting_time,1\n", None, "no header row with the columns code, value"),
        ("code,value\n", None, "The file has no rows of values"),
        (" \n\n", None, "The file is empty"),
    ],
)
def test_bad_csv_is_reported_and_changes_nothing(submission, coordinator, content, row, message):
    _save(coordinator, submission, waiting_time=3)
    before = _stored(submission)
    stored = _upload(coordinator, submission, content.encode("utf-8"), "bad.csv")

    report = index_spreadsheets.read_upload(submission, stored)

    assert any(message in text for text in _messages(report)), _messages(report)
    assert report.problems[0].row == row
    with pytest.raises(DomainError, match="nothing was changed"):
        index_spreadsheets.confirm_upload(coordinator, submission, stored, submission.revision)
    assert _stored(submission) == before


def test_problem_names_row_column_and_code(submission, coordinator):
    report = _report(coordinator, submission, b"code,value\nberth_occupancy,lots\n")

    (problem,) = report.problems
    assert (problem.row, problem.column, problem.code) == (2, "Value", "berth_occupancy")


def test_formulas_in_xlsx_cells_are_refused(submission, coordinator):
    data = fill(template_book(submission), {"waiting_time": "=2*6"}, {"port_hours_per_call": "=A1"})

    report = _report(coordinator, submission, data, "t.xlsx")

    assert [(p.code, p.column) for p in report.problems] == [
        ("waiting_time", "Value"),
        ("port_hours_per_call", "Justification"),
    ]
    assert all("Formulas are not accepted" in text for text in _messages(report))


def test_text_and_dates_in_xlsx_number_cells_are_refused(submission, coordinator):
    import datetime

    data = fill(
        template_book(submission),
        {"waiting_time": "about ten", "port_hours_per_call": datetime.date(2025, 1, 2)},
    )

    report = _report(coordinator, submission, data, "t.xlsx")

    assert [p.code for p in report.problems] == ["waiting_time", "port_hours_per_call"]
    assert all("is not a number" in text for text in _messages(report))


def test_percent_formatted_cell_is_read_as_a_percentage(submission, coordinator):
    book = template_book(submission)
    sheet = book.worksheets[0]
    where = columns(sheet)
    row = next(
        r for r in range(3, sheet.max_row + 1) if sheet.cell(r, where["code"]).value == "berth_occupancy"
    )
    sheet.cell(row, where["value"]).value = 0.45
    sheet.cell(row, where["value"]).number_format = "0%"

    report = _report(coordinator, submission, save(book), "t.xlsx")

    assert [(c.code, c.new_value) for c in report.changes] == [("berth_occupancy", 45)]


def test_corrupt_xlsx_is_not_a_spreadsheet(submission, coordinator):
    data = raw_xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>code</t>')  # broken XML in a real package

    report = _report(coordinator, submission, data, "broken.xlsx")

    assert _messages(report) == ["The file could not be read as a spreadsheet. Upload an XLSX or CSV file."]


def test_files_that_are_not_spreadsheets_are_refused_at_upload(submission, coordinator):
    with pytest.raises(DomainError, match="not accepted here"):
        _upload(coordinator, submission, b"%PDF-1.4 not a table", "values.pdf")
    db.session.rollback()
    assert db.session.query(StoredFile).count() == 0


def test_files_over_two_megabytes_are_refused_at_upload(submission, coordinator):
    with pytest.raises(DomainError, match="larger than the limit"):
        _upload(coordinator, submission, b"code,value\n" + b"waiting_time,1\n" * 150_000, "big.csv")


def test_a_hundred_thousand_csv_rows_are_refused_fast(submission, coordinator):
    data = b"code,value\n" + b"a,1\n" * 100_000
    stored = _upload(coordinator, submission, data, "many.csv")

    started = time.perf_counter()
    report = index_spreadsheets.read_upload(submission, stored)

    assert time.perf_counter() - started < 2
    assert _messages(report) == [f"The file has more than {MAX_ROWS} rows; the import stops there."]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (100_000, "The spreadsheet is too large once unpacked. Upload the template only."),
        (MAX_ROWS + 1, f"The file has more than {MAX_ROWS} rows; the import stops there."),
    ],
)
def test_too_many_xlsx_rows_are_refused_fast(submission, coordinator, count, message):
    rows = inline_row(1, "code", "value") + "".join(number_row(n, "a", 1) for n in range(2, count + 2))
    data = raw_xlsx(rows)
    assert len(data) < 2 * 1024 * 1024
    stored = _upload(coordinator, submission, data, "many.xlsx")

    started = time.perf_counter()
    report = index_spreadsheets.read_upload(submission, stored)

    assert time.perf_counter() - started < 1
    assert _messages(report) == [message]


def test_a_row_far_down_the_sheet_is_refused_fast(submission, coordinator):
    data = raw_xlsx(
        inline_row(1, "code", "value") + number_row(2, "waiting_time", 1) + number_row(900_000_000, "x", 1)
    )

    started = time.perf_counter()
    report = _report(coordinator, submission, data, "far.xlsx")

    assert time.perf_counter() - started < 3
    assert "rows; the import stops there" in _messages(report)[0]


def test_zip_bomb_of_shared_strings_is_refused_fast(submission, coordinator):
    bomb = "<si><t>" + "a" * (20 * 1024 * 1024) + "</t></si>"
    data = raw_xlsx(inline_row(1, "code", "value"), shared_strings=bomb)
    assert len(data) < 2 * 1024 * 1024

    started = time.perf_counter()
    report = _report(coordinator, submission, data, "bomb.xlsx")

    assert time.perf_counter() - started < 3
    assert _messages(report) == ["The spreadsheet is too large once unpacked. Upload the template only."]


def test_shared_strings_under_the_limit_are_read(submission, coordinator):
    strings = "<si><t>waiting_time</t></si>" + "<si><t>filler</t></si>" * 30_000
    rows = (
        inline_row(1, "code", "value") + '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>4</v></c></row>'
    )

    report = _report(coordinator, submission, raw_xlsx(rows, strings), "strings.xlsx")

    assert report.problems == ()
    assert [(c.code, c.new_value) for c in report.changes] == [("waiting_time", 4)]


# ------------------------------------------------------------------------------------------ rules


def test_confirm_after_someone_else_saved_raises_conflict_and_changes_nothing(
    submission, coordinator, focal_point
):
    stored = _upload(coordinator, submission, b"code,value\nwaiting_time,30\n", "v.csv")
    seen_revision = submission.revision
    _save(focal_point, submission, port_hours_per_call=40)

    with pytest.raises(RevisionConflict):
        index_spreadsheets.confirm_upload(coordinator, submission, stored, seen_revision)

    assert _stored(submission).get("waiting_time") is None


def test_template_of_another_submission_is_refused(submission, coordinator, other_community):
    other = db.session.get(DataCall, submission.data_call_id)
    other.communities.append(other_community)
    db.session.commit()
    data = fill(template_book(submission), {"waiting_time": 1})
    elsewhere = factories.SubmissionFactory(data_call=other, community=other_community)

    report = index_spreadsheets.read_upload(elsewhere, _upload(coordinator, submission, data))

    assert "template of another submission" in _messages(report)[0]


def test_file_without_justification_column_keeps_stored_justifications(submission, coordinator):
    submissions.save_values(
        coordinator, submission, {"waiting_time": ValueInput(5, "kept")}, submission.revision
    )
    stored = _upload(coordinator, submission, b"code,value\nwaiting_time,6\n", "v.csv")

    index_spreadsheets.confirm_upload(coordinator, submission, stored, submission.revision)

    assert _stored(submission)["waiting_time"] == (6, "kept")


def test_empty_value_cell_clears_the_stored_value(submission, coordinator):
    _save(coordinator, submission, waiting_time=5)

    report = _report(coordinator, submission, b"code,value\nwaiting_time,\n")

    assert [(c.code, c.old_value, c.new_value) for c in report.changes] == [("waiting_time", 5, None)]


def test_only_reopened_indicators_may_change(submission, coordinator):
    _save(coordinator, submission, waiting_time=5, port_hours_per_call=50)
    submission.reopened_codes = ["waiting_time"]
    db.session.commit()

    report = _report(coordinator, submission, b"code,value\nwaiting_time,6\nport_hours_per_call,51\n")

    assert [(p.code, p.message) for p in report.problems] == [
        ("port_hours_per_call", "Only the indicators the Secretariat reopened can change.")
    ]


def test_upload_belongs_to_its_submission_only(submission, coordinator, community):
    stored = _upload(coordinator, submission, b"code,value\nwaiting_time,6\n", "v.csv")
    other_call = factories.DataCallFactory(communities=[community], period="2026")
    other = submissions.open_submission(coordinator, other_call, community)

    assert index_spreadsheets.find_upload(submission, stored.public_id) == stored
    assert index_spreadsheets.find_upload(other, stored.public_id) is None
    assert index_spreadsheets.find_upload(submission, "nope") is None


def test_only_reporters_may_upload(submission, member):
    with pytest.raises(DomainError):
        _upload(member, submission, b"code,value\nwaiting_time,6\n", "v.csv")
    assert db.session.query(SubmissionValue).filter_by(indicator_code="waiting_time").count() == 0
