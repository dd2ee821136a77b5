"""What is made from minutes' texts: the line diff between two versions, and the approved minutes as a
document to download (HTML from the one markdown renderer, PDF with fpdf2 and a Unicode font shipped by a
Python package, so accents render on a fresh machine with nothing else installed)."""

import difflib
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from markupsafe import Markup

from ..markdown import render
from ..models import CommitteeMinutes

FONT = "SourceSans"
FONT_FILES = {"": "Regular", "B": "Bold", "I": "It", "BI": "BoldIt"}
DIFF_CONTEXT = 3


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: kept, removed or added, with its numbers in the old and the new text."""

    kind: str  # "equal", "removed" or "added"
    old_number: int | None
    new_number: int | None
    text: str


def diff(old: str, new: str, context: int = DIFF_CONTEXT) -> list[list[DiffLine]]:
    """The changed passages between two texts, line by line, each with `context` unchanged lines around."""
    before, after = old.splitlines(), new.splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(context):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk += [DiffLine("equal", i1 + k + 1, j1 + k + 1, before[i1 + k]) for k in range(i2 - i1)]
                continue
            hunk += [DiffLine("removed", i + 1, None, before[i]) for i in range(i1, i2)]
            hunk += [DiffLine("added", None, j + 1, after[j]) for j in range(j1, j2)]
        hunks.append(hunk)
    return hunks


@dataclass(frozen=True)
class Document:
    """Approved minutes ready to print: titles, the approval, the hash and the sanitised HTML of the text."""

    title: str
    body: str
    approval: str
    content_hash: str
    html: Markup
    locale: str


def _when(moment: datetime) -> str:
    return format_datetime(moment, "medium")


def approval_text(minutes: CommitteeMinutes) -> str:
    """How the minutes were approved, in the active language."""
    motion = minutes.approval_motion
    if motion is None:
        return _("Approved on %(date)s.", date=_when(minutes.approved_at))
    if motion.session is not None:
        return _(
            "Approved on %(date)s by a motion carried at the session %(session)s of %(day)s.",
            date=_when(minutes.approved_at),
            session=motion.session.title,
            day=format_date(motion.session.starts_at, "long"),
        )
    return _("Approved on %(date)s by a vote between sessions.", date=_when(minutes.approved_at))


def document(minutes: CommitteeMinutes) -> Document:
    """The approved minutes as a document, its framing in the minutes' own language."""
    with force_locale(minutes.locale):
        return Document(
            title=_("Minutes: %(session)s", session=minutes.session.title),
            body=minutes.session.body.name_in(minutes.locale),
            approval=approval_text(minutes),
            content_hash=minutes.content_hash or "",
            html=render(minutes.text),
            locale=minutes.locale,
        )


def file_name(minutes: CommitteeMinutes, extension: str) -> str:
    """A download's file name: body, session date and the start of the hash."""
    day = minutes.session.starts_at.date().isoformat()
    return f"minutes-{minutes.session.body_id}-{day}-{(minutes.content_hash or '')[:12]}.{extension}"


class _MinutesPDF(FPDF):
    """A4 pages with the body's name on top and the page number and hash at the bottom."""

    def __init__(self, doc: Document, page_label: str) -> None:
        super().__init__(format="A4")
        self.doc, self.page_label = doc, page_label
        root = files("font_source_sans_pro") / "files"
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(root / f"SourceSansPro-{name}.ttf"))
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(100)
        self.cell(0, 5, self.doc.body, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(100)
        self.cell(0, 5, f"SHA-256 {self.doc.content_hash[:16]}…", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, self.page_label % {"page": self.page_no(), "pages": "{nb}"}, align="R")


def pdf(minutes: CommitteeMinutes) -> bytes:
    """The approved minutes as a PDF: the text, then how they were approved and the hash of the text."""
    doc = document(minutes)
    with force_locale(minutes.locale):
        page_label = _("Page %(page)s of %(pages)s")
        hash_label = _("SHA-256 of the approved text:")
    sheet = _MinutesPDF(doc, page_label)
    sheet.set_title(doc.title)
    sheet.set_creator("Ports Network")
    sheet.set_lang(doc.locale)
    sheet.add_page()
    sheet.set_font(FONT, "", 11)
    plain = FontFace(family=FONT)
    sheet.write_html(str(doc.html), font_family=FONT, tag_styles={"code": plain, "pre": plain})
    sheet.ln(6)
    sheet.set_font(FONT, "B", 9)
    sheet.multi_cell(0, 5, doc.approval, new_x="LMARGIN", new_y="NEXT")
    sheet.set_font(FONT, "", 9)
    sheet.multi_cell(0, 5, f"{hash_label} {doc.content_hash}", new_x="LMARGIN", new_y="NEXT")
    return bytes(sheet.output())
