"""Methodology versions of the Competitiveness Index: import (JSON/YAML), freeze, export, load for the engine.

A version is stored as the engine's plain data (`dump_methodology`) with the sha256 of its canonical
JSON. Importing a draft's version again replaces its document; a frozen version never changes. The engine's
own messages name the field path of each problem (`pillars[1].indicators[0].weight: ...`) and stay in
English, like the file format's keys; the web page introduces them in the reader's language.
"""

import copy
import hashlib
import json
import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..index_engine import (
    Methodology,
    MethodologyError,
    dump_methodology,
    load_methodology,
    localized,
    parse_methodology_text,
)
from ..models import MethodologyStatus, MethodologyVersion, User
from ..models.base import utcnow
from . import audit
from .changes import commit_unique

logger = logging.getLogger(__name__)

DEFAULT_VERSION = "2.0"  # the version of index_engine/default_methodology.json
VERSION_MAX = MethodologyVersion.version.type.length
TITLE_MAX = MethodologyVersion.title.type.length
YAML_SUFFIXES = (".yaml", ".yml")
UPLOAD_MAX_BYTES = 1024 * 1024  # the default methodology is 30 KB


def canonical_json(document: dict[str, Any]) -> str:
    """The document as JSON with sorted keys and no spaces: what the checksum is taken over."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def checksum(document: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of a methodology document."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def find(version: str) -> MethodologyVersion | None:
    """The methodology version with this version string, or None."""
    return db.session.scalar(sa.select(MethodologyVersion).where(MethodologyVersion.version == version))


def get(version: str) -> MethodologyVersion:
    """The methodology version with this version string; DomainError when there is none."""
    row = find(version)
    if row is None:
        raise DomainError(_("There is no methodology version %(version)s.", version=version), field="version")
    return row


def all_versions() -> list[MethodologyVersion]:
    """Every methodology version, oldest first."""
    return list(db.session.scalars(sa.select(MethodologyVersion).order_by(MethodologyVersion.id)))


def _read_source(source: str | Path) -> tuple[str, bool]:
    """(text, is YAML): a Path, or a one-line string that is not JSON, is a file name; else it is the text."""
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith("{")):
        return source, not source.lstrip().startswith("{")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DomainError(f"{path}: no such file", field="file") from None
    except UnicodeDecodeError:
        raise DomainError(f"{path}: not UTF-8 text", field="file") from None
    except OSError as error:
        raise DomainError(f"{path}: cannot be read ({error.strerror})", field="file") from None
    return text, path.suffix.lower() in YAML_SUFFIXES


def parse(source: str | Path) -> Methodology:
    """A checked methodology from JSON/YAML text or a file; every problem, with its path, as DomainError."""
    return parse_text(*_read_source(source))


def parse_text(text: str, yaml_format: bool) -> Methodology:
    """A checked methodology from JSON or YAML text; every problem, with its path, as DomainError."""
    try:
        methodology = parse_methodology_text(text, yaml_format=yaml_format)
    except MethodologyError as error:
        raise _invalid(str(error)) from None
    if len(methodology.version) > VERSION_MAX:
        raise _invalid(f"version: at most {VERSION_MAX} characters")
    if len(_title(methodology)) > TITLE_MAX:
        raise _invalid(f"name.{methodology.locales[0]}: at most {TITLE_MAX} characters")
    return methodology


def _invalid(detail: str) -> DomainError:
    """A refusal of the file: an explanation in the reader's language, then the engine's path and reason."""
    return DomainError(_("The file is not a valid methodology: %(detail)s", detail=detail), field="file")


def _title(methodology: Methodology) -> str:
    return localized(methodology.name, methodology.locales[0])


def _summary(row: MethodologyVersion) -> dict[str, Any]:
    return {"version": row.version, "title": row.title, "checksum": row.checksum}


def _store(actor: User | None, methodology: Methodology) -> MethodologyVersion:
    """Add the version, or replace a draft's document; audit what changed (the caller commits)."""
    document = dump_methodology(methodology)
    values = {"title": _title(methodology), "document": document, "checksum": checksum(document)}
    row = find(methodology.version)
    if row is None:
        author = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
        row = MethodologyVersion(version=methodology.version, created_by_id=author, **values)
        db.session.add(row)
        db.session.flush()  # the audit record needs the id
        audit.record(actor, "methodology.import", row, new=_summary(row))
        return row
    if row.is_frozen:
        raise DomainError(
            _(
                "Methodology %(version)s is frozen and can never change; import it under a new version.",
                version=row.version,
            ),
            field="file",
        )
    if row.checksum != values["checksum"] or row.title != values["title"]:
        old = _summary(row)
        for name, value in values.items():
            setattr(row, name, value)
        audit.record(actor, "methodology.import", row, old=old, new=_summary(row))
    return row


