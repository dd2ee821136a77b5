"""Files posted with room messages: checked and stored by the storage service in the transaction that stores
the message, so a message never exists without its files and a refused file stores nothing at all."""

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage

from .. import links
from ..errors import DomainError
from ..extensions import db
from ..models import Message, MessageAttachment, StoredFile, User
from . import room_writes, storage

PURPOSE = "room_attachment"
MAX_FILES = 5


def checked_uploads(uploads: Iterable[Any] | None) -> list[FileStorage]:
    """The files actually chosen (browsers send an empty part for an empty file input), at most MAX_FILES."""
    files = [upload for upload in uploads or () if isinstance(upload, FileStorage) and upload.filename]
    if len(files) > MAX_FILES:
        raise DomainError(
            ngettext(
                "A message can carry at most %(num)d file.",
                "A message can carry at most %(num)d files.",
                MAX_FILES,
            ),
            field="attachments",
        )
    return files


def size_limit_label() -> str:
    """The size limit of one file, as people read it (10 MB)."""
    return storage.human_size(storage.PURPOSES[PURPOSE].limit())


def _save(user: User, uploads: list[FileStorage]) -> list[StoredFile]:
    stored = []
    for upload in uploads:
        try:
            stored.append(storage.save_upload(upload, PURPOSE, user))
        except DomainError as error:
            db.session.rollback()  # drops the files saved so far, rows and bytes
            name = storage.safe_display_name(upload.filename, "")
            message = _("%(name)s: %(reason)s", name=name, reason=error.message)
            raise DomainError(message, field="attachments") from error
    return stored


def store_with_files(
    user: User, room_id: int, row: room_writes.Row, uploads: list[FileStorage], in_transaction: Callable
) -> room_writes.Row:
    """Store the files, then the message (see room_writes.store) and its links to them, in one commit."""
    stored = _save(user, uploads)

    def linked(message_row: room_writes.Row) -> None:
        in_transaction(message_row)
        db.session.add_all(
            MessageAttachment(message_id=message_row["id"], stored_file=file, position=position)
            for position, file in enumerate(stored, start=1)
        )

    return room_writes.store_alone(room_id, row, linked)


def records(message: Message) -> list[dict[str, Any]]:
    """The message's files as plain data (none while it is deleted or hidden)."""
    if message.is_removed:
        return []
    return [record(attachment.stored_file) for attachment in message.attachments]


def record(stored: StoredFile) -> dict[str, Any]:
    """One attached file: its name, size (bytes and as people read it), link, and whether it is a picture."""
    return {
        "name": stored.original_name,
        "size": stored.size,
        "size_label": storage.human_size(stored.size),
        "url": links.site_path("files.serve", public_id=stored.public_id),
        "inline_image": storage.is_inline_safe(stored),
    }
