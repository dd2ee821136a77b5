"""Serving uploaded files: authorised (404 when not allowed), with the sniffed type and defensive headers."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from ports_network.extensions import db
from ports_network.models import Visibility
from ports_network.services import file_types as ft
from ports_network.services import storage
from tests.conftest import login_as
from tests.file_samples import image_bytes, pdf_bytes


def stored_file(app, data: bytes, purpose: str, name: str = "file.bin", owner=None):
    with app.test_request_context():
        stored = storage.save_upload(FileStorage(io.BytesIO(data), filename=name), purpose, owner)
        db.session.commit()
    return stored


@pytest.fixture
def logo(app):
    return stored_file(app, image_bytes("PNG"), "logo", "Callao logo.png")


@pytest.fixture
def evidence_purpose():
    saved = dict(storage.PURPOSES)
    storage.register_purpose("evidence", 100_000, [ft.PDF, ft.PNG])
    yield
    storage.PURPOSES.clear()
    storage.PURPOSES.update(saved)


def avatar_of(app, person, visibility: Visibility):
    stored = stored_file(app, image_bytes("JPEG"), "avatar", "me.jpg", owner=person)
    person.avatar_id = stored.id
    person.visibility = visibility
    db.session.commit()
    return stored


def test_logo_is_served_inline_to_anyone_with_the_sniffed_type(client, logo):
    response = client.get(f"/files/{logo.public_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == storage.read_bytes(logo)
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert response.headers["ETag"] == f'"{logo.sha256}"'


def test_head_request_answers_headers_only(client, logo):
    response = client.head(f"/files/{logo.public_id}")
    assert response.status_code == 200
    assert response.data == b""
    assert response.content_length == logo.size


def test_unchanged_file_answers_304_without_a_body(client, logo):
    response = client.get(f"/files/{logo.public_id}", headers={"If-None-Match": f'"{logo.sha256}"'})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{logo.sha256}"'


def test_changed_etag_gets_the_file_again(client, logo):
    response = client.get(f"/files/{logo.public_id}", headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.data.startswith(b"\x89PNG")


def test_unknown_file_is_404(client):
    assert client.get("/files/does-not-exist").status_code == 404


def test_avatar_of_a_hidden_profile_is_404_for_another_member(app, client, member, coordinator):
    avatar = avatar_of(app, member, Visibility.HIDDEN)
    login_as(client, coordinator)
    assert client.get(f"/files/{avatar.public_id}").status_code == 404


def test_owner_sees_their_own_hidden_avatar(app, client, member):
    avatar = avatar_of(app, member, Visibility.HIDDEN)
    login_as(client, member)
    response = client.get(f"/files/{avatar.public_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"


def test_avatar_is_404_not_401_for_anonymous_visitors(app, client, member):
    avatar = avatar_of(app, member, Visibility.NETWORK)
    assert client.get(f"/files/{avatar.public_id}").status_code == 404


def test_network_visible_avatar_is_served_to_members_of_other_communities(app, client, member, other_member):
    avatar = avatar_of(app, member, Visibility.NETWORK)
    login_as(client, other_member)
    assert client.get(f"/files/{avatar.public_id}").status_code == 200


def test_network_visible_avatar_is_404_for_someone_outside_the_network(app, client, member, outsider):
    avatar = avatar_of(app, member, Visibility.NETWORK)
    login_as(client, outsider)
    assert client.get(f"/files/{avatar.public_id}").status_code == 404


def test_replaced_avatar_is_no_longer_served(app, client, member, coordinator):
    old = avatar_of(app, member, Visibility.COMMUNITY)
    avatar_of(app, member, Visibility.COMMUNITY)
    login_as(client, coordinator)
    assert client.get(f"/files/{old.public_id}").status_code == 404


def test_documents_are_downloaded_as_attachments_with_a_safe_name(app, client, secretariat, evidence_purpose):
    stored = stored_file(app, pdf_bytes(), "evidence", 'Informe "técnico"; Callao.pdf')
    login_as(client, secretariat)
    response = client.get(f"/files/{stored.public_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Informe _t_cnico__ Callao.pdf"' in disposition
    assert "filename*=UTF-8''Informe%20%22t%C3%A9cnico%22%3B%20Callao.pdf" in disposition


def test_images_of_a_purpose_without_inline_types_are_attachments(app, client, secretariat, evidence_purpose):
    stored = stored_file(app, image_bytes("PNG"), "evidence", "photo.png")
    login_as(client, secretariat)
    response = client.get(f"/files/{stored.public_id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_file_of_another_purpose_is_404_for_a_member(app, client, member, evidence_purpose):
    stored = stored_file(app, pdf_bytes(), "evidence", "a.pdf")
    login_as(client, member)
    assert client.get(f"/files/{stored.public_id}").status_code == 404
