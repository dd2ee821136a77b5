"""Stored index runs: publishing a data call, recomputing the history under another version, peer groups."""

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.index_engine import compute
from ports_network.index_engine.engine import CONFIDENTIAL_MIN_GROUP
from ports_network.index_engine.rows import score_columns
from ports_network.index_engine.uncertainty import rank_uncertainty
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    Notification,
    ScoreRun,
    StoredMedian,
    StoredRank,
    StoredScore,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from ports_network.models.base import utcnow
from ports_network.services import index_results, methodologies

from .. import factories
from ..stored_results import peer_group

DEFAULT_FILE = Path(methodologies.__file__).parents[1] / "index_engine" / "default_methodology.json"


def engine_methodology(version: str = "2.0"):
    return methodologies.load_engine_methodology(methodologies.get(version))


def values_for(rank: int, version: str = "2.0", skip: frozenset[str] = frozenset()) -> dict[str, float]:
    """Every indicator between its goalposts, better for a higher `rank`."""
    values = {}
    for indicator in engine_methodology(version).indicators:
        if indicator.code in skip:
            continue
        low, high = indicator.goalposts.lower, indicator.goalposts.upper
        share = min(0.15 + 0.2 * rank, 0.95)
        if indicator.direction.value == "lower_better":
            share = 1 - share
        value = low + share * (high - low)
        values[indicator.code] = (
            round(value) if indicator.value_type.value in ("rubric", "boolean") else value
        )
    return values


def submission(call, community, values: dict[str, float], status=SubmissionStatus.ACCEPTED) -> Submission:
    """A submission of `call` by `community` in `status`, with its values."""
    accepted = utcnow() if status in (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED) else None
    row = factories.SubmissionFactory(
        data_call=call, community=community, status=status, accepted_at=accepted
    )
    db.session.add_all(
        SubmissionValue(submission_id=row.id, indicator_code=code, value=value)
        for code, value in values.items()
    )
    db.session.commit()
    return row


def long_values(rows: dict[tuple[int, str], dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"community": community_id, "period": period, "indicator": code, "value": value}
            for (community_id, period), values in rows.items()
            for code, value in values.items()
        ]
    )


@pytest.fixture
def third_community():
    return factories.CommunityFactory(name="Cartagena port logistics community", slug="cartagena")


@pytest.fixture
def call(community, other_community, third_community):
    factories.default_methodology()
    return factories.DataCallFactory(period="2025", communities=[community, other_community, third_community])


@pytest.fixture
def accepted(call, community, other_community, third_community):
    """Three accepted submissions of the 2025 call, the third community the best."""
    return {
        place.id: submission(call, place, values_for(rank))
        for rank, place in enumerate((community, other_community, third_community))
    }


def stored_scores(run: ScoreRun) -> dict[tuple[str, int, str], float | None]:
    rows = db.session.execute(
        sa.select(StoredScore.period, StoredScore.community_id, StoredScore.code, StoredScore.score).where(
            StoredScore.run_id == run.id
        )
    )
    return {(period, community, code): score for period, community, code, score in rows}


def stored_medians(run: ScoreRun) -> dict[tuple[str | None, str], StoredMedian]:
    """The run's medians by (peer group code, None for the network; indicator or node code)."""
    medians = db.session.scalars(sa.select(StoredMedian).where(StoredMedian.run_id == run.id))
    return {(median.peer_group_code, median.code): median for median in medians}


def test_publish_makes_accepted_submissions_published_and_stores_the_engines_scores(
    secretariat, call, accepted
):
    run = index_results.publish(secretariat, call)

    statuses = db.session.execute(sa.select(Submission.status, Submission.published_at)).all()
    assert {status for status, _ in statuses} == {SubmissionStatus.PUBLISHED}
    assert all(published_at is not None for _, published_at in statuses)
    assert (run.reason, run.periods, run.created_by_id, run.draws) == (
        "publish",
        ["2025"],
        secretariat.id,
        1000,
    )
    assert run.duration_ms is not None and run.methodology_version.version == "2.0"
    expected = compute(
        engine_methodology(),
        long_values({(cid, "2025"): values_for(rank) for rank, cid in enumerate(accepted)}),
    )
    stored = stored_scores(run)
    assert len(stored) == len(expected.scores_long())
    for record in expected.score_records():
        assert stored[(record.period, record.community, record.code)] == pytest.approx(
            record.score, nan_ok=True
        )
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert events.count("submission.publish") == 3 and events.count("index.compute") == 1


