"""The HTML report's view of one plan: its row in the plans table, its place in the needs-action list
and its section, as plain, already formatted values (the template only lays them out).

A plan's view is made when the page reaches it and dropped after: the page never holds every plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from ..results import Assessment, Finding, GroupSummary, PlanResult, RuleInfo
from ..vocabulary import CRITERION_LABELS, ORG_TYPE_LABELS, RATING_LABELS
from . import html_charts
from . import html_digest as digest
from .html_digest import thousands
from .html_format import (
    CONFIDENCE_LABELS,
    COUNTED,
    EVIDENCE_SHOWN,
    FINDING_RANK,
    PLAN_RANK,
    RATING_CSS,
    REGIONS,
    TOTAL_ROWS,
    long_date,
    measured,
    plain_number,
    where,
)

# ---------------------------------------------------------------- the view


@dataclass(frozen=True)
class Tag:
    """A rating as shown: its text label (never colour alone) and its CSS class."""

    rating: str
    label: str
    css: str

    @cached_property
    def html(self) -> str:
        # Ratings come from a closed vocabulary (pydantic Literal), and the label is escaped all the same.
        from markupsafe import Markup, escape

        return Markup(f'<b class="t t-{self.css}">{escape(self.label)}</b>')

    @classmethod
    def of(cls, rating: str | None) -> Tag:
        return _tag(rating)


@cache
def _tag(rating: str | None) -> Tag:
    if rating is None:
        return Tag("", "—", "x")
    return Tag(rating, RATING_LABELS.get(rating, rating), RATING_CSS.get(rating, "x"))


@dataclass
class FindingView:
    rule: str
    anchor: str | None  # the rule's entry in the catalogue
    title: str
    tag: Tag
    value: str
    bands: str
    message: str
    location: str | None  # "line 12, col 5": the file is the plan's own, named at the top of its section
    path: str | None
    evidence: list[str]  # the first EVIDENCE_SHOWN lines; the JSON assessment has them all
    evidence_count: int
    distance: str | None  # the least money that would make it green (amber and red findings of money rules)
    remediation: str | None
    waiver: dict[str, Any] | None


@dataclass
class PlanView:
    anchor: str
    name: str
    code: str
    type: str
    file: str
    years: str
    region: str
    region_index: int
    area_team: str
    area_team_index: int
    tag: Tag
    rank: int
    criteria: list[tuple[Tag, int]]
    confidence: str | None = None  # the five-point delivery confidence; none for a plan rated error
    waived: int = 0  # waived results: "Green (1 waived)" wherever the rating is shown
    shortfall: str = "—"  # risk-adjusted, all plan years, whole £000
    shortfall_sort: str = "-1"
    red_rules: str = ""  # rule ids, space-separated: the plans table's rule filter reads them
    amber_rules: str = ""
    findings: list[FindingView] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    counts: list[tuple[Tag, int]] = field(default_factory=list)
    passed: list[FindingView] = field(default_factory=list)  # green, then n/a: folded below the rest
    flagged: list[FindingView] = field(default_factory=list)  # red, amber and waived
    savings_chart: Any = None
    savings_table: dict[str, Any] | None = None
    delivery_chart: Any = None
    delivery: dict[str, str] | None = None


def area_team_code(plan: PlanResult) -> str | None:
    org = plan.organisation
    return (org.code or org.area_team) if org.type == "area_team" else org.area_team


class Labels:
    """Display names of regions and area teams, from the assessment's own roll-ups."""

    def __init__(self, assessment: Assessment) -> None:
        self.regions = {group.key: group.name for group in assessment.portfolio.by_region if group.name}
        self.teams = {group.key: group.name for group in assessment.portfolio.by_area_team if group.name}

    def region(self, key: str | None) -> str:
        if not key:
            return "Not known"
        return self.regions.get(key) or REGIONS.get(key) or key

    def team(self, code: str | None) -> str:
        if not code:
            return "Not known"
        name = self.teams.get(code)
        return f"{name} ({code})" if name else code

    def group(self, group: GroupSummary, kind: str) -> str:
        return self.region(group.key) if kind == "region" else self.team(group.key if group.key != "unknown" else None)


