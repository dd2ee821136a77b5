"""Serving a material's files: the permalink (newest version of the reader's language), a variant's newest
version, any earlier version, previews of pictures and videos, and caption files. Each answers 404 to
someone who may not see the material; files go out with their sniffed type, nosniff and a sandbox, as
downloads except pictures and videos previewed inline."""

from typing import IO
from urllib.parse import quote

from flask import Response, abort, redirect, request

from ...i18n import current_locale
from ...models import MaterialVersion, StoredFile
from ...services import material_pages, storage
from ...services.file_types import IMAGE_TYPES, VIDEO_TYPES
from . import bp
from .routes import load_material, load_variant

FILE_CSP = "default-src 'none'; sandbox"
PREVIEW_TYPES = IMAGE_TYPES | VIDEO_TYPES
# The permalink's bytes change with each version: revalidated every time (a cheap 304 by ETag). A numbered
# version never changes.
LATEST_CACHE = "private, no-cache"
VERSION_CACHE = "private, max-age=86400"


class StoredChunks:
    """A stored file's bytes in chunks, seekable when the backend's stream is (so byte ranges skip ahead),
    closed when read to the end, on close(), or when dropped unread (a 304, a HEAD request)."""

    def __init__(self, stream: IO[bytes], chunk_size: int = 256 * 1024) -> None:
        self.stream = stream
        self.chunk_size = chunk_size

    def __iter__(self) -> "StoredChunks":
        return self

    def __next__(self) -> bytes:
        chunk = self.stream.read(self.chunk_size)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def seekable(self) -> bool:
        """Whether the stream can jump to a range's first byte."""
        return bool(getattr(self.stream, "seekable", lambda: False)())

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move the stream (local files; S3 streams are read through instead)."""
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        """The stream's position."""
        return self.stream.tell()

    def close(self) -> None:
        """Release the file or the S3 connection."""
        self.stream.close()

    def __del__(self) -> None:
        self.close()


def _disposition(stored: StoredFile, inline: bool) -> str:
    name = stored.original_name or "file"
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_stored(stored: StoredFile, *, inline: bool = False, cache: str = LATEST_CACHE) -> Response:
    """Stream a stored file with byte ranges (videos seek), its checksum as ETag, never as a page."""
    response = Response(
        StoredChunks(storage.open_stream(stored)), mimetype=stored.content_type, direct_passthrough=True
    )
    response.content_length = stored.size
    response.set_etag(stored.sha256)
    response.headers["Content-Disposition"] = _disposition(stored, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = cache
    response.vary.add("Cookie")
    return response.make_conditional(request, accept_ranges=True, complete_length=stored.size)


def _send_version(version: MaterialVersion, cache: str = LATEST_CACHE) -> Response:
    if version.link:
        return redirect(version.link)  # a recording hosted elsewhere (https only)
    return send_stored(version.stored_file, cache=cache)


@bp.get("/<int:material_id>/file")
def download(material_id: int):
    """The permalink: the newest version in the reader's language (else Spanish, English, Portuguese...)."""
    material = load_material(material_id)
    variant = material_pages.pick_variant(material, current_locale()) or abort(404)
    return _send_version(variant.latest)


@bp.get("/<int:material_id>/<language>/file")
def variant_download(material_id: int, language: str):
    """The newest version of one language variant."""
    variant = load_variant(load_material(material_id), language)
    return _send_version(variant.latest)


@bp.get("/<int:material_id>/<language>/v<int:number>")
def version_download(material_id: int, language: str, number: int):
    """One numbered version, earlier ones included."""
    variant = load_variant(load_material(material_id), language)
    version = material_pages.version(variant, number) or abort(404)
    return _send_version(version, VERSION_CACHE)


@bp.get("/<int:material_id>/<language>/preview")
def preview(material_id: int, language: str):
    """The newest picture or video of a variant, shown in the page (other kinds have no preview)."""
    variant = load_variant(load_material(material_id), language)
    stored = variant.latest.stored_file
    if stored is None or stored.content_type not in PREVIEW_TYPES:
        abort(404)
    return send_stored(stored, inline=True)


@bp.get("/<int:material_id>/<language>/captions/<caption_language>.vtt")
def caption(material_id: int, language: str, caption_language: str):
    """A recording's WebVTT captions in one language (for the video's <track>)."""
    variant = load_variant(load_material(material_id), language)
    found = next((c for c in variant.captions if c.language == caption_language), None) or abort(404)
    return send_stored(found.stored_file)
