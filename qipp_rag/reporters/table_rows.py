"""The plan table's rows, gathered in one pass over the plans: what the table prints of each plan, no plan kept.

A :class:`Row` holds a plan's file, rating, delivery confidence, organisation
code and name, its count of waived results and, for each criterion, how many
of its results have each rating.  With the rows come each plan's place in the
order asked for and its group, so the lines under the table can visit the
plans again one at a time in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ..results import Assessment, PlanResult
from ..rollup import area_team_of, region_of
from .ordering import sort_key
from .tally import Tally

Counts = tuple[tuple[str, int], ...]  # (rating, results) pairs, worst first; shared between rows


class Row(NamedTuple):
    file: str
    rating: str
    confidence: str | None
    code: str | None
    name: str | None
    waived: int  # results waived
    criteria: tuple[Counts | None, ...]  # per criterion of the table; None for a plan rated error


class Rows:
    """Every plan's row (in the plans' order), its sort key and its group; the plans' counts."""

    __slots__ = ("criteria", "rows", "keys", "groups", "counts")

    def __init__(self, criteria: list[str]) -> None:
        self.criteria = criteria
        self.rows: list[Row] = []
        self.keys: list[tuple[Any, ...]] = []
        self.groups: list[str] = []
        self.counts = Tally()

    def order(self, indices: Sequence[int] | None = None) -> list[int]:
        """The plans (all, or those given) in the order asked for."""
        chosen = range(len(self.rows)) if indices is None else indices
        return sorted(chosen, key=lambda i: (self.keys[i], i))


RATINGS = ("red", "amber", "green", "waived", "n/a")


def gather(assessment: Assessment, criteria: list[str], sort: str, group_by: str | None) -> Rows:
    """One pass over the plans: their rows, sort keys, groups (``region`` or ``area_team``) and counts."""
    of = {rule.id: rule.criterion for rule in assessment.rules}
    shared: dict[Counts, Counts] = {}
    key_of = {"region": region_of, "area_team": area_team_of}.get(group_by or "")
    found = Rows(criteria)
    for plan in assessment.plans:
        found.rows.append(row_of(plan, criteria, of, shared))
        found.keys.append(sort_key(plan, sort))
        found.groups.append((key_of(plan.organisation) or "unknown") if key_of else "")
        found.counts.add(plan)
    return found


def row_of(plan: PlanResult, criteria: Sequence[str], of: dict[str, str], shared: dict[Counts, Counts]) -> Row:
    cells: list[Counts | None] = []
    waived = 0
    if plan.rating == "error":
        cells = [None] * len(criteria)
    else:
        by_criterion: dict[str, dict[str, int]] = {key: {} for key in criteria}
        for finding in plan.findings:
            counts = by_criterion.get(of.get(finding.rule, ""))
            if counts is not None:
                counts[finding.rating] = counts.get(finding.rating, 0) + 1
        for key in criteria:
            counts = by_criterion[key]
            pairs = tuple((rating, counts[rating]) for rating in RATINGS if counts.get(rating))
            cells.append(shared.setdefault(pairs, pairs))
    waived = sum(1 for finding in plan.findings if finding.rating == "waived")
    org = plan.organisation
    confidence = getattr(plan, "confidence", None)
    return Row(plan.file, plan.rating, str(confidence) if confidence else None, org.code, org.name, waived,
               tuple(cells))
