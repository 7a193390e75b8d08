"""The HTML report's page: what it says of the whole run, gathered in one pass over the plans, and the
plans themselves as sequences that make each plan's view when the page reaches it.

The first pass keeps, per plan, only its sort key (worst first), its rating and
where it sits; totals (money short, failures by rule, regions) are added up as
the plans go by.  The plans table, the needs-action list and the plan sections
then visit ``plans[i]`` in that order, one plan at a time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from ..results import Assessment, GroupSummary, PlanResult, Problem, RuleInfo
from ..vocabulary import CRITERION_LABELS, ORG_TYPE_LABELS
from . import html_charts
from . import html_digest as digest
from .html_digest import thousands
from .html_format import (
    COMPACT_ABOVE,
    CONFIDENCE_LABELS,
    CONFIDENCE_LEGEND,
    MANY_ABOVE,
    REGIONS,
    TOTAL_ROWS,
    bands_text,
    exact_sum,
    long_date,
    where,
)
from .html_plan import Labels, PlanContext, Tag, area_team_code, criteria_of, needs_action_entry, plan_view


def _shortfall_view(total: digest.Shortfall, plans: int) -> dict[str, Any]:
    years = sorted(set(total.identified) | set(total.risk_adjusted))
    return {
        "plans": plans,
        "risk_adjusted": digest.millions(total.total),
        "identified": digest.millions(sum(total.identified.values(), Decimal(0))),
        "years": years,
        "rows": [
            (label, [thousands(amounts.get(year, Decimal(0))) for year in years])
            for label, amounts in (
                ("Identified savings short of target", total.identified),
                ("Risk-adjusted savings short of target", total.risk_adjusted),
            )
        ],
    }


def _rollup(groups: list[GroupSummary], kind: str, labels: Labels) -> list[dict[str, Any]]:
    rows = []
    for group in groups:
        rows.append(
            {
                "name": labels.group(group, kind),
                "region": labels.region(group.region) if kind == "area_team" else None,
                "plans": group.plans,
                "ratings": [group.ratings.get(rating, 0) for rating in ("green", "amber", "red", "error")],
                "money": [thousands(exact_sum(group.totals.get(key, {}).values())) for key, _ in TOTAL_ROWS[:4]],
            }
        )
    return rows


def _totals(summary: GroupSummary) -> dict[str, Any]:
    years = sorted({year for per_year in summary.totals.values() for year in per_year})
    rows = [
        (
            label,
            [thousands(summary.totals[key][year]) if year in summary.totals.get(key, {}) else "—" for year in years],
        )
        for key, label in TOTAL_ROWS
        if key in summary.totals
    ]
    return {"years": years, "rows": rows}


def _problem(problem: Problem) -> dict[str, str]:
    return {
        "where": where(problem.file or "", problem.line, problem.column),
        "message": problem.message,
        "path": problem.path,
    }


def _rule(rule: RuleInfo, anchor: str) -> dict[str, Any]:
    return {
        "anchor": anchor,
        "id": rule.id,
        "title": rule.title,
        "criterion": CRITERION_LABELS.get(rule.criterion, rule.criterion),
        "measures": rule.measures,
        "bands": bands_text(rule),
        "critical": rule.critical,
        "applies_to": ", ".join(ORG_TYPE_LABELS.get(kind, kind) for kind in rule.applies_to),
        "rationale": rule.rationale,
        "remediation": rule.remediation,
        "basis": rule.basis,
        "pack": rule.pack,
    }


class Visits:
    """Plans' views made one at a time, each time the page iterates (it may more than once); ``len`` known."""

    def __init__(self, count: int, make: Callable[[], Iterator[Any]]) -> None:
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        return self._make()


