"""Downloads of published index results: the ranking as CSV, a workbook (XLSX) with the per-indicator
scores, a data dictionary and the edition's provenance, and the data dictionary as CSV.

Published under CC BY 4.0. Like the public pages, the files carry scores and raw values of NON-confidential
indicators only: a confidential indicator's value column is left empty (checked against both the stored
flag and the methodology). The CSV has no comment lines (they break parsers): its version, checksum and
licence travel in the file name and the HTTP headers, its dictionary in a separate CSV.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook

from ..extensions import db
from ..index_engine import Methodology, Node, localized
from ..index_engine.methodology import node_kind, walk
from ..models import PortCommunity, StoredScore
from ..models.base import utcnow
from . import index_public, methodologies
from .index_public import Ranking

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Latin American and Caribbean Network of Digital and Collaborative Ports / SELA"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_COLUMNS = (
    "rank",
    "rank_low",
    "rank_high",
    "median_rank",
    "community",
    "community_slug",
    "country",
    "composite",
    "status",
)
SCORE_COLUMNS = (
    "community_slug",
    "community",
    "code",
    "kind",
    "parent",
    "value",
    "score",
    "coverage",
    "status",
    "confidential",
)
DICTIONARY_COLUMNS = ("sheet", "column", "value", "description", "unit")


@dataclass(frozen=True)
class Download:
    """A file ready to send, with what the HTTP headers say about it."""

    filename: str
    mimetype: str
    content: bytes
    version: str
    checksum: str
    run_id: int


def file_stem(version: str, period: str | None = None) -> str:
    """The common part of the file names: network, version, period and licence, safe in any file system."""
    parts = ["ports-network-index", version, *([period] if period else []), "CC-BY-4.0"]
    return "_".join(part.replace("/", "-").replace(" ", "-") for part in parts)


def pillar_column(code: str) -> str:
    """The Results column of a pillar's score."""
    return f"pillar_{code}"


def _result_rows(ranking: Ranking) -> list[list]:
    return [
        [
            row.rank,
            row.rank_low,
            row.rank_high,
            row.median_rank,
            row.name,
            row.slug,
            row.country,
            row.composite,
            row.status,
            *row.pillars,
        ]
        for row in ranking.rows
    ]


def _result_header(ranking: Ranking) -> list[str]:
    return [*RESULT_COLUMNS, *(pillar_column(p.code) for p in ranking.pillars)]


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def results_csv(version: str, period: str, locale: str) -> Download | None:
    """The edition's ranking (one row per community) as CSV, or None when it is not published."""
    ranking = index_public.ranking(version, period, locale)
    if ranking is None:
        return None
    content = _csv_bytes(_result_header(ranking), _result_rows(ranking))
    return Download(
        f"{file_stem(version, period)}.csv",
        CSV_TYPE,
        content,
        version,
        ranking.checksum,
        ranking.edition.run_id,
    )


def _describe(sheet: str, column: str, description: str, unit: str = "") -> list[str]:
    return [sheet, column, "", description, unit]


def _column_rows(pillars: Sequence[index_public.PillarHeading]) -> list[list[str]]:
    results = [
        _describe("Results", "rank", _("Rank on the composite index (1 = best; equal scores share a rank)")),
        _describe("Results", "rank_low", _("Best end of the 5–95 % Monte-Carlo rank interval")),
        _describe("Results", "rank_high", _("Worst end of the 5–95 % Monte-Carlo rank interval")),
        _describe("Results", "median_rank", _("Median rank over the Monte-Carlo draws")),
        _describe("Results", "community", _("Name of the port logistics community")),
        _describe("Results", "community_slug", _("Stable identifier of the community in the platform")),
        _describe("Results", "country", _("Country of the community")),
        _describe("Results", "composite", _("Composite index score"), "0–100"),
        _describe("Results", "status", _("ranked, or not_computed when too few indicators were reported")),
        *(
            _describe(
                "Results", pillar_column(p.code), _("Score of the pillar: %(name)s", name=p.name), "0–100"
            )
            for p in pillars
        ),
    ]
    scores = [
        _describe("Scores", "community_slug", _("Stable identifier of the community in the platform")),
        _describe("Scores", "community", _("Name of the port logistics community")),
        _describe("Scores", "code", _("Indicator or node code (listed below)")),
        _describe("Scores", "kind", _("index, pillar, sub_pillar or indicator")),
        _describe("Scores", "parent", _("Code of the node the row belongs to")),
        _describe(
            "Scores", "value", _("Raw value as reported; empty for confidential indicators"), _("see unit")
        ),
        _describe("Scores", "score", _("Score"), "0–100"),
        _describe("Scores", "coverage", _("Share of the node's components that have a score"), "0–1"),
        _describe("Scores", "status", _("scored or missing (indicators); complete, partial or not_computed")),
        _describe("Scores", "confidential", _("true when the raw value is confidential and left out")),
    ]
    return results + scores


