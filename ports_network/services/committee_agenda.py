"""A session's agenda: ordered items (information, deliberation, decision) with presenter, time box,
description and documents, built by whoever runs the session while it is still planned."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import AgendaItem, AgendaItemKind, CommitteeSession, StoredFile, User
from . import audit, committee_sessions, storage
from .text_input import one_line

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_TIME_BOX = 8 * 60
MAX_DOCUMENTS = 20


@dataclass(frozen=True)
class ItemData:
    """An agenda item as its organiser enters it."""

    title: str
    kind: AgendaItemKind = AgendaItemKind.INFORMATION
    presenter_id: int | None = None
    time_box_minutes: int | None = None
    description: str | None = None


def get_item(item_id: int) -> AgendaItem | None:
    """The agenda item with this id."""
    return db.session.get(AgendaItem, item_id)


def presenter_choices(session: CommitteeSession) -> list[User]:
    """Who may present an item: the people convened (seat holders on the session's day), by name."""
    return sorted(committee_sessions.recipients(session), key=lambda person: (person.name, person.id))


def _ensure(actor: User, session: CommitteeSession) -> None:
    if not security.can(actor, "committees.run_session", session):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary builds the agenda."))
    if not session.is_planned:
        raise DomainError(_("The agenda of this session can no longer be changed."))


def _validated(session: CommitteeSession, data: ItemData) -> dict:
    title = one_line(data.title)
    if not title or len(title) > MAX_TITLE:
        raise DomainError(_("Give the item a title (at most 200 characters)."), field="title")
    minutes = data.time_box_minutes
    if minutes is not None and not 1 <= minutes <= MAX_TIME_BOX:
        raise DomainError(_("Give a time box between 1 and 480 minutes."), field="time_box_minutes")
    description = (data.description or "").strip() or None
    if description and len(description) > MAX_DESCRIPTION:
        raise DomainError(_("Keep the description under 10,000 characters."), field="description")
    presenter = None
    if data.presenter_id:
        presenter = next((p for p in presenter_choices(session) if p.id == data.presenter_id), None)
        if presenter is None:
            raise DomainError(_("The presenter must be one of the people convened."), field="presenter_id")
    return {
        "title": title,
        "kind": AgendaItemKind(data.kind),
        "presenter": presenter,
        "time_box_minutes": minutes,
        "description": description,
    }


def _audited(values: dict) -> dict:
    names = {"kind": "item_kind"}
    return {
        names.get(key, key): value.name if key == "presenter" and value is not None else value
        for key, value in values.items()
    }


def add_item(actor: User, session: CommitteeSession, data: ItemData) -> AgendaItem:
    """Append an item to the agenda."""
    _ensure(actor, session)
    values = _validated(session, data)
    last = db.session.scalar(
        sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.session_id == session.id)
    )
    item = AgendaItem(session=session, position=(last or 0) + 1, **values)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "agenda_item.add", item, new={**_audited(values), "session": session.title})
    db.session.commit()
    return item


def update_item(actor: User, item: AgendaItem, data: ItemData) -> AgendaItem:
    """Change an item's title, kind, presenter, time box or description."""
    _ensure(actor, item.session)
    values = _validated(item.session, data)
    old = {key: getattr(item, key) for key in values}
    changed = [key for key in values if old[key] != values[key]]
    for key in changed:
        setattr(item, key, values[key])
    if changed:
        audit.record(
            actor,
            "agenda_item.update",
            item,
            old=_audited({key: old[key] for key in changed}),
            new=_audited({key: values[key] for key in changed}),
        )
    db.session.commit()
    return item


def move_item(actor: User, item: AgendaItem, step: int) -> None:
    """Swap an item with the one before (step -1) or after (step +1); nothing happens at either end."""
    _ensure(actor, item.session)
    if step not in (-1, 1):
        raise DomainError(_("Move an item one place up or down."))
    items = list(item.session.items)
    index = items.index(item)
    if not 0 <= index + step < len(items):
        return
    other = items[index + step]
    first, second = item.position, other.position
    # Positions are unique per session: park one item outside the range while the other takes its place.
    item.position = -1
    db.session.flush()
    other.position = first
    db.session.flush()
    item.position = second
    audit.record(
        actor, "agenda_item.move", item, old={"position": index + 1}, new={"position": index + step + 1}
    )
    db.session.commit()


def remove_item(actor: User, item: AgendaItem) -> None:
    """Take an item off the agenda, with its documents."""
    session = item.session
    _ensure(actor, session)
    for document in list(item.documents):
        item.documents.remove(document)
        storage.delete(document)
    audit.record(actor, "agenda_item.remove", item, old={"title": item.title, "session": session.title})
    session.items.remove(item)
    db.session.commit()


def attach_document(actor: User, item: AgendaItem, upload: FileStorage | None) -> StoredFile:
    """Add a document to an item (PDF, Office, text or image)."""
    _ensure(actor, item.session)
    if upload is None or not upload.filename:
        raise DomainError(_("Choose a file to attach."), field="document")
    if len(item.documents) >= MAX_DOCUMENTS:
        raise DomainError(_("An item can have at most 20 documents."), field="document")
    stored = storage.save_upload(upload, "board_pack", actor)
    item.documents.append(stored)
    db.session.flush()
    audit.record(actor, "agenda_item.attach", item, new={"file": stored.original_name, "title": item.title})
    db.session.commit()
    return stored


def detach_document(actor: User, item: AgendaItem, document_id: int) -> None:
    """Remove a document from an item (and delete it: it belongs to this item only)."""
    _ensure(actor, item.session)
    document = next((d for d in item.documents if d.id == document_id), None)
    if document is None:
        raise DomainError(_("This document is not attached to the item."))
    item.documents.remove(document)
    audit.record(actor, "agenda_item.detach", item, old={"file": document.original_name, "title": item.title})
    storage.delete(document)
    db.session.commit()
