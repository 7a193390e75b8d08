"""What several reports need to know of all the plans before they write the first: gathered in one pass.

Plans are read one at a time (an assessment's plans may be read from disk on
each access), so a report that states counts in its head counts them first
with :func:`tally` and keeps only the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..results import Assessment, PlanResult

PLAN_RATINGS = ("green", "amber", "red", "error")


class Tally:
    __slots__ = ("plans", "ratings", "results", "rules")  # a plain class: a dataclass execs code when defined

    def __init__(self) -> None:
        self.plans = 0
        self.ratings: Counter[str] = Counter()  # plans by rating
        self.results: Counter[str] = Counter()  # findings by rating, over every plan
        self.rules: set[str] = set()  # every rule id a finding names

    def add(self, plan: PlanResult) -> None:
        self.plans += 1
        self.ratings[plan.rating] += 1
        for finding in plan.findings:
            self.results[finding.rating] += 1
            self.rules.add(finding.rule)

    def rating_counts(self) -> dict[str, int]:
        """Plans by rating, every rating named, in the order green, amber, red, error."""
        return {rating: self.ratings[rating] for rating in PLAN_RATINGS}

    def gate_fails(self, fail_on: str) -> bool:
        """As :func:`qipp_rag.results.gate_fails`, from the counts."""
        if fail_on == "never":
            return False
        failing = ("red",) if fail_on == "red" else ("red", "amber")
        return any(self.ratings[rating] for rating in failing)

    def exit_code(self, assessment: Assessment, fail_on: str) -> int:
        """As :func:`qipp_rag.results.exit_code`, from the counts."""
        if assessment.errors or self.ratings["error"] or not self.plans:
            return 2
        return 1 if self.gate_fails(fail_on) else 0


def tally(plans: Iterable[PlanResult]) -> Tally:
    counts = Tally()
    for plan in plans:
        counts.add(plan)
    return counts
