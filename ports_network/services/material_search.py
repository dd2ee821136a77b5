"""Finding materials: the library's list and search with filters (kind, language, community, body and its
sessions, event and its sessions, year), over only what the person may see (`materials_visible_to`). Words
match, accents or not, as prefixes in titles, tags, authors, descriptions and the text of the files:
SQLite's FTS5 index by default, PostgreSQL's full-text search on PostgreSQL.
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from .. import security
from ..extensions import db
from ..models import Material, MaterialText, MaterialVariant, User
from ..models.material import FTS_TABLE
from .material_text import SIMPLE_CONFIG, query_words

PAGE_SIZE = 20
# Relative weight of a word found in the heading (title, tags, authors), the description, the file's text.
FTS_WEIGHTS = (10.0, 4.0, 1.0)


@dataclass(frozen=True)
class LibraryQuery:
    """What a person looks for; empty criteria do not narrow the list."""

    words: str = ""
    kind: str | None = None
    language: str | None = None
    community_id: int | None = None
    body_id: int | None = None
    committee_session_id: int | None = None
    event_id: int | None = None
    event_session_id: int | None = None
    year: int | None = None
    page: int = 1


def _filters(query: LibraryQuery) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if query.kind:
        conditions.append(Material.kind == query.kind)
    if query.language:
        in_language = sa.select(MaterialVariant.material_id).where(MaterialVariant.language == query.language)
        conditions.append(Material.id.in_(in_language))
    for name in ("community_id", "body_id", "committee_session_id", "event_id", "event_session_id"):
        if value := getattr(query, name):
            conditions.append(getattr(Material, name) == value)
    if query.year:
        conditions.append(Material.issued_on >= date(query.year, 1, 1))
        conditions.append(Material.issued_on < date(query.year + 1, 1, 1))
    return conditions


def _sqlite_hits(words: list[str], language: str | None) -> sa.Subquery:
    """(material_id, score) of the materials whose variants match every word; lower scores are better."""
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    match = " AND ".join(f'"{word}"*' for word in words)  # words are letters and digits only
    rows = (
        sa.select(
            MaterialVariant.material_id,
            sa.func.bm25(sa.literal_column(FTS_TABLE), *FTS_WEIGHTS).label("score"),
        )
        .select_from(fts)
        .join(MaterialVariant, MaterialVariant.id == fts.c.rowid)
        .where(sa.literal_column(FTS_TABLE).op("MATCH")(match))
    )
    if language:
        rows = rows.where(MaterialVariant.language == language)
    # FTS5 computes bm25() only in the query that matches: a materialised CTE keeps SQLite from merging
    # it into the grouping query below ("unable to use function bm25 in the requested context").
    rows = rows.cte("fts_hits").prefix_with("MATERIALIZED")
    return (
        sa.select(rows.c.material_id, sa.func.min(rows.c.score).label("score"))
        .group_by(rows.c.material_id)
        .subquery()
    )


def _postgresql_hits(words: list[str], language: str | None) -> sa.Subquery:
    """(material_id, score) as on SQLite: matched on every word, ranked by the title and description (a
    match in the file's text alone ranks after them); scores negated so lower is better."""
    prefixes = " & ".join(f"{word}:*" for word in words)  # words are letters and digits only
    tsquery = sa.func.to_tsquery(SIMPLE_CONFIG, sa.cast(prefixes, sa.Text))
    rows = (
        sa.select(
            MaterialVariant.material_id,
            (-sa.func.ts_rank(MaterialText.rank_tsv, tsquery)).label("score"),
        )
        .join(MaterialVariant, MaterialVariant.id == MaterialText.variant_id)
        .where(MaterialText.tsv.op("@@")(tsquery))
    )
    if language:
        rows = rows.where(MaterialVariant.language == language)
    rows = rows.subquery()
    return (
        sa.select(rows.c.material_id, sa.func.min(rows.c.score).label("score"))
        .group_by(rows.c.material_id)
        .subquery()
    )


def _matching_ids(words: list[str], language: str | None) -> sa.Select:
    """The ids of the materials whose variants match every word, unranked (cheap: counting uses it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        prefixes = " & ".join(f"{word}:*" for word in words)
        tsquery = sa.func.to_tsquery(SIMPLE_CONFIG, sa.cast(prefixes, sa.Text))
        rows = sa.select(MaterialVariant.material_id).join(
            MaterialText, MaterialText.variant_id == MaterialVariant.id
        )
        rows = rows.where(MaterialText.tsv.op("@@")(tsquery))
    else:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        match = " AND ".join(f'"{word}"*' for word in words)
        rows = sa.select(MaterialVariant.material_id).select_from(fts)
        rows = rows.join(MaterialVariant, MaterialVariant.id == fts.c.rowid)
        rows = rows.where(sa.literal_column(FTS_TABLE).op("MATCH")(match))
    return rows.where(MaterialVariant.language == language) if language else rows


@dataclass(frozen=True)
class Page:
    """One page of results and what the pagination links need."""

    items: list[Material]
    total: int
    page: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1


@contextmanager
def _index_plan() -> Iterator[None]:
    """On PostgreSQL, steer the search's own statements to the GIN index. The planner prices `tsv @@ query`
    as nearly free and, for a common word, scans the whole table, decompressing every document's vector
    (110 ms for 10,000 documents in bench_materials.py against 8 ms through the index)."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = on"))


def search(user: User, query: LibraryQuery) -> Page:
    """One page of the materials the person may see matching `query`: best matches first when words are
    given (counted without ranking, ranked only for the page), else the newest first."""
    conditions = [security.materials_visible_to(user), *_filters(query)]
    words = query_words(query.words)
    select = sa.select(Material).where(*conditions)
    if words:
        conditions.append(Material.id.in_(_matching_ids(words, query.language)))
        dialect = db.session.get_bind().dialect.name
        hits = (_postgresql_hits if dialect == "postgresql" else _sqlite_hits)(words, query.language)
        select = select.join(hits, hits.c.material_id == Material.id).order_by(
            hits.c.score, Material.id.desc()
        )
    else:
        select = select.order_by(Material.issued_on.desc(), Material.id.desc())
    page = max(query.page, 1)
    with _index_plan() if words else nullcontext():
        total = db.session.scalar(sa.select(sa.func.count(Material.id)).where(*conditions))
        items = db.session.scalars(
            select.options(sa.orm.selectinload(Material.variants).selectinload(MaterialVariant.versions))
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
    return Page(list(items), total or 0, page)


def years(user: User) -> list[int]:
    """The years of the materials the person may see, newest first (the year filter's choices)."""
    year = sa.extract("year", Material.issued_on)
    rows = db.session.scalars(
        sa.select(year).distinct().where(security.materials_visible_to(user)).order_by(year.desc())
    )
    return [int(value) for value in rows if value is not None]
