"""Data calls of the Competitiveness Index: the Secretariat opens, changes, closes and reopens them.

Who is told, and the reminders before the deadline, live in `data_call_notices` (`remind_due` is the job).
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..models import (
    CommunityStatus,
    Country,
    DataCall,
    DataCallStatus,
    MethodologyStatus,
    MethodologyVersion,
    PortCommunity,
    Submission,
    SubmissionStatus,
    User,
)
from ..models.base import utcnow
from . import audit, data_call_notices, portal
from .changes import commit_unique, taken_by_another
from .data_call_notices import remind_due  # noqa: F401 - the reminders job is part of this interface
from .text_input import one_line

logger = logging.getLogger(__name__)

MAX_TITLE = 200
PERIOD = re.compile(r"(\d{4})(?:-Q([1-4]))?")
FIRST_YEAR = 1900


# --- reading ------------------------------------------------------------------------------------------


def get(call_id: int) -> DataCall | None:
    """The data call with this id, with its methodology version and communities loaded."""
    return db.session.scalar(
        sa.select(DataCall)
        .where(DataCall.id == call_id)
        .options(sa.orm.joinedload(DataCall.methodology_version), sa.orm.selectinload(DataCall.communities))
    )


def calls_for(user: User) -> list[DataCall]:
    """The data calls the person may see (the Secretariat: all), newest first."""
    return list(
        db.session.scalars(
            sa.select(DataCall)
            .where(security.data_calls_visible_to(user))
            .options(
                sa.orm.joinedload(DataCall.methodology_version), sa.orm.selectinload(DataCall.communities)
            )
            .order_by(DataCall.created_at.desc(), DataCall.id.desc())
        )
    )


def frozen_versions() -> list[MethodologyVersion]:
    """The methodology versions a call may use (frozen ones), newest first."""
    return list(
        db.session.scalars(
            sa.select(MethodologyVersion)
            .where(MethodologyVersion.status == MethodologyStatus.FROZEN)
            .order_by(MethodologyVersion.id.desc())
        )
    )


def find_version(version_id: int | None) -> MethodologyVersion | None:
    """A methodology version by id (None when there is none)."""
    return db.session.get(MethodologyVersion, version_id) if version_id else None


def find_communities(community_ids: Iterable[int]) -> list[PortCommunity]:
    """The communities with these ids, by name."""
    ids = set(community_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(PortCommunity).where(PortCommunity.id.in_(ids)).order_by(PortCommunity.name)
        )
    )


def community_groups(locale: str, keep: Iterable[int] = ()) -> list[tuple[Country, list[PortCommunity]]]:
    """Communities a call may name (live ones and those in `keep`), grouped by country (`locale` order)."""
    kept = set(keep)
    rows = db.session.scalars(
        sa.select(PortCommunity)
        .where(sa.or_(PortCommunity.status != CommunityStatus.ARCHIVED, PortCommunity.id.in_(kept)))
        .options(sa.orm.joinedload(PortCommunity.country))
        .order_by(PortCommunity.name)
    )
    return portal.group_by_country(rows, locale)


def days_left(call: DataCall, now: datetime | None = None) -> int:
    """Whole days until the deadline (0 in its last day, negative once it has passed)."""
    return (call.deadline - (now or utcnow())) // timedelta(days=1)


@dataclass(frozen=True)
class CommunityProgress:
    """One named community's answer to a call, ready for the call's page."""

    community: PortCommunity
    status: SubmissionStatus | None
    status_label: str
    last_change: datetime | None
    submission: Submission | None


def call_overview(call: DataCall) -> list[CommunityProgress]:
    """Each named community with its submission's status ("Not started" without one) and last change."""
    submissions = {
        submission.community_id: submission
        for submission in db.session.scalars(sa.select(Submission).where(Submission.data_call_id == call.id))
    }
    rows = []
    for community in call.communities:
        submission = submissions.get(community.id)
        if submission is None:
            rows.append(CommunityProgress(community, None, _("Not started"), None, None))
            continue
        rows.append(
            CommunityProgress(
                community, submission.status, label(submission.status), submission.updated_at, submission
            )
        )
    return rows


# --- rules --------------------------------------------------------------------------------------------


def clean_period(raw: str | None) -> str:
    """A period as stored: a year ("2025") or a quarter ("2025-Q2")."""
    period = (raw or "").strip().upper()
    match = PERIOD.fullmatch(period)
    if match is None or int(match.group(1)) < FIRST_YEAR:
        raise DomainError(
            _("Enter the period as a year (2025) or a quarter of a year (2025-Q2)."), field="period"
        )
    return period


