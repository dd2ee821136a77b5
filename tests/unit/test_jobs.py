"""Scheduled jobs: each due job runs once, failures are recorded, digests and the retrying mail sender."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Delivery, JobState, MailStatus, Notification, OutboxMail
from ports_network.models.base import utcnow
from ports_network.services import jobs, mail, notifications
from tests import factories


@pytest.fixture
def calls(monkeypatch):
    """Replace the registry with three test jobs (one failing) and record what ran."""
    ran: list[str] = []

    def work(name):
        return lambda: ran.append(name)

    def broken():
        ran.append("broken")
        raise RuntimeError("the index engine is down")

    monkeypatch.setattr(
        jobs,
        "JOBS",
        {
            "a.hourly": jobs.Job("a.hourly", timedelta(hours=1), work("a.hourly")),
            "b.broken": jobs.Job("b.broken", timedelta(hours=1), broken),
            "c.daily": jobs.Job("c.daily", timedelta(days=1), work("c.daily")),
        },
    )
    return ran


def test_run_due_runs_every_due_job_once(calls):
    assert jobs.run_due() == ["a.hourly", "b.broken", "c.daily"]
    assert calls == ["a.hourly", "broken", "c.daily"]


def test_a_second_run_right_after_runs_nothing(calls):
    jobs.run_due()
    calls.clear()
    assert jobs.run_due() == []
    assert calls == []


def test_jobs_run_again_when_their_interval_has_passed(calls):
    start = utcnow()
    jobs.run_due(start)
    calls.clear()
    assert jobs.run_due(start + timedelta(hours=1, seconds=1)) == ["a.hourly", "b.broken"]


def test_a_failing_job_records_its_error_and_the_others_still_run(calls):
    jobs.run_due()
    assert "c.daily" in calls
    broken = db.session.get(JobState, "b.broken")
    assert broken.last_error == "RuntimeError: the index engine is down"
    assert broken.last_finished_at is not None
    assert db.session.get(JobState, "a.hourly").last_error is None


def test_a_job_that_succeeds_again_clears_its_last_error(calls, monkeypatch):
    start = utcnow()
    jobs.run_due(start)
    monkeypatch.setitem(jobs.JOBS, "b.broken", jobs.Job("b.broken", timedelta(hours=1), lambda: None))
    jobs.run_due(start + timedelta(hours=2))
    db.session.expire_all()
    assert db.session.get(JobState, "b.broken").last_error is None


def test_claim_is_atomic_two_claims_at_the_same_time_cannot_both_win(calls):
    job, now = jobs.JOBS["a.hourly"], utcnow()
    assert jobs._claim(job, now) is True
    assert jobs._claim(job, now) is False


def test_claim_from_another_session_sees_the_first_claim(app, calls):
    from sqlalchemy.orm import Session

    job, now = jobs.JOBS["a.hourly"], utcnow()
    assert jobs._claim(job, now) is True
    with Session(db.engine) as other:
        claimed = other.execute(
            sa.update(JobState)
            .where(JobState.name == job.name, JobState.last_started_at <= now - job.every)
            .values(last_started_at=now)
        ).rowcount
        other.commit()
    assert claimed == 0


def test_status_lists_every_job_with_its_last_run(calls):
    jobs.run_due()
    listed = {status.name: status for status in jobs.status()}
    assert set(listed) == {"a.hourly", "b.broken", "c.daily"}
    assert listed["b.broken"].last_error.startswith("RuntimeError")
    assert listed["a.hourly"].every == timedelta(hours=1)


def test_status_shows_jobs_that_never_ran(calls):
    assert all(status.last_started_at is None for status in jobs.status())


def test_cli_lists_jobs_and_runs_due_ones(app, calls):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0
    assert "a.hourly" in result.output and "1h" in result.output and "never" in result.output
    result = runner.invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0
    assert "a.hourly, b.broken, c.daily" in result.output
    result = runner.invoke(args=["jobs", "list"])
    assert "RuntimeError: the index engine is down" in result.output
    assert "nothing due" in runner.invoke(args=["jobs", "run-due"]).output


# ------------------------------------------------------------------------------------------ digests


def test_digest_job_groups_notices_per_person_into_one_mail(app):
    ana = factories.UserFactory(email="ana@example.org", preferred_locale="en")
    ben = factories.UserFactory(email="ben@example.org", preferred_locale="en")
    for person in (ana, ben):
        notifications.set_preferences(
            person, {"join_decisions": Delivery.DIGEST, "memberships": Delivery.DIGEST}
        )
    notifications.notify(ana, "join_request.approved", {"community": "Callao"}, link="/communities/callao")
    notifications.notify(ana, "membership.removed", {"community": "Paita"})
    notifications.notify(ben, "membership.removed", {"community": "Manzanillo"})
    db.session.commit()

    assert jobs.run_job(jobs.JOBS["notifications.send_digests"]) is True

    sent = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMail))}
    assert set(sent) == {"ana@example.org", "ben@example.org"}
    assert "Welcome! Your request to join Callao was approved." in sent["ana@example.org"].body
    assert "You are no longer a member of Paita." in sent["ana@example.org"].body
    assert "http://localhost/communities/callao" in sent["ana@example.org"].body
    assert "Manzanillo" in sent["ben@example.org"].body and "Paita" not in sent["ben@example.org"].body
    assert not db.session.scalar(sa.select(sa.func.count()).where(Notification.digest_pending.is_(True)))
    assert notifications.send_digests() == 0


# ------------------------------------------------------------------------------------------ outbox


@pytest.fixture
def unreachable_server(monkeypatch):
    def refuse(message):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "_send_smtp", refuse)
    monkeypatch.setitem(mail.current_app.config, "MAIL_BACKEND", "smtp")


def queued() -> OutboxMail:
    message = mail.queue_mail("ana@example.org", "Minutes approved", "The minutes are locked.")
    db.session.commit()
    return message


def test_outbox_retries_with_growing_backoff(app, unreachable_server):
    message, now = queued(), utcnow()
    report = mail.send_due(now)
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert message.attempts == 1
    assert message.status == MailStatus.PENDING
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == now + timedelta(minutes=2)
    assert mail.send_due(now + timedelta(minutes=1)).retried == 0  # not due yet
    mail.send_due(now + timedelta(minutes=2))
    assert message.attempts == 2
    assert message.next_attempt_at == now + timedelta(minutes=2) + timedelta(minutes=4)


def test_outbox_marks_failed_after_max_attempts_and_keeps_the_message(app, unreachable_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    message, now = queued(), utcnow()
    for _ in range(5):
        now += timedelta(hours=7)
        mail.send_due(now)
    db.session.expire_all()
    kept = db.session.get(OutboxMail, message.id)
    assert kept.status == MailStatus.FAILED
    assert kept.attempts == 3
    assert kept.last_error and kept.body == "The minutes are locked."


def test_backoff_is_capped(app, unreachable_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 20)
    message, now = queued(), utcnow()
    for _ in range(12):
        now = message.next_attempt_at
        mail.send_due(now)
    assert message.next_attempt_at - now == mail.MAX_BACKOFF


def test_an_unexpected_delivery_error_is_recorded_not_raised(app, monkeypatch):
    def broken(message):
        raise UnicodeEncodeError("ascii", "ñ", 0, 1, "ordinal not in range")

    monkeypatch.setattr(mail, "deliver", broken)
    message = queued()
    assert mail.send_due().retried == 1
    assert message.last_error.startswith("UnicodeEncodeError")


def test_console_backend_marks_messages_sent(app):
    message = queued()
    assert mail.send_due().sent == 1
    assert message.status == MailStatus.SENT and message.sent_at is not None


def test_outbox_job_sends_through_the_scheduler(app):
    message = queued()
    assert jobs.run_job(jobs.JOBS["mail.send_outbox"]) is True
    db.session.expire_all()
    assert db.session.get(OutboxMail, message.id).status == MailStatus.SENT
