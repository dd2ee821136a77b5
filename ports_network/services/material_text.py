"""What the materials search reads: text extracted from PDFs, office documents and text files, normalised
(accents removed, casefolded) and stored per language variant; large files are read by a scheduled job.

Search then matches "publicacion" and "publicación" alike on SQLite (FTS5) and on PostgreSQL, without the
unaccent extension (a hosted database may not allow CREATE EXTENSION).
"""

import html
import io
import logging
import re
import unicodedata
import warnings
import zipfile

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import MaterialText, MaterialVariant, StoredFile, TextStatus
from . import file_types, storage

logger = logging.getLogger(__name__)

MAX_INDEXED_CHARS = 200_000  # per variant: PostgreSQL's tsvector holds at most 1 MB
MAX_PDF_PAGES = 500
MAX_XML_PART_BYTES = 32 * 1024 * 1024
JOB_BATCH = 20  # variants the job reads per run, so one run stays short
XML_TEXT = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.DOTALL)
XML_BREAK = re.compile(r"</(?:\w+:)?p>|</si>|</row>")
SLIDE_NUMBER = re.compile(r"ppt/slides/slide(\d+)\.xml$")
OFFICE_PARTS = {
    file_types.DOCX: re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml$"),
    file_types.PPTX: SLIDE_NUMBER,
    file_types.XLSX: re.compile(r"xl/sharedStrings\.xml$"),
}
WORD = re.compile(r"[^\W_]+")
# PostgreSQL's text search configuration without stemming or stop words: the text is normalised already,
# in several languages at once, and SQLite's FTS5 does not stem either, so both databases find the same.
SIMPLE_CONFIG = sa.literal_column("'simple'::regconfig")


def normalise(text: str) -> str:
    """Text as the index stores it: accents removed (é → e, ñ → n, ç → c), casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def query_words(text: str, limit: int = 10) -> list[str]:
    """The words of a search, normalised like the index (letters and digits only, at most `limit`)."""
    return WORD.findall(normalise(text))[:limit]


# --- extraction ---------------------------------------------------------------------------------------


def extract_text(data: bytes, content_type: str) -> str:
    """The readable text of a file (empty for pictures and video), at most MAX_INDEXED_CHARS characters."""
    if content_type == file_types.PDF:
        return _pdf_text(data)
    if content_type in OFFICE_PARTS:
        return _office_text(data, content_type)
    if content_type in file_types.TEXT_TYPES:
        return data.decode("utf-8-sig", errors="replace")[:MAX_INDEXED_CHARS]
    return ""


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # malformed PDFs warn a lot; what can be read is still indexed
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        parts, size = [], 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_INDEXED_CHARS:
                break
    return "\n".join(parts)[:MAX_INDEXED_CHARS]


def _part_order(name: str) -> tuple[int, str]:
    number = SLIDE_NUMBER.search(name)
    return (int(number.group(1)) if number else 0, name)


def _office_text(data: bytes, content_type: str) -> str:
    """The text runs of an OOXML package, read with a regular expression (no XML parser, so no entity
    expansion), from archives the zip-bomb guard accepted and never past their declared sizes."""
    pattern = OFFICE_PARTS[content_type]
    parts, size = [], 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if file_types.is_zip_bomb(archive.infolist(), len(data)):
            return ""
        names = sorted((n for n in archive.namelist() if pattern.search(n)), key=_part_order)
        for name in names:
            with archive.open(name) as member:
                xml = member.read(MAX_XML_PART_BYTES).decode("utf-8", errors="replace")
            text = "".join(html.unescape(run) for run in XML_TEXT.findall(XML_BREAK.sub("<t> </t>", xml)))
            parts.append(text)
            size += len(text)
            if size >= MAX_INDEXED_CHARS:
                break
    return "\n".join(parts)[:MAX_INDEXED_CHARS]


# --- the stored search text ---------------------------------------------------------------------------


def _heading(variant: MaterialVariant) -> str:
    material = variant.material
    return normalise(" ".join([variant.title, *material.tags, *material.authors]))


def store_text(variant: MaterialVariant, content: str | None = None) -> MaterialText:
    """Write a variant's search text (`content` None keeps the extracted text it has); the caller commits."""
    row = db.session.get(MaterialText, variant.id)
    if row is None:
        row = MaterialText(variant_id=variant.id, content="")
        db.session.add(row)
    row.heading = _heading(variant)
    row.summary = normalise(variant.description)
    if content is not None:
        row.content = normalise(content)[:MAX_INDEXED_CHARS]
    if db.session.get_bind().dialect.name == "postgresql":
        row.tsv, row.rank_tsv = _tsvectors(row)
    return row


def _vector(text: str) -> sa.ColumnElement:
    return sa.func.to_tsvector(SIMPLE_CONFIG, sa.cast(text, sa.Text))


def _tsvectors(row: MaterialText) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """Every word, stripped of positions (matching), and the weighted title and description (ranking)."""
    words = sa.func.strip(_vector(row.heading).op("||")(_vector(row.summary)).op("||")(_vector(row.content)))
    heading = sa.func.setweight(_vector(row.heading), sa.literal_column("'A'"))
    summary = sa.func.setweight(_vector(row.summary), sa.literal_column("'B'"))
    return words, heading.op("||")(summary)


def index_variant(variant: MaterialVariant) -> None:
    """Read the newest file of a variant into the search text and mark it indexed (or failed)."""
    latest = variant.latest
    stored = latest.stored_file if latest is not None else None
    try:
        content = extract_text(storage.read_bytes(stored), stored.content_type) if stored else ""
    except Exception:  # any unreadable file: its metadata stays searchable, the file downloadable
        logger.warning("could not read the text of material file %s", stored.public_id, exc_info=True)
        store_text(variant, "")
        variant.text_status = TextStatus.FAILED
        return
    store_text(variant, content)
    variant.text_status = TextStatus.INDEXED


def index_now_or_later(variant: MaterialVariant, stored: StoredFile | None) -> None:
    """Index a small file while the upload waits; leave a large one to the job (status shown as pending)."""
    if stored is not None and stored.size > current_app.config["MATERIALS_INLINE_INDEX_BYTES"]:
        store_text(variant, "")  # the old file's text would mislead; metadata stays findable meanwhile
        variant.text_status = TextStatus.PENDING
        return
    index_variant(variant)


def index_pending(limit: int = JOB_BATCH) -> int:
    """The job: index the variants waiting for it, oldest first, one commit each; returns how many."""
    pending = db.session.scalars(
        sa.select(MaterialVariant)
        .where(MaterialVariant.text_status == TextStatus.PENDING)
        .order_by(MaterialVariant.id)
        .limit(limit)
    ).all()
    for variant in pending:
        index_variant(variant)
        db.session.commit()
    return len(pending)
