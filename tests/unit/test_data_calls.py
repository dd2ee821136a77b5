"""Data-call services: the rules of opening and changing calls, who is told, and the reminders."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    CommunityStatus,
    DataCall,
    DataCallStatus,
    Delivery,
    MethodologyStatus,
    MethodologyVersion,
    Notification,
    OutboxMail,
    SubmissionStatus,
)
from ports_network.models.base import utcnow
from ports_network.services import data_calls, jobs, notifications
from ports_network.services.data_call_notices import remind_due
from tests import factories

OPENED, REMINDER = "index.data_call_opened", "index.data_call_reminder"


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages and build links, which needs a request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def roles(coordinator, focal_point, validator, member):
    """Everyone of the community, by role."""
    return SimpleNamespace(
        coordinator=coordinator, focal_point=focal_point, validator=validator, member=member
    )


def _in(days: float) -> datetime:
    return utcnow() + timedelta(days=days)


def _open(actor, version, communities, *, period="2025", deadline=None, title="Index 2025"):
    return data_calls.open_call(actor, version, period, title, deadline or _in(30), communities)


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.kind).filter_by(user_id=user.id).order_by(Notification.id))
    )


def _mails(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).filter_by(recipient=user.email))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


# --- opening --------------------------------------------------------------------------------------------


def test_opening_a_call_stores_it_and_audits_it(secretariat, version, community):
    call = _open(secretariat, version, [community], period="2025-q2")
    assert (call.period, call.status, call.reminded_days) == ("2025-Q2", DataCallStatus.OPEN, None)
    assert [c.id for c in call.communities] == [community.id]
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="data_call.open"))
    assert event.actor_id == secretariat.id and event.subject_id == call.id
    assert event.new["period"] == "2025-Q2" and event.new["communities"] == [community.name]


def test_opening_a_call_tells_coordinators_and_focal_points_by_notice_and_mail(
    secretariat, version, community, roles, other_member
):
    call = _open(secretariat, version, [community])
    assert _kinds(roles.coordinator) == _kinds(roles.focal_point) == [OPENED]
    assert _mails(roles.coordinator) == _mails(roles.focal_point) == 1
    assert _kinds(roles.validator) == _kinds(roles.member) == _kinds(other_member) == []
    notice = db.session.scalar(sa.select(Notification).filter_by(user_id=roles.focal_point.id))
    assert notice.link == f"/index/calls/{call.id}"
    assert community.name in notifications.text_of(notice, "en")


def test_reporters_who_chose_in_app_only_get_no_mail(secretariat, version, community, focal_point):
    notifications.set_preferences(focal_point, {"index": Delivery.IN_APP})
    _open(secretariat, version, [community])
    assert _kinds(focal_point) == [OPENED]
    assert _mails(focal_point) == 0


def test_only_the_secretariat_opens_calls(coordinator, version, community):
    with pytest.raises(NotAllowed):
        _open(coordinator, version, [community])
    assert _count(DataCall) == 0


def test_a_call_needs_a_frozen_methodology_version(secretariat, version, community):
    draft = MethodologyVersion(
        version="9.9", title="Draft", status=MethodologyStatus.DRAFT, document={}, checksum="x" * 64
    )
    db.session.add(draft)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _open(secretariat, draft, [community])
    assert refused.value.field == "version"


@pytest.mark.parametrize("period", ["", "25", "2025-Q5", "2025Q1", "Q1-2025", "2025-H1", "2025-Q1x", "0999"])
def test_period_must_be_a_year_or_a_quarter(secretariat, version, community, period):
    with pytest.raises(DomainError) as refused:
        _open(secretariat, version, [community], period=period)
    assert refused.value.field == "period"
    assert "2025-Q2" in refused.value.message
    assert _count(DataCall) == 0


def test_deadline_must_be_in_the_future(secretariat, version, community):
    with pytest.raises(DomainError) as refused:
        _open(secretariat, version, [community], deadline=_in(-0.01))
    assert refused.value.field == "deadline"


def test_a_naive_deadline_is_a_programming_error(secretariat, version, community):
    with pytest.raises(ValueError, match="aware"):
        _open(secretariat, version, [community], deadline=datetime(2099, 1, 1))


def test_a_call_names_at_least_one_community(secretariat, version):
    with pytest.raises(DomainError) as refused:
        _open(secretariat, version, [])
    assert refused.value.field == "communities"


def test_archived_communities_cannot_be_asked_for_data(secretariat, version, community):
    community.status = CommunityStatus.ARCHIVED
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _open(secretariat, version, [community])
    assert refused.value.field == "communities"


def test_one_call_per_methodology_version_and_period(secretariat, version, community, focal_point):
    _open(secretariat, version, [community], period="2025")
    with pytest.raises(DomainError) as refused:
        _open(secretariat, version, [community], period=" 2025 ", title="Again")
    assert refused.value.field == "period"
    assert _count(DataCall) == 1
    assert _kinds(focal_point) == [OPENED]  # the refused call told nobody


# --- changing, closing, reopening -------------------------------------------------------------------------


def test_adding_communities_tells_only_the_new_ones(
    secretariat, version, community, focal_point, other_community
):
    call = _open(secretariat, version, [community])
    newcomer = factories.MembershipFactory(community=other_community, role=CommunityRole.FOCAL_POINT).user
    data_calls.update_call(
        secretariat, call, "Index 2025 (extended)", call.deadline, [community, other_community]
    )
    assert _kinds(focal_point) == [OPENED]
    assert _kinds(newcomer) == [OPENED]
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="data_call.update"))
    assert event.old == {"title": "Index 2025", "communities": [community.name]}
    assert event.new["communities"] == sorted([community.name, other_community.name])


def test_saving_an_unchanged_call_records_nothing(secretariat, version, community):
    call = _open(secretariat, version, [community])
    data_calls.update_call(secretariat, call, call.title, call.deadline, list(call.communities))
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="data_call.update")) is None


def test_a_call_past_its_deadline_can_be_renamed_when_the_deadline_stays_the_same_minute(
    secretariat, community
):
    call = factories.DataCallFactory(communities=[community], deadline=_in(-1))
    same_minute = call.deadline.replace(second=0, microsecond=0)
    data_calls.update_call(secretariat, call, "Renamed", same_minute, [community])
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="data_call.update"))
    assert call.title == "Renamed" and set(event.new) == {"title"}


def test_a_community_that_started_its_submission_stays_in_the_call(
    secretariat, version, community, other_community
):
    call = _open(secretariat, version, [community, other_community])
    factories.SubmissionFactory(data_call=call, community=community)
    with pytest.raises(DomainError) as refused:
        data_calls.update_call(secretariat, call, call.title, call.deadline, [other_community])
    assert refused.value.field == "communities" and community.name in refused.value.message


def test_moving_the_deadline_must_keep_it_in_the_future_and_restarts_reminders(
    secretariat, version, community
):
    call = _open(secretariat, version, [community], deadline=_in(5))
    remind_due()
    assert call.reminded_days == 7
    with pytest.raises(DomainError) as refused:
        data_calls.update_call(secretariat, call, call.title, _in(-1), [community])
    assert refused.value.field == "deadline"
    data_calls.update_call(secretariat, call, call.title, _in(20), [community])
    assert call.reminded_days is None


def test_closing_and_reopening_are_audited_and_not_repeated(secretariat, version, community):
    call = _open(secretariat, version, [community])
    data_calls.close_call(secretariat, call)
    assert call.status == DataCallStatus.CLOSED
    with pytest.raises(DomainError, match="already closed"):
        data_calls.close_call(secretariat, call)
    data_calls.reopen_call(secretariat, call)
    with pytest.raises(DomainError, match="already open"):
        data_calls.reopen_call(secretariat, call)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("data_call.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["data_call.open", "data_call.close", "data_call.reopen"]


def test_only_the_secretariat_changes_calls(secretariat, coordinator, version, community):
    call = _open(secretariat, version, [community])
    with pytest.raises(NotAllowed):
        data_calls.close_call(coordinator, call)
    with pytest.raises(NotAllowed):
        data_calls.update_call(coordinator, call, "Mine", call.deadline, [community])


# --- reading ----------------------------------------------------------------------------------------------


def test_people_see_the_calls_naming_their_communities_newest_first(
    secretariat, version, community, member, other_community
):
    other_member = factories.MembershipFactory(community=other_community).user
    outsider = factories.UserFactory()
    first = _open(secretariat, version, [community], period="2024")
    second = _open(secretariat, version, [community, other_community], period="2025")
    theirs = _open(secretariat, version, [other_community], period="2026")
    assert data_calls.calls_for(member) == [second, first]
    assert data_calls.calls_for(other_member) == [theirs, second]
    assert data_calls.calls_for(secretariat) == [theirs, second, first]
    assert data_calls.calls_for(outsider) == []


def test_overview_shows_each_community_with_its_submission_or_not_started(
    secretariat, version, community, other_community
):
    call = _open(secretariat, version, [community, other_community])
    submission = factories.SubmissionFactory(
        data_call=call, community=other_community, status=SubmissionStatus.RETURNED
    )
    rows = {row.community.id: row for row in data_calls.call_overview(call)}
    assert (rows[community.id].status_label, rows[community.id].submission) == ("Not started", None)
    assert rows[other_community.id].status_label == "Returned"
    assert rows[other_community.id].submission.id == submission.id
    assert rows[other_community.id].last_change is not None


def test_days_left_counts_whole_days_and_turns_negative_after_the_deadline():
    call = DataCall(deadline=datetime(2030, 1, 10, 12, tzinfo=UTC))
    assert data_calls.days_left(call, datetime(2030, 1, 3, 12, tzinfo=UTC)) == 7
    assert data_calls.days_left(call, datetime(2030, 1, 10, 1, tzinfo=UTC)) == 0
    assert data_calls.days_left(call, datetime(2030, 1, 10, 13, tzinfo=UTC)) == -1


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_are_sent_once_seven_days_and_once_one_day_before_the_deadline(
    secretariat, version, community, focal_point
):
    call = _open(secretariat, version, [community], deadline=_in(10))
    deadline = call.deadline
    assert remind_due(deadline - timedelta(days=8)) == 0
    assert remind_due(deadline - timedelta(days=7) + timedelta(hours=1)) == 1
    assert remind_due(deadline - timedelta(days=7) + timedelta(hours=2)) == 0
    assert remind_due(deadline - timedelta(days=2)) == 0
    assert remind_due(deadline - timedelta(hours=23)) == 1
    assert remind_due(deadline - timedelta(hours=1)) == 0
    assert remind_due(deadline + timedelta(hours=1)) == 0
    assert _kinds(focal_point) == [OPENED, REMINDER, REMINDER]
    assert _mails(focal_point) == 3
    days = db.session.scalars(
        sa.select(Notification.params).filter_by(kind=REMINDER).order_by(Notification.id)
    )
    assert [params["days"] for params in days] == [7, 1]


def test_reminders_go_only_to_reporters_of_communities_that_have_not_sent_their_values(
    secretariat, version, community, roles, other_community
):
    done = factories.MembershipFactory(community=other_community, role=CommunityRole.FOCAL_POINT).user
    call = _open(secretariat, version, [community, other_community], deadline=_in(6))
    factories.SubmissionFactory(data_call=call, community=community, status=SubmissionStatus.RETURNED)
    factories.SubmissionFactory(data_call=call, community=other_community, status=SubmissionStatus.SUBMITTED)
    assert remind_due() == 2
    assert _kinds(roles.coordinator) == _kinds(roles.focal_point) == [OPENED, REMINDER]
    assert _kinds(done) == [OPENED]
    assert _kinds(roles.validator) == _kinds(roles.member) == _kinds(secretariat) == []
    assert _count(OutboxMail) == 3 + 2


def test_after_a_pause_only_the_nearest_reminder_is_sent(secretariat, version, community, focal_point):
    call = _open(secretariat, version, [community], deadline=_in(0.5))
    assert remind_due() == 1
    assert call.reminded_days == 1
    assert remind_due() == 0
    assert _kinds(focal_point) == [OPENED, REMINDER]


def test_closed_calls_send_no_reminders(secretariat, version, community, focal_point):
    call = _open(secretariat, version, [community], deadline=_in(3))
    data_calls.close_call(secretariat, call)
    assert remind_due() == 0
    assert _kinds(focal_point) == [OPENED]


def test_the_reminder_job_runs_hourly(secretariat, version, community, focal_point):
    job = jobs.JOBS["index.remind_data_calls"]
    assert job.every == timedelta(hours=1)
    _open(secretariat, version, [community], deadline=_in(2))
    assert jobs.run_job(job) is True
    assert _kinds(focal_point) == [OPENED, REMINDER]
