"""Computing and storing the Competitiveness Index: published values in, a stored score run out.

A run scores every published period under one methodology version and stores indicator and node scores,
ranks with their Monte-Carlo intervals, and network and peer-group medians, so pages read stored rows
instead of running the engine per request. Runs are never changed or deleted: publishing or recomputing
adds a run, and the newest run of a version is its current one.

Which values a run uses: every PUBLISHED submission of any data call, restricted to the indicator codes
of the run's version; when the same (community, period, code) was published more than once (a period
asked again under a newer version), the value of the newest accepted submission wins. A value left empty
("not reported") never replaces a reported one.

Loading is one SQL query (no ORM object per row) and storing is three executemany inserts, committed once.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..index_engine import Methodology, Results, compute
from ..index_engine.rows import median_columns, rank_columns, score_columns, values_frame
from ..index_engine.uncertainty import RankUncertainty, rank_uncertainty
from ..models import (
    CommunityRole,
    DataCall,
    Membership,
    MembershipStatus,
    MethodologyVersion,
    PeerGroup,
    PortCommunity,
    ScoreRun,
    StoredMedian,
    StoredRank,
    StoredScore,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    User,
    peer_group_member,
)
from ..models.base import utcnow
from . import audit, methodologies, notifications

logger = logging.getLogger(__name__)

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20140101  # 1 January of the Network's founding year; any fixed seed is reproducible
REPORTER_ROLES = (CommunityRole.COORDINATOR, CommunityRole.FOCAL_POINT)


def _check(actor: User | None, action: str, obj: Any = None) -> None:
    """The Secretariat acts on the web; None is the system (the `flask index` commands), always allowed."""
    if actor is not None and not security.can(actor, action, obj):
        raise NotAllowed(_("Only the Technical Secretariat can publish or recompute the index."))


def _version_row(version: str | MethodologyVersion) -> MethodologyVersion:
    return version if isinstance(version, MethodologyVersion) else methodologies.get(version)


def _value_query(codes: Sequence[str]) -> sa.Select:
    """(community, period, code, value) of published submissions, the newest accepted submission last."""
    return (
        sa.select(
            Submission.community_id, DataCall.period, SubmissionValue.indicator_code, SubmissionValue.value
        )
        .select_from(SubmissionValue)
        .join(Submission, Submission.id == SubmissionValue.submission_id)
        .join(DataCall, DataCall.id == Submission.data_call_id)
        .where(
            Submission.status == SubmissionStatus.PUBLISHED,
            SubmissionValue.value.is_not(None),
            SubmissionValue.indicator_code.in_(list(codes)),
        )
        .order_by(Submission.accepted_at, Submission.id)
    )


def published_values(version: str | MethodologyVersion) -> Any:
    """The engine's long table (community id, period, indicator, value) of published values of a version.

    One query through the session's connection (so values published in the current transaction count).
    """
    methodology = methodologies.load_engine_methodology(_version_row(version))
    codes = [indicator.code for indicator in methodology.indicators]
    db.session.flush()
    result = db.session.connection().execute(_value_query(codes))
    try:
        # The DB-API's plain tuples: building a SQLAlchemy Row per value would double the load time.
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return values_frame(rows)


def peer_group_map() -> dict[int, str]:
    """{community id: peer-group code} of every community in a peer group."""
    rows = db.session.execute(
        sa.select(peer_group_member.c.community_id, PeerGroup.code).join(
            PeerGroup, PeerGroup.id == peer_group_member.c.peer_group_id
        )
    )
    return dict(rows.all())


def evaluate(
    methodology: Methodology, values: Any, peer_groups: dict[Any, str] | None, *, draws: int, seed: int
) -> tuple[Results, RankUncertainty | None]:
    """The engine's scores and medians, and the Monte-Carlo rank intervals (none when draws is 0).

    The one path from values to results for stored runs and for `flask index compute` on files.
    """
    results = compute(methodology, values, peer_groups)
    uncertainty = rank_uncertainty(methodology, values, draws=draws, seed=seed) if draws else None
    return results, uncertainty


def score_runs(
    methodology: Methodology, values: Any, *, draws: int, seed: int
) -> tuple[Results, RankUncertainty | None]:
    """`evaluate` with the stored peer groups: what a run computes before it is stored."""
    return evaluate(methodology, values, peer_group_map(), draws=draws, seed=seed)


def _insert(table: sa.Table, columns: dict[str, list[Any]], run_id: int, renamed: dict[str, str]) -> None:
    """One executemany INSERT of plain tuples: a dict or ORM object per row would triple the store time."""
    if not columns or not next(iter(columns.values())):
        return
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    names = ["run_id", *(renamed.get(name, name) for name in columns)]
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    connection.exec_driver_sql(sql, list(zip(repeat(run_id), *columns.values())))


def store_results(run: ScoreRun, results: Results, uncertainty: RankUncertainty | None) -> None:
    """Insert a run's scores, ranks and medians (three executemany inserts, no ORM object per row)."""
    community = {"community": "community_id"}
    _insert(StoredScore.__table__, score_columns(results), run.id, community)
    _insert(StoredRank.__table__, rank_columns(results, uncertainty), run.id, community)
    _insert(StoredMedian.__table__, median_columns(results), run.id, {"group": "peer_group_code"})


