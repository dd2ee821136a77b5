"""Attacks on the library's uploads: oversized files (413 with a clear message), wrong magic bytes, hostile
file names, polyglots and zip bombs. Nothing is written outside the storage directory and nothing is ever
served as something a browser would run."""

import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from ports_network.extensions import db
from ports_network.models import Material, StoredFile
from ports_network.services import file_types, storage
from ports_network.services.file_types import DOCX, PPTX, XLSX

from .. import factories
from ..conftest import login_as
from ..file_samples import image_bytes
from ..material_samples import mp4_bytes, office_with_text, pdf_with_text, zip_bomb


def _form(data: bytes, filename: str, **fields) -> dict:
    form = {
        "kind": "study",
        "access": "public",
        "language": "es",
        "title": "Estudio",
        "file": (io.BytesIO(data), filename),
    }
    return form | fields


@pytest.fixture
def uploader(client, secretariat):
    login_as(client, secretariat)

    def post(data: bytes, filename: str = "file.pdf", **fields):
        return client.post(
            "/materials/new", data=_form(data, filename, **fields), content_type="multipart/form-data"
        )

    return post


@pytest.fixture
def storage_root(app) -> Path:
    return Path(app.config["STORAGE_LOCAL_ROOT"])


def _files_under(path: Path) -> set[Path]:
    return {p for p in path.rglob("*") if p.is_file()}


@pytest.fixture
def written(storage_root):
    """The files created during the test anywhere under the storage root's parent, and a check that each
    is inside the root under a generated name."""
    parent = storage_root.parent
    before = _files_under(parent)

    def check() -> set[Path]:
        new = _files_under(parent) - before
        for path in new:
            assert path.is_relative_to(storage_root), path
            assert storage.KEY_PATTERN.fullmatch(path.name), path.name
        return new

    return check


def _nothing_stored() -> None:
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0


@pytest.fixture
def small_document_limit(app):
    previous = app.config["MATERIALS_DOCUMENT_MAX_BYTES"]
    app.config["MATERIALS_DOCUMENT_MAX_BYTES"] = 2048
    yield
    app.config["MATERIALS_DOCUMENT_MAX_BYTES"] = previous


def test_oversized_document_gets_413_with_its_limit(uploader, small_document_limit, written):
    response = uploader(pdf_with_text("x" * 200, *["línea"] * 300))
    assert response.status_code == 413
    assert "A PDF file may be at most 2 KB here." in response.text
    _nothing_stored()
    assert written() == set()


def test_each_kind_has_its_own_limit(app, uploader, small_document_limit):
    # Pictures have their own limit: a picture over the (lowered) document limit is still accepted.
    noise = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert (
        app.config["MATERIALS_DOCUMENT_MAX_BYTES"]
        < len(out.getvalue())
        < app.config["MATERIALS_IMAGE_MAX_BYTES"]
    )
    assert uploader(out.getvalue(), "photo.png").status_code == 302


def test_oversized_video_gets_413(app, uploader):
    previous = app.config["MATERIALS_VIDEO_MAX_BYTES"]
    app.config["MATERIALS_VIDEO_MAX_BYTES"] = 1000
    try:
        response = uploader(mp4_bytes(5000), "talk.mp4", kind="recording")
    finally:
        app.config["MATERIALS_VIDEO_MAX_BYTES"] = previous
    assert response.status_code == 413
    assert "A MP4 file may be at most" in response.text


def test_request_over_the_server_limit_gets_413(app, uploader):
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = uploader(pdf_with_text("a") + b"%" * 20_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert response.status_code == 413
    _nothing_stored()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "report.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "chart.png"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "slides.pptx"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "data.xlsx"),
        (b"PK\x03\x04" + bytes(40), "broken.docx"),  # a zip signature, not a zip
        (b"GIF89a" + bytes(20), "animation.gif"),  # a signature with no image behind it
    ],
    ids=["html-as-pdf", "svg-as-png", "exe-as-pptx", "elf-as-xlsx", "fake-zip", "fake-gif"],
)
def test_wrong_magic_bytes_are_refused_whatever_the_name(uploader, written, data, filename):
    response = uploader(data, filename)
    assert response.status_code == 422
    _nothing_stored()
    assert written() == set()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF",
        pdf_with_text("normal") + b"PK\x05\x06" + bytes(18),  # a PDF that is also a zip (or a jar)
        b"name,comment\n1,<script>alert(1)</script>\n2,ok\n",
    ],
    ids=["pdf-html", "pdf-zip", "csv-script"],
)
def test_polyglots_are_refused(uploader, written, data):
    response = uploader(data, "file.pdf")
    assert response.status_code == 422
    assert "not only what it claims to be" in response.text
    _nothing_stored()
    assert written() == set()


