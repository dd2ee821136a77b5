"""The one storage service: checks uploads by their bytes, keeps them under generated keys, streams them back.

Every feature that accepts a file calls `save_upload(upload, purpose, uploaded_by)` with a purpose registered
here (`register_purpose`), then links the returned StoredFile and commits. Bytes go to a backend chosen by
configuration: the local filesystem (default, under instance/uploads, outside static/) or S3.
"""

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..errors import DomainError
from ..extensions import db
from ..models import StoredFile, User
from . import file_types
from .file_types import EXTENSIONS, IMAGE_TYPES, TEXT_TYPES, reencode_image, sniff_content_type

logger = logging.getLogger(__name__)

__all__ = [
    "PURPOSES",
    "FileTooLarge",
    "LocalStorage",
    "Purpose",
    "S3Storage",
    "StorageBackend",
    "delete",
    "file_types",
    "get_backend",
    "human_size",
    "open_stream",
    "read_bytes",
    "register_purpose",
    "safe_display_name",
    "save_upload",
    "sniff_content_type",
]

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")
DISPLAY_NAME_MAX = 200


# ---------------------------------------------------------------------------------------------- purposes


@dataclass(frozen=True)
class Purpose:
    """What an upload is for: its size limit (overall, or per content type), the content types it accepts,
    those safe to show inline."""

    name: str
    max_bytes: int | str  # a number, or the name of a configuration key read at upload time
    allowed: frozenset[str]
    inline_safe: frozenset[str] = frozenset()
    type_limits: Mapping[str, int | str] = field(default_factory=dict)  # content type -> limit

    def limit(self, content_type: str | None = None) -> int:
        """The size limit in bytes for a content type (the purpose's own limit when it sets none);
        without a type, the largest any accepted type may reach."""
        if content_type is None:
            return max(_resolve(value) for value in (self.max_bytes, *self.type_limits.values()))
        return _resolve(self.type_limits.get(content_type, self.max_bytes))


def _resolve(limit: int | str) -> int:
    """A limit in bytes, resolving a configuration key against the current app."""
    return int(current_app.config[limit]) if isinstance(limit, str) else limit


class FileTooLarge(DomainError):
    """The upload is over its purpose's limit for its type; views answer 413 with this message."""


PURPOSES: dict[str, Purpose] = {}


def register_purpose(
    name: str,
    max_bytes: int | str,
    allowed: Iterable[str],
    inline_safe: Iterable[str] = (),
    type_limits: Mapping[str, int | str] | None = None,
) -> Purpose:
    """Declare an upload purpose (e.g. "evidence" with PDF and office files); the last registration wins."""
    allowed = frozenset(allowed)
    unknown = allowed - EXTENSIONS.keys()
    if unknown:
        raise ValueError(f"no sniffer for content types {sorted(unknown)}")
    inline = frozenset(inline_safe) & allowed & IMAGE_TYPES
    purpose = Purpose(name, max_bytes, allowed, inline, dict(type_limits or {}))
    PURPOSES[name] = purpose
    return purpose


register_purpose("avatar", "IMAGE_MAX_BYTES", IMAGE_TYPES, inline_safe=IMAGE_TYPES)
register_purpose("logo", "IMAGE_MAX_BYTES", IMAGE_TYPES, inline_safe=IMAGE_TYPES)
# Files supporting a community's index values: documents, tables and pictures (served to who sees the values).
register_purpose(
    "evidence",
    20 * 1024 * 1024,
    {file_types.PDF, *file_types.OFFICE_TYPES, *TEXT_TYPES, *IMAGE_TYPES},
    inline_safe=IMAGE_TYPES,
)
# A spreadsheet uploaded to fill in index values (read, reported on, applied once confirmed).
register_purpose("index_upload", 2 * 1024 * 1024, {file_types.XLSX, *TEXT_TYPES})
# A governance body's work plan (PDF or Office), and the documents of a session's agenda (the board pack).
register_purpose("work_plan", 20 * 1024 * 1024, {file_types.PDF, *file_types.OFFICE_TYPES})
register_purpose(
    "board_pack",
    20 * 1024 * 1024,
    {file_types.PDF, *file_types.OFFICE_TYPES, *TEXT_TYPES, *IMAGE_TYPES},
    inline_safe=IMAGE_TYPES,
)

