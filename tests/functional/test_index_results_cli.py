"""`flask index publish`, `flask index recompute` and `flask index compute --draws` (Monte-Carlo ranks)."""

import json

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.index_engine import default_methodology
from ports_network.index_engine.tables import SCORE_COLUMNS, read_values
from ports_network.index_engine.uncertainty import rank_uncertainty
from ports_network.models import AuditEvent, ScoreRun, Submission, SubmissionStatus, SubmissionValue
from ports_network.models.base import utcnow
from ports_network.services import index_results, methodologies

from .. import factories
from .test_index_cli import DEFAULT_FILE, read_csv, value_rows, write_csv


@pytest.fixture
def accepted_call(community, other_community):
    """The 2025 call of methodology 2.0 with both communities' submissions accepted."""
    call = factories.DataCallFactory(
        methodology_version=factories.default_methodology(),
        period="2025",
        communities=[community, other_community],
    )
    for rank, place in enumerate((community, other_community)):
        submission = factories.SubmissionFactory(
            data_call=call, community=place, status=SubmissionStatus.ACCEPTED, accepted_at=utcnow()
        )
        db.session.add_all(
            SubmissionValue(submission_id=submission.id, indicator_code=code, value=value)
            for _community, _period, code, value in value_rows()
            if _community == ("callao", "santos")[rank] and _period == "2024"
        )
    db.session.commit()
    return call


def test_compute_with_draws_adds_the_monte_carlo_ranks_to_the_composite_rows(cli, tmp_path):
    methodologies.import_methodology(DEFAULT_FILE, freeze=True)
    values = write_csv(tmp_path / "v.csv", ["community", "period", "indicator", "value"], value_rows())
    out = tmp_path / "scores.csv"

    result = cli(
        "compute", "--methodology", "2.0", "--values", values, "--out", out, "--draws", 40, "--seed", 3
    )

    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert list(rows[0]) == [*SCORE_COLUMNS, "median_rank", "rank_low", "rank_high"]
    methodology = default_methodology()
    frame = read_values(values, [indicator.code for indicator in methodology.indicators], "2.0")
    intervals = rank_uncertainty(methodology, frame, draws=40, seed=3).records()
    expected = {(interval.community, interval.period): interval for interval in intervals}
    for row in rows:
        if row["code"] != "index":
            assert row["median_rank"] == row["rank_low"] == row["rank_high"] == ""
            continue
        interval = expected[(row["community"], row["period"])]
        if interval.rank_low is None:
            assert row["rank_low"] == ""
            continue
        assert float(row["median_rank"]) == interval.median_rank
        assert (int(row["rank_low"]), int(row["rank_high"])) == (interval.rank_low, interval.rank_high)


def test_compute_without_draws_keeps_the_columns_it_had(cli, tmp_path):
    methodologies.import_methodology(DEFAULT_FILE, freeze=True)
    values = write_csv(tmp_path / "v.csv", ["community", "period", "indicator", "value"], value_rows())

    result = cli("compute", "--methodology", "2.0", "--values", values, "--out", tmp_path / "o.csv")

    assert result.exit_code == 0, result.output
    assert list(read_csv(tmp_path / "o.csv")[0]) == list(SCORE_COLUMNS)


def test_publish_command_publishes_the_accepted_submissions_as_the_system(cli, accepted_call):
    result = cli("publish", accepted_call.id)

    assert result.exit_code == 0, result.output
    assert f"data call {accepted_call.id} (2025) published" in result.output
    assert set(db.session.scalars(sa.select(Submission.status))) == {SubmissionStatus.PUBLISHED}
    run = db.session.scalar(sa.select(ScoreRun))
    assert (run.reason, run.created_by_id, run.periods) == ("publish", None, ["2025"])
    assert set(db.session.scalars(sa.select(AuditEvent.actor_id))) == {None}


def test_publish_command_refuses_unknown_calls_and_calls_with_nothing_accepted(cli, accepted_call):
    assert cli("publish", 999).exit_code == 1
    assert cli("publish", accepted_call.id).exit_code == 0

    again = cli("publish", accepted_call.id)

    assert again.exit_code == 1 and "nothing to publish" in again.output
    assert "Traceback" not in again.output


def test_recompute_command_adds_a_run_under_another_version_and_keeps_the_old_one(cli, accepted_call):
    first = index_results.publish(None, accepted_call)
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"] = "2.1"
    methodologies.import_methodology(json.dumps(document), freeze=True)

    result = cli("recompute", "--methodology", "2.1")

    assert result.exit_code == 0, result.output
    assert "methodology 2.1 (recompute): periods 2025" in result.output
    assert [run.id for run in index_results.runs("2.0")] == [first.id]
    assert index_results.current_run("2.1").reason == "recompute"


def test_recompute_command_fails_cleanly_for_an_unknown_version(cli):
    result = cli("recompute", "--methodology", "9.9")

    assert result.exit_code == 1 and "no methodology version 9.9" in result.output
