"""Builders of spreadsheets for the import tests: filled templates, CSV text and hand-made XLSX packages."""

import io
import zipfile

import openpyxl

from ports_network.services import index_spreadsheets

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Values" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def raw_xlsx(sheet_rows: str, shared_strings: str = "") -> bytes:
    """A minimal XLSX package whose only sheet holds `sheet_rows` (<row> elements)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>',
        )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared_strings}</sst>')
    return out.getvalue()


def inline_row(number: int, *cells: str) -> str:
    """A <row> of inline-string cells."""
    body = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{body}</row>'


def number_row(number: int, code: str, value: float) -> str:
    """A <row> with a code (inline string) and a number."""
    code_cell = f'<c r="A{number}" t="inlineStr"><is><t>{code}</t></is></c>'
    return f'<row r="{number}">{code_cell}<c r="B{number}"><v>{value}</v></c></row>'


def template_book(submission, locale: str = "en") -> openpyxl.Workbook:
    """The submission's XLSX template opened for editing."""
    return openpyxl.load_workbook(io.BytesIO(index_spreadsheets.template_xlsx(submission, locale)))


def columns(sheet) -> dict[str, int]:
    """Column numbers of the template's technical keys (its hidden second row)."""
    return {cell.value: cell.column for cell in sheet[2] if cell.value}


def fill(book: openpyxl.Workbook, values: dict, justifications: dict | None = None) -> bytes:
    """Type values (and justifications) into the template's Values sheet; the workbook as bytes."""
    sheet = book.worksheets[0]
    where = columns(sheet)
    for row in range(3, sheet.max_row + 1):
        code = sheet.cell(row, where["code"]).value
        if code in values:
            sheet.cell(row, where["value"]).value = values[code]
        if justifications and code in justifications:
            sheet.cell(row, where["justification"]).value = justifications[code]
    return save(book)


def save(book: openpyxl.Workbook) -> bytes:
    """A workbook as XLSX bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(text: str, *, bom: bool = False) -> bytes:
    """CSV text as UTF-8 bytes, with a byte order mark if asked."""
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")