class DisplayPaths(Mapping[str, str]):
    """Absolute plan files as the report shows them (see :func:`digest.display_paths`), worked out from
    the folder every plan sits in, gathered a file at a time; any other file is not in it."""

    def __init__(self) -> None:
        self._absolute: set[str] = set()
        self._root: str | None = None
        self._mixed = False

    def add(self, file: str) -> None:
        if not digest.is_absolute(file):
            return
        self._absolute.add(file)
        parent = os.path.dirname(file.replace("\\", "/"))
        try:
            self._root = os.path.commonpath([parent] if self._root is None else [self._root, parent])
        except ValueError:  # a mix of drives
            self._mixed = True

    def __getitem__(self, file: str) -> str:
        if file not in self._absolute:
            raise KeyError(file)
        root = "" if self._mixed else (self._root or "")
        base = os.path.dirname(root) if root else ""
        posix = file.replace("\\", "/")
        return os.path.relpath(posix, base) if base else PurePosixPath(posix).name

    def __iter__(self) -> Iterator[str]:
        return iter(self._absolute)

    def __len__(self) -> int:
        return len(self._absolute)


@dataclass
class Gathered:
    """What the page needs of every plan, from one pass: sort keys and ratings, and totals."""

    keys: list[tuple[Any, ...]] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    regions: set[str | None] = field(default_factory=set)
    region_keys: set[str] = field(default_factory=set)
    team_keys: set[str] = field(default_factory=set)
    paths: DisplayPaths = field(default_factory=DisplayPaths)
    shortfall: digest.Shortfall = field(default_factory=digest.Shortfall)
    short_plans: int = 0
    red: dict[str, int] = field(default_factory=dict)  # plans red on each rule
    amber: dict[str, int] = field(default_factory=dict)
    confidence: bool = False  # any plan has a delivery confidence

    def ranked(self) -> list[int]:
        """Worst first: the order of the plans table, the plan sections and the needs-action list (ties: file order)."""
        return sorted(range(len(self.keys)), key=lambda i: (*self.keys[i], i))


def gather(plans: Iterable[PlanResult], rules: Mapping[str, RuleInfo]) -> Gathered:
    found = Gathered()
    for plan in plans:
        short = digest.shortfall(plan)
        found.keys.append(digest.severity(plan, rules, short))
        found.ratings.append(plan.rating)
        found.regions.add(plan.organisation.region)
        found.region_keys.add(plan.organisation.region or "")
        found.team_keys.add(area_team_code(plan) or "")
        found.paths.add(plan.file)
        if short is not None:
            found.shortfall = digest.shortfall_totals((found.shortfall, short))
            found.short_plans += 1
        digest.count_failures(plan, found.red, found.amber)
        found.confidence = found.confidence or bool(plan.confidence)
    return found


def worst_first(assessment: Assessment) -> list[PlanResult]:
    """The assessment's plans in the order the report shows them."""
    rules = {rule.id: rule for rule in reversed(assessment.rules)}
    return [assessment.plans[i] for i in gather(assessment.plans, rules).ranked()]


def _visits(
    plans: Sequence[PlanResult], ranked: list[int], ratings: list[str], context: PlanContext, full: bool = True
) -> Visits:
    """The plans rated one of ``ratings`` (all when empty), worst first, each as its view."""

    def made() -> Iterator[Any]:
        for position, i in enumerate(ranked, start=1):
            if ratings and gathered_ratings[i] not in ratings:
                continue
            plan = plans[i]
            yield plan_view(position, plan, context, digest.shortfall(plan), full)

    gathered_ratings = context.ratings
    count = sum(1 for i in ranked if not ratings or gathered_ratings[i] in ratings)
    return Visits(count, made)


def _needs_action(plans: Sequence[PlanResult], ranked: list[int], context: PlanContext) -> Visits:
    def made() -> Iterator[dict[str, Any]]:
        for position, i in enumerate(ranked, start=1):
            if context.ratings[i] not in ("red", "amber"):
                continue
            plan = plans[i]
            short = digest.shortfall(plan)
            yield needs_action_entry(plan, plan_view(position, plan, context, short, full=False), context, short)

    return Visits(sum(1 for rating in context.ratings if rating in ("red", "amber")), made)


