"""Content-type detection from a file's bytes (never its name or the browser's word) and image re-encoding."""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable

from flask_babel import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import DomainError

PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
TEXT = "text/plain"
CSV = "text/csv"
MP4 = "video/mp4"
WEBM = "video/webm"
VTT = "text/vtt"

IMAGE_TYPES = frozenset({PNG, JPEG, GIF, WEBP})
OFFICE_TYPES = frozenset({DOCX, XLSX, PPTX})
TEXT_TYPES = frozenset({TEXT, CSV})
VIDEO_TYPES = frozenset({MP4, WEBM})

EXTENSIONS = {
    PNG: ".png",
    JPEG: ".jpg",
    GIF: ".gif",
    WEBP: ".webp",
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    ZIP: ".zip",
    TEXT: ".txt",
    CSV: ".csv",
    MP4: ".mp4",
    WEBM: ".webm",
    VTT: ".vtt",
}

# The main part of each OOXML package and the content type [Content_Types].xml must declare for it;
# a macro-enabled document (docm, xlsm) declares another type and is refused.
OFFICE_MAIN_PARTS = {
    DOCX: (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    PPTX: (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
CONTENT_TYPES_MAX_BYTES = 1024 * 1024  # a real [Content_Types].xml is a few KB; more smells of a zip bomb
# Zip-bomb guards for office packages: what the archive claims it unpacks to, in total and per byte stored.
# Real documents compress XML about 5-20 times (repetitive sheets far more), pictures inside hardly at all,
# so the ratio only counts past a size no template or report of the network reaches unpacked.
ZIP_MAX_UNCOMPRESSED = 256 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 32 * 1024 * 1024
ZIP_MAX_ENTRIES = 10_000
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V "}
)
TEXT_SAMPLE_BYTES = 64 * 1024
# Control characters other than tab, line feed, form feed and carriage return mark a binary file.
BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff_png(data: bytes) -> str | None:
    """PNG by its eight-byte signature."""
    return PNG if data.startswith(b"\x89PNG\r\n\x1a\n") else None


def sniff_jpeg(data: bytes) -> str | None:
    """JPEG by its start-of-image marker followed by another marker."""
    return JPEG if data.startswith(b"\xff\xd8\xff") else None


def sniff_gif(data: bytes) -> str | None:
    """GIF 87a or 89a."""
    return GIF if data[:6] in (b"GIF87a", b"GIF89a") else None


def sniff_webp(data: bytes) -> str | None:
    """WebP: a RIFF container whose form type is WEBP."""
    return WEBP if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else None


def sniff_pdf(data: bytes) -> str | None:
    """PDF by its header."""
    return PDF if data.startswith(b"%PDF-") else None


def sniff_zip(data: bytes) -> str | None:
    """Office Open XML (docx, xlsx, pptx) identified by its main part, else a plain zip archive."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if is_zip_bomb(archive.infolist(), len(data)):
                return None
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > CONTENT_TYPES_MAX_BYTES:
                return ZIP
            declared = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError):
        return None
    for content_type, (part, main_type) in OFFICE_MAIN_PARTS.items():
        if part in names and main_type.encode() in declared:
            return content_type
    return ZIP


def is_zip_bomb(entries: list[zipfile.ZipInfo], archive_size: int) -> bool:
    """Whether an archive claims to unpack to too much: in total, relative to its size, or in entries.

    The sizes are the central directory's claims; readers of the parts (text extraction) also stop reading
    past them, so an archive that lies about them gains nothing.
    """
    total = sum(entry.file_size for entry in entries)
    dense = total > ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(archive_size, 1)
    return len(entries) > ZIP_MAX_ENTRIES or total > ZIP_MAX_UNCOMPRESSED or dense


def sniff_mp4(data: bytes) -> str | None:
    """MP4 video: an ISO base media file whose ftyp box names a video brand (QuickTime and audio are not)."""
    return MP4 if data[4:8] == b"ftyp" and data[8:12] in MP4_BRANDS else None


def sniff_webm(data: bytes) -> str | None:
    """WebM: an EBML header whose DocType is webm (plain Matroska is not)."""
    return WEBM if data.startswith(b"\x1a\x45\xdf\xa3") and b"\x42\x82\x84webm" in data[:64] else None


def sniff_vtt(data: bytes) -> str | None:
    """WebVTT captions: UTF-8 text whose first line starts with the WEBVTT signature."""
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not head.startswith(b"WEBVTT") or head[6:7] not in (b"", b" ", b"\t", b"\n", b"\r"):
        return None
    return VTT if sniff_text(data) else None


def sniff_text(data: bytes) -> str | None:
    """UTF-8 text without NUL or other binary control characters; CSV when it parses as a table."""
    sample = data[:TEXT_SAMPLE_BYTES]
    if BINARY_CONTROL.search(sample):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return CSV if _looks_like_csv(text[:TEXT_SAMPLE_BYTES]) else TEXT


def _looks_like_csv(text: str) -> bool:
    """At least two lines with the same number (two or more) of delimited fields."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:  # noqa: PLR2004 - a header and one row
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() > 1


# Order matters: the binary signatures first; text, which accepts almost anything printable, last.
SNIFFERS: list[Callable[[bytes], str | None]] = [
    sniff_png,
    sniff_jpeg,
    sniff_gif,
    sniff_webp,
    sniff_pdf,
    sniff_zip,
    sniff_mp4,
    sniff_webm,
    sniff_vtt,
    sniff_text,
]


def sniff_content_type(data: bytes) -> str | None:
    """The content type the bytes really are, or None when no known sniffer recognises them."""
    if not data:
        return None
    for sniffer in SNIFFERS:
        if content_type := sniffer(data):
            return content_type
    return None


# Markup a browser would take for a page. A file of another type that carries it near its start is a
# polyglot: harmless as we serve it (its sniffed type, nosniff, attachment, a sandbox), but refused anyway.
HTML_MARKERS = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|title|style)(?=[\s>/])",
    re.IGNORECASE,
)
POLYGLOT_SAMPLE_BYTES = 1024
ZIP_END_OF_DIRECTORY = b"PK\x05\x06"