# Files posted with a room message (served to the room's readers; pictures shown as thumbnails).
register_purpose(
    "room_attachment",
    10 * 1024 * 1024,
    {file_types.PDF, *file_types.OFFICE_TYPES, *TEXT_TYPES, *IMAGE_TYPES},
    inline_safe=IMAGE_TYPES,
)

# The materials library: documents, pictures and recordings, each kind with its own limit (settings
# MATERIALS_*_MAX_BYTES); pictures are shown inline. WebVTT captions of recordings are a purpose apart.
register_purpose(
    "material",
    "MATERIALS_DOCUMENT_MAX_BYTES",
    {file_types.PDF, *file_types.OFFICE_TYPES, *TEXT_TYPES, *IMAGE_TYPES, *file_types.VIDEO_TYPES},
    inline_safe=IMAGE_TYPES,
    type_limits={
        **dict.fromkeys(IMAGE_TYPES, "MATERIALS_IMAGE_MAX_BYTES"),
        **dict.fromkeys(file_types.VIDEO_TYPES, "MATERIALS_VIDEO_MAX_BYTES"),
    },
)
register_purpose("material_caption", 1024 * 1024, {file_types.VTT})


def purpose_of(stored: StoredFile) -> Purpose | None:
    """The registered purpose of a stored file (None for a purpose no longer registered)."""
    return PURPOSES.get(stored.purpose)


def is_inline_safe(stored: StoredFile) -> bool:
    """Whether the file may be shown in the browser rather than downloaded (only images of its purpose)."""
    purpose = purpose_of(stored)
    return purpose is not None and stored.content_type in purpose.inline_safe


# ---------------------------------------------------------------------------------------------- uploads


def save_upload(upload: FileStorage, purpose: str, uploaded_by: User | None) -> StoredFile:
    """Check an upload against its purpose, store its (cleaned) bytes and add the row; the caller commits."""
    rules = PURPOSES.get(purpose)
    if rules is None:
        raise ValueError(f"unknown upload purpose {purpose!r}")
    data = _read_limited(upload, rules.limit())
    content_type = _accepted_type(data, rules)
    _check_type_limit(data, content_type, rules)
    if content_type in IMAGE_TYPES:
        max_pixels = int(current_app.config["IMAGE_MAX_PIXELS"])
        data = reencode_image(data, content_type, max_pixels)
    key = uuid.uuid4().hex + EXTENSIONS[content_type]
    stored = StoredFile(
        storage_key=key,
        purpose=purpose,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=safe_display_name(upload.filename, EXTENSIONS[content_type]),
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
    )
    backend = get_backend()
    backend.put(key, data, content_type)
    _track(db.session, "written", backend, key)
    db.session.add(stored)
    return stored


