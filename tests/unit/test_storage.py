"""The storage service: content sniffed from bytes, limits, image cleaning, generated keys, backends."""

import hashlib
import io
import os
import re

import boto3
import pytest
from moto import mock_aws
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from werkzeug.datastructures import FileStorage

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import StoredFile
from ports_network.services import file_types as ft
from ports_network.services import storage
from tests import factories
from tests.file_samples import (
    animated_gif,
    image_bytes,
    jpeg_with_exif,
    mp4_bytes,
    office_bytes,
    pdf_bytes,
    plain_zip,
    webm_bytes,
)

KEY = re.compile(r"^[0-9a-f]{32}\.[a-z]+$")


@pytest.fixture(autouse=True)
def _request(app):
    """Messages are translated, which needs a request (its locale); English keeps assertions readable."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def purposes():
    """Lets a test register purposes without leaking them into other tests."""
    saved = dict(storage.PURPOSES)
    yield storage.PURPOSES
    storage.PURPOSES.clear()
    storage.PURPOSES.update(saved)


def upload(
    data: bytes, filename: str = "file.bin", content_type: str = "application/octet-stream"
) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


# -------------------------------------------------------------------------------------------- sniffers


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (image_bytes("PNG"), ft.PNG),
        (image_bytes("JPEG"), ft.JPEG),
        (image_bytes("GIF"), ft.GIF),
        (image_bytes("WEBP"), ft.WEBP),
        (pdf_bytes(), ft.PDF),
        (office_bytes(ft.DOCX), ft.DOCX),
        (office_bytes(ft.XLSX), ft.XLSX),
        (office_bytes(ft.PPTX), ft.PPTX),
        (plain_zip(), ft.ZIP),
        ("Puerto del Callao, informe técnico\nsegunda línea\n".encode(), ft.TEXT),
        (b"country;port;dwell_days\nPE;Callao;3.5\nCL;Valparaiso;2.9\n", ft.CSV),
        ("\ufeffpaís,puerto\nPerú,Callao\n".encode(), ft.CSV),
        (mp4_bytes(b"isom"), ft.MP4),
        (mp4_bytes(b"mp42"), ft.MP4),
        (webm_bytes(), ft.WEBM),
    ],
)
def test_content_type_is_recognised_from_the_bytes(data, expected):
    assert ft.sniff_content_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02binary\x00",
        "latin-1 text: informe técnico".encode("latin-1"),
        b"text with a NUL\x00 inside",
        mp4_bytes(b"qt  "),  # QuickTime, not MP4
        webm_bytes(b"matr"),  # Matroska, not WebM
        b"PK\x03\x04 not really a zip",
    ],
)
def test_unknown_or_binary_content_is_not_recognised(data):
    assert ft.sniff_content_type(data) is None


def test_macro_enabled_office_document_is_not_taken_for_a_docx():
    docm = office_bytes(ft.DOCX, main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    assert ft.sniff_zip(docm) == ft.ZIP


def test_office_part_without_its_declared_content_type_is_a_plain_zip():
    assert ft.sniff_zip(office_bytes(ft.XLSX, main_type="text/plain")) == ft.ZIP


def test_html_is_plain_text_to_the_sniffer_never_html():
    assert ft.sniff_content_type(b"<html><script>alert(1)</script></html>") == ft.TEXT


# -------------------------------------------------------------------------------------------- save_upload


def test_upload_type_comes_from_the_bytes_not_the_name_or_browser(app):
    stored = storage.save_upload(upload(image_bytes("PNG"), "evil.html", "text/html"), "avatar", None)
    assert stored.content_type == "image/png"
    assert stored.storage_key.endswith(".png")
    assert stored.original_name == "evil.html"


def test_storage_key_is_generated_and_owes_nothing_to_the_file_name(app):
    stored = storage.save_upload(upload(image_bytes("GIF"), "../../../etc/passwd.gif"), "logo", None)
    assert KEY.fullmatch(stored.storage_key)
    assert "passwd" not in stored.storage_key
    path = storage.get_backend().root / stored.storage_key[:2] / stored.storage_key
    assert path.is_file()
    assert path.resolve().is_relative_to(os.path.realpath(app.config["STORAGE_LOCAL_ROOT"]))


def test_html_disguised_as_an_image_is_refused(app):
    with pytest.raises(DomainError, match="not accepted"):
        storage.save_upload(upload(b"<html><body>hi</body></html>", "photo.png", "image/png"), "avatar", None)


def test_pdf_is_refused_for_an_avatar(app):
    with pytest.raises(DomainError, match="Accepted: GIF, JPG, PNG, WEBP"):
        storage.save_upload(upload(pdf_bytes(), "cv.pdf"), "avatar", None)


def test_empty_file_is_refused(app):
    with pytest.raises(DomainError, match="empty"):
        storage.save_upload(upload(b"", "empty.png"), "avatar", None)


def test_file_over_the_limit_is_refused_with_a_readable_size(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    big = image_bytes("PNG") + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(DomainError, match=r"larger than the limit of 2 MB"):
        storage.save_upload(upload(big, "big.png"), "avatar", None)


class EndlessStream(io.RawIOBase):
    """A stream that never ends and counts what was read from it."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"\x89" * len(buffer)
        self.served += len(buffer)
        return len(buffer)