def test_picture_polyglot_is_reencoded_so_its_payload_is_gone(client, uploader):
    payload = b"<script>alert(1)</script>"
    response = uploader(image_bytes() + payload, "photo.png")
    assert response.status_code == 302
    stored = db.session.scalars(sa.select(StoredFile)).one()
    served = client.get(response.headers["Location"] + "/es/preview")
    assert served.mimetype == "image/png"
    assert payload not in served.data
    assert stored.size == len(served.data)


@pytest.mark.parametrize("content_type", [DOCX, PPTX, XLSX])
def test_office_zip_bombs_are_refused(uploader, written, content_type):
    bomb = zip_bomb(content_type, size=300 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    response = uploader(bomb, "innocent.docx")
    assert response.status_code == 422
    _nothing_stored()
    assert written() == set()


def test_zip_bomb_guard_looks_at_ratio_as_well_as_total():
    small_but_dense = zip_bomb(DOCX, size=40 * 1024 * 1024)  # 40 MB of zeros in a few dozen KB
    assert file_types.sniff_content_type(small_but_dense) is None
    assert file_types.sniff_content_type(office_with_text(DOCX, "fine")) == DOCX


HOSTILE_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\evil.pdf",
    "/etc/cron.d/evil.pdf",
    "C:\\Users\\evil.pdf",
    "evil\x00.pdf.html",
    "a" * 5000 + ".pdf",
    "informe\u202eFDP.exe",  # right-to-left override
    "résumé 日本語 🚢.pdf",
    "<script>alert(1)</script>.pdf",
    '"; filename="evil.html',
]


@pytest.mark.parametrize("filename", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_names_never_reach_the_filesystem_nor_the_headers(client, uploader, written, filename):
    response = uploader(pdf_with_text("contenido"), filename)
    assert response.status_code == 302
    new = written()
    assert len(new) == 1
    stored = db.session.scalars(sa.select(StoredFile)).one()
    assert stored.storage_key == next(iter(new)).name
    assert "/" not in stored.original_name and "\\" not in stored.original_name
    assert "\x00" not in stored.original_name and "\u202e" not in stored.original_name
    assert len(stored.original_name) <= storage.DISPLAY_NAME_MAX
    download = client.get(response.headers["Location"] + "/file")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert disposition.count('"') == 2  # the quoted fallback name cannot break out
    assert "\r" not in disposition and "\n" not in disposition
    assert download.mimetype == "application/pdf"


def test_nothing_is_served_as_html(client, uploader):
    uploads = [
        (pdf_with_text("a"), "a.pdf"),
        (b"just text\nwith lines\n", "page.html"),
        (b"col1,col2\n1,2\n", "table.csv"),
        (office_with_text(DOCX, "b"), "b.docx"),
        (image_bytes(), "c.png"),
        (mp4_bytes(), "d.mp4"),
    ]
    for data, name in uploads:
        kind = "recording" if name.endswith("mp4") else "study"
        response = uploader(data, name, kind=kind)
        assert response.status_code == 302, name
        for suffix in ("/file", "/es/v1", "/es/preview"):
            served = client.get(response.headers["Location"] + suffix)
            if served.status_code == 404:
                continue  # documents have no preview
            assert served.mimetype in file_types.EXTENSIONS, served.mimetype
            assert "html" not in served.mimetype
            assert served.headers["X-Content-Type-Options"] == "nosniff"
            assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_storage_refuses_keys_it_did_not_generate(tmp_path):
    backend = storage.LocalStorage(tmp_path / "root")
    for key in ("../evil", "/etc/passwd", "a/../../b.pdf", "x.pdf\x00", ""):
        with pytest.raises(ValueError):
            backend.put(key, b"x", "text/plain")
    assert list(tmp_path.rglob("*")) == []


def test_the_413_message_is_in_the_readers_language(client, small_document_limit):
    login_as(client, factories.UserFactory(is_secretariat=True, preferred_locale="es"))
    data = _form(pdf_with_text("x" * 200, *["línea"] * 300), "informe.pdf")
    response = client.post("/materials/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Un archivo PDF puede tener como máximo 2 KB aquí." in response.text
