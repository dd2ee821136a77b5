"""Scheduled work: one registry of jobs, run by `flask jobs run-due` (cron) or the in-process scheduler.

A job is claimed with a conditional UPDATE on its row, so cron and several processes never run it twice.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from ..extensions import db
from ..models import JobState
from ..models.base import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A named piece of periodic work and how often it is due."""

    name: str
    every: timedelta
    run: Callable[[], object]


def _send_outbox() -> object:
    from .mail import send_due  # imported late: keeps the registry importable without the mail stack

    return send_due()


def _send_digests() -> object:
    from .notifications import send_digests

    return send_digests()


def _expire_invitations() -> object:
    from .memberships import expire_invitations

    return expire_invitations()


def _remind_data_calls() -> object:
    from .data_call_notices import remind_due

    return remind_due()


def _remind_action_items() -> object:
    from .action_items import remind_due

    return remind_due()


def _index_materials() -> object:
    from .material_text import index_pending

    return index_pending()


def _remind_event_registrants() -> object:
    from .event_registrations import remind_due

    return remind_due()


def _remind_votes() -> object:
    from .committee_vote_notices import remind_due

    return remind_due()


def _close_votes() -> object:
    from .committee_async_votes import close_due

    return close_due()


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("mail.send_outbox", timedelta(minutes=1), _send_outbox),
        Job("notifications.send_digests", timedelta(days=1), _send_digests),
        Job("memberships.expire_invitations", timedelta(hours=1), _expire_invitations),
        Job("index.remind_data_calls", timedelta(hours=1), _remind_data_calls),
        Job("action_items.remind_due", timedelta(hours=1), _remind_action_items),
        Job("committees.remind_votes", timedelta(minutes=15), _remind_votes),
        # Every minute: a vote between sessions closes (and its result is told) soon after its deadline.
        Job("committees.close_votes", timedelta(minutes=1), _close_votes),
        Job("materials.index_text", timedelta(minutes=1), _index_materials),
        Job("events.remind_registrants", timedelta(hours=1), _remind_event_registrants),
    )
}


def register(job: Job) -> None:
    """Add a job from a later feature (reminders, data-call deadlines ...)."""
    JOBS[job.name] = job


def _claim(job: Job, now: datetime) -> bool:
    """Atomically mark the job started if it is due; False when another runner has it or it is not due."""
    if db.session.get(JobState, job.name) is None:
        db.session.add(JobState(name=job.name))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
    claimed = db.session.execute(
        sa.update(JobState)
        .where(
            JobState.name == job.name,
            sa.or_(JobState.last_started_at.is_(None), JobState.last_started_at <= now - job.every),
        )
        .values(last_started_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run_job(job: Job, now: datetime | None = None) -> bool:
    """Run one job if it is due; a failing job is logged and recorded, and the others still run."""
    now = now or utcnow()
    if not _claim(job, now):
        return False
    error = None
    try:
        job.run()
    except Exception as exc:  # one failing job must not stop the others
        db.session.rollback()
        error = f"{type(exc).__name__}: {exc}"
        logger.exception("job %s failed", job.name)
    db.session.execute(
        sa.update(JobState)
        .where(JobState.name == job.name)
        .values(last_finished_at=utcnow(), last_error=error)
    )
    db.session.commit()
    return True


def run_due(now: datetime | None = None) -> list[str]:
    """Run every due job; returns the names of those that ran."""
    return [job.name for job in list(JOBS.values()) if run_job(job, now)]


@dataclass(frozen=True)
class JobStatus:
    """One registered job with its interval and the outcome of its last run, for `flask jobs list`."""

    name: str
    every: timedelta
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_error: str | None


def status() -> list[JobStatus]:
    """Every registered job, with when it last ran and how that went (never-run jobs included)."""
    states = {state.name: state for state in db.session.scalars(sa.select(JobState))}
    result = []
    for job in sorted(JOBS.values(), key=lambda j: j.name):
        state = states.get(job.name)
        result.append(
            JobStatus(
                job.name,
                job.every,
                state.last_started_at if state else None,
                state.last_finished_at if state else None,
                state.last_error if state else None,
            )
        )
    return result


def start_in_process_scheduler(app: Flask) -> threading.Thread:
    """Call run_due every SCHEDULER_INTERVAL_SECONDS from a daemon thread (embedded default only)."""
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            with app.app_context():
                try:
                    run_due()
                except Exception:  # e.g. the schema is not created yet; try again later
                    logger.exception("scheduled jobs failed")
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="ports-network-scheduler", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