def _mark_frozen(actor: User | None, row: MethodologyVersion) -> None:
    if row.is_frozen:
        raise DomainError(
            _("Methodology %(version)s is already frozen.", version=row.version), field="version"
        )
    load_engine_methodology(row)  # never freeze a document the engine cannot use
    row.status, row.frozen_at = MethodologyStatus.FROZEN, utcnow()
    audit.record(actor, "methodology.freeze", row, old={"status": "draft"}, new={"status": "frozen"})


def _conflict(version: str) -> DomainError:
    return DomainError(
        _("Methodology %(version)s was imported by someone else at the same time.", version=version),
        field="file",
    )


def import_methodology(
    source: str | Path, actor: User | None = None, *, freeze: bool = False
) -> MethodologyVersion:
    """Import a methodology version from JSON/YAML text or a file (a draft, or frozen with `freeze`).

    A new version is added; a draft's version is replaced; a frozen version is refused.
    """
    return _import(parse(source), actor, freeze=freeze)


def import_upload(
    data: bytes, filename: str, actor: User | None = None, *, freeze: bool = False
) -> MethodologyVersion:
    """Import a methodology file sent through the web page: JSON or YAML (by its name), UTF-8, at most 1 MB.

    The bytes are only ever parsed as text, never taken as a path.
    """
    if len(data) > UPLOAD_MAX_BYTES:
        raise DomainError(_("The file is larger than 1 MB."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not UTF-8 text."), field="file") from None
    if not text.strip():
        raise DomainError(_("The file is empty."), field="file")
    yaml_format = Path(filename or "").suffix.lower() in YAML_SUFFIXES
    return _import(parse_text(text, yaml_format), actor, freeze=freeze)


def new_draft_from(actor: User | None, source: MethodologyVersion, version: str) -> MethodologyVersion:
    """A new draft version that starts as a copy of another version's document (to be edited and frozen)."""
    version = version.strip()
    if not version or len(version) > VERSION_MAX:
        raise DomainError(_("A version has 1 to %(max)d characters.", max=VERSION_MAX), field="version")
    if find(version) is not None:
        raise DomainError(
            _("Methodology version %(version)s exists already.", version=version), field="version"
        )
    document = {**export_methodology(source), "version": version}
    return _import(parse_text(canonical_json(document), yaml_format=False), actor)


def _import(methodology: Methodology, actor: User | None, *, freeze: bool = False) -> MethodologyVersion:
    """Store a checked methodology (a new version, or a draft's new document), frozen with `freeze`."""
    try:
        row = _store(actor, methodology)
        if freeze:
            _mark_frozen(actor, row)
    except DomainError:
        db.session.rollback()
        raise
    commit_unique(lambda: _conflict(methodology.version))
    logger.info("methodology %s imported (%s, sha256 %s)", row.version, row.status.value, row.checksum)
    return row


def freeze(actor: User | None, version: MethodologyVersion) -> MethodologyVersion:
    """Freeze a draft version: from now on it never changes, so values and scores can refer to it."""
    _mark_frozen(actor, version)
    db.session.commit()
    logger.info("methodology %s frozen", version.version)
    return version


def export_methodology(version: MethodologyVersion) -> dict[str, Any]:
    """The version's document (a copy), ready for `index_engine.format_methodology` or `load_methodology`."""
    _verified(version)
    return copy.deepcopy(version.document)


def _verified(version: MethodologyVersion) -> str:
    """The canonical JSON of the stored document, after checking it against the stored checksum."""
    canonical = canonical_json(version.document)
    if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != version.checksum:
        raise DomainError(
            f"The stored document of methodology {version.version} does not match its checksum.",
            field="version",
        )
    return canonical


@lru_cache(maxsize=16)
def _engine_methodology(canonical: str) -> Methodology:
    """Parsed once per document: the engine caches its compiled plan per (hashable) methodology."""
    return load_methodology(json.loads(canonical))


def load_engine_methodology(version: MethodologyVersion) -> Methodology:
    """The engine's Methodology object of a stored version (checked against its checksum)."""
    try:
        return _engine_methodology(_verified(version))
    except MethodologyError as error:
        raise DomainError(str(error), field="version") from None


def ensure_default(actor: User | None = None) -> bool:
    """Import and freeze the shipped default methodology unless its version exists; True when imported.

    An existing version with that number (draft or frozen) is left alone: the Secretariat's work wins.
    """
    if find(DEFAULT_VERSION) is not None:
        return False
    shipped = resources.files("ports_network.index_engine").joinpath("default_methodology.json")
    import_methodology(shipped.read_text(encoding="utf-8"), actor, freeze=True)
    return True
