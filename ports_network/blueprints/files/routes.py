"""Serving uploaded files: authorised, with the sniffed type, and never as something the browser could run."""

from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, abort, request

from ...extensions import db
from ...models import StoredFile
from ...security import authorize
from ...services import storage
from . import bp

# A file is content, never a page: nothing in it may run, load or frame anything.
FILE_CSP = "default-src 'none'; sandbox"


@bp.get("/<public_id>")
def serve(public_id: str):
    """Stream one stored file to someone allowed to see it (404 otherwise: existence is private)."""
    stored = db.session.scalar(sa.select(StoredFile).where(StoredFile.public_id == public_id)) or abort(404)
    authorize("files.view", stored, hide=True)
    etag = stored.sha256
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        body = ClosingChunks(storage.open_stream(stored))
        response = Response(body, mimetype=stored.content_type, direct_passthrough=True)
        response.content_length = stored.size
        response.headers["Content-Disposition"] = content_disposition(stored)
    response.set_etag(etag)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.vary.add("Cookie")
    return response


def content_disposition(stored: StoredFile) -> str:
    """Inline only for the purpose's safe images, else a download; the name per RFC 6266/5987."""
    disposition = "inline" if storage.is_inline_safe(stored) else "attachment"
    name = stored.original_name or "file"
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class ClosingChunks:
    """The stored bytes in chunks; the stream is closed when they run out, on close(), or when dropped."""

    def __init__(self, stream: IO[bytes], chunk_size: int = 64 * 1024) -> None:
        self.stream = stream
        self.chunk_size = chunk_size

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.stream.read(self.chunk_size):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        """Release the file or the S3 connection."""
        self.stream.close()

    def __del__(self) -> None:
        # A HEAD request or an abandoned download may never iterate: the stream must still be released.
        self.close()
