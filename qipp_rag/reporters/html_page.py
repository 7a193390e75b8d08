"""The HTML report's page: what it says of the whole run, gathered in one pass over the plans, and the
plans themselves as sequences that make each plan's view when the page reaches it.

The first pass keeps, per plan, only its sort key (worst first), its rating and
where it sits; totals (money short, failures by rule, regions) are added up as
the plans go by.  The plans table, the needs-action list and the plan sections
then visit ``plans[i]`` in that order, one plan at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..results import Assessment, GroupSummary, PlanResult, Problem, RuleInfo
from ..vocabulary import CRITERION_LABELS, ORG_TYPE_LABELS
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


def _ranked(assessment: Assessment, rules: Mapping[str, RuleInfo], shorts: list[digest.Shortfall | None]) -> list[int]:
    """Worst first: the plans table's, the plans' sections' and the needs-action list's order (ties in file order)."""
    plans = assessment.plans
    return sorted(range(len(plans)), key=lambda i: (*digest.severity(plans[i], rules, shorts[i]), i))


def worst_first(assessment: Assessment) -> list[PlanResult]:
    """The assessment's plans in the order the report shows them."""
    rules = {rule.id: rule for rule in reversed(assessment.rules)}
    shorts = [digest.shortfall(plan) for plan in assessment.plans]
    return [assessment.plans[i] for i in _ranked(assessment, rules, shorts)]


def build_view(assessment: Assessment) -> dict[str, Any]:
    """Everything the template shows, formatted and in a stable order."""
    from . import html_charts

    labels = Labels(assessment)
    criteria = criteria_of(assessment.rules)
    anchors: dict[str, str] = {}
    for position, rule in enumerate(assessment.rules, start=1):
        anchors.setdefault(rule.id, f"r{position}")
    region_keys = sorted(
        {plan.organisation.region or "" for plan in assessment.plans}, key=lambda key: (labels.region(key or None), key)
    )
    team_keys = sorted(
        {area_team_code(plan) or "" for plan in assessment.plans}, key=lambda key: (labels.team(key or None), key)
    )
    rules: dict[str, RuleInfo] = {}
    for rule in assessment.rules:
        rules.setdefault(rule.id, rule)
    context = PlanContext(
        rules=rules,
        criteria=criteria,
        anchors=anchors,
        bands={rule_id: bands_text(rule) for rule_id, rule in rules.items()},
        labels=labels,
        region_keys=region_keys,
        team_keys=team_keys,
        paths=digest.display_paths(plan.file for plan in assessment.plans),
    )
    shorts = [digest.shortfall(plan) for plan in assessment.plans]
    ranked = _ranked(assessment, rules, shorts)
    plans = [plan_view(index, assessment.plans[i], context, shorts[i]) for index, i in enumerate(ranked, start=1)]
    needs_action = [
        needs_action_entry(assessment.plans[i], view, context, shorts[i])
        for i, view in zip(ranked, plans, strict=False)
        if assessment.plans[i].rating in ("red", "amber")
    ]
    summary = assessment.summary
    regions = assessment.portfolio.by_region
    scope = digest.scope(
        [plan.organisation.region for plan in assessment.plans], {key: labels.region(key) for key in REGIONS}
    )
    as_of = long_date(assessment.as_of)
    return {
        "title": f"QIPP plan assurance: {scope}, as of {as_of}",
        "scope": scope,
        "needs_action": needs_action,
        "shortfall": _shortfall_view(digest.shortfall_totals(shorts), sum(1 for item in shorts if item is not None)),
        "failures": digest.failures_by_rule(assessment.plans, assessment.rules, anchors),
        "unreadable": [view for view in plans if view.tag.rating == "error"],
        "many": len(assessment.plans) > MANY_ABOVE,
        "compact": len(assessment.plans) > COMPACT_ABOVE,
        "compact_above": COMPACT_ABOVE,
        "tool": assessment.tool,
        "as_of": as_of,
        "as_of_iso": assessment.as_of.isoformat(),
        "packs": assessment.rule_packs,
        "confidence_counts": [
            (label, summary.confidence.get(level, 0)) for level, label in CONFIDENCE_LABELS.items()
        ]
        if any(plan.confidence for plan in assessment.plans) or any(summary.confidence.values())
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
        "plans": plans,
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
