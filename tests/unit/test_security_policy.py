"""The policy table: who may do what, checked directly on `can()`."""

import pytest
import sqlalchemy as sa

from ports_network import security
from ports_network.extensions import db
from ports_network.models import CommunityRole, Membership, MembershipStatus
from ports_network.security import POLICY, can


def test_unknown_action_is_refused_loudly(member):
    with pytest.raises(LookupError):
        can(member, "nonsense.action")


def test_coordinator_manages_only_their_own_community(coordinator, community, other_community):
    assert can(coordinator, "communities.manage_members", community)
    assert not can(coordinator, "communities.manage_members", other_community)


def test_member_cannot_manage_members(member, community):
    assert can(member, "communities.view_members", community)
    assert not can(member, "communities.manage_members", community)


def test_secretariat_manages_every_community(secretariat, community, other_community):
    assert can(secretariat, "communities.manage_members", community)
    assert can(secretariat, "communities.manage_members", other_community)
    assert can(secretariat, "admin.access")


def test_outsider_may_request_to_join_but_member_may_not(outsider, member, community):
    assert can(outsider, "communities.request_join", community)
    assert not can(member, "communities.request_join", community)


def test_every_action_is_named_feature_dot_verb():
    assert all(action.count(".") == 1 for action in POLICY)


def _membership_queries(app, action):
    """How many SELECTs on membership `action()` runs."""
    seen = []

    def count(conn, cursor, statement, *args):
        if "FROM membership" in statement:
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_request_asks_for_a_persons_roles_once(app, member, community):
    with app.test_request_context():
        checks = lambda: [can(member, "communities.view_members", community) for _ in range(20)]  # noqa: E731
        assert _membership_queries(app, checks) == 1


def test_a_membership_change_in_the_same_request_is_seen_at_once(app, member, community):
    with app.test_request_context():
        assert security.role_in(member, community) == CommunityRole.MEMBER
        membership = db.session.scalar(sa.select(Membership).filter_by(user_id=member.id))
        membership.status = MembershipStatus.LEFT
        db.session.commit()
        assert security.role_in(member, community) is None
