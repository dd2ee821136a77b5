"""Demo materials of the library (seed_data/materials.json): the VIII Regional Meeting's guidelines, action
plan and recommendations, a seminar's proposals and a committee's work plan, each a short PDF; running it
twice changes nothing."""

import io
import json
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import Body, Event, MaterialVariant, User
from . import committee_seed, materials
from .event_seed import seed_uid

SEED_UPLOADER = "secretariat@demo.puertos.example"


def simple_pdf(*lines: str) -> bytes:
    """A one-page PDF with lines of text in Helvetica (WinAnsi, so Spanish and Portuguese accents survive)."""
    escaped = (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines)
    commands = b" ".join(b"(" + line.encode("cp1252", errors="replace") + b") Tj T*" for line in escaped)
    stream = b"BT /F1 11 Tf 14 TL 56 760 Td " + commands + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def load_material_data() -> dict[str, Any]:
    """The demo materials file shipped with the package."""
    text = resources.files("ports_network.seed_data").joinpath("materials.json").read_text(encoding="utf-8")
    return json.loads(text)


def _body_id(key: str | None) -> int | None:
    if key is None:
        return None
    entry = next(b for b in committee_seed.load_committee_data()["bodies"] if b["key"] == key)
    bodies = db.session.scalars(sa.select(Body).where(Body.kind == entry["kind"]))
    return next(body.id for body in bodies if body.name.get("en") == entry["name"]["en"])


def _event_id(key: str | None) -> int | None:
    return db.session.scalar(sa.select(Event.id).where(Event.ical_uid == seed_uid(key))) if key else None


def _upload(title: str, lines: list[str]) -> materials.UploadData:
    name = "".join(ch if ch.isalnum() else "-" for ch in title.casefold())[:60].strip("-") + ".pdf"
    return materials.UploadData(file=FileStorage(io.BytesIO(simple_pdf(title, "", *lines)), name))


def _material(uploader: User, entry: dict[str, Any]) -> int:
    variants = list(entry["variants"].items())
    first_language, first = variants[0]
    if db.session.scalar(sa.select(MaterialVariant.id).where(MaterialVariant.title == first["title"])):
        return 0
    embargo = entry.get("embargo_until")
    data = materials.MaterialData(
        kind=entry["kind"],
        access=entry["access"],
        access_body_id=_body_id(entry.get("access_body")),
        embargo_until=date.fromisoformat(embargo) if embargo else None,
        issued_on=date.fromisoformat(entry["issued_on"]),
        authors=entry["authors"],
        tags=entry["tags"],
        body_id=_body_id(entry.get("body")),
        event_id=_event_id(entry.get("event")),
    )
    text = materials.VariantData(first_language, first["title"], first["description"])
    material = materials.create(uploader, data, text, _upload(first["title"], first["lines"]))
    for language, variant in variants[1:]:
        text = materials.VariantData(language, variant["title"], variant["description"])
        materials.add_version(uploader, material, text, _upload(variant["title"], variant["lines"]))
    return len(variants)


def seed_materials() -> int:
    """Add the demo materials that are missing, uploaded by the demo Secretariat account; returns how many
    variants were created. Needs the accounts, bodies and events (seed.seed_demo creates them first)."""
    uploader = db.session.scalars(sa.select(User).where(User.email == SEED_UPLOADER)).one()
    return sum(_material(uploader, entry) for entry in load_material_data()["materials"])
