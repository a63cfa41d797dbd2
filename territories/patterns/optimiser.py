"""How many visits each account gets over the plan, maximising expected return.

The response model: the k-th visit to an account in the plan is worth
potential x p x r^(k-1), with p and r set per tier (0 < r <= 1). Each account's return
is then concave in its number of visits (every extra visit is worth no more than the one
before), and the accounts share one constraint, the rep's capacity. For a sum of concave
functions under one capacity, with a lower bound (the tier's minimum) and an upper bound
(the minimum gap between visits) per account, greedy allocation is optimal: give each
account its minimum, then hand out the remaining capacity one visit at a time to the
largest marginal return. Exchange argument: any allocation that differs from greedy's
has a visit whose marginal value is no larger than one greedy took instead, and moving it
never lowers the total. tests/territories/test_call_patterns.py checks it against brute
force on small cases.
"""

import heapq
from dataclasses import dataclass
from math import ceil


@dataclass(frozen=True)
class Candidate:
    account_id: int
    potential: float
    p: float
    r: float
    minimum: int
    maximum: int


def visit_value(candidate: Candidate, k: int) -> float:
    """Expected return of the k-th visit (k from 1)."""
    return candidate.potential * candidate.p * candidate.r ** (k - 1)


def total_return(candidate: Candidate, visits: int) -> float:
    return sum(visit_value(candidate, k) for k in range(1, visits + 1))


class CapacityTooSmall(ValueError):
    def __init__(self, required, capacity):
        super().__init__(f"{required} visits are required, capacity is {capacity}")
        self.required, self.capacity = required, capacity


def allocate(candidates: list[Candidate], capacity: int) -> dict[int, int]:
    """Visits per account: every minimum met, capacity not exceeded, return maximal."""
    allocation = {c.account_id: min(c.minimum, c.maximum) for c in candidates}
    required = sum(allocation.values())
    if required > capacity:
        raise CapacityTooSmall(required, capacity)
    left = capacity - required
    heap = [
        (-visit_value(c, allocation[c.account_id] + 1), c.account_id, n)
        for n, c in enumerate(candidates)
        if allocation[c.account_id] < c.maximum
    ]
    heapq.heapify(heap)
    while left and heap:
        negative, account_id, n = heapq.heappop(heap)
        if -negative <= 0:
            break
        allocation[account_id] += 1
        left -= 1
        candidate = candidates[n]
        if allocation[account_id] < candidate.maximum:
            heapq.heappush(
                heap, (-visit_value(candidate, allocation[account_id] + 1), account_id, n)
            )
    return allocation


def most_visits(weeks: int, min_gap_days: int) -> int:
    """The plan gives an account at most one visit a week, and visits of an account at
    least the tier's minimum gap apart, counted in whole weeks (a 10-day gap means every
    other week): at most this many visits fit in `weeks` weeks."""
    gap_weeks = max(1, ceil(min_gap_days / 7))
    return (weeks - 1) // gap_weeks + 1
