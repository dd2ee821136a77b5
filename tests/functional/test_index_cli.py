"""`flask index ...`: import, export and list methodology versions, and compute the index on CSV files."""

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.index_engine import default_methodology, read_methodology
from ports_network.models import MethodologyStatus, MethodologyVersion
from ports_network.services import methodologies

DEFAULT_FILE = Path(methodologies.__file__).parents[1] / "index_engine" / "default_methodology.json"
COMMUNITIES = ("callao", "cartagena", "santos", "valparaiso")
PERIODS = ("2023", "2024")


@pytest.fixture
def frozen_default():
    return methodologies.import_methodology(DEFAULT_FILE, freeze=True)


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def value_rows() -> list[list]:
    """Every indicator of methodology 2.0 at its goalposts' midpoint, better for later communities;
    santos reports nothing for the first pillar."""
    methodology = default_methodology()
    first_pillar = {indicator.code for indicator in methodology.pillars[0].children}
    rows = []
    for rank, community in enumerate(COMMUNITIES):
        for period in PERIODS:
            for indicator in methodology.indicators:
                if community == "santos" and indicator.code in first_pillar:
                    continue
                low, high = indicator.goalposts.lower, indicator.goalposts.upper
                share = 0.2 + 0.2 * rank
                if indicator.direction.value == "lower_better":
                    share = 1 - share
                value = low + share * (high - low)
                if indicator.value_type.value in ("rubric", "boolean"):
                    value = round(value)
                rows.append([community, period, indicator.code, value])
    return rows


