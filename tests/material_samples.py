"""Real documents made in memory for the materials tests (a PDF and office files with text to find, WebVTT,
video headers) and a helper that adds a material through the service."""

import io
import zipfile
from datetime import date

from werkzeug.datastructures import FileStorage

from ports_network.models import MaterialAccess, MaterialType
from ports_network.services import materials
from ports_network.services.file_types import DOCX, OFFICE_MAIN_PARTS, PPTX, XLSX
from ports_network.services.material_seed import simple_pdf


def pdf_with_text(*lines: str) -> bytes:
    """A one-page PDF whose text (Helvetica, WinAnsi, so accents survive) pypdf extracts."""
    return simple_pdf(*lines)


OFFICE_BODIES = {
    DOCX: '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
    PPTX: '<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>',
    XLSX: '<sst xmlns="x"><si><t>{text}</t></si></sst>',
}
OFFICE_TEXT_PARTS = {DOCX: "word/document.xml", PPTX: "ppt/slides/slide1.xml", XLSX: "xl/sharedStrings.xml"}


def office_with_text(content_type: str, text: str) -> bytes:
    """A docx, pptx or xlsx package carrying `text` where a reader looks for it."""
    part, declared = OFFICE_MAIN_PARTS[content_type]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{declared}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        if part != OFFICE_TEXT_PARTS[content_type]:
            archive.writestr(part, "<root/>")
        archive.writestr(OFFICE_TEXT_PARTS[content_type], OFFICE_BODIES[content_type].format(text=text))
    return out.getvalue()


def zip_bomb(content_type: str = DOCX, size: int = 300 * 1024 * 1024) -> bytes:
    """A valid office package with one part that unpacks to `size` zero bytes (a few hundred KB stored)."""
    part, declared = OFFICE_MAIN_PARTS[content_type]
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{declared}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<root/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def vtt(text: str = "Bienvenidos") -> bytes:
    """A WebVTT caption file with one cue."""
    return f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{text}\n".encode()


def mp4_bytes(size: int = 2048) -> bytes:
    """The start of an MP4 file (an ftyp box with a video brand), padded."""
    return (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2").ljust(size, b"\x00")


def upload(data: bytes, name: str = "document.pdf") -> FileStorage:
    """A file as a form would send it."""
    return FileStorage(io.BytesIO(data), name)


def add_material(
    actor,
    *,
    title: str = "Guidelines for port communities",
    language: str = "es",
    access: MaterialAccess = MaterialAccess.PUBLIC,
    kind: MaterialType = MaterialType.GUIDELINES,
    data: bytes | None = None,
    name: str = "document.pdf",
    description: str = "",
    link: str = "",
    **fields,
):
    """Add a material through the service (the actor must be allowed); returns it."""
    content = data if data is not None or link else pdf_with_text(title)
    described = materials.MaterialData(
        kind=kind, access=access, issued_on=fields.pop("issued_on", date(2024, 10, 16)), **fields
    )
    text = materials.VariantData(language=language, title=title, description=description)
    file = upload(content, name) if content is not None else None
    return materials.create(actor, described, text, materials.UploadData(file=file, link=link))