def compute_run(
    actor: User | None,
    version: str | MethodologyVersion,
    reason: str,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> ScoreRun:
    """Score every published period of a frozen version, store the run and commit once.

    The callers (`publish`, `recompute_history`, the commands) authorise; `draws=0` skips the
    Monte-Carlo intervals. DomainError when the version is a draft or nothing is published for it.
    """
    started = time.perf_counter()
    row = _version_row(version)
    if not row.is_frozen:
        raise DomainError(_("Methodology %(version)s is a draft: freeze it first.", version=row.version))
    values = published_values(row)
    if values.empty:
        raise DomainError(_("Nothing is published yet for methodology %(version)s.", version=row.version))
    methodology = methodologies.load_engine_methodology(row)
    results, uncertainty = score_runs(methodology, values, draws=draws, seed=seed)
    periods = sorted({str(period) for period in results.raw.index.get_level_values("period")})
    run = ScoreRun(
        methodology_version_id=row.id,
        reason=reason,
        created_by_id=_actor_id(actor),
        draws=draws,
        seed=seed,
        periods=periods,
    )
    db.session.add(run)
    db.session.flush()  # the stored rows need the run's id
    store_results(run, results, uncertainty)
    run.duration_ms = round((time.perf_counter() - started) * 1000)
    audit.record(
        actor, "index.compute", run, new={"version": row.version, "reason": reason, "periods": periods}
    )
    db.session.commit()
    logger.info(
        "index %s computed (%s): %d periods in %d ms", row.version, reason, len(periods), run.duration_ms
    )
    return run


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None


def current_run(version: str | MethodologyVersion) -> ScoreRun | None:
    """The newest run of a methodology version (what the public pages show), or None."""
    return next(iter(runs(version, limit=1)), None)


def runs(version: str | MethodologyVersion, limit: int | None = None) -> list[ScoreRun]:
    """The runs of a methodology version, newest first, with who started them loaded."""
    row = _version_row(version)
    query = (
        sa.select(ScoreRun)
        .where(ScoreRun.methodology_version_id == row.id)
        .options(sa.orm.joinedload(ScoreRun.created_by))
        .order_by(ScoreRun.id.desc())  # ids grow with time; the newest run is the current one
        .limit(limit)
    )
    return list(db.session.scalars(query))


def accepted_submissions(call: DataCall) -> list[Submission]:
    """The call's accepted submissions (waiting to be published), with their communities, by name."""
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(Submission.data_call_id == call.id, Submission.status == SubmissionStatus.ACCEPTED)
            .join(PortCommunity, PortCommunity.id == Submission.community_id)
            .options(sa.orm.contains_eager(Submission.community))
            .order_by(PortCommunity.name)
        )
    )


