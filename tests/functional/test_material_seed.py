"""`flask seed demo` fills the library with the documents the sources name (the VIII Regional Meeting's
guidelines, action plan and recommendations, a seminar's proposals, a committee's work plan) at their access
levels, findable by words inside their PDFs; a second run changes nothing."""

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Material, MaterialAccess, MaterialVariant, TextStatus, User
from ports_network.services import material_search, seed_index
from ports_network.services.event_seed import seed_uid


@pytest.fixture(autouse=True)
def _without_the_index_demo(monkeypatch):
    """The index's demo data (data call, peer groups) is not what these tests are about."""
    monkeypatch.setattr(seed_index, "seed_index_demo", lambda: 0)


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output


def _by_title(title: str) -> Material:
    return db.session.scalars(
        sa.select(Material).join(MaterialVariant).where(MaterialVariant.title == title)
    ).one()


@pytest.mark.usefixtures("seeded")
def test_the_guidelines_are_for_members_in_spanish_and_english_attached_to_the_viii_meeting():
    guidelines = _by_title("Lineamientos para la Conformación y Desarrollo de Comunidades Portuarias")
    assert guidelines.access == MaterialAccess.MEMBERS
    assert {v.language for v in guidelines.variants} == {"es", "en"}
    assert guidelines.event.ical_uid == seed_uid("viii-regional-meeting-2024")
    assert all(v.text_status == TextStatus.INDEXED for v in guidelines.variants)


@pytest.mark.usefixtures("seeded")
def test_the_public_finds_the_recommendations_by_a_word_inside_the_pdf_but_not_the_guidelines():
    def found(user, words):
        page = material_search.search(user, material_search.LibraryQuery(words=words))
        return {m.id for m in page.items}

    recommendations = _by_title(
        "Recomendaciones de política del VIII Encuentro Regional de Comunidades Logísticas Portuarias"
    )
    assert found(None, "corredores") == {recommendations.id}
    assert found(None, "consultoria") == set()  # only in the members' guidelines
    member = db.session.scalars(
        sa.select(User).where(User.email == "member.callao@demo.puertos.example")
    ).one()
    assert len(found(member, "CAF")) == 1


@pytest.mark.usefixtures("seeded")
def test_the_committee_work_plan_is_for_the_directive_committee(app):
    plan = _by_title("Plan de trabajo de los comités y del Grupo de Expertos 2017-2018")
    assert plan.access == MaterialAccess.BODY
    assert plan.access_body.name["en"] == "Transitional Directive Committee"


def test_seeding_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    count = db.session.scalar(sa.select(sa.func.count(MaterialVariant.id)))
    assert count == 7  # five materials, two of them also in English
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(MaterialVariant.id))) == count