def assert_clean_failure(result, *expected: str) -> None:
    """Exit code 1 with the message, and no traceback (Click's own error path, not an exception)."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output


# ---------------------------------------------------------------------------------------- methodologies


def test_import_methodology_stores_a_draft_and_freeze_flag_freezes_it(cli):
    result = cli("import-methodology", DEFAULT_FILE)

    assert result.exit_code == 0, result.output
    assert "methodology 2.0 imported (draft)" in result.output
    assert db.session.scalar(sa.select(MethodologyVersion.status)) == MethodologyStatus.DRAFT

    frozen = cli("import-methodology", DEFAULT_FILE, "--freeze")

    assert frozen.exit_code == 0, frozen.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(MethodologyVersion.status)) == MethodologyStatus.FROZEN
    listed = cli("list-methodologies").output
    assert listed.startswith("2.0          frozen") and "Índice de Competitividad" in listed


def test_freeze_methodology_freezes_a_draft_once(cli):
    methodologies.import_methodology(DEFAULT_FILE)

    result = cli("freeze-methodology", "2.0")

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(MethodologyVersion.status)) == MethodologyStatus.FROZEN
    assert_clean_failure(cli("freeze-methodology", "2.0"), "already frozen")


def test_import_methodology_of_a_frozen_version_fails_without_changing_it(cli, frozen_default, tmp_path):
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["pillars"][0]["weight"] = 4.0
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = cli("import-methodology", path)

    assert_clean_failure(result, "2.0 is frozen")
    db.session.expire_all()
    assert db.session.scalar(sa.select(MethodologyVersion.checksum)) == frozen_default.checksum


def test_import_methodology_of_a_bad_file_lists_the_bad_fields(cli, tmp_path):
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["pillars"][1]["indicators"][0]["weight"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = cli("import-methodology", path)

    assert_clean_failure(result, "pillars[1].indicators[0].weight")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MethodologyVersion)) == 0


@pytest.mark.parametrize(("name", "fmt"), [("m.json", None), ("m.yaml", None), ("m.txt", "yaml")])
def test_export_methodology_writes_a_file_that_reads_back_equal(cli, frozen_default, tmp_path, name, fmt):
    out = tmp_path / name
    result = cli("export-methodology", "2.0", "--out", out, *(["--format", fmt] if fmt else []))

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("{") == (name == "m.json")
    readable = out.with_suffix(".json" if name == "m.json" else ".yaml")
    readable.write_text(text, encoding="utf-8")
    assert read_methodology(readable) == default_methodology()


def test_export_methodology_prints_json_that_imports_back_to_the_same_checksum(cli, frozen_default):
    result = cli("export-methodology", "2.0")

    assert result.exit_code == 0, result.output
    assert methodologies.checksum(json.loads(result.output)) == frozen_default.checksum


def test_export_of_an_unknown_version_fails_cleanly(cli):
    assert_clean_failure(cli("export-methodology", "9.9"), "no methodology version 9.9")


# --------------------------------------------------------------------------------------------- compute


def test_compute_writes_one_row_per_community_period_and_code_with_ranks(cli, frozen_default, tmp_path):
    values = write_csv(tmp_path / "values.csv", ["community", "period", "indicator", "value"], value_rows())
    peers = write_csv(
        tmp_path / "peers.csv",
        ["community", "group"],
        [["callao", "pacific"], ["valparaiso", "pacific"], ["cartagena", "caribbean"]],
    )
    out = tmp_path / "scores.csv"

    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", out, "--peer-groups", peers)

    assert result.exit_code == 0, result.output
    methodology = default_methodology()
    codes_per_row = len(methodology.indicators) + len(methodology.nodes)
    rows = read_csv(out)
    assert len(rows) == len(COMMUNITIES) * len(PERIODS) * codes_per_row
    assert f"{len(rows)} rows written" in result.output
    composite = {(r["community"], r["period"]): r for r in rows if r["code"] == "index"}
    ranks = {community: composite[(community, "2024")]["rank"] for community in COMMUNITIES}
    assert ranks == {"valparaiso": "1", "santos": "2", "cartagena": "3", "callao": "4"}
    santos_vessel = next(r for r in rows if r["community"] == "santos" and r["code"] == "vessel")
    assert (santos_vessel["status"], santos_vessel["score"]) == ("not_computed", "")
    assert composite[("santos", "2024")]["status"] == "partial"
    assert all(r["rank"] == "" for r in rows if r["code"] != "index")
    callao = composite[("callao", "2024")]
    assert callao["peer_group"] == "pacific"
    assert float(callao["peer_median"]) == pytest.approx(
        (float(callao["score"]) + float(composite[("valparaiso", "2024")]["score"])) / 2
    )
    assert composite[("santos", "2024")]["peer_median"] == ""


def test_compute_without_peer_groups_leaves_the_peer_columns_empty(cli, frozen_default, tmp_path):
    values = write_csv(tmp_path / "values.csv", ["community", "period", "indicator", "value"], value_rows())
    out = tmp_path / "scores.csv"

    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", out)

    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert {(r["peer_group"], r["peer_median"]) for r in rows} == {("", "")}
    assert all(r["network_median"] for r in rows if r["code"] == "index")


def test_compute_with_an_unknown_methodology_fails_cleanly(cli, tmp_path):
    values = write_csv(tmp_path / "values.csv", ["community", "period", "indicator", "value"], value_rows())
    result = cli("compute", "--methodology", "7.0", "--values", values, "--out", tmp_path / "o.csv")
    assert_clean_failure(result, "no methodology version 7.0")


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (
            ["community", "period", "indicador", "value"],
            [["callao", "2024", "waiting_time", "1"]],
            ["values.csv: missing column(s) indicator", "found: community, period, indicador, value"],
        ),
        (
            ["community", "period", "indicator", "value"],
            [["callao", "2024", "waiting_time", "1"], ["callao", "2024", "teu_per_crane", "3"]],
            ["values.csv: line 3: indicator code 'teu_per_crane' is not in methodology 2.0"],
        ),
        (
            ["community", "period", "indicator", "value"],
            [["callao", "2024", "waiting_time", "12,5"], ["callao", "2024", "port_hours_per_call", "=A1*2"]],
            ["line 2: value '12,5' is not a number", "line 3: value '=A1*2' is not a number"],
        ),
        (
            ["community", "period", "indicator", "value"],
            [["callao", "2024", "waiting_time", "1"], ["callao", "2024", "waiting_time", "2"]],
            ["line 3: a second value for callao, 2024, waiting_time (first on line 2)"],
        ),
        (
            ["community", "period", "indicator", "value"],
            [["", "2024", "waiting_time", "1"]],
            ["line 2: community is empty"],
        ),
    ],
    ids=["missing-column", "unknown-code", "not-a-number", "duplicate", "empty-key"],
)
@pytest.mark.usefixtures("frozen_default")
def test_compute_refuses_a_bad_values_file_with_a_clear_message(cli, tmp_path, header, rows, expected):
    values = write_csv(tmp_path / "values.csv", header, rows)
    out = tmp_path / "scores.csv"

    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", out)

    assert_clean_failure(result, *expected)
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00binary\x00", "not UTF-8 text"),
        (b'community,period,indicator,value\n"callao,2024\n', "not a readable CSV file"),
    ],
    ids=["empty", "binary", "broken-quotes"],
)
def test_compute_refuses_an_unreadable_file_with_a_clear_message(
    cli, frozen_default, tmp_path, content, expected
):
    values = tmp_path / "values.csv"
    values.write_bytes(content)

    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", tmp_path / "o.csv")

    assert_clean_failure(result, expected)


def test_compute_refuses_a_missing_values_file_and_a_bad_peer_groups_file(cli, frozen_default, tmp_path):
    missing = cli(
        "compute", "--methodology", "2.0", "--values", tmp_path / "no.csv", "--out", tmp_path / "o.csv"
    )
    assert_clean_failure(missing, "no.csv: no such file")

    values = write_csv(tmp_path / "values.csv", ["community", "period", "indicator", "value"], value_rows())
    peers = write_csv(tmp_path / "peers.csv", ["community", "group"], [["callao", "a"], ["callao", "b"]])
    result = cli(
        "compute",
        "--methodology",
        "2.0",
        "--values",
        values,
        "--out",
        tmp_path / "o.csv",
        "--peer-groups",
        peers,
    )
    assert_clean_failure(result, "peers.csv: line 3: community 'callao' is listed twice")


def test_compute_refuses_an_output_file_it_cannot_write(cli, frozen_default, tmp_path):
    values = write_csv(tmp_path / "values.csv", ["community", "period", "indicator", "value"], value_rows())
    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", tmp_path / "no" / "o.csv")
    assert_clean_failure(result, "cannot be written")
