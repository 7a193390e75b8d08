"""Cross-plan rules: measured once over every plan that loaded, then placed in each plan's findings."""

from __future__ import annotations

from collections.abc import Sequence

from .measuring import Outcome
from .rating import make_finding
from .rulebook.measure import PlanRef
from .rulebook.models import RuleSpec
from .rulebook.registry import PORTFOLIO_METRICS


def add_cross_plan_findings(outcomes: Sequence[Outcome], rules: Sequence[RuleSpec]) -> None:
    refs = [
        PlanRef(index=outcome.index, file=outcome.file, plan=outcome.plan)
        for outcome in outcomes
        if outcome.plan is not None
    ]
    by_index = {outcome.index: outcome for outcome in outcomes}
    for rule in rules:
        measured = PORTFOLIO_METRICS[rule.metric](refs, rule.params)
        for index, measurement in sorted(measured.items()):
            outcome = by_index.get(index)
            if outcome is None or outcome.plan is None or outcome.plan.organisation.type.value not in rule.applies_to:
                continue
            locate = outcome.positions.locate if outcome.positions is not None else None
            outcome.findings[rule.id] = make_finding(rule, measurement, locate)
