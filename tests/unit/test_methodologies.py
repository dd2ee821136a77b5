"""Methodology versions in the database: import (JSON/YAML), re-import of drafts, freezing, export."""

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.index_engine import default_methodology, dump_methodology, load_methodology
from ports_network.models import (
    AuditEvent,
    FrozenMethodologyError,
    MethodologyStatus,
    MethodologyVersion,
)
from ports_network.services import methodologies

DEFAULT_FILE = Path(methodologies.__file__).parents[1] / "index_engine" / "default_methodology.json"


@pytest.fixture
def document() -> dict:
    """The shipped default methodology as plain data, a fresh copy per test."""
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def as_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_import_from_a_file_stores_a_draft_with_the_checksum_of_its_canonical_json(secretariat):
    row = methodologies.import_methodology(DEFAULT_FILE, secretariat)

    stored = db.session.scalar(sa.select(MethodologyVersion))
    assert stored.id == row.id
    assert (stored.version, stored.status, stored.frozen_at) == ("2.0", MethodologyStatus.DRAFT, None)
    assert stored.title == "Índice de Competitividad y Gestión de la cadena logística portuaria"
    assert stored.document == dump_methodology(default_methodology())
    assert stored.checksum == methodologies.checksum(stored.document) and len(stored.checksum) == 64
    assert stored.created_by_id == secretariat.id
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.actor_id, event.subject_id) == ("methodology.import", secretariat.id, row.id)
    assert event.new["checksum"] == stored.checksum


def test_import_reads_yaml_text_and_yaml_files_alike(document, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    from_file = methodologies.import_methodology(path)
    checksum = from_file.checksum
    document["version"] = "2.1"
    from_text = methodologies.import_methodology(yaml.safe_dump(document, allow_unicode=True))

    assert from_text.version == "2.1"
    assert methodologies.load_engine_methodology(from_file) == default_methodology()
    assert checksum != from_text.checksum  # the version is part of the document


def test_importing_a_draft_again_replaces_its_document_and_records_old_and_new(document):
    first = methodologies.import_methodology(as_text(document))
    old_checksum = first.checksum
    document["pillars"][0]["weight"] = 2.0

    again = methodologies.import_methodology(as_text(document))

    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MethodologyVersion)) == 1
    assert again.document["pillars"][0]["weight"] == 2.0
    assert again.checksum == methodologies.checksum(again.document) != old_checksum
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.old["checksum"], event.new["checksum"]) == (old_checksum, again.checksum)


def test_importing_the_same_draft_again_changes_nothing_and_records_nothing(document):
    methodologies.import_methodology(as_text(document))
    methodologies.import_methodology(as_text(document))
    assert audit_actions() == ["methodology.import"]


def test_importing_a_frozen_version_is_refused_and_leaves_it_unchanged(document):
    row = methodologies.import_methodology(as_text(document), freeze=True)
    frozen_checksum = row.checksum
    document["pillars"][0]["weight"] = 3.0

    with pytest.raises(DomainError, match=r"2\.0 is frozen"):
        methodologies.import_methodology(as_text(document))

    db.session.expire_all()
    stored = db.session.scalar(sa.select(MethodologyVersion))
    assert stored.checksum == frozen_checksum
    assert stored.document["pillars"][0]["weight"] == 1.0
    assert audit_actions() == ["methodology.import", "methodology.freeze"]


def test_freeze_marks_the_version_frozen_with_its_time_and_an_audit_record(secretariat):
    row = methodologies.import_methodology(DEFAULT_FILE, secretariat)

    methodologies.freeze(secretariat, row)

    db.session.expire_all()
    stored = methodologies.get("2.0")
    assert stored.is_frozen and stored.frozen_at is not None
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.new) == (
        "methodology.freeze",
        secretariat.id,
        {"status": "frozen"},
    )


def test_freezing_twice_is_refused_and_keeps_the_first_freeze_time():
    row = methodologies.import_methodology(DEFAULT_FILE, freeze=True)
    frozen_at = row.frozen_at

    with pytest.raises(DomainError, match="already frozen"):
        methodologies.freeze(None, row)

    db.session.expire_all()
    assert methodologies.get("2.0").frozen_at == frozen_at