def criteria_of(rules: list[RuleInfo]) -> list[str]:
    present = {rule.criterion for rule in rules}
    return [key for key in CRITERION_LABELS if key in present] + sorted(present - set(CRITERION_LABELS))


def worst(findings: Iterable[Finding]) -> str | None:
    """A criterion's worst counted result; else waived, else n/a; None when nothing was assessed."""
    ratings = {finding.rating for finding in findings}
    for rating in (*COUNTED, "waived", "n/a"):
        if rating in ratings:
            return rating
    return None


def _finding(
    finding: Finding, rule: RuleInfo | None, anchors: Mapping[str, str], bands: Mapping[str, str]
) -> FindingView:
    needs_action = finding.rating in ("red", "amber")
    waiver = None
    if finding.waiver is not None:
        waiver = {
            "reason": finding.waiver.reason,
            "approved_by": finding.waiver.approved_by,
            "expires": long_date(finding.waiver.expires),
            "expires_iso": finding.waiver.expires.isoformat(),
            "would_be": Tag.of(finding.waiver.rating),
        }
    location = finding.location
    return FindingView(
        rule=finding.rule,
        anchor=anchors.get(finding.rule),
        title=rule.title if rule else "",
        tag=Tag.of(finding.rating),
        value=measured(finding.value, rule.unit if rule else ""),
        bands=bands.get(finding.rule, ""),
        message=finding.message,
        location=f"line {location.line}, col {location.column}" if location else None,
        path=location.path if location and location.path else None,
        evidence=list(finding.evidence[:EVIDENCE_SHOWN]),
        evidence_count=len(finding.evidence),
        distance=digest.distance_text(finding.distance, rule) if needs_action else None,
        remediation=rule.remediation if rule and needs_action else None,
        waiver=waiver,
    )


def _savings_table(plan: PlanResult) -> dict[str, Any]:
    figures = plan.figures
    assert figures is not None
    rows = [
        (label, [thousands(getattr(figures, key).get(year, Decimal(0))) for year in figures.years])
        for key, label in TOTAL_ROWS
        if key != "delivered_to_date"
    ]
    return {"years": list(figures.years), "rows": rows}


@dataclass(frozen=True)
class PlanContext:
    """What every plan's view needs from the whole assessment, worked out once."""

    rules: Mapping[str, RuleInfo]
    criteria: list[str]
    anchors: Mapping[str, str]
    bands: Mapping[str, str]
    labels: Labels
    region_keys: list[str]
    team_keys: list[str]
    paths: Mapping[str, str]  # plan file -> as shown (never an absolute temporary path)
    ratings: Sequence[str] = ()  # every plan's rating, in the plans' order

    @cached_property
    def region_rank(self) -> dict[str, int]:  # a lookup, not list.index per plan (a JSON may name a team per plan)
        return {key: position for position, key in enumerate(self.region_keys)}

    @cached_property
    def team_rank(self) -> dict[str, int]:
        return {key: position for position, key in enumerate(self.team_keys)}


