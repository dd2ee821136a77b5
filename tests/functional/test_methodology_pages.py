"""The Secretariat's methodology pages: import a file as a draft, preview, export, copy, freeze."""

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from ports_network.extensions import db
from ports_network.models import AuditEvent, MethodologyStatus, MethodologyVersion
from ports_network.services import methodologies

from ..conftest import login_as

DEFAULT_FILE = Path(methodologies.__file__).parents[1] / "index_engine" / "default_methodology.json"


@pytest.fixture
def document() -> dict:
    """The shipped default methodology as plain data, under a draft version number."""
    return {**json.loads(DEFAULT_FILE.read_text(encoding="utf-8")), "version": "2.1"}


@pytest.fixture
def signed_in(client, secretariat):
    login_as(client, secretariat)
    return client


def upload(client, content: bytes, filename: str, **fields):
    data = {"file": (io.BytesIO(content), filename), **fields}
    return client.post("/index/methodologies/import", data=data, content_type="multipart/form-data")


def stored_versions() -> dict[str, MethodologyStatus]:
    rows = db.session.execute(sa.select(MethodologyVersion.version, MethodologyVersion.status))
    return dict(rows.all())


def test_the_secretariat_imports_a_json_file_as_a_draft_and_sees_it_listed(signed_in, document, secretariat):
    response = upload(signed_in, json.dumps(document).encode(), "methodology.json")
    assert response.status_code == 302
    assert stored_versions() == {"2.1": MethodologyStatus.DRAFT}
    row = methodologies.get("2.1")
    assert row.created_by_id == secretariat.id
    page = signed_in.get("/index/methodologies").get_data(as_text=True)
    assert "2.1" in page and row.checksum[:12] in page and "Draft" in page


def test_a_yaml_file_imports_and_can_be_frozen_at_once(signed_in, document):
    text = yaml.safe_dump(document, allow_unicode=True).encode()
    assert upload(signed_in, text, "methodology.yaml", freeze="y").status_code == 302
    assert stored_versions() == {"2.1": MethodologyStatus.FROZEN}


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "empty.json", "The file is empty."),
        (b"\xff\xfe\x00bad", "bad.json", "The file is not UTF-8 text."),
        (b"{not json", "bad.json", "The file is not a valid methodology"),
        (b"/etc/passwd", "path.yaml", "The file is not a valid methodology"),
        (b"{" + b" " * 200 + b"}", "big.json", "larger than 1 MB"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_stores_nothing(
    signed_in, monkeypatch, content, filename, message
):
    monkeypatch.setattr(methodologies, "UPLOAD_MAX_BYTES", 200)  # small files stay in memory in the test
    response = upload(signed_in, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_versions() == {}
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_an_invalid_document_names_the_field_in_the_message(signed_in, document):
    document["pillars"][0]["weight"] = -1
    response = upload(signed_in, json.dumps(document).encode(), "methodology.json")
    assert response.status_code == 422
    assert "weight" in response.get_data(as_text=True)
    assert stored_versions() == {}


def test_importing_a_frozen_version_again_is_refused(signed_in, document):
    methodologies.import_methodology(json.dumps(document), freeze=True)
    document["description"] = {"en": "Changed"}
    response = upload(signed_in, json.dumps(document).encode(), "methodology.json")
    assert response.status_code == 422
    assert "is frozen and can never change" in response.get_data(as_text=True)
    assert "Changed" not in json.dumps(methodologies.get("2.1").document)


@pytest.mark.parametrize("file_type", ["json", "yaml"])
def test_an_export_imports_back_to_the_same_checksum(signed_in, document, file_type):
    row = methodologies.import_methodology(json.dumps(document))
    response = signed_in.get(f"/index/methodologies/{row.id}/export.{file_type}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="methodology-2.1.{file_type}"'
    exported = response.get_data()
    db.session.delete(row)
    db.session.commit()
    assert upload(signed_in, exported, f"again.{file_type}").status_code == 302
    assert methodologies.get("2.1").checksum == row.checksum


def test_an_unknown_export_type_is_not_found(signed_in, document):
    row = methodologies.import_methodology(json.dumps(document))
    assert signed_in.get(f"/index/methodologies/{row.id}/export.xml").status_code == 404


def test_a_draft_is_previewed_by_the_secretariat_but_hidden_from_the_public_page(signed_in, client, document):
    row = methodologies.import_methodology(json.dumps(document))
    preview = signed_in.get(f"/index/methodologies/{row.id}")
    assert preview.status_code == 200
    assert "Draft: only the Technical Secretariat sees it" in preview.get_data(as_text=True)
    assert signed_in.get("/results/2.1/methodology").status_code == 404


def test_a_new_draft_starts_as_a_copy_of_another_version(signed_in, document):
    row = methodologies.import_methodology(json.dumps(document), freeze=True)
    response = signed_in.post(f"/index/methodologies/{row.id}/new-draft", data={"version": "3.0"})
    assert response.status_code == 302
    copy = methodologies.get("3.0")
    assert copy.status == MethodologyStatus.DRAFT
    assert {**copy.document, "version": "2.1"} == row.document


def test_a_new_draft_under_an_existing_version_is_refused(signed_in, document):
    row = methodologies.import_methodology(json.dumps(document))
    response = signed_in.post(
        f"/index/methodologies/{row.id}/new-draft", data={"version": "2.1"}, follow_redirects=True
    )
    assert "Methodology version 2.1 exists already." in response.get_data(as_text=True)
    assert stored_versions() == {"2.1": MethodologyStatus.DRAFT}


def test_freezing_needs_the_confirmation_box(signed_in, document):
    row = methodologies.import_methodology(json.dumps(document))
    refused = signed_in.post(f"/index/methodologies/{row.id}/freeze", data={}, follow_redirects=True)
    assert "Tick the box to confirm." in refused.get_data(as_text=True)
    assert stored_versions() == {"2.1": MethodologyStatus.DRAFT}
    signed_in.post(f"/index/methodologies/{row.id}/freeze", data={"confirm": "y"})
    assert stored_versions() == {"2.1": MethodologyStatus.FROZEN}
    audit = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert audit == ["methodology.import", "methodology.freeze"]


def test_members_cannot_reach_the_methodology_pages(client, coordinator, document):
    row = methodologies.import_methodology(json.dumps(document))
    login_as(client, coordinator)
    assert client.get("/index/methodologies").status_code == 403
    assert client.get(f"/index/methodologies/{row.id}/export.json").status_code == 403
    assert upload(client, json.dumps(document).encode(), "m.json").status_code == 403
