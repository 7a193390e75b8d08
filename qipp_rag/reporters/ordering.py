"""The order plans are listed in by the table: worst first, or as the files lie.

Worst first is red, then amber, then green, then the plans that could not be
read; within a rating the plan with the larger shortfall (target less
risk-adjusted savings, summed over the plan years in £000) comes first, then
the one with the larger identified shortfall, then the path.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..results import PlanResult

RANK = {"red": 0, "amber": 1, "green": 2, "error": 3}


def shortfalls(plan: PlanResult) -> tuple[Decimal, Decimal]:
    """The plan's (risk-adjusted, identified) shortfall summed over its years, £000; each year at least 0."""
    zero = Decimal(0)
    figures = plan.figures
    if figures is None:
        return zero, zero
    targets = figures.target.items()
    risk = sum((max(zero, target - figures.risk_adjusted.get(year, zero)) for year, target in targets), zero)
    found = sum((max(zero, target - figures.identified.get(year, zero)) for year, target in targets), zero)
    return risk, found


def sort_key(plan: PlanResult, sort: str = "rating") -> tuple[int, Decimal, Decimal, str] | tuple[str]:
    """The plan's place: ``rating``: worst first, larger shortfall first, then path; ``path``: the file."""
    if sort == "path":
        return (plan.file,)
    risk, found = shortfalls(plan)
    return RANK.get(plan.rating, len(RANK)), -risk, -found, plan.file


def ordered(plans: Sequence[PlanResult], sort: str = "rating") -> list[PlanResult]:
    """The plans in the order asked for (ties in their own order); for a few plans: a report keeps the keys."""
    keys = [sort_key(plan, sort) for plan in plans]
    return [plans[i] for i in sorted(range(len(keys)), key=lambda i: (keys[i], i))]