def _read_limited(upload: FileStorage, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to know the file is too large without reading all of it."""
    if getattr(upload.stream, "seekable", lambda: False)():
        upload.stream.seek(0)  # a form validator may have peeked at the stream already
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(_("The file is larger than the limit of %(limit)s.", limit=human_size(limit)))
    if not data:
        raise DomainError(_("The file is empty."))
    return data


def _accepted_type(data: bytes, rules: Purpose) -> str:
    """The sniffed content type if the purpose accepts it; CSV and plain text stand in for each other."""
    content_type = sniff_content_type(data)
    if content_type in {*TEXT_TYPES, file_types.VTT} and content_type not in rules.allowed:
        content_type = next(iter(TEXT_TYPES & rules.allowed), content_type)
    if content_type not in rules.allowed:
        kinds = ", ".join(sorted(EXTENSIONS[t].lstrip(".").upper() for t in rules.allowed))
        raise DomainError(_("This type of file is not accepted here. Accepted: %(kinds)s.", kinds=kinds))
    if file_types.is_polyglot(data, content_type):
        raise DomainError(_("This file is not only what it claims to be, so it is refused."))
    return content_type


def _check_type_limit(data: bytes, content_type: str, rules: Purpose) -> None:
    limit = rules.limit(content_type)
    if len(data) > limit:
        kind = EXTENSIONS[content_type].lstrip(".").upper()
        raise FileTooLarge(
            _("A %(kind)s file may be at most %(limit)s here.", kind=kind, limit=human_size(limit))
        )


def safe_display_name(filename: str | None, extension: str) -> str:
    """The user's file name for display only: no path parts, control or bidi characters, at most 200 chars."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = name.strip().strip(".").strip()
    return name[:DISPLAY_NAME_MAX] or f"file{extension}"


def human_size(size: int) -> str:
    """A byte count as people read it (2 MB, 512 KB), with the current locale's number format."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":  # noqa: PLR2004
            number = format_decimal(size, format="#,##0.#")
            return _("%(number)s %(unit)s", number=number, unit=unit)
        size /= 1024
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------ reading, deleting


def open_stream(stored: StoredFile) -> IO[bytes]:
    """A readable binary stream of the file's bytes; the caller closes it (a WSGI file wrapper does)."""
    return get_backend().open(stored.storage_key)


def read_bytes(stored: StoredFile) -> bytes:
    """All of the file's bytes at once (for small files a service parses, e.g. a spreadsheet import)."""
    with open_stream(stored) as stream:
        return stream.read()


def delete(stored: StoredFile) -> None:
    """Remove the row now and the bytes once the caller's transaction commits (a rollback keeps both)."""
    _track(db.session, "deleted", get_backend(), stored.storage_key)
    db.session.delete(stored)


def _track(session: Session, kind: str, backend: "StorageBackend", key: str) -> None:
    """Note bytes to clean up when the transaction ends: written ones on failure, deleted ones on commit."""
    session.info.setdefault(f"storage_{kind}", []).append((backend, key))


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer transaction may still roll back
    session.info.pop("storage_written", None)
    for backend, key in session.info.pop("storage_deleted", []):
        try:
            backend.delete(key)
        except Exception:  # the row is gone already; an orphaned object is only wasted space
            logger.exception("could not delete stored bytes %s", key)


@sa.event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop("storage_deleted", None)
    for backend, key in session.info.pop("storage_written", []):
        try:
            backend.delete(key)  # the row was never committed, so nobody can reach these bytes
        except Exception:
            logger.exception("could not remove uncommitted bytes %s", key)


# ---------------------------------------------------------------------------------------------- backends


class StorageBackend(Protocol):
    """Where bytes live, addressed by generated keys only."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store bytes under a new key."""

    def open(self, key: str) -> IO[bytes]:
        """A readable binary stream of the bytes under key."""

    def delete(self, key: str) -> None:
        """Remove the bytes under key (no error if already gone)."""

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under key."""


def check_key(key: str) -> str:
    """Refuse any key that is not one this service generated (belt and braces against path traversal)."""
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a root directory, sharded by the key's first two characters, written atomically."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write to a temporary file in the same directory, then rename: readers never see half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> IO[bytes]:
        """The file opened for reading."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Unlink the file if present."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()


class S3Storage:
    """Objects in an S3 (or S3-compatible) bucket; credentials come from the standard AWS variables."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None) -> None:
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object with its sniffed content type."""
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type)

    def open(self, key: str) -> IO[bytes]:
        """The object's streaming body."""
        return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers success for a missing key too)."""
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def exists(self, key: str) -> bool:
        """Whether the object exists."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def build_backend(config: dict) -> StorageBackend:
    """The backend the configuration names (STORAGE_BACKEND = local | s3)."""
    kind = config.get("STORAGE_BACKEND", "local")
    if kind == "local":
        return LocalStorage(config["STORAGE_LOCAL_ROOT"])
    if kind == "s3":
        if not config.get("STORAGE_S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs STORAGE_S3_BUCKET")
        return S3Storage(
            config["STORAGE_S3_BUCKET"],
            config.get("STORAGE_S3_ENDPOINT_URL"),
            config.get("STORAGE_S3_REGION"),
        )
    raise RuntimeError(f"unknown STORAGE_BACKEND {kind!r}")


def get_backend(app: Flask | None = None) -> StorageBackend:
    """The app's storage backend, built once from its configuration and kept on app.extensions."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get("storage")
    if backend is None:
        backend = app.extensions["storage"] = build_backend(app.config)
    return backend
