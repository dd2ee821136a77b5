"""Small real files made in memory (images, PDF, office, text, video headers) for the storage tests."""

import io
import zipfile

from PIL import Image

from ports_network.services.file_types import OFFICE_MAIN_PARTS


def image_bytes(
    pil_format: str = "PNG", size: tuple[int, int] = (8, 6), colour: str = "red", **save
) -> bytes:
    """An image of one colour in the given Pillow format."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=pil_format, **save)
    return out.getvalue()


def jpeg_with_exif(secret: str = "Callao, -12.05, -77.15") -> bytes:
    """A JPEG carrying EXIF (description, GPS) and a comment that must not survive an upload."""
    image = Image.new("RGB", (12, 8), "blue")
    exif = image.getexif()
    exif[0x010E] = secret  # ImageDescription
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[2] = (12.0, 3.0, 0.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=secret.encode())
    return out.getvalue()


def animated_gif(frames: int = 3) -> bytes:
    """A small animated GIF."""
    colours = ["red", "green", "blue", "yellow", "white"]
    images = [Image.new("RGB", (6, 6), colours[index % len(colours)]) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=120, loop=0)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A minimal PDF header and body."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(content_type: str, main_type: str | None = None) -> bytes:
    """An OOXML package with its [Content_Types].xml and main part (main_type overrides the declared type)."""
    part, declared = OFFICE_MAIN_PARTS[content_type]
    declared = main_type or declared
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{declared}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<root/>")
    return out.getvalue()


def plain_zip() -> bytes:
    """A zip archive that is not an office document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def mp4_bytes(brand: bytes = b"mp42") -> bytes:
    """The start of an ISO base media file: an ftyp box with the given major brand."""
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00isommp42" + b"\x00\x00\x00\x08free"


def webm_bytes(doctype: bytes = b"webm") -> bytes:
    """The start of an EBML file whose DocType is the given one."""
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84" + doctype + b"\x42\x87\x81\x04"