def test_publish_stores_ranks_and_their_monte_carlo_intervals(secretariat, call, accepted):
    run = index_results.publish(secretariat, call)

    ranks = {rank.community_id: rank for rank in db.session.scalars(sa.select(StoredRank))}
    best, middle, worst = (ranks[cid] for cid in reversed(list(accepted)))
    assert (best.rank, middle.rank, worst.rank) == (1, 2, 3)
    values = index_results.published_values("2.0")
    intervals = rank_uncertainty(engine_methodology(), values, draws=run.draws, seed=run.seed).records()
    for interval in intervals:
        stored = ranks[interval.community]
        assert (stored.median_rank, stored.rank_low, stored.rank_high) == (
            interval.median_rank,
            interval.rank_low,
            interval.rank_high,
        )
        assert stored.rank_low <= stored.rank <= stored.rank_high and stored.status == "ranked"


def test_unpublished_values_never_enter_a_run(secretariat, call, accepted, community):
    later = factories.DataCallFactory(period="2026", communities=[community])
    submission(later, community, values_for(4), status=SubmissionStatus.VALIDATED)
    other_call = factories.DataCallFactory(period="2024", communities=[community])
    waiting = submission(other_call, community, values_for(4), status=SubmissionStatus.ACCEPTED)

    run = index_results.publish(secretariat, call)

    assert run.periods == ["2025"]
    assert {period for period, _, _ in stored_scores(run)} == {"2025"}
    assert db.session.get(Submission, waiting.id).status == SubmissionStatus.ACCEPTED


def test_publish_refuses_a_call_without_accepted_submissions(secretariat, call, community):
    submission(call, community, values_for(1), status=SubmissionStatus.VALIDATED)

    with pytest.raises(DomainError, match="nothing to publish"):
        index_results.publish(secretariat, call)

    assert db.session.scalar(sa.select(sa.func.count(ScoreRun.id))) == 0


def test_only_the_secretariat_publishes_and_recomputes(call, accepted, coordinator):
    with pytest.raises(NotAllowed):
        index_results.publish(coordinator, call)
    with pytest.raises(NotAllowed):
        index_results.recompute_history(coordinator, "2.0")

    assert db.session.scalar(sa.select(sa.func.count(ScoreRun.id))) == 0
    assert not db.session.scalars(
        sa.select(Submission).where(Submission.status == SubmissionStatus.PUBLISHED)
    ).all()


def test_the_system_actor_publishes_and_is_audited_as_nobody(call, accepted):
    run = index_results.publish(None, call)

    assert run.created_by_id is None
    actors = db.session.scalars(sa.select(AuditEvent.actor_id)).all()
    assert actors and set(actors) == {None}


def test_publish_notifies_the_reporters_of_each_published_community(secretariat, call, accepted, community):
    focal = factories.MembershipFactory(community=community, role=CommunityRole.FOCAL_POINT).user
    plain = factories.MembershipFactory(community=community, role=CommunityRole.MEMBER).user

    index_results.publish(secretariat, call)

    notices = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "index.results_published")
    )
    by_user = {notice.user_id: notice for notice in notices}
    assert focal.id in by_user and plain.id not in by_user
    assert by_user[focal.id].params == {"community": community.name, "period": "2025", "title": call.title}


def import_second_version(freeze: bool = True) -> None:
    """Version 2.1: the default with its first pillar weighing four times as much."""
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"] = "2.1"
    document["pillars"][0]["weight"] = 4.0
    methodologies.import_methodology(json.dumps(document), freeze=freeze)


