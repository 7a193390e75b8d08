"""Cross-plan rules: measured once over every plan that loaded, then placed in each plan's findings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .positions import Positions
from .rating import make_finding
from .results import Finding
from .rulebook.measure import PlanRef
from .rulebook.models import RuleSpec
from .rulebook.registry import PORTFOLIO_METRICS
from .spill import pack, unpack


class CrossPlanFindings:
    """Each plan's cross-plan findings (rule id and finding, in rule order), packed until its turn comes."""

    def __init__(self) -> None:
        self._packed: dict[int, list[bytes]] = {}

    def add(self, index: int, rule_id: str, finding: Finding) -> None:
        self._packed.setdefault(index, []).append(pack((rule_id, finding)))

    def pop(self, index: int) -> Iterator[tuple[str, Finding]]:
        """Plan ``index``'s findings, forgotten here as they are given."""
        for packed in self._packed.pop(index, ()):
            yield unpack(packed)


def cross_plan_findings(
    refs: Sequence[PlanRef], positions: Mapping[int, Positions], rules: Sequence[RuleSpec]
) -> CrossPlanFindings:
    """The findings of the cross-plan ``rules`` for each plan (``refs``: the plans that loaded, by
    their index in the run), placed where ``positions`` says.  Each finding is packed as soon as it is
    made: a rule's measurements of every plan are held only while that rule is placed."""
    found = CrossPlanFindings()
    applies = {ref.index: ref.plan.organisation.type.value for ref in refs}
    for rule in rules:
        measured = PORTFOLIO_METRICS[rule.metric](refs, rule.params)
        for index, measurement in sorted(measured.items()):
            kind = applies.get(index)
            if kind is None or kind not in rule.applies_to:
                continue
            found.add(index, rule.id, make_finding(rule, measurement, positions[index].locate))
    return found
