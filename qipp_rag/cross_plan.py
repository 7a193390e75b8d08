"""Cross-plan rules: measured once over every plan that loaded, then placed in each plan's findings."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence

from .positions import Positions
from .rating import make_finding
from .results import Finding
from .rulebook.measure import PlanRef
from .rulebook.models import RuleSpec
from .rulebook.registry import PORTFOLIO_METRICS
from .spill import SpillStore


class CrossPlanFindings:
    """Each plan's cross-plan findings, kept in a spill file until the plan's turn comes.

    The findings come rule by rule, each rule's in plan order; they are
    given back plan by plan, in rule order, by walking every rule's run of
    records side by side.  What stays in memory is two numbers a finding.
    """

    def __init__(self) -> None:
        self._store = SpillStore()
        self._plans = array("Q")  # the plan each record belongs to
        self._runs: list[int] = []  # where each rule's records start
        self._cursors: list[int] = []

    def start_rule(self) -> None:
        self._runs.append(len(self._plans))

    def add(self, index: int, rule_id: str, finding: Finding) -> None:
        self._store.append((rule_id, finding))
        self._plans.append(index)

    def pop(self, index: int) -> Iterator[tuple[str, Finding]]:
        """Plan ``index``'s findings; plans must be asked for in increasing order."""
        if len(self._cursors) != len(self._runs):
            self._cursors = list(self._runs)
        ends = [*self._runs[1:], len(self._plans)][: len(self._runs)]
        for rule, end in enumerate(ends):
            cursor = self._cursors[rule]
            while cursor < end and self._plans[cursor] < index:
                cursor += 1
            if cursor < end and self._plans[cursor] == index:
                yield self._store[cursor]
                cursor += 1
            self._cursors[rule] = cursor

    def __enter__(self) -> CrossPlanFindings:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._store.close()


def cross_plan_findings(
    refs: Sequence[PlanRef], positions: Mapping[int, Positions], rules: Sequence[RuleSpec]
) -> CrossPlanFindings:
    """The findings of the cross-plan ``rules`` for each plan (``refs``: the plans that loaded, by
    their index in the run), placed where ``positions`` says.  Each finding is written away as soon
    as it is made: a rule's measurements of every plan are held only while that rule is placed."""
    found = CrossPlanFindings()
    try:
        applies = {ref.index: ref.plan.organisation.type.value for ref in refs}
        for rule in rules:
            found.start_rule()
            measured = PORTFOLIO_METRICS[rule.metric](refs, rule.params)
            for index, measurement in sorted(measured.items()):
                kind = applies.get(index)
                if kind is None or kind not in rule.applies_to:
                    continue
                found.add(index, rule.id, make_finding(rule, measurement, positions[index].locate))
    except BaseException:
        found.__exit__(None, None, None)
        raise
    return found
