"""Public results pages, downloads and community scorecards, read from stored runs."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from ports_network.extensions import db
from ports_network.models import StoredRank, Submission, SubmissionStatus, SubmissionValue
from ports_network.models.base import utcnow
from ports_network.services import index_public, index_results

from .. import factories
from ..conftest import login_as
from ..stored_results import SECRET, example_run, indicator_values

# Every way the secret could be written in a page or a file: raw, grouped, with a decimal comma.
SECRET_SPELLINGS = ("98765", "98,765", "98.765", "98 765", "98\u00a0765", "98\u202f765")


@pytest.fixture(autouse=True)
def _english_browser(client):
    """Pages for people signed out follow the browser's language; these tests read English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def public_urls(version="2.0", period="2024") -> list[str]:
    """The public pages, downloads and JSON of the results."""
    return [
        "/api/v1/results",
        f"/api/v1/results/{version}/{period}",
        "/results/",
        f"/results/{version}/{period}",
        f"/results/{version}/{period}.csv",
        f"/results/{version}/{period}.xlsx",
        f"/results/{version}/dictionary.csv",
        f"/results/{version}/methodology",
    ]


def body_text(response) -> str:
    """The response as text; a workbook's every XML part, so numbers in cells are searched too."""
    if response.data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return response.get_data(as_text=True)


def test_results_page_says_when_nothing_is_published(client, version):
    response = client.get("/results/")

    assert response.status_code == 200
    assert "No published results yet" in response.get_data(as_text=True)


def test_results_page_shows_the_latest_edition_with_rank_intervals_from_stored_rows(client, run, communities):
    page = client.get("/results/").get_data(as_text=True)

    stored = db.session.scalars(StoredRank.__table__.select().where(StoredRank.run_id == run.id)).all()
    assert "Index results 2024" in page
    for row in db.session.execute(
        StoredRank.__table__.select().where(StoredRank.run_id == run.id, StoredRank.period == "2024")
    ):
        assert f"{row.rank} ({row.rank_low}–{row.rank_high})" in page
    assert stored
    assert page.index(communities[0].name) < page.index(communities[1].name) < page.index(communities[2].name)
    assert 'href="/results/2.0/2023"' in page  # the other edition is offered


def test_edition_page_has_an_accessible_chart_per_pillar_and_no_inline_script(client, run):
    page = client.get("/results/2.0/2023").get_data(as_text=True)

    assert page.count('role="img"') == 5
    assert page.count("<desc id=") == 5
    assert 'href="#ranking"' in page and 'id="ranking"' in page
    assert "<script>" not in page and " onclick" not in page and "style=" not in page


def test_periods_without_published_results_are_not_shown(client, run, version, communities):
    call = factories.DataCallFactory(methodology_version=version, period="2025", communities=communities)
    factories.SubmissionFactory(data_call=call, community=communities[0], status=SubmissionStatus.ACCEPTED)

    assert client.get("/results/2.0/2025").status_code == 404
    assert client.get("/results/2.0/2025.csv").status_code == 404
    assert "/results/2.0/2025" not in client.get("/results/").get_data(as_text=True)


def test_only_the_current_run_is_shown(client, run, version, communities):
    newer = example_run(version, communities, periods=("2024",))

    assert client.get("/results/2.0/2023").status_code == 404
    assert index_public.ranking("2.0", "2024", "en").edition.run_id == newer.id


def test_unknown_version_is_not_found(client, run):
    for url in public_urls(version="9.9"):
        if url not in ("/results/", "/api/v1/results"):
            assert client.get(url).status_code == 404, url


def test_methodology_page_lists_every_indicator_of_the_version(client, run, version):
    page = client.get("/results/2.0/methodology").get_data(as_text=True)

    for indicator in version.document["pillars"]:
        assert f'id="node-{indicator["code"]}"' in page
    codes = re.findall(r'id="indicator-([a-z_]+)"', page)
    assert len(codes) == 21 and "waiting_time" in codes
    assert version.checksum in page
    assert "Confidential raw value" in page


