"""The read side of the index results: editions, ranking, charts, methodology page, scorecards, downloads."""

import csv
import io
import json
from contextlib import contextmanager

import openpyxl
import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.services import index_downloads, index_public, index_scorecards, methodologies

from .. import factories
from ..stored_results import SECRET, SECRET_CODE, example_run, indicator_values, peer_group, store_run


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_published_editions_are_the_periods_of_each_versions_newest_run(version, communities, run):
    newer = store_run(version, {(communities[0], "2025"): indicator_values(version, 0.5)})

    editions = index_public.published_editions()

    assert [(e.version, e.period, e.run_id) for e in editions] == [("2.0", "2025", newer.id)]


def test_no_editions_without_runs(version):
    assert index_public.published_editions() == []


def test_ranking_reads_stored_ranks_and_intervals_best_first(run, communities):
    ranking = index_public.ranking("2.0", "2024", "en")

    assert [row.slug for row in ranking.rows] == [c.slug for c in communities]
    assert [row.rank for row in ranking.rows] == [1, 2, 3]
    first = ranking.rows[0]
    assert first.rank_low <= first.rank <= first.rank_high
    assert first.country == "Peru"
    assert [p.code for p in ranking.pillars] == [
        "vessel",
        "cargo",
        "facilitation",
        "connectivity",
        "community",
    ]
    assert all(score is not None for score in first.pillars)
    assert ranking.edition.run_id == run.id


def test_ranking_takes_three_queries_whatever_the_number_of_communities(run):
    db.session.expire_all()
    with counted_queries() as statements:
        index_public.ranking("2.0", "2024", "en")
    assert len(statements) <= 3


def test_ranking_of_a_period_the_current_run_did_not_publish_is_none(run):
    assert index_public.ranking("2.0", "2022", "en") is None
    assert index_public.ranking("9.9", "2024", "en") is None


def test_ranking_never_carries_raw_values(run):
    ranking = index_public.ranking("2.0", "2024", "en")
    assert SECRET not in {value for row in ranking.rows for value in (*row.pillars, row.composite)}
    assert "98765" not in repr(ranking)


def test_ranking_position_scales_ranks_from_best_to_last(run):
    ranking = index_public.ranking("2.0", "2024", "en")
    assert (ranking.position(1), ranking.position(2), ranking.position(3)) == (0.0, 50.0, 100.0)


def test_pillar_charts_sort_communities_best_first(run, communities):
    charts = index_public.pillar_charts(index_public.ranking("2.0", "2024", "es"))

    assert len(charts) == 5
    cargo = next(chart for chart in charts if chart.code == "cargo")
    assert [bar.slug for bar in cargo.bars] == [c.slug for c in communities]
    assert (
        cargo.name == "Carga y operaciones terrestres" or cargo.name
    )  # translated where the document has it
    assert all(a.score >= b.score for a, b in zip(cargo.bars, cargo.bars[1:], strict=False))


def test_pillar_chart_lists_communities_whose_pillar_was_not_computed(version, communities):
    sparse = dict(indicator_values(version, 0.5))
    for code in ("waiting_time", "port_hours_per_call", "berth_productivity"):
        sparse[code] = None
    store_run(
        version, {(communities[0], "2024"): indicator_values(version, 0.7), (communities[1], "2024"): sparse}
    )

    vessel = index_public.pillar_charts(index_public.ranking("2.0", "2024", "en"))[0]

    assert [bar.slug for bar in vessel.bars] == [communities[0].slug]
    assert vessel.not_computed == (communities[1].name,)


def leaves(items):
    for item in items:
        if isinstance(item, index_public.NodePage):
            yield from leaves(item.children)
        else:
            yield item


def test_methodology_page_lists_every_indicator_with_its_rules(version):
    page = index_public.methodology_page("2.0", "en")

    indicators = list(leaves(page.pillars))
    codes = {item.code for item in indicators}
    engine = methodologies.load_engine_methodology(version)
    assert codes == {indicator.code for indicator in engine.indicators}
    assert page.indicator_count == len(codes)
    waiting = next(item for item in indicators if item.code == "waiting_time")
    assert waiting.confidential
    assert waiting.direction == "Lower is better"
    assert waiting.goalposts == (0.0, 48.0)
    assert waiting.transform == "Capped at 240"
    assert waiting.share == pytest.approx(0.25)
    assert (
        page.pillars[0].coverage
        == "computed when the components with a score carry at least 75 % of its weight"
    )
    assert page.checksum == version.checksum


def test_methodology_page_of_a_draft_or_unknown_version_is_none(version):
    document = methodologies.export_methodology(version)
    document["version"] = "2.1-draft"
    methodologies.import_methodology(json.dumps(document))

    assert index_public.methodology_page("2.1-draft", "en") is None
    assert index_public.methodology_page("7.0", "en") is None


