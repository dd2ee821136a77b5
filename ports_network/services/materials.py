"""The materials library: adding a material with its first file, new versions and language variants,
captions for recordings, and changing what describes it. Who may do what is `materials.*` in security.py;
search is in `material_search`, the search text in `material_text`.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    MATERIAL_LANGUAGES,
    Body,
    CommitteeSession,
    Event,
    EventSession,
    Material,
    MaterialAccess,
    MaterialCaption,
    MaterialType,
    MaterialVariant,
    MaterialVersion,
    MethodologyVersion,
    PortCommunity,
    User,
)
from ..models.base import utcnow
from . import audit, material_text, storage
from .changes import apply_changes
from .text_input import HTTPS_ONLY, one_line, web_link

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_NOTE = 500
MAX_LIST_ITEMS = 20
MAX_LIST_ITEM = 100
LIST_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class MaterialData:
    """What describes a material whatever its language: kind, access, attachments, authors and tags."""

    kind: MaterialType
    access: MaterialAccess
    access_community_id: int | None = None
    access_body_id: int | None = None
    embargo_until: date | None = None
    issued_on: date | None = None
    authors: str | Sequence[str] = ""
    tags: str | Sequence[str] = ""
    community_id: int | None = None
    body_id: int | None = None
    committee_session_id: int | None = None
    event_id: int | None = None
    event_session_id: int | None = None
    methodology_version_id: int | None = None
    indicator_code: str | None = None


@dataclass(frozen=True)
class VariantData:
    """A language variant's own text."""

    language: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class UploadData:
    """One version: a file, or (recordings only) an https link; with a note on what changed."""

    file: FileStorage | None = None
    link: str = ""
    note: str = ""


# --- checking input -----------------------------------------------------------------------------------


def clean_list(value: str | Iterable[str]) -> list[str]:
    """Authors or tags from a comma-separated text (or a list): trimmed, without duplicates, capped."""
    items = LIST_SEPARATORS.split(value) if isinstance(value, str) else list(value)
    seen: dict[str, str] = {}
    for item in items:
        text = " ".join(str(item).split())[:MAX_LIST_ITEM]
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())[:MAX_LIST_ITEMS]