def is_polyglot(data: bytes, content_type: str) -> bool:
    """Whether bytes of a sniffed type are also something else: markup at their start, or a PDF that
    ends with a zip archive (a PDF/ZIP or PDF/JAR polyglot). Pictures are re-encoded instead."""
    if content_type in IMAGE_TYPES:
        return False
    if HTML_MARKERS.search(data[:POLYGLOT_SAMPLE_BYTES]):
        return True
    return content_type == PDF and ZIP_END_OF_DIRECTORY in data[-(64 * 1024 + 22) :]


PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}
MAX_FRAMES = 300
DRAWING_INFO = ("transparency", "duration", "background", "disposal")


def reencode_image(data: bytes, content_type: str, max_pixels: int) -> bytes:
    """Verify an image, then decode and re-encode it: strips metadata (EXIF, GPS) and defeats polyglots."""
    expected = PIL_FORMATS[content_type]
    _verify_image(data, expected, max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                return _encode(image, expected)
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning) as error:
            raise DomainError(_("The image could not be read. Please upload a valid image file.")) from error


def _verify_image(data: bytes, expected: str, max_pixels: int) -> None:
    """Pillow's structural check plus explicit limits on pixels and frames (decompression bombs)."""
    too_big = DomainError(_("The image is too large in pixels. Please upload a smaller image."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                if width * height > max_pixels or getattr(image, "n_frames", 1) > MAX_FRAMES:
                    raise too_big
                image.verify()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise too_big from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise DomainError(_("The image could not be read. Please upload a valid image file.")) from error


def _encode(image: Image.Image, pil_format: str) -> bytes:
    """Write the pixels (and animation frames) only; no EXIF, XMP, ICC, comments or trailing data survive."""
    frames = [_clean_frame(frame, pil_format) for frame in ImageSequence.Iterator(image)]
    first, rest = frames[0], frames[1:]
    options: dict = {"format": pil_format}
    if pil_format == "JPEG":
        options.update(quality=90, optimize=True)
    elif pil_format == "WEBP":
        options.update(quality=90)
    if rest:
        options.update(
            save_all=True, append_images=rest, duration=[f.info.get("duration", 100) for f in frames]
        )
        options.update(loop=image.info.get("loop", 0))
    out = io.BytesIO()
    first.save(out, **options)
    return out.getvalue()


def _clean_frame(frame: Image.Image, pil_format: str) -> Image.Image:
    """A copy of one frame whose info keeps only what drawing needs (Pillow re-writes whatever info holds)."""
    if pil_format == "JPEG":
        # EXIF goes, so its orientation is applied to the pixels first or photos would turn sideways.
        clean = ImageOps.exif_transpose(frame)
        clean = clean if clean.mode in ("RGB", "L") else clean.convert("RGB")
    else:
        clean = frame.copy()
    clean.info = {key: frame.info[key] for key in DRAWING_INFO if key in frame.info}
    return clean