def test_scorecard_shows_the_communitys_confidential_raw_value(run, communities):
    card = index_scorecards.scorecard(communities[0], "en")

    waiting = next(line for line in card.indicators if line.code == SECRET_CODE)
    assert waiting.value == SECRET and waiting.confidential
    assert waiting.score == 0
    assert card.edition.period == "2024"
    assert card.rank.rank == 1 and card.rank.ranked == 3
    assert card.profile[0].code == "index"


def test_scorecard_peer_median_of_a_confidential_indicator_is_withheld_in_a_small_group(version, communities):
    # One member: peer_group_member's primary key is peer_group_id alone, so a group holds one community
    # until that is fixed (reported); the rule under test is the same for any group under three.
    peer_group("large", communities[:1])
    example_run(version, communities)

    card = index_scorecards.scorecard(communities[0], "en")

    waiting = next(line for line in card.indicators if line.code == SECRET_CODE)
    assert waiting.peer.withheld and waiting.peer.value is None
    assert waiting.peer.score is not None
    assert not waiting.network.withheld  # three communities: the engine publishes the network median
    berth = next(line for line in card.indicators if line.code == "berth_occupancy")
    assert not berth.peer.withheld and berth.peer.value is not None
    assert card.peer_group == "Group large"


def test_scorecard_series_cover_every_period_of_the_run(run, communities):
    card = index_scorecards.scorecard(communities[1], "en", "2.0", "2023")

    assert card.periods == ("2023", "2024")
    assert card.edition.period == "2023"
    assert [line.code for line in card.series] == [
        "index",
        "vessel",
        "cargo",
        "facilitation",
        "connectivity",
        "community",
    ]
    assert all(len(line.scores) == 2 and None not in line.scores for line in card.series)


def test_scorecard_weakest_indicators_are_the_lowest_scores(run, communities):
    card = index_scorecards.scorecard(communities[0], "en")

    assert len(card.weakest) == index_scorecards.WEAKEST
    assert card.weakest[0].code == SECRET_CODE
    scores = [line.score for line in card.weakest]
    assert scores == sorted(scores)
    assert max(scores) <= min(line.score for line in card.indicators if line not in card.weakest)


def test_scorecard_is_none_for_a_community_without_results(run):
    assert index_scorecards.scorecard(factories.CommunityFactory(), "en") is None


def test_scorecard_of_an_unpublished_period_is_none(run, communities):
    assert index_scorecards.scorecard(communities[0], "en", "2.0", "2019") is None


def test_results_csv_has_one_row_per_community_and_a_column_per_pillar(run, communities):
    download = index_downloads.results_csv("2.0", "2024", "en")

    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))
    assert [row["community_slug"] for row in rows] == [c.slug for c in communities]
    assert rows[0]["rank"] == "1" and rows[0]["rank_low"] and rows[0]["pillar_vessel"]
    assert download.filename == "ports-network-index_2.0_2024_CC-BY-4.0.csv"
    assert download.checksum


def test_dictionary_explains_every_results_and_scores_column(run):
    download = index_downloads.dictionary_csv("2.0", "en")

    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))
    results_header = csv.reader(
        io.StringIO(index_downloads.results_csv("2.0", "2024", "en").content.decode())
    )
    explained = {(row["sheet"], row["column"]) for row in rows if not row["value"]}
    assert {("Results", column) for column in next(results_header)} <= explained
    assert {("Scores", column) for column in index_downloads.SCORE_COLUMNS} <= explained
    codes = {row["value"] for row in rows if row["column"] == "code"}
    assert {"index", "vessel", SECRET_CODE} <= codes


def test_xlsx_has_results_scores_dictionary_and_about_without_confidential_values(run, communities):
    download = index_downloads.results_xlsx("2.0", "2024", "en")

    book = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    assert book.sheetnames == ["Results", "Scores", "Data dictionary", "About"]
    scores = list(book["Scores"].iter_rows(values_only=True))
    header = scores[0]
    secret_rows = [row for row in scores[1:] if row[header.index("code")] == SECRET_CODE]
    assert len(secret_rows) == len(communities)
    assert all(
        row[header.index("value")] is None and row[header.index("confidential")] for row in secret_rows
    )
    public = [row for row in scores[1:] if row[header.index("code")] == "berth_occupancy"]
    assert all(row[header.index("value")] is not None for row in public)
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Methodology version"] == "2.0"
    assert about["Licence"] == "CC BY 4.0"
    assert (
        about["Attribution"]
        == "Latin American and Caribbean Network of Digital and Collaborative Ports / SELA"
    )
    assert about["Period"] == "2024"
    assert about["Methodology checksum (sha256)"] == download.checksum
    assert all(SECRET not in row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def test_downloads_of_an_unpublished_edition_are_none(run):
    assert index_downloads.results_csv("2.0", "2019", "en") is None
    assert index_downloads.results_xlsx("2.0", "2019", "en") is None
    assert index_downloads.dictionary_csv("3.0", "en") is None
