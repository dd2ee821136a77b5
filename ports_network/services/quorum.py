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
    (what a vote by show of hands or ballot counts); `refused_proxies` lists the people whose
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


# Why a proxy would not count, as codes the console turns into words.
PROXIES_NOT_ALLOWED = "not_allowed"
GIVER_NOT_VOTING = "giver_not_voting"
OWN_PROXY = "own_proxy"
GIVER_ATTENDS = "giver_attends"
HOLDER_NOT_ATTENDING = "holder_not_attending"
HOLDER_FULL = "holder_full"


def proxy_problem(
    seats: Sequence[Presence], policy: ProxyPolicy, giver_id: int, holder_id: int
) -> str | None:
    """Why giving the giver's proxy to the holder would not count (None: it counts), by the same rules as
    `counted_proxies`; `seats` carry the giver's roll-call answer as it will be. A holder is full when the
    proxies already counted for them reach the limit, so a new proxy never displaces an earlier one."""
    giver = next((s for s in seats if s.person_id == giver_id), None)
    holder = next((s for s in seats if s.person_id == holder_id), None)
    checks = (
        (PROXIES_NOT_ALLOWED, lambda: policy.holders != PROXY_VOTING_MEMBER),
        (GIVER_NOT_VOTING, lambda: giver is None or not giver.voting),
        (OWN_PROXY, lambda: holder_id == giver_id),
        (GIVER_ATTENDS, lambda: giver.status in ATTENDING),
        (HOLDER_NOT_ATTENDING, lambda: holder is None or not holder.voting or holder.status not in ATTENDING),
        (HOLDER_FULL, lambda: _carried_by(holder_id, [s for s in seats if s is not giver], policy)),
    )
    return next((problem for problem, fails in checks if fails()), None)


def _carried_by(holder_id: int, seats: Sequence[Presence], policy: ProxyPolicy) -> bool:
    """Whether the holder already carries as many counted proxies as the policy allows."""
    carried, _refused = counted_proxies(seats, policy)
    return carried.get(holder_id, 0) >= policy.max_per_holder