def test_csv_download_parses_and_carries_version_and_licence(client, run, communities):
    response = client.get("/results/2.0/2024.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "ports-network-index_2.0_2024_CC-BY-4.0.csv" in response.headers["Content-Disposition"]
    assert response.headers["X-Methodology-Version"] == "2.0"
    assert response.headers["X-Licence"] == "CC BY 4.0"
    assert 'rel="license"' in response.headers["Link"]
    assert "/results/2.0/dictionary.csv" in response.headers["Link"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["community_slug"] for row in rows] == [c.slug for c in communities]


def test_dictionary_csv_download_explains_the_columns(client, run):
    response = client.get("/results/2.0/dictionary.csv")

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {"sheet", "column", "value", "description", "unit"} == set(rows[0])
    assert any(row["column"] == "rank_low" for row in rows)


def test_xlsx_download_parses_with_dictionary_version_and_licence(client, run):
    response = client.get("/results/2.0/2024.xlsx")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Results", "Scores", "Data dictionary", "About"]
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Methodology version"] == "2.0" and about["Licence"] == "CC BY 4.0"
    assert len(list(book["Data dictionary"].iter_rows())) > 30


def test_confidential_raw_value_never_leaves_on_a_public_page_or_download(client, run, member, other_member):
    for persona in (None, other_member, member):  # even the community's own member, on public pages
        if persona is not None:
            login_as(client, persona)
        for url in public_urls():
            response = client.get(url)
            assert response.status_code == 200, url
            text = body_text(response)
            assert not any(spelling in text for spelling in SECRET_SPELLINGS), url


@pytest.mark.parametrize("persona", ["member", "validator", "secretariat"])
def test_community_scorecard_shows_the_confidential_raw_value_to_members_and_secretariat(
    client, request, run, community, persona
):
    login_as(client, request.getfixturevalue(persona))

    response = client.get(f"/results/communities/{community.slug}/scorecard")

    assert response.status_code == 200
    assert "98,765.4321" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("other_member", 404),
        ("member", 200),
        ("coordinator", 200),
        ("focal_point", 200),
        ("validator", 200),
        ("secretariat", 200),
    ],
)
def test_scorecard_access_matrix(client, request, run, persona, status):
    if persona != "anonymous":
        login_as(client, request.getfixturevalue(persona))

    response = client.get("/results/communities/callao/scorecard")

    assert response.status_code == status
    assert ("98,765" in response.get_data(as_text=True)) == (status == 200)


def test_scorecard_picks_an_edition_and_refuses_unpublished_ones(client, run, community, member):
    login_as(client, member)

    page = client.get(f"/results/communities/{community.slug}/scorecard?version=2.0&period=2023")
    assert page.status_code == 200
    assert "Period 2023" in page.get_data(as_text=True)
    assert "98,765" not in page.get_data(as_text=True)  # the secret is the 2024 value
    assert client.get(f"/results/communities/{community.slug}/scorecard?period=2019").status_code == 404
    assert client.get("/results/communities/nowhere/scorecard").status_code == 404


def test_scorecard_without_results_says_so(client, community, member):
    login_as(client, member)

    response = client.get(f"/results/communities/{community.slug}/scorecard")

    assert response.status_code == 200
    assert "No published results for this community yet" in response.get_data(as_text=True)


def test_public_page_is_cacheable_for_anonymous_visitors_and_answers_304(client, run):
    first = client.get("/results/2.0/2024")
    assert "public" in first.headers["Cache-Control"] and "max-age=60" in first.headers["Cache-Control"]

    again = client.get("/results/2.0/2024", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_signed_in_results_pages_are_private(client, run, member):
    login_as(client, member)

    response = client.get("/results/2.0/2024")

    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


def test_navigation_links_to_results_and_community_page_to_its_scorecard(client, run, community, member):
    assert 'href="/results/"' in client.get("/").get_data(as_text=True)
    scorecard = f'href="/results/communities/{community.slug}/scorecard"'
    assert scorecard not in client.get(f"/communities/{community.slug}").get_data(as_text=True)

    login_as(client, member)

    assert scorecard in client.get(f"/communities/{community.slug}").get_data(as_text=True)


def test_published_submissions_appear_on_the_results_page_through_compute_run(client, version, communities):
    call = factories.DataCallFactory(methodology_version=version, period="2026", communities=communities)
    for position, community in enumerate(communities):
        submission = factories.SubmissionFactory(
            data_call=call, community=community, status=SubmissionStatus.PUBLISHED, accepted_at=utcnow()
        )
        values = indicator_values(version, 0.9 - 0.3 * position)
        values["waiting_time"] = SECRET if position == 0 else values["waiting_time"]
        db.session.add_all(
            SubmissionValue(submission=submission, indicator_code=c, value=v) for c, v in values.items()
        )
    db.session.commit()
    index_results.compute_run(None, version, "publish", draws=20)

    page = client.get("/results/2.0/2026").get_data(as_text=True)

    assert page.index(communities[0].name) < page.index(communities[1].name)
    assert "1 (1–" in page
    assert not any(spelling in page for spelling in SECRET_SPELLINGS)
    assert db.session.query(Submission).count() == 3
