"""``--format markdown``: the assessment as a Markdown document (pull requests, wikis, job summaries).

Sections: summary (plans by rating, money by year), the plans, each plan's
results that are not green, input errors, waivers, and roll-ups by region
and by area team.  Text from the input is escaped, so a plan's words can
neither break a table nor inject HTML or links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from ..results import TOTAL_KEYS, Assessment, PlanResult
from . import RenderOptions
from .table import CRITERIA, LABELS, ROLLUP_HEADERS, counts_line, organisation_label, rollup_rows
from .table_layout import amount, shown_value
from .tally import Tally, tally
from .text import CONFIDENCE_LABELS, CONFIDENCE_LEGEND, confidence_text, visible, waived_note
from .text import markdown_escape as escape

TOTAL_TITLES = {
    "allocation": "Allocation",
    "target": "Target",
    "identified": "Identified",
    "risk_adjusted": "Risk-adjusted",
    "delivered_to_date": "Delivered to date",
    "shortfall_identified": "Shortfall (identified)",
    "shortfall_risk_adjusted": "Shortfall (risk-adjusted)",
}


def code(text: str) -> str:
    """Text as a code span that is safe in a table cell: ``|`` still splits a cell inside a code span
    in GitHub's tables, so it is escaped; backticks cannot close the span; controls are shown escaped."""
    return "`" + " ".join(visible(text).replace("`", "'").split()).replace("|", "\\|") + "`"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    lines = ["| " + " | ".join(escape(header) for header in headers) + " |"]
    lines.append("|" + "|".join("---:" if number in right else "---" for number in range(len(headers))) + "|")
    lines += [_row(row) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _badge(rating: str) -> str:
    return f"**{LABELS[rating]}**" if rating in ("red", "amber", "error") else LABELS[rating]


def _summary(assessment: Assessment, counts: Tally) -> list[str]:
    lines = ["## Summary", "", escape(counts_line(assessment, counts)), ""]
    ratings = assessment.summary.ratings
    lines += _table(
        ["Rating", "Plans"],
        [[_badge(rating), str(ratings.get(rating, 0))] for rating in ("red", "amber", "green", "error")],
        right=[1],
    )
    confidence = assessment.summary.confidence
    if any(confidence.values()):
        rows = [[CONFIDENCE_LABELS[level], str(confidence.get(level, 0))] for level in reversed(CONFIDENCE_LABELS)]
        lines += ["", *_table(["Confidence", "Plans"], rows, right=[1])]
    totals = assessment.summary.totals
    years = sorted({year for per_year in totals.values() for year in per_year})
    if years:
        keys = [key for key in TOTAL_KEYS if totals.get(key)]
        lines += ["", "Money in £000, over plans not rated ERROR:", ""]
        rows = [
            [
                escape(year),
                *(escape(amount(totals[key].get(year, Decimal(0)))) if year in totals[key] else "" for key in keys),
            ]
            for year in years
        ]
        lines += _table(["Year", *(TOTAL_TITLES[key] for key in keys)], rows, right=range(1, len(keys) + 1))
    return lines


PLAN_HEADERS = [
    "Plan", "Organisation", "Region", "Area team", "Rating", "Confidence",
    "Red", "Amber", "Waived", "n/a", "Errors",
]  # fmt: skip


def _plans_head(assessment: Assessment) -> list[str]:
    lines = ["## Plans", ""]
    if not assessment.plans:
        return lines + ["No plans were assessed."]
    return lines + _table(PLAN_HEADERS, [], right=range(6, 11))


def _plan_row(plan: PlanResult) -> str:
    counts = Counter(finding.rating for finding in plan.findings)
    org = plan.organisation
    return _row([
        code(plan.file),
        escape(organisation_label(plan)),
        escape(org.region or ""),
        escape(org.area_team or (org.code if org.type == "area_team" else "") or ""),
        _badge(plan.rating) + waived_note(plan),
        confidence_text(plan),
        *(str(counts[rating]) for rating in ("red", "amber", "waived", "n/a")),
        str(len(plan.errors)) if plan.errors else "",
    ])  # fmt: skip


def _where(finding) -> str:  # noqa: ANN001 - a Finding
    location = finding.location
    if location is None:
        return ""
    return f"line {location.line}, {code(location.path)}" if location.path else f"line {location.line}"


def _plan_details(plan: PlanResult, rules: dict) -> list[str]:
    confidence = f", confidence {confidence_text(plan)}" if plan.confidence else ""
    heading = f"{escape(organisation_label(plan))}, {_badge(plan.rating)}{waived_note(plan)}{confidence}"
    lines = [f"### {code(plan.file)}: {heading}", ""]
    if plan.errors:
        rows = [
            [str(problem.line), str(problem.column), escape(problem.path), escape(problem.message)]
            for problem in plan.errors
        ]
        return (
            lines
            + ["The file could not be assessed:", ""]
            + _table(["Line", "Column", "Path", "Problem"], rows, right=[0, 1])
            + [""]
        )
    shown = [finding for finding in plan.findings if finding.rating != "green"]
    greens = len(plan.findings) - len(shown)
    if shown:
        rows = []
        for finding in shown:
            rule = rules.get(finding.rule)
            where = _where(finding)
            message = escape(finding.message)
            if finding.waiver is not None:
                waiver = finding.waiver
                message += escape(
                    f" (would be {LABELS[waiver.rating]}; waived: {waiver.reason}; approved by "
                    f"{waiver.approved_by}; until {waiver.expires.isoformat()})"
                )
            title = escape(rule.title) if rule else ""
            rows.append(
                [
                    escape(finding.rule),
                    title,
                    _badge(finding.rating),
                    escape(shown_value(finding, rule.unit if rule else None)),
                    where,
                    message,
                ]
            )
        lines += _table(["Rule", "Title", "Result", "Value", "Where", "Finding"], rows)
        lines.append("")
    lines.append(f"{greens} result{'s' if greens != 1 else ''} GREEN." if greens else "No GREEN results.")
    return lines + [""]


def _rollup(title: str, groups) -> list[str]:
    rows = [[escape(cell) for cell in row] for row in rollup_rows(groups)]
    return [f"## {title}", "", "Money in £000, over plans not rated ERROR.", ""] + _table(
        ROLLUP_HEADERS, rows, right=[1, 2, 3, 4, 5, 7, 8, 9, 10]
    )


def _providers(assessment: Assessment) -> list[str]:
    lines = ["## By provider", "", "Savings of live schemes by provider and year, £000, over plans not rated ERROR."]
    lines.append("")
    if not assessment.portfolio.providers:
        return [*lines, "No live scheme names a provider."]
    rows = [
        [
            escape(provider.name), escape(year), escape(amount(saving)), str(len(provider.commissioners)),
            escape(", ".join(provider.commissioners)),
        ]
        for provider in assessment.portfolio.providers
        for year, saving in sorted(provider.savings.items())
    ]
    return lines + _table(["Provider", "Year", "Savings £000", "Commissioners", "Codes"], rows, right=[2, 3])


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The head (counted in a first pass), then a plan at a time: its row of the plans table, and
    later its results; then the rest.  Every line ends with a newline, the document with one."""
    packs = ", ".join(f"{pack.name} ({pack.source})" for pack in assessment.rule_packs) or "none"
    lines = [
        "# QIPP plan assessment",
        "",
        escape(
            f"As of {assessment.as_of.isoformat()}; rule packs: {packs}; {assessment.tool.name} "
            f"{assessment.tool.version}."
        ),
        "",
    ]
    lines += _summary(assessment, tally(assessment.plans)) + [""]
    lines += _plans_head(assessment)
    yield "\n".join(lines) + "\n"
    for plan in assessment.plans:
        yield _plan_row(plan) + "\n"
    if assessment.plans:
        yield "\n" + escape(CONFIDENCE_LEGEND) + "\n\n"
    else:
        yield "\n"

    rules = {rule.id: rule for rule in assessment.rules}
    if assessment.plans:
        yield "## Results by plan\n\nEvery result that is not GREEN, with where it points in the plan file.\n\n"
        for plan in assessment.plans:
            yield "\n".join(_plan_details(plan, rules)) + "\n"

    lines = []
    if assessment.errors:
        lines += ["## Input errors", ""]
        rows = [
            [escape(problem.file or ""), str(problem.line), str(problem.column), escape(problem.message)]
            for problem in assessment.errors
        ]
        lines += _table(["File", "Line", "Column", "Problem"], rows, right=[1, 2]) + [""]

    if assessment.waivers:
        lines += ["## Waivers", ""]
        rows = [
            [
                escape(w.rule),
                escape(w.plan),
                escape(
                    w.status
                    + (f": {w.refused_because}" if w.refused_because else "")
                    + (f": warning: {w.warning}" if w.warning else "")
                ),
                escape(w.expires.isoformat()),
                escape(w.approved_by + (f" ({w.approver_organisation})" if w.approver_organisation else "")),
                escape(w.reason),
                escape(", ".join(w.applied_to)),
            ]
            for w in assessment.waivers
        ]
        lines += _table(["Rule", "Plan", "Status", "Expires", "Approved by", "Reason", "Waived in"], rows) + [""]

    if assessment.rules:
        lines += ["## Rules in force", ""]
        rows = [
            [
                escape(rule.id),
                escape(CRITERIA.get(rule.criterion, rule.criterion)),
                escape(rule.title),
                "yes" if rule.critical else "",
            ]
            for rule in assessment.rules
        ]
        lines += _table(["Rule", "Criterion", "Title", "Critical"], rows) + [""]

    groups = {
        "region": ("By region", assessment.portfolio.by_region),
        "area_team": ("By area team", assessment.portfolio.by_area_team),
    }
    order = [options.group_by] if options.group_by in groups else []
    order += [key for key in groups if key not in order]
    for key in order:
        title, members = groups[key]
        lines += _rollup(title, members) + [""]
    if options.group_by == "provider":
        lines += _providers(assessment) + [""]
    yield "\n".join(lines).rstrip("\n") + "\n"
