"""Counting a vote from plain numbers: weighted totals of yes, no and abstain, the turnout, the body's rule.

Pure on purpose (no Flask, no database), like services/quorum.py: votes in session, votes between
sessions and the tests call the same function. Rules are the string values of the models' VotingRule.

- simple majority: more yes than no; abstentions are not counted; a tie rejects the motion.
- two thirds: yes at least two thirds of yes and no together (abstentions not counted), at least one yes.
- consensus: at least one yes and nobody against; abstaining ("standing aside") does not block.

Before any rule, the turnout: when fewer votes than `required_turnout` were cast (abstentions take part),
the vote ends without quorum. Proxies are already in the weights: a member carrying one proxy casts 2.
"""

from collections.abc import Iterable
from dataclasses import dataclass

SIMPLE_MAJORITY = "simple_majority"
TWO_THIRDS = "two_thirds"
CONSENSUS = "consensus"
RULES = (SIMPLE_MAJORITY, TWO_THIRDS, CONSENSUS)

YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

CARRIED = "carried"
REJECTED = "rejected"
NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Totals:
    """Weighted votes for each choice."""

    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Every vote cast, abstentions included (the turnout)."""
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Outcome:
    """The result of a vote: carried, rejected or without quorum, with the totals it was decided on."""

    status: str
    totals: Totals
    required_turnout: int | None = None

    @property
    def carried(self) -> bool:
        """Whether the motion carried."""
        return self.status == CARRIED


def totals(ballots: Iterable[tuple[str, int]]) -> Totals:
    """Add up (choice, weight) pairs; a weight counts the voter and the proxies they carry."""
    counts = dict.fromkeys(CHOICES, 0)
    for choice, weight in ballots:
        if choice not in counts:
            raise ValueError(f"unknown choice {choice!r}")
        if weight < 1:
            raise ValueError("a ballot weighs at least 1")
        counts[choice] += weight
    return Totals(counts[YES], counts[NO], counts[ABSTAIN])


def carries(rule: str, counted: Totals) -> bool:
    """Whether these totals carry a motion under the rule (turnout aside)."""
    if rule == SIMPLE_MAJORITY:
        return counted.yes > counted.no
    if rule == TWO_THIRDS:
        # yes >= 2/3 (yes + no), in integers: 3 yes >= 2 (yes + no), i.e. yes >= 2 no.
        return counted.yes >= 1 and counted.yes >= 2 * counted.no
    if rule == CONSENSUS:
        return counted.yes >= 1 and counted.no == 0
    raise ValueError(f"unknown voting rule {rule!r}")


def decide(rule: str, counted: Totals, required_turnout: int | None = None) -> Outcome:
    """The outcome of a vote: without quorum below the turnout, else carried or rejected by the rule."""
    if rule not in RULES:
        raise ValueError(f"unknown voting rule {rule!r}")
    if required_turnout is not None and counted.cast < required_turnout:
        return Outcome(NO_QUORUM, counted, required_turnout)
    return Outcome(CARRIED if carries(rule, counted) else REJECTED, counted, required_turnout)
