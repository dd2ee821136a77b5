"""The policy table: who may do what, checked directly on `can()`."""

import pytest

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