def test_only_the_limit_plus_one_byte_is_read_from_a_huge_upload(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_BYTES", 1000)
    stream = EndlessStream()
    with pytest.raises(DomainError, match="larger than the limit"):
        storage.save_upload(FileStorage(io.BufferedReader(stream, 64), filename="x.png"), "avatar", None)
    assert stream.served <= 1001 + 64


def test_exif_gps_and_comments_are_stripped_from_jpeg(app):
    original = jpeg_with_exif("SECRET-LOCATION")
    assert b"SECRET-LOCATION" in original
    stored = storage.save_upload(upload(original, "me.jpg"), "avatar", None)
    cleaned = storage.read_bytes(stored)
    assert b"SECRET-LOCATION" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()
        assert image.size == (12, 8)


def test_png_text_chunks_and_trailing_polyglot_payload_are_dropped(app):
    info = PngInfo()
    info.add_text("Comment", "SECRET-TEXT")
    polyglot = image_bytes("PNG", pnginfo=info) + b"<script>alert('PAYLOAD')</script>"
    stored = storage.save_upload(upload(polyglot, "logo.png"), "logo", None)
    cleaned = storage.read_bytes(stored)
    assert b"SECRET-TEXT" not in cleaned
    assert b"PAYLOAD" not in cleaned
    assert ft.sniff_png(cleaned)


def test_animated_gif_keeps_its_frames(app):
    stored = storage.save_upload(upload(animated_gif(3), "wave.gif"), "avatar", None)
    with Image.open(io.BytesIO(storage.read_bytes(stored))) as image:
        assert image.n_frames == 3


def test_webp_is_accepted_and_reencoded(app):
    stored = storage.save_upload(upload(image_bytes("WEBP"), "a.webp"), "avatar", None)
    assert stored.content_type == "image/webp"
    assert storage.read_bytes(stored).startswith(b"RIFF")


def test_image_with_too_many_pixels_is_refused_before_decoding(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", 100 * 100)
    with pytest.raises(DomainError, match="too large in pixels"):
        storage.save_upload(upload(image_bytes("PNG", size=(101, 100))), "avatar", None)


def test_pillow_decompression_bomb_limit_is_a_domain_error(app, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50 * 50)
    with pytest.raises(DomainError, match="too large in pixels"):
        storage.save_upload(upload(image_bytes("PNG", size=(60, 60))), "avatar", None)


def test_corrupt_image_is_refused(app):
    broken = image_bytes("PNG")[:40]
    with pytest.raises(DomainError, match="could not be read"):
        storage.save_upload(upload(broken, "broken.png"), "avatar", None)


def test_checksum_size_and_uploader_are_recorded(app):
    person = factories.UserFactory()
    stored = storage.save_upload(upload(image_bytes("PNG"), "me.png"), "avatar", person)
    data = storage.read_bytes(stored)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.uploaded_by_id == person.id
    assert stored.purpose == "avatar"


def test_upload_is_added_to_the_session_and_the_caller_commits(app):
    stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    assert stored in db.session.new
    db.session.commit()
    assert db.session.get(StoredFile, stored.id).public_id == stored.public_id
    assert storage.get_backend().exists(stored.storage_key)


def test_bytes_of_an_upload_whose_transaction_rolls_back_are_removed(app):
    stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    key = stored.storage_key
    assert storage.get_backend().exists(key)
    db.session.rollback()
    assert not storage.get_backend().exists(key)


def test_delete_removes_row_and_bytes_once_committed(app):
    stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    db.session.commit()
    key, file_id = stored.storage_key, stored.id
    storage.delete(stored)
    assert storage.get_backend().exists(key)  # a rollback must still find its bytes
    db.session.commit()
    assert not storage.get_backend().exists(key)
    assert db.session.get(StoredFile, file_id) is None


def test_delete_rolled_back_keeps_the_bytes(app):
    stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    db.session.commit()
    storage.delete(stored)
    db.session.rollback()
    assert storage.get_backend().exists(stored.storage_key)
    assert db.session.get(StoredFile, stored.id) is not None


def test_delete_inside_a_savepoint_waits_for_the_outer_commit(app):
    stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    db.session.commit()
    key = stored.storage_key
    with db.session.begin_nested():
        storage.delete(stored)
    assert storage.get_backend().exists(key)
    db.session.rollback()
    assert storage.get_backend().exists(key)


def test_upload_inside_a_savepoint_is_removed_if_the_outer_transaction_rolls_back(app):
    with db.session.begin_nested():
        stored = storage.save_upload(upload(image_bytes("PNG")), "avatar", None)
    assert storage.get_backend().exists(stored.storage_key)
    db.session.rollback()
    assert not storage.get_backend().exists(stored.storage_key)


def test_a_stream_already_read_by_a_validator_is_stored_whole(app):
    data = image_bytes("PNG")
    given = upload(data, "me.png")
    given.stream.read()
    stored = storage.save_upload(given, "avatar", None)
    assert stored.size > 0


# -------------------------------------------------------------------------------------------- names, sizes


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Informe técnico – Callao.pdf", "Informe técnico – Callao.pdf"),
        ("bad\x00name\x07.txt", "badname.txt"),
        ("invoice\u202eexe.pdf", "invoiceexe.pdf"),  # no right-to-left override to disguise the type
        ("  ..hidden.  ", "hidden"),
        ("São Paulo 港口.docx", "São Paulo 港口.docx"),
        ("", "file.png"),
        (None, "file.png"),
        ("/", "file.png"),
    ],
)
def test_original_name_is_sanitised_for_display(given, shown):
    assert storage.safe_display_name(given, ".png") == shown


