"""The materials service: adding, versions behind one permalink, language variants with fallback, who may
add where, links and captions, the audit trail."""

from datetime import date

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.labels import label
from ports_network.models import AuditEvent, MaterialAccess, MaterialType, SeatRole, TextStatus, Visibility
from ports_network.services import material_pages, materials, storage

from .. import factories
from ..material_samples import add_material, mp4_bytes, pdf_with_text, upload, vtt


def _version(actor, material, *, language="es", title="Guidelines", data=None, note="", link=""):
    text = materials.VariantData(language=language, title=title)
    file = upload(data or pdf_with_text(title)) if not link else None
    return materials.add_version(actor, material, text, materials.UploadData(file=file, link=link, note=note))


def test_secretariat_adds_a_material_with_its_first_version(secretariat):
    material = add_material(secretariat, title="Plan de Acción 2030", tags="plan, 2030, plan")
    variant = material.variant("es")
    assert variant.title == "Plan de Acción 2030"
    assert variant.latest.number == 1
    assert variant.latest.stored_file.purpose == "material"
    assert len(variant.latest.stored_file.sha256) == 64
    assert material.tags == ["plan", "2030"]
    assert variant.text_status == TextStatus.INDEXED
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions == ["material.create"]


def test_new_version_becomes_the_latest_and_keeps_the_earlier_ones(secretariat):
    material = add_material(secretariat)
    first = material.variant("es").latest
    second = _version(secretariat, material, data=pdf_with_text("second"), note="Typos fixed")
    variant = material.variant("es")
    assert variant.latest == second
    assert [v.number for v in variant.versions] == [2, 1]
    assert second.note == "Typos fixed"
    assert material_pages.version(variant, 1) == first
    assert first.stored_file.sha256 != second.stored_file.sha256


def test_a_new_language_becomes_a_variant_of_the_same_work(secretariat):
    material = add_material(secretariat, title="Guía", language="es")
    _version(secretariat, material, language="en", title="Guidelines")
    assert {v.language for v in material.variants} == {"es", "en"}
    assert material.variant("en").latest.number == 1


@pytest.mark.parametrize(
    ("languages", "locale", "expected"),
    [
        (("es", "en", "pt"), "pt", "pt"),
        (("es", "en"), "pt", "es"),  # Spanish first
        (("en", "fr"), "pt", "en"),
        (("fr",), "es", "fr"),
        (("pt", "fr"), "en", "pt"),
    ],
)
def test_reader_gets_their_language_else_the_fallback_order(secretariat, languages, locale, expected):
    material = add_material(secretariat, language=languages[0], title="T")
    for language in languages[1:]:
        _version(secretariat, material, language=language, title="T")
    assert material_pages.pick_variant(material, locale).language == expected


def test_coordinator_adds_materials_to_their_community_only(coordinator, community, other_community):
    material = add_material(
        coordinator,
        community_id=community.id,
        access=MaterialAccess.COMMUNITY,
        access_community_id=community.id,
    )
    assert material.community == community
    with pytest.raises(NotAllowed):
        add_material(coordinator, community_id=other_community.id)
    with pytest.raises(NotAllowed):
        add_material(coordinator)  # the library as a whole is the Secretariat's


def test_coordinator_cannot_restrict_to_another_community(coordinator, community, other_community):
    with pytest.raises(DomainError) as refused:
        add_material(
            coordinator,
            community_id=community.id,
            access=MaterialAccess.COMMUNITY,
            access_community_id=other_community.id,
        )
    assert refused.value.field == "access_community_id"


def test_member_adds_nothing(member, community):
    with pytest.raises(NotAllowed):
        add_material(member, community_id=community.id)


def test_body_officers_add_materials_to_their_body_and_its_sessions(member, coordinator):
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.SECRETARY)
    factories.SeatFactory(body=body, user=member, role=SeatRole.MEMBER)
    session = factories.CommitteeSessionFactory(body=body)
    material = add_material(
        coordinator,
        committee_session_id=session.id,
        access=MaterialAccess.BODY,
        access_body_id=body.id,
        kind=MaterialType.MINUTES,
    )
    assert material.committee_session == session
    with pytest.raises(NotAllowed):
        add_material(member, body_id=body.id)