def _clean_title(raw: str | None) -> str:
    title = one_line(raw)
    if not title:
        raise DomainError(_("Give the data call a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("The title is too long (200 characters at most)."), field="title")
    return title


def _clean_deadline(deadline: datetime) -> datetime:
    if deadline.tzinfo is None:
        raise ValueError("the deadline must be an aware datetime")
    if deadline <= utcnow():
        raise DomainError(_("The deadline must be in the future."), field="deadline")
    return deadline


def _clean_communities(communities: Iterable[PortCommunity], keep: Iterable[int] = ()) -> list[PortCommunity]:
    """At least one community, each once; archived ones only where the call already named them."""
    unique = list({community.id: community for community in communities}.values())
    if not unique:
        raise DomainError(_("Choose at least one community."), field="communities")
    kept = set(keep)
    for community in unique:
        if community.is_archived and community.id not in kept:
            raise DomainError(
                _("%(community)s is archived and cannot be asked for data.", community=community.name),
                field="communities",
            )
    return sorted(unique, key=lambda community: community.name)


def _check_version(version: MethodologyVersion | None) -> MethodologyVersion:
    if version is None or not version.is_frozen:
        raise DomainError(_("Choose a frozen methodology version."), field="version")
    return version


def _duplicate() -> DomainError:
    return DomainError(
        _("There is already a data call for this period and methodology version."), field="period"
    )


def _require_manager(actor: User) -> None:
    if not security.can(actor, "data_calls.manage"):
        raise NotAllowed(_("Only the Technical Secretariat manages data calls."))


# --- changes ------------------------------------------------------------------------------------------


def open_call(  # noqa: PLR0917 - the positional interface the other index features code against
    actor: User,
    version: MethodologyVersion | None,
    period: str,
    title: str,
    deadline: datetime,
    communities: list[PortCommunity],
) -> DataCall:
    """Open a call for a period under a frozen methodology version; the communities' reporters are told."""
    _require_manager(actor)
    version = _check_version(version)
    period = clean_period(period)
    title, deadline = _clean_title(title), _clean_deadline(deadline)
    named = _clean_communities(communities)
    if taken_by_another(
        DataCall, None, DataCall.methodology_version_id == version.id, DataCall.period == period
    ):
        raise _duplicate()
    call = DataCall(
        methodology_version=version,
        period=period,
        title=title,
        deadline=deadline,
        communities=named,
        status=DataCallStatus.OPEN,
        created_by_id=actor.id,
    )
    db.session.add(call)
    db.session.flush()
    audit.record(actor, "data_call.open", call, new=_snapshot(call))
    data_call_notices.notify_reporters(call, call.communities, "index.data_call_opened")
    commit_unique(_duplicate)
    logger.info("data call %s opened for %d communities", call.id, len(call.communities))
    return call


def _snapshot(call: DataCall) -> dict[str, object]:
    return {
        "title": call.title,
        "period": call.period,
        "methodology_version": call.methodology_version.version,
        "deadline": call.deadline,
        "communities": [community.name for community in call.communities],
    }


def _check_removals(call: DataCall, removed: set[int]) -> None:
    """A community that has started its submission stays in the call, or its work would be orphaned."""
    started = db.session.scalars(
        sa.select(PortCommunity.name)
        .join(Submission, Submission.community_id == PortCommunity.id)
        .where(Submission.data_call_id == call.id, PortCommunity.id.in_(removed))
        .order_by(PortCommunity.name)
    ).all()
    if started:
        raise DomainError(
            _(
                "%(communities)s already started a submission and cannot be removed from the call.",
                communities=", ".join(started),
            ),
            field="communities",
        )


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def update_call(
    actor: User, call: DataCall, title: str, deadline: datetime, communities: list[PortCommunity]
) -> DataCall:
    """Change a call's title, deadline or communities; communities added are told as when it opened."""
    _require_manager(actor)
    before = _snapshot(call)
    title = _clean_title(title)
    # Forms give minutes: the same minute is the same deadline (and a past one may then stay as it is).
    moved = _to_minute(deadline) != _to_minute(call.deadline)
    deadline = _clean_deadline(deadline) if moved else call.deadline
    current = {community.id for community in call.communities}
    chosen = _clean_communities(communities, keep=current)
    _check_removals(call, current - {community.id for community in chosen})
    added = [community for community in chosen if community.id not in current]
    call.title, call.deadline, call.communities = title, deadline, chosen
    if moved:
        call.reminded_days = None  # reminders count from the new deadline
    after = _snapshot(call)
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        old = {key: before[key] for key in changed}
        audit.record(actor, "data_call.update", call, old=old, new={key: after[key] for key in changed})
    if call.status == DataCallStatus.OPEN:
        data_call_notices.notify_reporters(call, added, "index.data_call_opened")
    db.session.commit()
    return call


def _set_status(actor: User, call: DataCall, status: DataCallStatus, action: str) -> DataCall:
    _require_manager(actor)
    if call.status == status:
        raise DomainError(
            _("The data call is already open.")
            if status == DataCallStatus.OPEN
            else _("The data call is already closed.")
        )
    audit.record(actor, action, call, old={"status": call.status}, new={"status": status})
    call.status = status
    db.session.commit()
    return call


def close_call(actor: User, call: DataCall) -> DataCall:
    """Close a call: it takes no more submissions (those made keep their state)."""
    return _set_status(actor, call, DataCallStatus.CLOSED, "data_call.close")


def reopen_call(actor: User, call: DataCall) -> DataCall:
    """Open a closed call again."""
    return _set_status(actor, call, DataCallStatus.OPEN, "data_call.reopen")
