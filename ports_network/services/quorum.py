"""Quorum of a session from plain data: who holds a voting seat, who attends, whose proxy is in whose hands.

Pure on purpose (no Flask, no database): the session page uses it now, and the live console recomputes it
on every roll-call change. Rules and proxy policies are the string values of the models' QuorumRule and
ProxyRule enums.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAJORITY = "majority"
TWO_THIRDS = "two_thirds"
FIXED = "fixed"
PROXY_NONE = "none"
PROXY_VOTING_MEMBER = "voting_member"

ATTENDING = frozenset({"present", "remote"})


@dataclass(frozen=True)
class Presence:
    """One person with a seat in the body on the session's day, and their roll-call answer (None: not yet)."""

    person_id: int
    voting: bool
    status: str | None = None
    proxy_holder_id: int | None = None


@dataclass(frozen=True)
class ProxyPolicy:
    """Who may hold proxies and how many each holder may carry."""

    holders: str = PROXY_NONE
    max_per_holder: int = 1


@dataclass(frozen=True)
class QuorumResult:
    """Voting seats, how they are represented, the number required and whether it is reached.

    `weights` maps each attending voting member to their own vote plus the proxies counted for them
    (what a vote by show of hands or ballot counts in part 2); `refused_proxies` lists the people whose
    proxy does not count, so the console can say why.
    """

    voting_seats: int
    present: int
    remote: int
    proxies: int
    required: int
    weights: dict[int, int] = field(default_factory=dict)
    refused_proxies: tuple[int, ...] = ()

    @property
    def represented(self) -> int:
        """Voting seats present, remote or represented by a proxy."""
        return self.present + self.remote + self.proxies

    @property
    def reached(self) -> bool:
        """Whether the session may deliberate."""
        return self.voting_seats > 0 and self.represented >= self.required


def required_for(rule: str, voting_seats: int, fixed: int | None = None) -> int:
    """How many voting seats must be represented: more than half, two thirds (rounded up), or a number."""
    if rule == MAJORITY:
        return voting_seats // 2 + 1
    if rule == TWO_THIRDS:
        return max(1, math.ceil(voting_seats * 2 / 3))
    if rule == FIXED:
        if not fixed or fixed < 1:
            raise ValueError("a fixed quorum needs a count of at least 1")
        return fixed
    raise ValueError(f"unknown quorum rule {rule!r}")


def counted_proxies(seats: Iterable[Presence], policy: ProxyPolicy) -> tuple[dict[int, int], tuple[int, ...]]:
    """(holder -> proxies counted, givers refused): a proxy counts when the body allows proxies, its giver
    is a voting member who does not attend, and its holder is an attending voting member under the limit."""
    seats = list(seats)
    attending_voters = {s.person_id for s in seats if s.voting and s.status in ATTENDING}
    carried: dict[int, int] = {}
    refused: list[int] = []
    for seat in sorted(seats, key=lambda s: s.person_id):
        if seat.proxy_holder_id is None:
            continue
        holder = seat.proxy_holder_id
        valid = (
            policy.holders == PROXY_VOTING_MEMBER
            and seat.voting
            and seat.status not in ATTENDING
            and holder != seat.person_id
            and holder in attending_voters
            and carried.get(holder, 0) < policy.max_per_holder
        )
        if valid:
            carried[holder] = carried.get(holder, 0) + 1
        else:
            refused.append(seat.person_id)
    return carried, tuple(refused)


def compute(
    seats: Sequence[Presence], rule: str, fixed: int | None = None, policy: ProxyPolicy | None = None
) -> QuorumResult:
    """The quorum of a session: seats present or remote plus counted proxies, against the rule's number."""
    voters = [s for s in seats if s.voting]
    carried, refused = counted_proxies(seats, policy or ProxyPolicy())
    attending = [s for s in voters if s.status in ATTENDING]
    return QuorumResult(
        voting_seats=len(voters),
        present=sum(1 for s in attending if s.status == "present"),
        remote=sum(1 for s in attending if s.status == "remote"),
        proxies=sum(carried.values()),
        required=required_for(rule, len(voters), fixed),
        weights={s.person_id: 1 + carried.get(s.person_id, 0) for s in attending},
        refused_proxies=refused,
    )