def _reporters(community_ids: set[int]) -> list[tuple[int, User]]:
    """(community id, person) of the active coordinators and focal points of the communities."""
    rows = db.session.execute(
        sa.select(Membership.community_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id.in_(community_ids),
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role.in_(REPORTER_ROLES),
        )
    )
    return [(community_id, user) for community_id, user in rows]


def _mark_published(actor: User | None, submissions: list[Submission]) -> None:
    now = utcnow()
    for submission in submissions:
        submission.status, submission.published_at = SubmissionStatus.PUBLISHED, now
        audit.record(
            actor,
            "submission.publish",
            submission,
            old={"status": SubmissionStatus.ACCEPTED},
            new={"status": SubmissionStatus.PUBLISHED},
            community=submission.community,
        )


def publish(actor: User | None, call: DataCall) -> ScoreRun:
    """Publish every accepted submission of a data call, notify the reporters, and compute a run.

    One transaction: when the run cannot be computed nothing is published. DomainError when the call
    has no accepted submission.
    """
    _check(actor, "index.publish", call)
    submissions = accepted_submissions(call)
    if not submissions:
        raise DomainError(_("No submission of this data call is accepted: there is nothing to publish."))
    _mark_published(actor, submissions)
    names = {submission.community_id: submission.community.name for submission in submissions}
    for community_id, person in _reporters(set(names)):
        params = {"community": names[community_id], "period": call.period, "title": call.title}
        notifications.notify(person, "index.results_published", params)
    try:
        return compute_run(actor, call.methodology_version, "publish")
    except DomainError:
        db.session.rollback()
        raise


def recompute_history(actor: User | None, version: str | MethodologyVersion) -> ScoreRun:
    """Score the whole published history under a (frozen) version; earlier runs stay as they were."""
    _check(actor, "index.recompute", version)
    try:
        return compute_run(actor, version, "recompute")
    except DomainError:
        db.session.rollback()
        raise


@dataclass(frozen=True)
class VersionRuns:
    """A methodology version and its runs, newest first."""

    version: MethodologyVersion
    runs: list[ScoreRun]


@dataclass(frozen=True)
class CallToPublish:
    """A data call with accepted submissions waiting to be published."""

    call: DataCall
    accepted: int
    published: int


def publication_overview() -> tuple[list[VersionRuns], list[CallToPublish]]:
    """What the Secretariat's publication page shows: every version with its runs, and the calls
    that have accepted submissions (who started each run and each call's version loaded)."""
    by_version: dict[int, list[ScoreRun]] = defaultdict(list)
    for run in db.session.scalars(
        sa.select(ScoreRun).options(sa.orm.joinedload(ScoreRun.created_by)).order_by(ScoreRun.id.desc())
    ):
        by_version[run.methodology_version_id].append(run)
    versions = [VersionRuns(row, by_version[row.id]) for row in methodologies.all_versions()]
    counts: dict[int, dict[SubmissionStatus, int]] = defaultdict(dict)
    for call_id, status, number in db.session.execute(
        sa.select(Submission.data_call_id, Submission.status, sa.func.count(Submission.id))
        .where(Submission.status.in_([SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED]))
        .group_by(Submission.data_call_id, Submission.status)
    ):
        counts[call_id][status] = number
    waiting = [call_id for call_id, by_status in counts.items() if by_status.get(SubmissionStatus.ACCEPTED)]
    calls = db.session.scalars(
        sa.select(DataCall)
        .where(DataCall.id.in_(waiting))
        .options(sa.orm.joinedload(DataCall.methodology_version))
        .order_by(DataCall.period.desc(), DataCall.id.desc())
    )
    return versions, [
        CallToPublish(
            call,
            counts[call.id][SubmissionStatus.ACCEPTED],
            counts[call.id].get(SubmissionStatus.PUBLISHED, 0),
        )
        for call in calls
    ]
