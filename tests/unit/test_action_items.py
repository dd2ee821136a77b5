"""Action items: who creates and updates them, the owner's notices and reminders, overdue items, the
follow-up filters, and the share closed on time that pre-fills the community's index submission."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import ActionItemStatus, MotionStatus, Notification, SeatRole
from ports_network.models.base import utcnow
from ports_network.services import action_item_indicator, action_items, jobs, submissions
from ports_network.services.action_items import Filters, ItemData
from tests import factories

TODAY = utcnow().date()


@pytest.fixture
def body(coordinator):
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.SECRETARY)
    return body


def _data(owner, **fields) -> ItemData:
    values = {
        "title": "Publish the port call statistics",
        "owner_id": owner.id,
        "due_date": TODAY + timedelta(days=20),
    }
    return ItemData(**(values | fields))


def _notices(user, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        )
    )


def test_an_officer_records_an_action_from_a_carried_motion_and_its_owner_is_told(
    body, coordinator, member, community
):
    factories.default_methodology()  # the indicators an action may aim at
    session = factories.CommitteeSessionFactory(body=body)
    motion = factories.MotionFactory(session=session, status=MotionStatus.CARRIED)
    item = action_items.create(
        coordinator,
        body,
        _data(member, community_id=community.id, indicator_code="action_items_on_time"),
        motion=motion,
    )
    assert (item.session, item.motion, item.status) == (session, motion, ActionItemStatus.OPEN)
    assert item.community == community and item.indicator_code == "action_items_on_time"
    [notice] = _notices(member, "action_items.assigned")
    assert notice.link == f"/action-items/{item.id}"
    with pytest.raises(DomainError, match="carried motions"):
        action_items.create(coordinator, body, _data(member), motion=factories.MotionFactory(session=session))


def test_an_action_s_session_is_the_one_its_decision_was_taken_at(body, coordinator, member):
    session = factories.CommitteeSessionFactory(body=body)
    other = factories.CommitteeSessionFactory(body=body)
    motion = factories.MotionFactory(session=session, status=MotionStatus.CARRIED)
    with pytest.raises(DomainError, match="another session"):
        action_items.create(coordinator, body, _data(member), session=other, motion=motion)
    item = action_items.create(coordinator, body, _data(member), session=session, motion=motion)
    assert item.session == session
    between = factories.MotionFactory(
        session=None, body=body, between_sessions=True, closes_at=utcnow(), status=MotionStatus.CARRIED
    )
    item = action_items.create(coordinator, body, _data(member), session=other, motion=between)
    assert (item.session, item.motion) == (other, between)  # a vote between sessions, followed up at one


def test_only_the_bodys_officers_create_and_change_actions(body, coordinator, member, secretariat):
    with pytest.raises(NotAllowed):
        action_items.create(member, body, _data(member))
    item = action_items.create(secretariat, body, _data(member))
    with pytest.raises(NotAllowed):
        action_items.update(member, item, _data(member, title="Mine now"))
    action_items.update(coordinator, item, _data(coordinator, due_date=TODAY + timedelta(days=3)))
    assert item.owner == coordinator and item.reminded_days is None
    assert len(_notices(coordinator, "action_items.assigned")) == 1  # the new owner is told


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"owner_id": None}, "owner_id"),
        ({"due_date": None}, "due_date"),
        ({"indicator_code": "no_such_indicator"}, "indicator_code"),
        ({"community_id": 999_999}, "community_id"),
    ],
)
def test_an_action_needs_a_title_an_owner_a_due_date_and_known_community_and_indicator(
    body, coordinator, fields, field
):
    factories.default_methodology()
    with pytest.raises(DomainError) as refused:
        action_items.create(coordinator, body, _data(coordinator, **fields))
    assert refused.value.field == field


def test_the_owner_updates_the_status_with_a_note_kept_in_the_history(body, coordinator, member, outsider):
    item = action_items.create(coordinator, body, _data(member))
    with pytest.raises(NotAllowed):
        action_items.set_status(outsider, item, ActionItemStatus.DONE, None)
    action_items.set_status(member, item, ActionItemStatus.IN_PROGRESS, "Data requested from the terminals")
    action_items.set_status(member, item, ActionItemStatus.DONE, "Published on the portal")
    assert item.completed_on == TODAY and item.on_time
    with pytest.raises(DomainError, match="already has"):
        action_items.set_status(member, item, ActionItemStatus.DONE, None)
    action_items.set_status(coordinator, item, ActionItemStatus.OPEN, "Reopened: figures were wrong")
    assert item.completed_on is None
    notes = [
        new for entry in action_items.history(item) for name, _old, new in entry.changes if name == "Note"
    ]
    assert notes == [
        "Data requested from the terminals",
        "Published on the portal",
        "Reopened: figures were wrong",
    ]


def test_owners_are_reminded_seven_days_and_one_day_before_the_due_date_once_each(body, coordinator, member):
    item = action_items.create(coordinator, body, _data(member, due_date=date(2030, 5, 20)))
    closed = action_items.create(coordinator, body, _data(member, due_date=date(2030, 5, 20)))
    action_items.set_status(member, closed, ActionItemStatus.CANCELLED, None)
    at = lambda day: datetime(2030, 5, day, 9, tzinfo=utcnow().tzinfo)  # noqa: E731
    assert action_items.remind_due(at(1)) == 0  # 19 days before: nothing yet
    assert action_items.remind_due(at(13)) == 1  # 7 days before
    assert action_items.remind_due(at(14)) == 0  # already reminded
    assert action_items.remind_due(at(19)) == 1  # 1 day before
    assert action_items.remind_due(at(19)) == 0
    assert action_items.remind_due(at(20)) == 0  # due today: no reminder after the last one
    reminders = _notices(member, "action_items.reminder")
    assert [n.params["days"] for n in reminders] == [7, 1]
    assert all(n.params["title"] == item.title for n in reminders)


def test_a_new_due_date_gets_its_reminders_again(body, coordinator, member):
    item = action_items.create(coordinator, body, _data(member, due_date=TODAY + timedelta(days=5)))
    assert action_items.remind_due() == 1
    action_items.update(coordinator, item, _data(member, due_date=TODAY + timedelta(days=6)))
    assert action_items.remind_due() == 1
    assert "action_items.remind_due" in jobs.JOBS


def test_follow_up_lists_filter_by_status_owner_and_overdue(body, coordinator, member, focal_point):
    late = factories.ActionItemFactory(body=body, owner=member, due_date=TODAY - timedelta(days=2))
    soon = factories.ActionItemFactory(body=body, owner=focal_point, due_date=TODAY + timedelta(days=2))
    done = factories.ActionItemFactory(
        body=body,
        owner=member,
        due_date=TODAY - timedelta(days=9),
        status=ActionItemStatus.DONE,
        completed_on=TODAY,
    )
    listed = lambda **f: action_items.listing(coordinator, Filters(**f), body_id=body.id)  # noqa: E731
    assert listed() == [late, soon, done]  # pending by due date, then closed
    assert listed(status="overdue") == [late] and late.is_overdue(TODAY) and not soon.is_overdue(TODAY)
    assert listed(status="pending") == [late, soon]
    assert listed(status="done") == [done] and done.on_time is False
    assert listed(owner_id=focal_point.id) == [soon]
    assert action_items.owners_in(listed()) == sorted([member, focal_point], key=lambda p: (p.name, p.id))


def test_the_on_time_share_counts_items_due_in_the_period(body, community, other_community, member):
    def item(due, status=ActionItemStatus.OPEN, done=None, where=community):
        return factories.ActionItemFactory(
            body=body, owner=member, community=where, due_date=due, status=status, completed_on=done
        )

    item(date(2025, 3, 1), ActionItemStatus.DONE, date(2025, 2, 27))  # on time
    item(date(2025, 4, 1), ActionItemStatus.DONE, date(2025, 4, 1))  # on time (same day)
    item(date(2025, 5, 1), ActionItemStatus.DONE, date(2025, 5, 9))  # late
    item(date(2025, 6, 1))  # still open after its due date: late
    item(date(2025, 7, 1), ActionItemStatus.CANCELLED)  # left out
    item(date(2025, 12, 31))  # not due yet on 2025-10-01: left out
    item(date(2024, 12, 31), ActionItemStatus.DONE, date(2024, 12, 1))  # another period
    item(date(2025, 3, 1), ActionItemStatus.DONE, date(2025, 3, 1), other_community)  # another community
    share = action_item_indicator.on_time_share(community, "2025", today=date(2025, 10, 1))
    assert (share.counted, share.on_time, share.value) == (4, 2, 50.0)
    q2 = action_item_indicator.on_time_share(community, "2025-Q2", today=date(2025, 10, 1))
    assert (q2.counted, q2.on_time, q2.value) == (3, 1, 33.3)
    assert action_item_indicator.on_time_share(community, "2023", today=date(2025, 10, 1)).value is None
    assert action_item_indicator.period_bounds("2025-Q4") == (date(2025, 10, 1), date(2025, 12, 31))


def test_a_submission_is_prefilled_with_the_computed_share_marked_as_computed(
    body, community, coordinator, member
):
    factories.ActionItemFactory(
        body=body,
        owner=member,
        community=community,
        due_date=date(2025, 3, 1),
        status=ActionItemStatus.DONE,
        completed_on=date(2025, 3, 1),
    )
    factories.ActionItemFactory(body=body, owner=member, community=community, due_date=date(2025, 4, 1))
    call = factories.DataCallFactory(period="2025", communities=[community])
    submission = submissions.open_submission(coordinator, call, community)
    row = next(v for v in submission.values if v.indicator_code == "action_items_on_time")
    assert (row.value, row.computed) == (50.0, True)
    assert row.justification.startswith("Computed by the platform: 1 of 2")
    submissions.save_values(
        coordinator,
        submission,
        {"action_items_on_time": submissions.ValueInput(60, "Corrected")},
        submission.revision,
    )
    assert row.computed is False and row.value == 60