def _indicator_codes(node: Any) -> set[str]:
    """Every indicator code anywhere in a methodology document (pillars may nest sub-pillars)."""
    if isinstance(node, list):
        return set().union(*(_indicator_codes(child) for child in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    codes = {i["code"] for i in node.get("indicators", []) if isinstance(i, dict) and "code" in i}
    return codes | set().union(*(_indicator_codes(v) for k, v in node.items() if k != "indicators"))


def _methodology(data: MaterialData) -> tuple[MethodologyVersion | None, str | None]:
    code = (data.indicator_code or "").strip() or None
    if data.methodology_version_id is None:
        if code:
            raise DomainError(_("Choose the methodology version of the indicator."), "methodology_version_id")
        return None, None
    version_row = db.session.get(MethodologyVersion, data.methodology_version_id)
    if version_row is None:
        raise DomainError(_("Choose a methodology version."), "methodology_version_id")
    if code is not None and code not in _indicator_codes(version_row.document):
        raise DomainError(
            _("This version of the methodology has no indicator with that code."), "indicator_code"
        )
    return version_row, code


ATTACHMENTS = {
    "community": PortCommunity,
    "body": Body,
    "committee_session": CommitteeSession,
    "event": Event,
    "event_session": EventSession,
}


def _attachments(data: MaterialData) -> dict[str, Any]:
    found = {}
    for name, model in ATTACHMENTS.items():
        ident = getattr(data, f"{name}_id")
        found[name] = db.session.get(model, ident) if ident else None
        if ident and found[name] is None:
            raise DomainError(_("Choose from the list."), f"{name}_id")
    session = found["event_session"]
    if session is not None:
        if found["event"] not in (None, session.event):
            raise DomainError(_("This session is part of another event."), "event_session_id")
        found["event"] = session.event  # a session's material is also its event's
    return found


def _access(data: MaterialData, attachments: dict[str, Any]) -> dict[str, Any]:
    access = MaterialAccess(data.access)
    values: dict[str, Any] = {"access": access, "access_community": None, "access_body": None}
    if access == MaterialAccess.COMMUNITY:
        values["access_community"] = db.session.get(PortCommunity, data.access_community_id or 0)
        if values["access_community"] is None:
            raise DomainError(_("Choose the community that may see it."), "access_community_id")
    if access == MaterialAccess.BODY:
        values["access_body"] = db.session.get(Body, data.access_body_id or 0)
        if values["access_body"] is None:
            raise DomainError(_("Choose the governance body that may see it."), "access_body_id")
    if data.embargo_until is not None and access == MaterialAccess.PUBLIC:
        raise DomainError(_("A public material needs no date to become public."), "embargo_until")
    return values


def _validated(actor: User, data: MaterialData) -> dict[str, Any]:
    """Checked values of a material; DomainError (or NotAllowed) before anything changes."""
    attachments = _attachments(data)
    version_row, code = _methodology(data)
    values = {
        "kind": MaterialType(data.kind),
        **_access(data, attachments),
        "embargo_until": data.embargo_until,
        "issued_on": data.issued_on or utcnow().date(),
        "authors": clean_list(data.authors),
        "tags": clean_list(data.tags),
        **attachments,
        "methodology_version": version_row,
        "indicator_code": code,
    }
    _check_actor(actor, values)
    return values


def _check_actor(actor: User, values: dict[str, Any]) -> None:
    """Each attachment must be one the actor adds materials to; the Secretariat alone files materials that
    belong to nothing or to the methodology, and chooses a community or body level other than its own."""
    if security.is_secretariat(actor):
        return
    targets = [values[name] for name in ATTACHMENTS if values[name]]
    if values["methodology_version"] is not None or not targets:
        raise NotAllowed(_("Only the Technical Secretariat files materials outside a community or body."))
    if not all(security.can(actor, "materials.add", target) for target in targets):
        raise NotAllowed(_("You may not add materials there."))
    session = values["committee_session"]
    own_bodies = {b.id for b in (values["body"], session.body if session else None) if b is not None}
    if values["access_body"] is not None and values["access_body"].id not in own_bodies:
        raise DomainError(_("Choose the body the material belongs to."), "access_body_id")
    community = values["community"]
    if values["access_community"] is not None and values["access_community"] != community:
        raise DomainError(_("Choose the community the material belongs to."), "access_community_id")


def _variant_text(data: VariantData) -> VariantData:
    if data.language not in MATERIAL_LANGUAGES:
        raise DomainError(_("Choose a language from the list."), "language")
    title = one_line(data.title)
    if not title:
        raise DomainError(_("Give the material a title."), "title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Keep the title under %(num)d characters.", num=MAX_TITLE), "title")
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(_("Keep this text under %(num)d characters.", num=MAX_DESCRIPTION), "description")
    return VariantData(data.language, title, description)


def checked_link(link: str) -> str:
    """An https address with a host and no spaces or control characters; DomainError otherwise."""
    message = _("Give a full https:// address.")
    if checked := web_link(link, "link", message, schemes=HTTPS_ONLY):
        return checked
    raise DomainError(message, "link")


# --- writing ------------------------------------------------------------------------------------------


def _new_version(
    actor: User, material: Material, variant: MaterialVariant, upload: UploadData
) -> MaterialVersion:
    """Store the upload as the variant's next version and index its text; the caller commits."""
    note = one_line(upload.note)
    if len(note) > MAX_NOTE:
        raise DomainError(_("Keep the note under %(num)d characters.", num=MAX_NOTE), "note")
    has_file = upload.file is not None and bool(upload.file.filename)
    if has_file == bool((upload.link or "").strip()):
        raise DomainError(_("Choose a file, or give the link of a recording."), "file")
    stored, link = None, None
    if has_file:
        stored = storage.save_upload(upload.file, "material", actor)
    elif material.kind != MaterialType.RECORDING:
        raise DomainError(_("Only recordings may be a link; upload the file."), "link")
    else:
        link = checked_link(upload.link)
    number = max((v.number for v in variant.versions), default=0) + 1
    created = MaterialVersion(
        number=number, stored_file=stored, link=link, note=note, uploaded_by_id=actor.id
    )
    variant.versions.insert(0, created)
    db.session.flush()
    material_text.index_now_or_later(variant, stored)
    return created


def create(actor: User, data: MaterialData, text: VariantData, upload: UploadData) -> Material:
    """Add a material with its first variant and version (the file, or a recording's link)."""
    values = _validated(actor, data)
    text = _variant_text(text)
    material = Material(**values, created_by_id=actor.id)
    variant = MaterialVariant(language=text.language, title=text.title, description=text.description)
    material.variants.append(variant)
    db.session.add(material)
    db.session.flush()
    _new_version(actor, material, variant, upload)
    audit.record(actor, "material.create", material, new={"title": text.title, "language": text.language})
    db.session.commit()
    return material


def add_version(actor: User, material: Material, text: VariantData, upload: UploadData) -> MaterialVersion:
    """A new version of a variant (its permalink then serves it), or the first of a new language variant;
    the title and description given replace the variant's."""
    if not security.can(actor, "materials.manage", material):
        raise NotAllowed(_("You may not change this material."))
    text = _variant_text(text)
    variant = material.variant(text.language)
    if variant is None:
        variant = MaterialVariant(language=text.language, title=text.title, description=text.description)
        material.variants.append(variant)
    else:
        variant.title, variant.description = text.title, text.description
    db.session.flush()
    created = _new_version(actor, material, variant, upload)
    new = {"language": variant.language, "version": created.number, "note": created.note}
    audit.record(actor, "material.version", material, new=new)
    db.session.commit()
    return created


AUDITED_NAMES = {"kind": "material_kind", "access": "material_access"} | {
    name: f"{name}_id" for name in ATTACHMENTS
}


def update(actor: User, material: Material, data: MaterialData) -> Material:
    """Change what describes a material in every language (kind, access, embargo, attachments ...)."""
    if not security.can(actor, "materials.manage", material):
        raise NotAllowed(_("You may not change this material."))
    values = _validated(actor, data)
    old, new = apply_changes(material, values)
    if new:
        audit.record(actor, "material.update", material, old=_audited(old), new=_audited(new))
    for variant in material.variants:
        material_text.store_text(variant)  # tags and authors are in every variant's heading
    db.session.commit()
    return material


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """Related objects as their ids, so the audit log stores plain values."""
    return {AUDITED_NAMES.get(k, k): getattr(v, "id", v) for k, v in values.items()}


def add_caption(
    actor: User, variant: MaterialVariant, language: str, upload: FileStorage | None
) -> MaterialCaption:
    """Attach (or replace) a recording variant's WebVTT captions in one language."""
    material = variant.material
    if not security.can(actor, "materials.manage", material):
        raise NotAllowed(_("You may not change this material."))
    if material.kind != MaterialType.RECORDING:
        raise DomainError(_("Only recordings take captions."), "file")
    if language not in MATERIAL_LANGUAGES:
        raise DomainError(_("Choose a language from the list."), "language")
    if upload is None or not upload.filename:
        raise DomainError(_("Choose a WebVTT (.vtt) file."), "file")
    stored = storage.save_upload(upload, "material_caption", actor)
    caption = next((c for c in variant.captions if c.language == language), None)
    if caption is None:
        caption = MaterialCaption(language=language, stored_file=stored)
        variant.captions.append(caption)
    else:
        previous, caption.stored_file = caption.stored_file, stored
        db.session.flush()
        storage.delete(previous)
    audit.record(actor, "material.caption", material, new={"language": language})
    db.session.commit()
    return caption