def test_display_name_is_at_most_200_characters():
    assert len(storage.safe_display_name("á" * 500 + ".pdf", ".pdf")) == 200


@pytest.mark.parametrize(
    ("size", "text"), [(10, "10 B"), (1536, "1.5 KB"), (2 * 1024 * 1024, "2 MB"), (5 * 1024**3, "5 GB")]
)
def test_sizes_are_shown_in_human_units(size, text):
    assert storage.human_size(size) == text


# -------------------------------------------------------------------------------------------- purposes


def test_a_feature_can_register_a_purpose_for_documents(app, purposes):
    storage.register_purpose("evidence", 10_000, [ft.PDF, ft.DOCX, ft.CSV])
    assert storage.save_upload(upload(pdf_bytes(), "a.pdf"), "evidence", None).content_type == ft.PDF
    docx = storage.save_upload(upload(office_bytes(ft.DOCX), "a.docx"), "evidence", None)
    assert docx.content_type == ft.DOCX and docx.storage_key.endswith(".docx")
    with pytest.raises(DomainError, match="not accepted"):
        storage.save_upload(upload(image_bytes("PNG"), "a.png"), "evidence", None)


def test_single_column_text_is_accepted_where_csv_is_expected(app, purposes):
    storage.register_purpose("import", 10_000, [ft.CSV])
    stored = storage.save_upload(upload(b"port\nCallao\nPaita\n", "ports.csv"), "import", None)
    assert stored.content_type == ft.CSV