def test_only_the_secretariat_manages_a_material_attached_to_nothing(secretariat, coordinator, community):
    material = add_material(secretariat)
    with pytest.raises(NotAllowed):
        _version(coordinator, material)


def test_methodology_note_names_an_indicator_of_the_version(secretariat):
    version = factories.default_methodology()
    material = add_material(
        secretariat,
        kind=MaterialType.METHODOLOGY_NOTE,
        methodology_version_id=version.id,
        indicator_code="waiting_time",
    )
    assert material.indicator_code == "waiting_time"
    with pytest.raises(DomainError) as refused:
        add_material(secretariat, methodology_version_id=version.id, indicator_code="no_such_code")
    assert refused.value.field == "indicator_code"


def test_public_material_takes_no_embargo(secretariat):
    with pytest.raises(DomainError) as refused:
        add_material(secretariat, embargo_until=date(2030, 1, 1))
    assert refused.value.field == "embargo_until"


@pytest.mark.parametrize(
    "link",
    [
        "http://videos.example.org/a",
        "javascript:alert(1)",
        "https://",
        "https://videos.example.org/a b",
        "https://videos.example.org/\x00",
    ],
)
def test_recording_links_must_be_https_addresses(secretariat, link):
    with pytest.raises(DomainError):
        add_material(secretariat, kind=MaterialType.RECORDING, link=link)


def test_recording_can_be_a_link_and_only_recordings_can(secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, link="https://videos.example.org/v/8")
    assert material.variant("es").latest.link == "https://videos.example.org/v/8"
    with pytest.raises(DomainError):
        add_material(secretariat, kind=MaterialType.STUDY, link="https://videos.example.org/v/8")


def test_a_version_is_a_file_or_a_link_not_both_nor_neither(secretariat):
    text = materials.VariantData("es", "T")
    data = materials.MaterialData(kind=MaterialType.RECORDING, access=MaterialAccess.PUBLIC)
    both = materials.UploadData(file=upload(mp4_bytes(), "v.mp4"), link="https://videos.example.org/v")
    with pytest.raises(DomainError):
        materials.create(secretariat, data, text, both)
    with pytest.raises(DomainError):
        materials.create(secretariat, data, text, materials.UploadData())


def test_captions_attach_to_a_recording_and_replace_per_language(secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, data=mp4_bytes(), name="talk.mp4")
    variant = material.variant("es")
    first = materials.add_caption(secretariat, variant, "es", upload(vtt("Hola"), "es.vtt"))
    old_file = first.stored_file
    materials.add_caption(secretariat, variant, "es", upload(vtt("Hola de nuevo"), "es.vtt"))
    materials.add_caption(secretariat, variant, "en", upload(vtt("Hello"), "en.vtt"))
    assert [c.language for c in variant.captions] == ["en", "es"]
    assert storage.get_backend().exists(old_file.storage_key) is False
    assert variant.captions[1].stored_file.content_type == "text/vtt"


def test_captions_must_be_webvtt(secretariat):
    material = add_material(secretariat, kind=MaterialType.RECORDING, data=mp4_bytes(), name="talk.mp4")
    with pytest.raises(DomainError):
        materials.add_caption(secretariat, material.variant("es"), "es", upload(b"1\n00:00 Hola\n", "es.srt"))


def test_update_changes_the_metadata_and_is_audited(secretariat, community):
    material = add_material(secretariat, tags="ports")
    data = materials.MaterialData(
        kind=MaterialType.STUDY,
        access=MaterialAccess.MEMBERS,
        embargo_until=date(2030, 1, 1),
        tags="ports, logistics",
        community_id=community.id,
    )
    materials.update(secretariat, material, data)
    assert material.kind == MaterialType.STUDY
    assert material.community == community
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "material.update")).one()
    assert event.new["material_kind"] == "study"
    assert event.new["community_id"] == community.id


def test_access_levels_have_their_own_labels_beside_the_profile_visibility():
    # labels.LABELS is keyed by value: a level called "community" would take Visibility.COMMUNITY's label.
    assert label(MaterialAccess.COMMUNITY) == "One community's members"
    assert label(Visibility.COMMUNITY) == "Members of my communities"
    assert label(MaterialAccess.BODY) == "One governance body's seat holders"
    assert label(MaterialType.WORK_PLAN) == "Work plan"
