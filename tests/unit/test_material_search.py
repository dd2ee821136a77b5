"""Materials search: words from titles, tags, descriptions and inside PDFs and office files; accents or
not; filters; large files indexed by the job; only what the person may see."""

from datetime import date
from pathlib import Path

import pytest

from ports_network.extensions import db
from ports_network.models import MaterialAccess, MaterialType, TextStatus
from ports_network.models.material import FTS_DDL, FTS_DROP
from ports_network.services import jobs, material_pages, material_search, material_text, materials
from ports_network.services.file_types import DOCX, PDF, PPTX, XLSX

from .. import factories
from ..material_samples import add_material, office_with_text, pdf_with_text, upload


def _titles(user, **criteria) -> list[str]:
    page = material_search.search(user, material_search.LibraryQuery(**criteria))
    return [material_pages.pick_variant(m, "es").title for m in page.items]


def test_normalise_removes_accents_and_case():
    assert material_text.normalise("Publicación  PORTUÁRIA Niño Ação") == "publicacion portuaria nino acao"
    assert material_text.query_words('¿Dónde está_el "plan"?') == ["donde", "esta", "el", "plan"]


@pytest.mark.parametrize("typed", ["publicación", "publicacion", "PUBLICACION", "Publicaci", "portuária"])
def test_words_inside_a_pdf_match_with_or_without_accents(secretariat, typed):
    data = pdf_with_text("Informe sobre la publicación portuária", "de la Red de Puertos")
    add_material(secretariat, title="Informe anual", data=data)
    add_material(secretariat, title="Otro documento", data=pdf_with_text("nada que ver"))
    assert _titles(None, words=typed) == ["Informe anual"]


def test_pdf_text_is_extracted_by_pypdf():
    text = material_text.extract_text(pdf_with_text("Cadena logística", "Callao"), PDF)
    assert "Cadena logística" in text
    assert "Callao" in text


@pytest.mark.parametrize("content_type", [DOCX, PPTX, XLSX])
def test_words_inside_office_documents_are_found(secretariat, content_type):
    data = office_with_text(content_type, "Ventanilla única de comercio exterior &amp; puertos")
    add_material(secretariat, title="Documento", data=data, name="doc.office")
    assert _titles(None, words="ventanilla unica") == ["Documento"]
    assert "comercio exterior & puertos" in material_text.extract_text(data, content_type)


def test_titles_tags_authors_and_descriptions_are_searched(secretariat):
    add_material(secretariat, title="Guía de formación", tags="gobernanza", authors="Ana Pérez")
    add_material(secretariat, title="Estudio", description="Sobre la **sincronización** buque-puerto")
    assert _titles(None, words="guia") == ["Guía de formación"]
    assert _titles(None, words="gobernanza") == ["Guía de formación"]
    assert _titles(None, words="perez") == ["Guía de formación"]
    assert _titles(None, words="sincronizacion") == ["Estudio"]


def test_every_word_must_match(secretariat):
    add_material(secretariat, title="Plan de trabajo del comité", data=pdf_with_text("operaciones"))
    assert _titles(None, words="plan operaciones") == ["Plan de trabajo del comité"]
    assert _titles(None, words="plan inexistente") == []


def test_title_matches_rank_before_matches_in_the_text(secretariat):
    add_material(secretariat, title="Anexo", data=pdf_with_text("recomendaciones " * 3))
    add_material(secretariat, title="Recomendaciones de política", data=pdf_with_text("anexo"))
    assert _titles(None, words="recomendaciones") == ["Recomendaciones de política", "Anexo"]


def test_search_syntax_typed_by_people_is_not_interpreted(secretariat):
    add_material(secretariat, title="Plan")
    for typed in ['"', "plan OR", "NEAR(plan", "plan*", "-plan", "a:b", "'; DROP TABLE material; --"]:
        material_search.search(None, material_search.LibraryQuery(words=typed))
    assert _titles(None, words="plan*") == ["Plan"]


