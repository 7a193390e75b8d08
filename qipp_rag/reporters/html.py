"""``--format html``: one self-contained, accessible page for people who never open a terminal.

The page is rendered by jinja2 (autoescape on) from ``templates/report.html.j2``
with the stylesheet and script of ``templates/report.css`` and ``report.js``
inlined, and SVG charts drawn in :mod:`.html_charts`.  Nothing is fetched
from anywhere: a Content-Security-Policy allows only the page's own style
and script (by hash) and ``data:`` images.  The script only sorts and
filters the plans table; without it every plan, finding and chart is still
on the page.

A run of more than ``COMPACT_ABOVE`` plans (a whole national round is
about 240) gets a compact plan section so the file stays small enough to
e-mail and quick to open: red, amber and waived findings keep their value,
message and place in the file; green and ``n/a`` findings are listed with
their value (``n/a`` with its reason); each rule's title, bands, rationale
and remediation are given once, under "Rules in force", linked from every
finding; evidence stays in the JSON assessment.  Smaller runs show all of
it in every plan's section.

Filtering by criterion shows the plans whose *worst* result among that
criterion's rules is the chosen one (red beats amber beats green; a
criterion with only waived or only ``n/a`` results counts as such).

This module turns the Assessment into plain, already formatted values (the
"view"); the template only lays them out.  Money is formatted from the exact
Decimal, never through a float.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..results import Assessment, Band, Finding, GroupSummary, PlanResult, Problem, RuleInfo, round_value
from ..rollup import UNKNOWN
from ..vocabulary import CRITERION_LABELS, ORG_TYPE_LABELS, RATING_LABELS, REGION_LABELS
from . import RenderOptions
from . import html_digest as digest
from .html_digest import thousands
from .text import bounds_text, exact

TEMPLATE = "report.html.j2"
STYLE = "report.css"
SCRIPT = "report.js"

RATING_CSS: dict[str, str] = {"green": "g", "amber": "a", "red": "r", "error": "e", "n/a": "n", "waived": "w"}
# Sort and filter keys: the worse the result, the higher.
PLAN_RANK: dict[str, int] = {"green": 1, "amber": 2, "red": 3, "error": 4}
FINDING_RANK: dict[str | None, int] = {None: 0, "n/a": 1, "waived": 2, "green": 3, "amber": 4, "red": 5}
COUNTED = ("red", "amber", "green")
REGIONS: dict[str, str] = {**REGION_LABELS, UNKNOWN: "Not known"}
TOTAL_ROWS: tuple[tuple[str, str], ...] = (
    ("allocation", "Allocation"),
    ("target", "Savings target"),
    ("identified", "Identified savings"),
    ("risk_adjusted", "Risk-adjusted savings"),
    ("delivered_to_date", "Delivered to date"),
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NBSP = "\u00a0"  # keeps "≥ 100 %" on one line
UNIT_SUFFIX: dict[str, str] = {"percent": NBSP + "%"}
COMPACT_ABOVE = 250
EVIDENCE_SHOWN = 8  # lines of a finding's evidence on the page (a national round must open in seconds)
MANY_ABOVE = 40  # past this many plans, the browser lays out only the plan sections in view
# Delivery confidence, worst first (as the first screen counts it), with its label.
CONFIDENCE_LABELS: dict[str, str] = {
    "red": "Red",
    "amber/red": "Amber/red",
    "amber": "Amber",
    "amber/green": "Amber/green",
    "green": "Green",
}
CONFIDENCE_LEGEND = (
    "Delivery confidence is the five-point Gateway scale (green, amber/green, amber, amber/red, red), "
    "read from the plan's counted results: red when two or more critical rules are red or there is no savings plan, "
    "amber/red with one critical rule red, amber with a red rule or three or more amber, "
    "amber/green with one or two amber; n/a and waived results do not count."
)


# ---------------------------------------------------------------- formatting


def long_date(day: dt.date) -> str:
    """``30 September 2014``, the same whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _plain(value: Decimal) -> str:
    """A number exactly as held, with thousands separators: ``1234567.50`` -> ``1,234,567.5``."""
    return exact(value, grouped=True)


def _number(value: Decimal) -> str:
    return _plain(value.normalize()) if value == value.to_integral_value() else _plain(value)


def measured(value: Decimal | None, unit: str) -> str:
    """A finding's value as shown: rounded to 2 places (as in JSON) with its unit; a dash for none."""
    if value is None:
        return "—"
    if unit == "count" and value == value.to_integral_value():
        return _plain(value)
    rounded = round_value(value)
    assert rounded is not None
    return format(rounded, ",f") + UNIT_SUFFIX.get(unit, "")


def band_text(band: Band, unit: str) -> str:
    """``≥ 100 %``, ``1 to 5 %``, ``> 0 %``; a band with no bounds holds any value."""
    return bounds_text(band, _number, UNIT_SUFFIX.get(unit, ""), NBSP)