def _code_rows(methodology: Methodology, locale: str) -> list[list[str]]:
    rows = []
    for item, depth in walk(methodology.root):
        name = localized(item.name, locale, methodology.locales)
        if isinstance(item, Node):
            rows.append(["Scores", "code", item.code, f"{node_kind(depth)}: {name}", "0–100"])
        else:
            secret = f" ({_('confidential: value left out')})" if item.confidential else ""
            rows.append(["Scores", "code", item.code, f"indicator: {name}{secret}", item.unit])
    return rows


def dictionary_rows(methodology: Methodology, locale: str) -> list[list[str]]:
    """Every column of the Results and Scores tables and every code, explained; the header row first."""
    pillars = index_public.pillar_headings(methodology, locale)
    return [list(DICTIONARY_COLUMNS), *_column_rows(pillars), *_code_rows(methodology, locale)]


def dictionary_csv(version: str, locale: str) -> Download | None:
    """The data dictionary of a published version as CSV, or None."""
    found = index_public.current_run(version)
    if found is None:
        return None
    run, version_row = found
    rows = dictionary_rows(methodologies.load_engine_methodology(version_row), locale)
    content = _csv_bytes(rows[0], rows[1:])
    return Download(
        f"{file_stem(version)}_dictionary.csv", CSV_TYPE, content, version, version_row.checksum, run.id
    )


def _score_rows(run_id: int, period: str, confidential: set[str]) -> list[list]:
    """Every stored score of the period, raw values of confidential indicators left out."""
    rows = db.session.execute(
        sa.select(
            PortCommunity.slug,
            PortCommunity.name,
            StoredScore.code,
            StoredScore.kind,
            StoredScore.parent,
            StoredScore.value,
            StoredScore.score,
            StoredScore.coverage,
            StoredScore.status,
            StoredScore.confidential,
        )
        .join(PortCommunity, PortCommunity.id == StoredScore.community_id)
        .where(StoredScore.run_id == run_id, StoredScore.period == period)
        .order_by(PortCommunity.name, StoredScore.id)
    )
    out = []
    for slug, name, code, kind, parent, value, score, coverage, status, flagged in rows:
        hidden = bool(flagged) or code in confidential
        out.append(
            [slug, name, code, kind, parent, None if hidden else value, score, coverage, status, hidden]
        )
    return out


def about_rows(ranking: Ranking) -> list[list]:
    """The edition's provenance: methodology version and checksum, run, period, licence and attribution."""
    edition = ranking.edition
    return [
        [_("Title"), ranking.title],
        [_("Methodology version"), edition.version],
        [_("Methodology checksum (sha256)"), ranking.checksum],
        [_("Period"), edition.period],
        [_("Results computed at (UTC)"), edition.computed_at.isoformat()],
        [_("Score run"), edition.run_id],
        [_("Monte-Carlo draws behind the rank intervals"), ranking.draws],
        [_("Licence"), LICENCE],
        [_("Licence text"), LICENCE_URL],
        [_("Attribution"), ATTRIBUTION],
        [
            _("Confidential values"),
            _("Raw values of confidential indicators are left out; their scores are in."),
        ],
        [_("File generated at (UTC)"), utcnow().isoformat()],
    ]


def _workbook(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_xlsx(version: str, period: str, locale: str) -> Download | None:
    """The edition as a workbook: Results, Scores, Data dictionary, About; None when not published."""
    ranking = index_public.ranking(version, period, locale)
    if ranking is None:
        return None
    methodology = methodologies.load_engine_methodology(methodologies.get(version))
    confidential = {indicator.code for indicator in methodology.indicators if indicator.confidential}
    dictionary = dictionary_rows(methodology, locale)
    content = _workbook(
        [
            ("Results", _result_header(ranking), _result_rows(ranking)),
            ("Scores", SCORE_COLUMNS, _score_rows(ranking.edition.run_id, period, confidential)),
            ("Data dictionary", dictionary[0], dictionary[1:]),
            ("About", [_("Field"), _("Value")], about_rows(ranking)),
        ]
    )
    filename = f"{file_stem(version, period)}.xlsx"
    return Download(filename, XLSX_TYPE, content, version, ranking.checksum, ranking.edition.run_id)
