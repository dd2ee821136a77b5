"""Quorum of a session from plain data: each rule, attendance, and proxies counted as weights."""

import pytest

from ports_network.services.quorum import (
    FIXED,
    MAJORITY,
    PROXY_VOTING_MEMBER,
    TWO_THIRDS,
    Presence,
    ProxyPolicy,
    compute,
    proxy_problem,
    required_for,
)

PROXIES = ProxyPolicy(PROXY_VOTING_MEMBER, max_per_holder=1)


def seats(*statuses, voting=True):
    return [Presence(person_id=n, voting=voting, status=s) for n, s in enumerate(statuses, start=1)]


@pytest.mark.parametrize(
    ("rule", "voting_seats", "required"),
    [
        (MAJORITY, 1, 1),
        (MAJORITY, 4, 3),
        (MAJORITY, 5, 3),
        (TWO_THIRDS, 3, 2),
        (TWO_THIRDS, 7, 5),
        (TWO_THIRDS, 9, 6),
    ],
)
def test_required_number_follows_the_rule(rule, voting_seats, required):
    assert required_for(rule, voting_seats) == required


def test_a_fixed_quorum_is_its_number_and_needs_one():
    assert required_for(FIXED, 10, 4) == 4
    with pytest.raises(ValueError):
        required_for(FIXED, 10, None)


def test_present_and_remote_voting_members_make_the_quorum():
    result = compute(seats("present", "remote", "absent", "excused", None), MAJORITY)
    assert (result.voting_seats, result.present, result.remote, result.required) == (5, 1, 1, 3)
    assert not result.reached
    assert compute(seats("present", "remote", "present", "excused", None), MAJORITY).reached


def test_observers_neither_count_as_seats_nor_make_the_quorum():
    voters = seats("present", "absent")
    observers = [Presence(person_id=10 + n, voting=False, status="present") for n in range(5)]
    result = compute(voters + observers, MAJORITY)
    assert (result.voting_seats, result.represented, result.required, result.reached) == (2, 1, 2, False)


def test_no_voting_seat_means_no_quorum():
    assert not compute([], MAJORITY).reached


def test_a_proxy_counts_as_a_weight_for_its_attending_holder():
    members = [
        Presence(1, True, "present"),
        Presence(2, True, "absent", proxy_holder_id=1),
        Presence(3, True, "excused"),
    ]
    result = compute(members, MAJORITY, policy=PROXIES)
    assert (result.proxies, result.represented, result.reached) == (1, 2, True)
    assert result.weights == {1: 2}


def test_proxies_do_not_count_when_the_body_allows_none():
    members = [Presence(1, True, "present"), Presence(2, True, "absent", proxy_holder_id=1)]
    result = compute(members, MAJORITY)
    assert (result.proxies, result.refused_proxies, result.reached) == (0, (2,), False)


def test_a_holder_carries_no_more_proxies_than_the_body_allows():
    members = [
        Presence(1, True, "present"),
        Presence(2, True, "absent", proxy_holder_id=1),
        Presence(3, True, "absent", proxy_holder_id=1),
        Presence(4, True, "absent", proxy_holder_id=1),
    ]
    assert compute(members, MAJORITY, policy=PROXIES).refused_proxies == (3, 4)
    two = compute(members, MAJORITY, policy=ProxyPolicy(PROXY_VOTING_MEMBER, 2))
    assert (two.proxies, two.weights, two.refused_proxies) == (2, {1: 3}, (4,))


@pytest.mark.parametrize(
    ("giver", "holder"),
    [
        (Presence(2, True, "present", proxy_holder_id=1), Presence(1, True, "present")),  # giver attends
        (Presence(2, True, "absent", proxy_holder_id=1), Presence(1, True, "absent")),  # holder absent
        (Presence(2, True, "absent", proxy_holder_id=1), Presence(1, False, "present")),  # holder observes
        (Presence(2, False, "absent", proxy_holder_id=1), Presence(1, True, "present")),  # giver observes
        (Presence(2, True, "absent", proxy_holder_id=9), Presence(1, True, "present")),  # holder has no seat
    ],
)
def test_a_proxy_is_refused_unless_an_absent_voter_gives_it_to_an_attending_voter(giver, holder):
    result = compute([holder, giver], MAJORITY, policy=PROXIES)
    assert result.proxies == 0
    assert result.refused_proxies == (2,)


def test_proxies_do_not_chain_through_an_absent_holder():
    members = [
        Presence(1, True, "present"),
        Presence(2, True, "absent", proxy_holder_id=1),
        Presence(3, True, "absent", proxy_holder_id=2),
    ]
    result = compute(members, MAJORITY, policy=ProxyPolicy(PROXY_VOTING_MEMBER, 5))
    assert (result.proxies, result.refused_proxies, result.weights) == (1, (3,), {1: 2})


def test_two_thirds_quorum_reached_with_proxies():
    members = [Presence(n, True, "present") for n in range(1, 5)]
    members += [Presence(5, True, "absent", proxy_holder_id=1), Presence(6, True, "absent")]
    result = compute(members, TWO_THIRDS, policy=PROXIES)
    assert (result.required, result.represented, result.reached) == (4, 5, True)


@pytest.mark.parametrize(
    ("seats", "policy", "giver", "holder", "problem"),
    [
        ([Presence(1, True, "present"), Presence(2, True, "absent")], PROXIES, 2, 1, None),
        ([Presence(1, True, "present"), Presence(2, True, "absent")], ProxyPolicy(), 2, 1, "not_allowed"),
        ([Presence(1, True, "present"), Presence(2, False, "absent")], PROXIES, 2, 1, "giver_not_voting"),
        ([Presence(1, True, "present"), Presence(2, True, "absent")], PROXIES, 2, 2, "own_proxy"),
        ([Presence(1, True, "present"), Presence(2, True, "remote")], PROXIES, 2, 1, "giver_attends"),
        ([Presence(1, True, "excused"), Presence(2, True, "absent")], PROXIES, 2, 1, "holder_not_attending"),
        ([Presence(1, False, "present"), Presence(2, True, "absent")], PROXIES, 2, 1, "holder_not_attending"),
        ([Presence(2, True, "absent")], PROXIES, 2, 7, "holder_not_attending"),
        (
            [Presence(1, True, "present"), Presence(2, True, "absent"), Presence(3, True, "absent", 1)],
            PROXIES,
            2,
            1,
            "holder_full",
        ),
    ],
)
def test_a_proxy_is_checked_before_it_is_recorded(seats, policy, giver, holder, problem):
    assert proxy_problem(seats, policy, giver, holder) == problem


def test_a_new_proxy_never_displaces_one_already_counted():
    # Person 2 would sort before person 3 in counted_proxies; recording theirs is refused instead.
    seats = [Presence(1, True, "present"), Presence(3, True, "absent", 1), Presence(2, True, "absent")]
    assert proxy_problem(seats, PROXIES, 2, 1) == "holder_full"
    assert proxy_problem(seats, ProxyPolicy(PROXY_VOTING_MEMBER, 2), 2, 1) is None