def test_registering_a_type_without_a_sniffer_fails_loudly(purposes):
    with pytest.raises(ValueError, match="no sniffer"):
        storage.register_purpose("bad", 10, ["application/x-msdownload"])


def test_only_images_can_be_inline_safe(purposes):
    purpose = storage.register_purpose("material", 10, [ft.PDF, ft.PNG], inline_safe=[ft.PDF, ft.PNG])
    assert purpose.inline_safe == frozenset({ft.PNG})


def test_unknown_purpose_is_a_programming_error(app):
    with pytest.raises(ValueError, match="unknown upload purpose"):
        storage.save_upload(upload(image_bytes("PNG")), "nope", None)


# -------------------------------------------------------------------------------------------- backends


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "abc.png", "0" * 32 + ".png/../../x", "0" * 32, "/tmp/x.png"]
)
def test_local_storage_refuses_keys_it_did_not_generate(tmp_path, key):
    backend = storage.LocalStorage(tmp_path)
    with pytest.raises(ValueError, match="not a storage key"):
        backend.put(key, b"x", "text/plain")
    with pytest.raises(ValueError, match="not a storage key"):
        backend.open(key)


def test_local_storage_writes_atomically_and_leaves_no_temporary_files(tmp_path):
    backend = storage.LocalStorage(tmp_path)
    key = "a" * 32 + ".txt"
    backend.put(key, b"hello", "text/plain")
    assert sorted(p.name for p in (tmp_path / "aa").iterdir()) == [key]
    with backend.open(key) as stream:
        assert stream.read() == b"hello"


def test_local_storage_cleans_up_when_the_rename_fails(tmp_path, monkeypatch):
    backend = storage.LocalStorage(tmp_path)

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        backend.put("b" * 32 + ".txt", b"hello", "text/plain")
    assert list((tmp_path / "bb").iterdir()) == []


def test_backend_is_built_once_per_app(app):
    assert storage.get_backend(app) is storage.get_backend(app)
    assert isinstance(storage.get_backend(app), storage.LocalStorage)


def test_misconfigured_backends_fail_fast():
    with pytest.raises(RuntimeError, match="STORAGE_S3_BUCKET"):
        storage.build_backend({"STORAGE_BACKEND": "s3"})
    with pytest.raises(RuntimeError, match="unknown STORAGE_BACKEND"):
        storage.build_backend({"STORAGE_BACKEND": "ftp"})


@pytest.fixture
def s3(monkeypatch):
    """A mocked S3 with one bucket, credentials from the standard AWS variables."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="ports-network-files")
        yield storage.build_backend(
            {
                "STORAGE_BACKEND": "s3",
                "STORAGE_S3_BUCKET": "ports-network-files",
                "STORAGE_S3_REGION": "us-east-1",
            }
        )


def test_s3_backend_puts_gets_and_deletes_objects(s3):
    key = "c" * 32 + ".pdf"
    s3.put(key, pdf_bytes(), ft.PDF)
    assert s3.exists(key)
    head = s3.client.head_object(Bucket="ports-network-files", Key=key)
    assert head["ContentType"] == ft.PDF
    with s3.open(key) as body:
        assert body.read() == pdf_bytes()
    s3.delete(key)
    assert not s3.exists(key)


def test_s3_backend_refuses_foreign_keys(s3):
    with pytest.raises(ValueError, match="not a storage key"):
        s3.put("../other-tenant/file.pdf", b"x", ft.PDF)


def test_uploads_go_to_s3_when_configured(app, s3, monkeypatch):
    monkeypatch.setitem(app.extensions, "storage", s3)
    stored = storage.save_upload(upload(image_bytes("PNG"), "logo.png"), "logo", None)
    db.session.commit()
    assert s3.exists(stored.storage_key)
    assert storage.read_bytes(stored).startswith(b"\x89PNG")
    storage.delete(stored)
    db.session.commit()
    assert not s3.exists(stored.storage_key)