def bands_text(rule: RuleInfo) -> str:
    """What the rule's bands are, e.g. ``green ≥ 100 %, amber ≥ 90 %``."""
    unbounded = Band()
    if rule.unit == "check":
        green = "green when met"
        if rule.amber is None:
            return f"{green}, else red"
        return f"{green}, else amber" if rule.amber == unbounded else f"{green}, amber when partly met, else red"
    green = f"green {band_text(rule.green, rule.unit)}"
    if rule.amber is None:
        return f"{green}, else red"
    if rule.amber == unbounded:
        return f"{green}, else amber"
    return f"{green}, amber {band_text(rule.amber, rule.unit)}"


def where(file: str, line: int, column: int) -> str:
    return f"{file}:{line}:{column}"


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    context = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    total = Decimal(0)
    for value in values:
        total = context.add(total, value)
    return total


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


def _area_team_code(plan: PlanResult) -> str | None:
    org = plan.organisation
    return (org.code or org.area_team) if org.type == "area_team" else org.area_team


class _Labels:
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


def _criteria(rules: list[RuleInfo]) -> list[str]:
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
class _Context:
    """What every plan's view needs from the whole assessment, worked out once."""

    rules: Mapping[str, RuleInfo]
    criteria: list[str]
    anchors: Mapping[str, str]
    bands: Mapping[str, str]
    labels: _Labels
    region_keys: list[str]
    team_keys: list[str]
    paths: Mapping[str, str]  # plan file -> as shown (never an absolute temporary path)

    @cached_property
    def region_rank(self) -> dict[str, int]:  # a lookup, not list.index per plan (a JSON may name a team per plan)
        return {key: position for position, key in enumerate(self.region_keys)}

    @cached_property
    def team_rank(self) -> dict[str, int]:
        return {key: position for position, key in enumerate(self.team_keys)}


def _plan(index: int, plan: PlanResult, context: _Context, short: digest.Shortfall | None) -> PlanView:
    from . import html_charts

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
    team_key = _area_team_code(plan) or ""
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
        view.savings_chart = html_charts.savings_chart(plan.figures, anchor, name, _plain)
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


def _needs_action(
    plan: PlanResult, view: PlanView, context: _Context, short: digest.Shortfall | None
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


def _rollup(groups: list[GroupSummary], kind: str, labels: _Labels) -> list[dict[str, Any]]:
    rows = []
    for group in groups:
        rows.append(
            {
                "name": labels.group(group, kind),
                "region": labels.region(group.region) if kind == "area_team" else None,
                "plans": group.plans,
                "ratings": [group.ratings.get(rating, 0) for rating in ("green", "amber", "red", "error")],
                "money": [thousands(_exact_sum(group.totals.get(key, {}).values())) for key, _ in TOTAL_ROWS[:4]],
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

    labels = _Labels(assessment)
    criteria = _criteria(assessment.rules)
    anchors: dict[str, str] = {}
    for position, rule in enumerate(assessment.rules, start=1):
        anchors.setdefault(rule.id, f"r{position}")
    region_keys = sorted(
        {plan.organisation.region or "" for plan in assessment.plans}, key=lambda key: (labels.region(key or None), key)
    )
    team_keys = sorted(
        {_area_team_code(plan) or "" for plan in assessment.plans}, key=lambda key: (labels.team(key or None), key)
    )
    rules: dict[str, RuleInfo] = {}
    for rule in assessment.rules:
        rules.setdefault(rule.id, rule)
    context = _Context(
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
    plans = [_plan(index, assessment.plans[i], context, shorts[i]) for index, i in enumerate(ranked, start=1)]
    needs_action = [
        _needs_action(assessment.plans[i], view, context, shorts[i])
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


# ---------------------------------------------------------------- rendering


def template_dir() -> Path:
    """``qipp_rag/templates`` in an installed wheel; the repository's ``templates/`` in a checkout."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "templates", here.parents[2] / "templates"):
        if (candidate / TEMPLATE).is_file():
            return candidate
    raise FileNotFoundError(f"the HTML report template {TEMPLATE} is missing from the installation")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> Any:
    """Messages quote plan keys in backticks (`governance.pmo`); the page shows them as code.

    The text is escaped first, so only the tool's own ``<code>`` tags are markup."""
    from markupsafe import Markup, escape

    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    import jinja2
    from markupsafe import Markup

    folder = template_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code_spans"] = code_spans
    # The stylesheet and script are the project's own files, not user data.
    style = (folder / STYLE).read_text(encoding="utf-8")
    script = (folder / SCRIPT).read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    view = build_view(assessment)
    return env.get_template(TEMPLATE).render(view=view, style=Markup(style), script=Markup(script), csp=csp)
