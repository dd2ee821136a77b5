"""Counting votes: each rule with abstentions, ties, proxies as weights, and the turnout."""

import pytest

from ports_network.services.vote_count import (
    CARRIED,
    CONSENSUS,
    NO_QUORUM,
    REJECTED,
    SIMPLE_MAJORITY,
    TWO_THIRDS,
    Totals,
    decide,
    totals,
)


def test_totals_add_the_weights_of_each_choice():
    counted = totals([("yes", 1), ("yes", 2), ("no", 1), ("abstain", 3)])
    assert counted == Totals(yes=3, no=1, abstain=3)
    assert counted.cast == 7


@pytest.mark.parametrize("ballot", [("maybe", 1), ("yes", 0)])
def test_an_unknown_choice_or_a_weightless_ballot_is_refused(ballot):
    with pytest.raises(ValueError):
        totals([ballot])


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "status"),
    [
        (3, 2, 0, CARRIED),
        (2, 2, 0, REJECTED),  # a tie rejects
        (2, 3, 0, REJECTED),
        (1, 0, 9, CARRIED),  # abstentions are not counted
        (0, 0, 5, REJECTED),  # nobody for it
    ],
)
def test_simple_majority_needs_more_yes_than_no(yes, no, abstain, status):
    assert decide(SIMPLE_MAJORITY, Totals(yes, no, abstain)).status == status


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "status"),
    [
        (2, 1, 0, CARRIED),  # exactly two thirds
        (3, 2, 0, REJECTED),  # 60 %
        (6, 3, 4, CARRIED),  # abstentions are not counted
        (7, 4, 0, REJECTED),
        (0, 0, 3, REJECTED),
    ],
)
def test_two_thirds_needs_two_yes_for_each_no(yes, no, abstain, status):
    assert decide(TWO_THIRDS, Totals(yes, no, abstain)).status == status


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "status"),
    [
        (5, 0, 0, CARRIED),
        (5, 0, 2, CARRIED),  # standing aside does not block
        (9, 1, 0, REJECTED),  # one objection blocks
        (0, 0, 4, REJECTED),
    ],
)
def test_consensus_carries_when_nobody_objects(yes, no, abstain, status):
    assert decide(CONSENSUS, Totals(yes, no, abstain)).status == status


def test_a_proxy_weight_can_turn_a_tie_into_a_majority():
    # Ana carries Bruno's proxy: her yes weighs 2 against two single no votes... and then one more yes.
    assert decide(SIMPLE_MAJORITY, totals([("yes", 2), ("no", 1), ("no", 1)])).status == REJECTED
    assert decide(SIMPLE_MAJORITY, totals([("yes", 2), ("yes", 1), ("no", 1), ("no", 1)])).status == CARRIED


def test_a_two_thirds_majority_reached_only_through_proxies():
    assert decide(TWO_THIRDS, totals([("yes", 1), ("no", 1)])).status == REJECTED
    assert decide(TWO_THIRDS, totals([("yes", 2), ("no", 1)])).status == CARRIED


@pytest.mark.parametrize("rule", [SIMPLE_MAJORITY, TWO_THIRDS, CONSENSUS])
def test_below_the_required_turnout_a_vote_ends_without_quorum_whatever_the_rule(rule):
    outcome = decide(rule, Totals(yes=3, no=0, abstain=0), required_turnout=4)
    assert (outcome.status, outcome.carried, outcome.required_turnout) == (NO_QUORUM, False, 4)


def test_abstentions_count_towards_the_turnout():
    assert decide(SIMPLE_MAJORITY, Totals(yes=2, no=1, abstain=1), required_turnout=4).status == CARRIED


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        decide("unanimity", Totals(1, 0, 0))
