"""Who may read, write, amend and download minutes, and see and update action items; the SQL builders
`minutes_visible_to` and `action_items_visible_to` agree with `can()` for every persona."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ports_network.extensions import db
from ports_network.models import ActionItem, CommitteeMinutes, MinutesStatus, SeatRole, SessionStatus
from ports_network.models.base import utcnow
from ports_network.security import action_items_visible_to, can, minutes_visible_to
from tests import factories

PEOPLE = ("outsider", "member", "coordinator", "focal_point", "other_member", "secretariat")


@pytest.fixture
def personas(request):
    return {"anonymous": AnonymousUserMixin()} | {name: request.getfixturevalue(name) for name in PEOPLE}


@pytest.fixture
def world(coordinator, focal_point, other_member, community):
    """A body chaired by the coordinator where the focal point held a seat that ended after the session;
    draft and approved minutes; actions owned, tagged with a community, or neither."""
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    session = factories.CommitteeSessionFactory(
        body=body, status=SessionStatus.CLOSED, starts_at=utcnow() - timedelta(days=30)
    )
    factories.SeatFactory(
        body=body,
        user=focal_point,
        start_date=body.term_start,
        end_date=(utcnow() - timedelta(days=10)).date(),
    )
    draft = factories.MinutesFactory(session=session)
    approved = factories.MinutesFactory(
        session=factories.CommitteeSessionFactory(body=body, status=SessionStatus.CLOSED)
    )
    approved.status, approved.approved_at = MinutesStatus.APPROVED, utcnow()
    approved.locked_text, approved.content_hash = "# Minutes\n", "0" * 64
    db.session.commit()
    items = [
        factories.ActionItemFactory(body=body, owner=other_member),
        factories.ActionItemFactory(body=body, owner=coordinator, community=community),
        factories.ActionItemFactory(owner=coordinator),  # another body
    ]
    return {"draft": draft, "approved": approved, "items": items}


def test_minutes_predicate_and_sql_builder_agree_for_every_viewer(personas, world):
    for name, viewer in personas.items():
        listed = set(db.session.scalars(sa.select(CommitteeMinutes.id).where(minutes_visible_to(viewer))))
        allowed = {m.id for m in (world["draft"], world["approved"]) if can(viewer, "minutes.view", m)}
        assert listed == allowed, name


def test_drafts_are_for_the_bodys_seat_holders_and_approved_minutes_for_network_members(personas, world):
    readers = lambda minutes: {n for n, v in personas.items() if can(v, "minutes.view", minutes)}  # noqa: E731
    # The focal point held a seat on the draft's session day (it ended since) but not on the approved's.
    assert readers(world["draft"]) == {"coordinator", "focal_point", "secretariat"}
    assert readers(world["approved"]) == {
        "member",
        "coordinator",
        "focal_point",
        "other_member",
        "secretariat",
    }
    downloaders = {n for n, v in personas.items() if can(v, "minutes.download", world["approved"])}
    assert downloaders == readers(world["approved"])
    assert not any(can(v, "minutes.download", world["draft"]) for v in personas.values())


def test_only_officers_and_the_secretariat_edit_drafts_and_nobody_edits_approved_minutes(personas, world):
    editors = {n for n, v in personas.items() if can(v, "minutes.edit", world["draft"])}
    assert editors == {"coordinator", "secretariat"}
    assert not any(can(v, "minutes.edit", world["approved"]) for v in personas.values())


def test_action_items_predicate_and_sql_builder_agree_for_every_viewer(personas, world):
    for name, viewer in personas.items():
        listed = set(db.session.scalars(sa.select(ActionItem.id).where(action_items_visible_to(viewer))))
        allowed = {item.id for item in world["items"] if can(viewer, "action_items.view", item)}
        assert listed == allowed, name


def test_actions_are_seen_by_their_owner_the_bodys_seat_holders_and_the_community_they_improve(
    personas, world
):
    owned, tagged, elsewhere = world["items"]
    seen = lambda item: {n for n, v in personas.items() if can(v, "action_items.view", item)}  # noqa: E731
    assert seen(owned) == {"coordinator", "other_member", "secretariat"}
    assert seen(tagged) == {"coordinator", "member", "focal_point", "secretariat"}
    assert seen(elsewhere) == {"coordinator", "secretariat"}
    updaters = {n for n, v in personas.items() if can(v, "action_items.update_status", owned)}
    assert updaters == {"coordinator", "other_member", "secretariat"}  # the owner and the officers
    editors = {n for n, v in personas.items() if can(v, "action_items.edit", owned)}
    assert editors == {"coordinator", "secretariat"}
