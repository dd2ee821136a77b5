"""Files posted with room messages: stored with the message or not at all, served to the room's readers only
(a removed message's to its moderators), and carried by the live record and the history."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Message, MessageAttachment, StoredFile
from ports_network.services import file_types as ft
from ports_network.services import room_moderation, rooms, storage
from tests.conftest import login_as
from tests.file_samples import image_bytes, pdf_bytes, plain_zip

EN = {"Accept-Language": "en"}


def _post(client, room, *files, body="Minutes attached", client_id="a-1"):
    data = {"body": body, "client_id": client_id, "attachments": [(io.BytesIO(d), n) for d, n in files]}
    return client.post(f"/rooms/{room.id}", data=data, headers=EN, content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _stored_bytes(app) -> int:
    return sum(1 for path in Path(app.config["STORAGE_LOCAL_ROOT"]).rglob("*") if path.is_file())


@pytest.fixture
def room(community):
    return rooms.room_for_community(community)


@pytest.fixture
def small_limit():
    saved = dict(storage.PURPOSES)
    storage.register_purpose(
        "room_attachment", 2_000, [ft.PDF, ft.PNG, ft.CSV, ft.TEXT], inline_safe=[ft.PNG]
    )
    yield
    storage.PURPOSES.clear()
    storage.PURPOSES.update(saved)


def test_a_message_is_posted_with_its_files_in_order(client, member, room):
    login_as(client, member)
    response = _post(client, room, (pdf_bytes(), "Acta 12.pdf"), (image_bytes("PNG"), "muelle.png"))
    assert response.status_code == 303
    message = db.session.scalars(sa.select(Message)).one()
    assert [a.stored_file.original_name for a in message.attachments] == ["Acta 12.pdf", "muelle.png"]
    assert [a.position for a in message.attachments] == [1, 2]
    page = client.get(f"/rooms/{room.id}", headers=EN).get_data(as_text=True)
    pdf, png = (f"/files/{a.stored_file.public_id}" for a in message.attachments)
    assert f'href="{pdf}"' in page and "Acta 12.pdf" in page
    assert f'<img src="{png}"' in page  # a thumbnail for the picture only
    assert f'<img src="{pdf}"' not in page


def test_files_may_go_without_text(client, member, room):
    login_as(client, member)
    assert _post(client, room, (pdf_bytes(), "report.pdf"), body="").status_code == 303
    assert db.session.scalars(sa.select(Message)).one().body == ""


def test_readers_download_the_files_and_others_get_404(client, member, coordinator, other_member, room):
    login_as(client, member)
    _post(client, room, (pdf_bytes(), "report.pdf"))
    url = f"/files/{db.session.scalars(sa.select(StoredFile)).one().public_id}"
    login_as(client, coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response.data == pdf_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment")
    login_as(client, other_member)
    assert client.get(url).status_code == 404


def test_a_hidden_messages_files_are_for_moderators_only(client, member, coordinator, room):
    login_as(client, member)
    _post(client, room, (pdf_bytes(), "report.pdf"))
    message = db.session.scalars(sa.select(Message)).one()
    url = f"/files/{message.attachments[0].stored_file.public_id}"
    room_moderation.hide_message(coordinator, message)
    assert client.get(url).status_code == 404
    assert rooms.as_record(message)["attachments"] == []
    login_as(client, coordinator)
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("small_limit")
def test_an_oversize_file_refuses_the_message_and_stores_nothing(app, client, member, room):
    before = _stored_bytes(app)
    login_as(client, member)
    response = _post(client, room, (pdf_bytes(), "fine.pdf"), (b"a,b\n" * 1_000, "big.csv"))
    assert response.status_code == 422
    assert "big.csv: The file is larger than the limit of" in response.get_data(as_text=True)
    assert (_count(Message), _count(StoredFile), _count(MessageAttachment)) == (0, 0, 0)
    assert _stored_bytes(app) == before
    assert room.last_seq == 0


def test_a_file_of_a_refused_type_refuses_the_message(app, client, member, room):
    before = _stored_bytes(app)
    login_as(client, member)
    response = _post(client, room, (pdf_bytes(), "fine.pdf"), (plain_zip(), "archive.zip"))
    assert response.status_code == 422
    assert "archive.zip: This type of file is not accepted here." in response.get_data(as_text=True)
    assert (_count(Message), _count(StoredFile)) == (0, 0)
    assert _stored_bytes(app) == before


def test_at_most_five_files_go_with_a_message(client, member, room):
    login_as(client, member)
    response = _post(client, room, *[(pdf_bytes(), f"{n}.pdf") for n in range(6)])
    assert response.status_code == 422
    assert "A message can carry at most 5 files." in response.get_data(as_text=True)
    assert _count(StoredFile) == 0


def test_the_live_record_and_the_history_carry_the_files(client, member, room):
    login_as(client, member)
    _post(client, room, (image_bytes("PNG"), "muelle.png"))
    message = db.session.scalars(sa.select(Message)).one()
    [record] = rooms.as_record(message)["attachments"]
    assert record["name"] == "muelle.png" and record["inline_image"] is True
    assert record["url"] == f"/files/{message.attachments[0].stored_file.public_id}"
    assert record["size"] == message.attachments[0].stored_file.size
    history = client.get(f"/rooms/{room.id}/history").get_json()
    assert history["messages"][0]["attachments"] == [record]


def test_a_retried_form_stores_the_files_once(client, member, room):
    login_as(client, member)
    _post(client, room, (pdf_bytes(), "report.pdf"))
    assert _post(client, room, (pdf_bytes(), "report.pdf")).status_code == 303
    assert (_count(Message), _count(StoredFile)) == (1, 1)