@pytest.mark.parametrize(
    "change",
    [
        {"document": {"version": "2.0"}},
        {"checksum": "0" * 64},
        {"title": "Another title"},
        {"status": MethodologyStatus.DRAFT},
    ],
    ids=["document", "checksum", "title", "status"],
)
def test_a_frozen_version_never_changes_even_when_written_directly(change):
    row = methodologies.import_methodology(DEFAULT_FILE, freeze=True)
    checksum = row.checksum
    for name, value in change.items():
        setattr(row, name, value)

    with pytest.raises(FrozenMethodologyError):
        db.session.commit()

    db.session.rollback()
    stored = db.session.scalar(sa.select(MethodologyVersion))
    assert stored.checksum == checksum and stored.is_frozen
    assert methodologies.load_engine_methodology(stored) == default_methodology()


def test_a_frozen_version_is_never_deleted():
    row = methodologies.import_methodology(DEFAULT_FILE, freeze=True)
    db.session.delete(row)

    with pytest.raises(FrozenMethodologyError):
        db.session.commit()

    db.session.rollback()
    assert methodologies.find("2.0") is not None


def test_export_round_trips_to_an_equal_methodology_and_the_same_checksum():
    row = methodologies.import_methodology(DEFAULT_FILE)

    exported = methodologies.export_methodology(row)
    exported["pillars"][0]["weight"] = 99.0  # a copy: the stored document is untouched
    exported = methodologies.export_methodology(row)

    assert load_methodology(exported) == default_methodology()
    assert methodologies.checksum(exported) == row.checksum
    db.session.delete(row)
    db.session.commit()
    assert methodologies.import_methodology(as_text(exported)).checksum == row.checksum


def test_load_engine_methodology_refuses_a_document_that_no_longer_matches_its_checksum():
    row = methodologies.import_methodology(DEFAULT_FILE)
    tampered = copy.deepcopy(row.document)
    tampered["pillars"][0]["weight"] = 5.0
    db.session.execute(sa.update(MethodologyVersion).values(document=tampered))
    db.session.commit()
    db.session.expire_all()

    with pytest.raises(DomainError, match="does not match its checksum"):
        methodologies.load_engine_methodology(methodologies.get("2.0"))


def test_a_bad_file_is_refused_with_every_problem_naming_its_field(document, tmp_path):
    document["pillars"][2]["indicators"][0]["goalposts"] = {"lower": 10, "upper": 1}
    document["pillars"][0]["indicators"][1]["direction"] = "sideways"
    path = tmp_path / "bad.json"
    path.write_text(as_text(document), encoding="utf-8")

    with pytest.raises(DomainError) as refused:
        methodologies.import_methodology(path)

    assert "pillars[0].indicators[1].direction: must be one of" in refused.value.message
    assert refused.value.field == "file"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MethodologyVersion)) == 0
    document["pillars"][0]["indicators"][1]["direction"] = "lower_better"
    path.write_text(as_text(document), encoding="utf-8")
    with pytest.raises(DomainError, match=r"pillars\[2\]\.indicators\[0\]\.goalposts: lower must be < upper"):
        methodologies.import_methodology(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("version: [unclosed\nname: x\n", "not valid YAML"),
        ('{"version": "3.0"}', "name: is required"),
    ],
)
def test_unreadable_methodology_text_is_a_domain_error(content, expected):
    with pytest.raises(DomainError, match=expected):
        methodologies.import_methodology(content)


def test_a_missing_file_is_a_domain_error(tmp_path):
    with pytest.raises(DomainError, match="no such file"):
        methodologies.import_methodology(tmp_path / "missing.json")


def test_a_version_longer_than_the_column_is_refused(document):
    document["version"] = "v" * 33
    with pytest.raises(DomainError, match="version: at most 32 characters"):
        methodologies.import_methodology(as_text(document))


def test_get_of_an_unknown_version_is_a_domain_error_on_the_version_field():
    with pytest.raises(DomainError) as refused:
        methodologies.get("9.9")
    assert refused.value.field == "version"
    assert methodologies.find("9.9") is None


def test_ensure_default_imports_and_freezes_2_0_once():
    assert methodologies.ensure_default() is True
    assert methodologies.ensure_default() is False
    assert methodologies.get("2.0").is_frozen
    assert audit_actions() == ["methodology.import", "methodology.freeze"]


def test_ensure_default_leaves_an_existing_2_0_draft_of_the_secretariat_alone(document):
    document["pillars"][0]["weight"] = 2.0
    draft = methodologies.import_methodology(as_text(document))

    assert methodologies.ensure_default() is False

    db.session.expire_all()
    assert not methodologies.get("2.0").is_frozen
    assert methodologies.get("2.0").checksum == draft.checksum