def build_view(assessment: Assessment) -> dict[str, Any]:
    """Everything the template shows, formatted and in a stable order; the plans as :class:`Visits`."""
    labels = Labels(assessment)
    criteria = criteria_of(assessment.rules)
    anchors: dict[str, str] = {}
    for position, rule in enumerate(assessment.rules, start=1):
        anchors.setdefault(rule.id, f"r{position}")
    rules: dict[str, RuleInfo] = {}
    for rule in assessment.rules:
        rules.setdefault(rule.id, rule)
    found = gather(assessment.plans, rules)
    region_keys = sorted(found.region_keys, key=lambda key: (labels.region(key or None), key))
    team_keys = sorted(found.team_keys, key=lambda key: (labels.team(key or None), key))
    context = PlanContext(
        rules=rules,
        criteria=criteria,
        anchors=anchors,
        bands={rule_id: bands_text(rule) for rule_id, rule in rules.items()},
        labels=labels,
        region_keys=region_keys,
        team_keys=team_keys,
        paths=found.paths,
        ratings=found.ratings,
    )
    ranked = found.ranked()
    plans = assessment.plans
    count = len(ranked)
    summary = assessment.summary
    regions = assessment.portfolio.by_region
    scope = digest.scope(list(found.regions), {key: labels.region(key) for key in REGIONS})
    as_of = long_date(assessment.as_of)
    return {
        "title": f"QIPP plan assurance: {scope}, as of {as_of}",
        "scope": scope,
        "needs_action": _needs_action(plans, ranked, context),
        "shortfall": _shortfall_view(found.shortfall, found.short_plans),
        "failures": digest.rank_failures(found.red, found.amber, assessment.rules, anchors),
        "unreadable": _visits(plans, ranked, ["error"], context, full=False),
        "many": count > MANY_ABOVE,
        "compact": count > COMPACT_ABOVE,
        "compact_above": COMPACT_ABOVE,
        "tool": assessment.tool,
        "as_of": as_of,
        "as_of_iso": assessment.as_of.isoformat(),
        "packs": assessment.rule_packs,
        "confidence_counts": [
            (label, summary.confidence.get(level, 0)) for level, label in CONFIDENCE_LABELS.items()
        ]
        if found.confidence or any(summary.confidence.values())
        else [],
        "confidence_legend": CONFIDENCE_LEGEND,
        "rating_counts": [
            (Tag.of(rating), summary.ratings.get(rating, 0)) for rating in ("red", "amber", "green", "error")
        ],
        "plan_count": summary.plans,
        "totals": _totals(summary),
        "mix_chart": html_charts.rating_mix_chart(regions, lambda group: labels.group(group, "region"), "mix")
        if regions
        else None,
        "by_region": _rollup(regions, "region", labels),
        "by_area_team": _rollup(assessment.portfolio.by_area_team, "area_team", labels),
        "criteria": [CRITERION_LABELS.get(key, key) for key in criteria],
        "plan_rows": _visits(plans, ranked, [], context, full=False),
        "plans": _visits(plans, ranked, [], context),
        "problems": [_problem(problem) for problem in assessment.errors],
        "waivers": [
            {
                "rule": waiver.rule,
                "anchor": anchors.get(waiver.rule),
                "plan": waiver.plan,
                "status": waiver.status,
                "reason": waiver.reason,
                "approved_by": waiver.approved_by,
                "expires": long_date(waiver.expires),
                "expires_iso": waiver.expires.isoformat(),
                "applied_to": waiver.applied_to,
                "warning": waiver.warning,
            }
            for waiver in assessment.waivers
        ],
        # A rule id given twice (only a hand-edited JSON file can do that) is listed once.
        "rules": [
            _rule(rule, f"r{position}")
            for position, rule in enumerate(assessment.rules, start=1)
            if anchors[rule.id] == f"r{position}"
        ],
        "filters": {
            "regions": [labels.region(key or None) for key in region_keys],
            "areaTeams": [labels.team(key or None) for key in team_keys],
        },
        "patterns": html_charts.PATTERN_DEFS,
    }
