"""The library's pages over HTTP: adding a material, its page, the permalink that follows new versions,
earlier versions, translations with the reader's language, captions, editing and searching."""

import io

import pytest

from ports_network.errors import NotAllowed
from ports_network.extensions import db
from ports_network.models import EventKind, Material, MaterialAccess, MaterialType, SeatRole
from ports_network.services import materials

from .. import factories
from ..conftest import login_as
from ..material_samples import add_material, mp4_bytes, pdf_with_text, upload, vtt


def _form(**fields):
    data = {
        "kind": "presentation",
        "access": "public",
        "language": "es",
        "title": "Presentación del taller",
        "access_community_id": "0",
        "access_body_id": "0",
        "community_id": "0",
        "body_id": "0",
        "committee_session_id": "0",
        "event_id": "0",
        "event_session_id": "0",
        "methodology_version_id": "0",
    }
    data.update(fields)
    return data


def _pdf_field(*lines, name="slides.pdf"):
    return (io.BytesIO(pdf_with_text(*lines)), name)


def test_secretariat_adds_a_material_from_the_form(client, secretariat):
    login_as(client, secretariat)
    response = client.post(
        "/materials/new",
        data=_form(file=_pdf_field("Agenda del taller"), tags="taller, Callao"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    material = db.session.query(Material).one()
    assert response.headers["Location"].endswith(f"/materials/{material.id}")
    page = client.get(f"/materials/{material.id}")
    assert page.status_code == 200
    assert "Presentación del taller" in page.text
    assert material.variant("es").latest.stored_file.sha256 in page.text


def test_coordinator_adds_a_material_from_their_community_page(client, coordinator, community):
    login_as(client, coordinator)
    assert client.get(f"/materials/new?community={community.id}").status_code == 200
    response = client.post(
        f"/materials/new?community={community.id}",
        data=_form(community_id=str(community.id), file=_pdf_field("Diagnóstico")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/communities/{community.slug}")
    assert "Presentación del taller" in page.text


def test_member_may_not_open_the_upload_form(client, member, community):
    login_as(client, member)
    assert client.get(f"/materials/new?community={community.id}").status_code == 403
    assert client.get("/materials/new").status_code == 403


def test_form_errors_answer_422_and_keep_the_input(client, secretariat):
    login_as(client, secretariat)
    response = client.post("/materials/new", data=_form(title=""), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Give the material a title." in response.text


def test_permalink_serves_the_newest_version_and_numbered_versions_stay(client, secretariat):
    material = add_material(secretariat, data=pdf_with_text("first"))
    login_as(client, secretariat)
    first = client.get(f"/materials/{material.id}/file")
    assert first.status_code == 200
    response = client.post(
        f"/materials/{material.id}/versions/new",
        data={"language": "es", "title": "Guía", "note": "Corrected", "file": _pdf_field("second")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    latest = client.get(f"/materials/{material.id}/file")
    assert latest.data != first.data
    assert latest.data == pdf_with_text("second")
    assert client.get(f"/materials/{material.id}/es/v1").data == first.data
    assert client.get(f"/materials/{material.id}/es/v2").data == latest.data
    assert client.get(f"/materials/{material.id}/es/v3").status_code == 404
    page = client.get(f"/materials/{material.id}").text
    assert "Corrected" in page
    assert "Version 2" in page


def test_permalink_revalidates_while_versions_may_be_cached(client, secretariat):
    material = add_material(secretariat)
    latest = client.get(f"/materials/{material.id}/file")
    assert latest.headers["Cache-Control"] == "private, no-cache"
    assert (
        client.get(
            f"/materials/{material.id}/file", headers={"If-None-Match": latest.get_etag()[0]}
        ).status_code
        == 304
    )
    assert "max-age" in client.get(f"/materials/{material.id}/es/v1").headers["Cache-Control"]


def test_reader_gets_their_language_through_the_permalink(client, secretariat, member):
    material = add_material(secretariat, title="Guía", data=pdf_with_text("es"))
    text = materials.VariantData("en", "Guide")
    materials.add_version(secretariat, material, text, materials.UploadData(file=upload(pdf_with_text("en"))))
    english = factories.UserFactory(preferred_locale="en")
    portuguese = factories.UserFactory(preferred_locale="pt")
    login_as(client, english)
    assert client.get(f"/materials/{material.id}/file").data == pdf_with_text("en")
    login_as(client, portuguese)
    assert client.get(f"/materials/{material.id}/file").data == pdf_with_text("es")  # Spanish comes first
    assert client.get(f"/materials/{material.id}/en/file").data == pdf_with_text("en")


def test_downloads_are_attachments_with_their_sniffed_type_and_nosniff(client, secretariat):
    material = add_material(secretariat, name="informe final.pdf")
    response = client.get(f"/materials/{material.id}/file")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="informe final.pdf"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_videos_preview_inline_with_byte_ranges_and_their_captions(client, secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, data=mp4_bytes(4096), name="talk.mp4")
    materials.add_caption(secretariat, material.variant("es"), "es", upload(vtt("Hola"), "es.vtt"))
    preview = client.get(f"/materials/{material.id}/es/preview")
    assert preview.mimetype == "video/mp4"
    assert preview.headers["Content-Disposition"].startswith("inline")
    ranged = client.get(f"/materials/{material.id}/es/preview", headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206
    assert ranged.data == mp4_bytes(4096)[100:200]
    caption = client.get(f"/materials/{material.id}/es/captions/es.vtt")
    assert caption.mimetype == "text/vtt"
    page = client.get(f"/materials/{material.id}").text
    assert f'/materials/{material.id}/es/captions/es.vtt"' in page
    assert "<video" in page


def test_documents_have_no_preview(client, secretariat):
    material = add_material(secretariat)
    assert client.get(f"/materials/{material.id}/es/preview").status_code == 404


def test_recording_link_redirects_to_its_https_address(client, secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, link="https://videos.example.org/v/8")
    response = client.get(f"/materials/{material.id}/file")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://videos.example.org/v/8"


def test_captions_are_uploaded_from_the_material_page(client, secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, data=mp4_bytes(), name="talk.mp4")
    login_as(client, secretariat)
    response = client.post(
        f"/materials/{material.id}/es/captions",
        data={"language": "en", "file": (io.BytesIO(vtt("Welcome")), "en.vtt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [c.language for c in material.variant("es").captions] == ["en"]


def test_body_officer_edits_the_description_of_their_bodys_material(client, coordinator, member):
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    material = add_material(coordinator, body_id=body.id, access=MaterialAccess.MEMBERS)
    login_as(client, coordinator)
    data = {
        "kind": "work_plan",
        "access": "one_body",
        "access_body_id": str(body.id),
        "access_community_id": "0",
        "body_id": str(body.id),
        "tags": "plan",
    }
    response = client.post(f"/materials/{material.id}/edit", data=data)
    assert response.status_code == 302
    assert material.access == MaterialAccess.BODY
    login_as(client, member)
    assert client.get(f"/materials/{material.id}/edit").status_code == 404  # no seat: not even visible now


def test_library_lists_and_searches(client, secretariat):
    add_material(secretariat, title="Recomendaciones de política", data=pdf_with_text("ventanilla única"))
    add_material(secretariat, title="Estudio de caso", kind=MaterialType.STUDY)
    assert "Recomendaciones de política" in client.get("/materials/").text
    found = client.get("/materials/?q=ventanilla+unica").text
    assert "Recomendaciones de política" in found
    assert "Estudio de caso" not in found
    filtered = client.get("/materials/?kind=study&year=2024&language=es&page=x").text
    assert "Estudio de caso" in filtered
    assert "Recomendaciones de política" not in filtered


@pytest.mark.parametrize("target", ["body", "session"])
def test_body_and_session_pages_list_their_materials(client, coordinator, target):
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    session = factories.CommitteeSessionFactory(body=body)
    attachment = {"body_id": body.id} if target == "body" else {"committee_session_id": session.id}
    add_material(coordinator, title="Acta de la sesión", kind=MaterialType.MINUTES, **attachment)
    login_as(client, coordinator)
    url = f"/committees/{body.id}" if target == "body" else f"/committees/sessions/{session.id}"
    assert "Acta de la sesión" in client.get(url).text


def test_workshop_organiser_attaches_slides_to_a_session_and_the_event_page_lists_them(
    client, coordinator, community, other_member
):
    workshop = factories.EventFactory(kind=EventKind.WORKSHOP, communities=[community])
    session = factories.EventSessionFactory(event=workshop, title="Diagnóstico estratégico")
    login_as(client, coordinator)
    response = client.post(
        f"/materials/new?event_session={session.id}",
        data=_form(event_session_id=str(session.id), file=_pdf_field("Láminas del diagnóstico")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    material = db.session.query(Material).one()
    assert material.event == workshop  # a session's material is also its event's
    page = client.get(f"/events/{workshop.id}").text
    assert "Presentación del taller" in page
    assert "Diagnóstico estratégico" in page
    login_as(client, other_member)
    assert "Presentación del taller" in client.get(f"/materials/?event_id={workshop.id}").text


def test_coordinator_may_not_attach_to_a_seminar_they_do_not_organise(client, coordinator, community):
    seminar = factories.EventFactory(kind=EventKind.SEMINAR, communities=[community])
    login_as(client, coordinator)
    assert client.get(f"/materials/new?event={seminar.id}").status_code == 403
    with pytest.raises(NotAllowed):
        add_material(coordinator, event_id=seminar.id)