def test_filters_narrow_the_list(secretariat, community):
    body = factories.BodyFactory()
    add_material(secretariat, title="A", kind=MaterialType.STUDY, issued_on=date(2017, 7, 26))
    add_material(secretariat, title="B", language="en", community_id=community.id, issued_on=date(2024, 1, 1))
    add_material(secretariat, title="C", body_id=body.id, issued_on=date(2024, 5, 1))
    assert _titles(None, kind="study") == ["A"]
    assert _titles(None, language="en") == ["B"]
    assert _titles(None, community_id=community.id) == ["B"]
    assert _titles(None, body_id=body.id) == ["C"]
    assert _titles(None, year=2024) == ["C", "B"]
    assert material_search.years(None) == [2024, 2017]


def test_language_filter_matches_words_in_that_language_only(secretariat):
    material = add_material(secretariat, title="Puertos", language="es")
    materials.add_version(
        secretariat,
        material,
        materials.VariantData("en", "Harbours"),
        materials.UploadData(file=upload(pdf_with_text("harbours"))),
    )
    assert _titles(None, words="harbours", language="en") == ["Puertos"]  # the Spanish title is shown
    assert _titles(None, words="harbours", language="es") == []


def test_search_only_returns_what_the_person_may_see(secretariat, member, community, outsider):
    add_material(secretariat, title="Plan público")
    add_material(secretariat, title="Plan de miembros", access=MaterialAccess.MEMBERS)
    add_material(
        secretariat, title="Plan de Callao", access=MaterialAccess.COMMUNITY, access_community_id=community.id
    )
    assert sorted(_titles(None, words="plan")) == ["Plan público"]
    assert sorted(_titles(outsider, words="plan")) == ["Plan público"]
    assert sorted(_titles(member, words="plan")) == ["Plan de Callao", "Plan de miembros", "Plan público"]


def test_new_version_replaces_the_text_that_is_searched(secretariat):
    material = add_material(secretariat, title="Informe", data=pdf_with_text("borrador"))
    materials.add_version(
        secretariat,
        material,
        materials.VariantData("es", "Informe"),
        materials.UploadData(file=upload(pdf_with_text("definitivo"))),
    )
    assert _titles(None, words="definitivo") == ["Informe"]
    assert _titles(None, words="borrador") == []


def test_large_files_are_indexed_by_the_job_not_the_upload(app, secretariat):
    app.config["MATERIALS_INLINE_INDEX_BYTES"] = 10
    try:
        material = add_material(secretariat, title="Informe", data=pdf_with_text("contenedores"))
        variant = material.variant("es")
        assert variant.text_status == TextStatus.PENDING
        assert _titles(None, words="informe") == ["Informe"]  # the metadata is searchable at once
        assert _titles(None, words="contenedores") == []
        assert "materials.index_text" in jobs.run_due()
        db.session.refresh(variant)
        assert variant.text_status == TextStatus.INDEXED
        assert _titles(None, words="contenedores") == ["Informe"]
    finally:
        app.config["MATERIALS_INLINE_INDEX_BYTES"] = 1024 * 1024


def test_unreadable_file_is_marked_and_still_found_by_its_title(secretariat):
    broken = b"%PDF-1.4\n" + b"garbage " * 200
    material = add_material(secretariat, title="Dañado", data=broken)
    assert material.variant("es").text_status == TextStatus.FAILED
    assert _titles(None, words="danado") == ["Dañado"]


def test_the_migration_builds_the_same_full_text_index_as_the_models():
    # The migration carries its own copy of the FTS5 statements (migrations import nothing from the app).
    migration = next(Path(__file__).resolve().parents[2].glob("migrations/versions/*_materials_library_*.py"))
    namespace: dict = {}
    source = migration.read_text()
    exec(source[source.index("FTS_DDL = (") : source.index("def _on_sqlite")], namespace)
    assert namespace["FTS_DDL"] == FTS_DDL
    assert namespace["FTS_DROP"] == FTS_DROP