def test_recompute_under_a_second_version_keeps_the_first_run(secretariat, call, accepted):
    first = index_results.publish(secretariat, call)
    before = stored_scores(first)
    import_second_version()

    second = index_results.recompute_history(secretariat, "2.1")

    assert (second.reason, second.periods, second.methodology_version.version) == (
        "recompute",
        ["2025"],
        "2.1",
    )
    assert stored_scores(first) == before
    assert [run.id for run in index_results.runs("2.0")] == [first.id]
    assert (
        index_results.current_run("2.0").id == first.id and index_results.current_run("2.1").id == second.id
    )
    after = stored_scores(second)
    assert after.keys() == before.keys()
    assert any(after[key] != pytest.approx(before[key]) for key in after if key[2] == "index")


def test_recompute_again_adds_a_newer_current_run(secretariat, call, accepted):
    first = index_results.publish(secretariat, call)

    again = index_results.recompute_history(secretariat, "2.0")

    assert [run.id for run in index_results.runs("2.0")] == [again.id, first.id]
    assert index_results.current_run("2.0").id == again.id
    assert stored_scores(again) == stored_scores(first)


def test_compute_refuses_a_draft_version_and_a_version_with_nothing_published(secretariat, call, accepted):
    import_second_version(freeze=False)
    with pytest.raises(DomainError, match="draft"):
        index_results.recompute_history(secretariat, "2.1")
    with pytest.raises(DomainError, match="Nothing is published"):
        index_results.recompute_history(secretariat, "2.0")


def test_the_newest_accepted_value_wins_when_a_period_is_asked_again(secretariat, call, accepted, community):
    index_results.publish(secretariat, call)
    import_second_version()
    again = factories.DataCallFactory(
        period="2025", methodology_version=methodologies.get("2.1"), communities=[community]
    )
    submission(again, community, {"waiting_time": 1.0})

    index_results.publish(secretariat, again)

    values = index_results.published_values("2.1")
    mine = values[(values["community"] == community.id) & (values["indicator"] == "waiting_time")]
    assert mine["value"].tolist() == [1.0]
    others = values[(values["community"] == community.id) & (values["indicator"] == "berth_occupancy")]
    assert others["value"].tolist() == [values_for(0)["berth_occupancy"]]


def test_peer_group_medians_are_stored_per_group(secretariat, call, accepted, community, other_community):
    peer_group("pacific", [community, other_community])

    medians = stored_medians(index_results.publish(secretariat, call))

    assert {code for code, _ in medians} == {None, "pacific"}
    pacific, network = medians[("pacific", "index")], medians[(None, "index")]
    assert (pacific.count, network.count) == (2, 3)
    composites = dict(db.session.execute(sa.select(StoredRank.community_id, StoredRank.composite)).all())
    assert pacific.median_score == pytest.approx(
        (composites[community.id] + composites[other_community.id]) / 2
    )


def test_confidential_median_values_are_withheld_as_the_engine_decides(
    secretariat, call, accepted, community
):
    peer_group("callao", [community])

    medians = stored_medians(index_results.publish(secretariat, call))

    assert CONFIDENTIAL_MIN_GROUP > 1
    alone = medians[("callao", "waiting_time")]
    assert alone.median_value is None and alone.median_score is not None and alone.count == 1
    assert medians[("callao", "berth_occupancy")].median_value is not None  # not confidential
    assert medians[(None, "waiting_time")].median_value is not None  # three communities report it


def test_score_columns_hold_the_same_rows_as_scores_long(call, accepted):
    values = long_values(
        {
            (cid, "2025"): values_for(rank, skip=frozenset({"waiting_time"}))
            for rank, cid in enumerate(accepted)
        }
    )
    results = compute(engine_methodology(), values)

    columns = score_columns(results)

    rows = {tuple(row) for row in zip(*columns.values(), strict=True)}
    frame = results.scores_long()[list(columns)].astype(object)
    expected = {
        tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False, name=None)
    }
    assert rows == expected
