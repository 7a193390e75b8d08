"""Cross-plan rules: measured over every plan that loaded, and placed in each plan's findings when
that plan's turn comes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from .rating import make_finding
from .results import Finding
from .rulebook.measure import Measurement
from .rulebook.models import RuleSpec
from .rulebook.plan_table import PlanTable
from .rulebook.registry import PORTFOLIO_METRICS

_DONE = (-1, None)  # a rule with no measurement left


class CrossPlanFindings:
    """Each plan's cross-plan findings, made when the plan's turn comes.

    Every rule's metric gives its measurements one plan at a time in run
    order, so the rules are walked side by side, plan by plan: what is held
    is each rule's working state (small numbers a plan, see
    :class:`~qipp_rag.rulebook.plan_table.PlanTable`) and one measurement a
    rule, never a rule's measurements of every plan.
    """

    def __init__(self, plans: PlanTable, rules: Sequence[RuleSpec]) -> None:
        self._plans = plans
        self._rules = list(rules)
        self._streams = [iter(PORTFOLIO_METRICS[rule.metric](plans, rule.params)) for rule in self._rules]
        self._next: list[tuple[int, Measurement | None] | None] = [None] * len(self._rules)  # None: not read yet

    def _peek(self, rule: int) -> tuple[int, Measurement | None]:
        pending = self._next[rule]
        if pending is None:
            pending = self._next[rule] = next(self._streams[rule], _DONE)
        return pending

    def pop(self, index: int) -> Iterator[tuple[str, Finding]]:
        """Plan ``index``'s findings (by its index in the run), in rule order; plans must be asked
        for in increasing order."""
        row = self._plans.row(index)
        for number, rule in enumerate(self._rules):
            at, measurement = self._peek(number)
            while at != -1 and at < index:  # a plan never asked for (the engine asks for every one)
                self._next[number] = None
                at, measurement = self._peek(number)
            if at != index or measurement is None:
                continue
            self._next[number] = None
            if row is None or self._plans.kind(row).value not in rule.applies_to:
                continue
            yield rule.id, make_finding(rule, measurement, partial(self._plans.locate, row))


def cross_plan_findings(plans: PlanTable, rules: Sequence[RuleSpec]) -> CrossPlanFindings:
    """The findings of the cross-plan ``rules`` for each plan of ``plans`` (the plans that loaded),
    given plan by plan by :meth:`CrossPlanFindings.pop`."""
    return CrossPlanFindings(plans, rules)