def plan_view(
    index: int, plan: PlanResult, context: PlanContext, short: digest.Shortfall | None, full: bool = True
) -> PlanView:
    """The plan's view; without ``full``, only what its row and its entries in lists show (no findings, charts)."""
    org = plan.organisation
    rules, criteria, labels = context.rules, context.criteria, context.labels
    by_criterion: dict[str, list[Finding]] = {key: [] for key in criteria}
    for finding in plan.findings:
        rule = rules.get(finding.rule)
        if rule is not None and rule.criterion in by_criterion:
            by_criterion[rule.criterion].append(finding)
    cells = []
    for key in criteria:
        rating = worst(by_criterion[key])
        cells.append((Tag.of(rating), FINDING_RANK[rating]))
    region_key = org.region or ""
    team_key = area_team_code(plan) or ""
    anchor = f"p{index}"
    file = context.paths.get(plan.file, plan.file)
    name = org.name or (f"Plan file {file.rsplit('/', 1)[-1]}" if plan.rating == "error" else file)
    view = PlanView(
        anchor=anchor,
        name=name,
        code=org.code or digest.code_from_file(plan.file) or "—",
        type=ORG_TYPE_LABELS.get(org.type or "", org.type or "Not known"),
        file=file,
        years=digest.years_text(plan.figures.years if plan.figures else []),
        region=labels.region(org.region),
        region_index=context.region_rank[region_key],
        area_team=labels.team(team_key or None),
        area_team_index=context.team_rank[team_key],
        tag=Tag.of(plan.rating),
        rank=PLAN_RANK.get(plan.rating, 0),
        criteria=cells,
    )
    view.confidence = CONFIDENCE_LABELS.get(plan.confidence or "")
    view.waived = plan.waived or 0
    if short is not None:
        view.shortfall = thousands(short.total)
        view.shortfall_sort = format(short.total, "f")
    view.red_rules = " ".join(finding.rule for finding in plan.findings if finding.rating == "red")
    view.amber_rules = " ".join(finding.rule for finding in plan.findings if finding.rating == "amber")
    if not full:
        return view
    view.findings = [
        _finding(finding, rules.get(finding.rule), context.anchors, context.bands) for finding in plan.findings
    ]
    view.errors = []
    for problem in plan.errors:
        shown = context.paths.get(problem.file or plan.file, problem.file or plan.file)
        view.errors.append(
            {"where": where(shown, problem.line, problem.column), "message": problem.message, "path": problem.path}
        )
    tally = {rating: 0 for rating in ("red", "amber", "waived", "green", "n/a")}
    for finding in plan.findings:
        tally[finding.rating] = tally.get(finding.rating, 0) + 1
    view.counts = [(Tag.of(rating), count) for rating, count in tally.items() if count]
    order = {"red": 0, "amber": 1, "waived": 2, "green": 3, "n/a": 4}
    ranked = sorted(view.findings, key=lambda finding: order.get(finding.tag.rating, 5))
    view.flagged = [finding for finding in ranked if finding.tag.rating not in ("green", "n/a")]
    view.passed = [finding for finding in ranked if finding.tag.rating in ("green", "n/a")]
    if plan.figures is not None and plan.figures.years:
        view.savings_chart = html_charts.savings_chart(plan.figures, anchor, name, plain_number)
        view.savings_table = _savings_table(plan)
        delivery = plan.figures.delivery
        if delivery is not None:
            view.delivery_chart = html_charts.delivery_chart(plan.figures, anchor, name, thousands)
            figures = (
                ("Planned to date", delivery.planned_to_date),
                ("actual to date", delivery.actual_to_date),
                (f"target {delivery.year}", delivery.target),
                ("forecast outturn", delivery.forecast_outturn),
            )
            view.delivery = {
                "as_of": long_date(delivery.as_of),
                "as_of_iso": delivery.as_of.isoformat(),
                "year": delivery.year,
                "text": "; ".join(f"{label} £{thousands(value)}k" for label, value in figures) + ".",
            }
    return view


def needs_action_entry(
    plan: PlanResult, view: PlanView, context: PlanContext, short: digest.Shortfall | None
) -> dict[str, Any]:
    """One entry of the ranked list: who, how bad, which rules fail and what to do first.

    Red rules are named by title; amber ones too when nothing is red, else by id (a national
    round's plans fail a dozen rules, and the red ones are what to read first)."""
    failing = digest.failing(plan, context.rules)
    first = context.rules.get(failing[0].rule) if failing else None
    entries: dict[str, list[dict[str, Any]]] = {"red": [], "amber": []}
    for finding in failing:
        rule = context.rules.get(finding.rule)
        entries[finding.rating].append(
            {
                "distance": digest.distance_text(finding.distance, rule),
                "rule": finding.rule,
                "anchor": context.anchors.get(finding.rule),
                "title": rule.title if rule else "",
                "critical": bool(rule and rule.critical),
            }
        )
    return {
        "anchor": view.anchor,
        "name": view.name,
        "code": view.code,
        "years": view.years,
        "tag": view.tag,
        "confidence": view.confidence,
        "waived": view.waived,
        "short": digest.pounds(short.total) if short is not None and short.total > 0 else None,
        "covered": short is not None and short.total == 0,
        "red": entries["red"],
        "amber": entries["amber"],
        "amber_titles": not entries["red"],
        "step": {"rule": first.id, "text": digest.first_step(first.remediation)} if first else None,
    }
