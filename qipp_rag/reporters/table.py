"""``--format table``: the RAG table for a terminal, or plain text when the output is not one.

Every rating is written as a word (RED, AMBER, GREEN, ERROR, n/a, waived);
colour, when on, only repeats what the word says.  After the table come the
results that are not green, each with ``file:line:column``, the problems of
plans that could not be read, other input errors, waivers that did not
apply, an optional roll-up by region or area team (£000), and a summary line.

Everything from the input (file names, messages) is drawn as plain text,
never as rich markup, so a plan cannot restyle or forge the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..results import Assessment, Finding, GroupSummary, PlanResult, Problem, round_value
from . import RenderOptions
from .text import visible

CRITERIA: dict[str, str] = {
    "savings_plan": "Savings plan",
    "governance": "Governance",
    "trajectory": "Trajectory",
    "quality": "Quality",
    "delivery": "Delivery",
    "partnership": "Partnership",
    "portfolio": "Portfolio",
}
LABELS = {"red": "RED", "amber": "AMBER", "green": "GREEN", "error": "ERROR", "n/a": "n/a", "waived": "waived"}
STYLES = {
    "red": "bold red",
    "amber": "bold yellow",
    "green": "bold green",
    "error": "bold magenta",
    "n/a": "dim",
    "waived": "cyan",
}
TOTAL_NAMES = {
    "allocation": "Allocation",
    "target": "Target",
    "identified": "Identified",
    "risk_adjusted": "Risk-adjusted",
}
PLAIN_WIDTH = 10_000  # plain text is read in logs and files: a line per row, never a path folded mid-word


# ---------------------------------------------------------------- wording shared with other text reports


def amount(value: Decimal) -> str:
    """Exact money (£000) with thousands separators and no trailing zeros: ``1,200.5``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, dot, places = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or '0'):,}{dot}{places}"


def shown_value(finding: Finding, unit: str | None = None) -> str:
    """The value as the JSON shows it (2 places, half-even); a whole count without the places."""
    if finding.value is None:
        return ""
    shown = round_value(finding.value)
    if unit == "count" and shown == shown.to_integral_value():
        return str(shown.quantize(Decimal(1)))
    return str(shown)


def where(plan: PlanResult, finding: Finding | None = None, problem: Problem | None = None) -> str:
    """``file:line:column`` when the result points at a place in the file, else the file."""
    location = finding.location if finding is not None else problem
    if location is None or not location.line:
        return visible(plan.file)
    return f"{visible(plan.file)}:{location.line}:{location.column}"


def organisation_label(plan: PlanResult) -> str:
    org = plan.organisation
    if org.code and org.name:
        return visible(f"{org.name} ({org.code})")
    return visible(org.code or org.name or "(unknown organisation)")


def criterion_cell(findings: Sequence[Finding]) -> tuple[str, str | None]:
    """The worst result of one criterion as a word and a count: ``RED ×2``, ``GREEN``, ``n/a``."""
    if not findings:
        return "—", None
    counts = Counter(finding.rating for finding in findings)
    waived = f" +{counts['waived']} waived" if counts["waived"] else ""
    for rating in ("red", "amber"):
        if counts[rating]:
            times = f" ×{counts[rating]}" if counts[rating] > 1 else ""
            return f"{LABELS[rating]}{times}{waived}", rating
    if counts["green"]:
        return f"{LABELS['green']}{waived}", "green"
    if counts["waived"]:
        return f"waived ×{counts['waived']}" if counts["waived"] > 1 else "waived", "waived"
    return "n/a", "n/a"


def finding_line(plan: PlanResult, finding: Finding, title: str | None, unit: str | None = None) -> str:
    """``file:line:column  RULE title: message (value v)``, and for a waived result its waiver."""
    text = f"{where(plan, finding)}  {finding.rule}"
    if title:
        text += f" {title}"
    if finding.message:
        text += f": {finding.message}"
    value = shown_value(finding, unit)
    if value:
        text += f" (value {value})"
    if finding.waiver is not None:
        waiver = finding.waiver
        text += (
            f" — would be {LABELS[waiver.rating]}; waived: {waiver.reason}; approved by {waiver.approved_by}; "
            f"until {waiver.expires.isoformat()}"
        )
    return visible(text)


def counts_line(assessment: Assessment) -> str:
    ratings = assessment.summary.ratings
    plans = assessment.summary.plans
    parts = [f"{ratings.get(rating, 0)} {LABELS[rating]}" for rating in ("red", "amber", "green", "error")]
    results = Counter(finding.rating for plan in assessment.plans for finding in plan.findings)
    result_parts = [
        f"{results[rating]} {LABELS[rating]}"
        for rating in ("red", "amber", "green", "n/a", "waived")
        if results[rating]
    ]
    text = f"{plans} plan{'s' if plans != 1 else ''}: {', '.join(parts)}"
    if result_parts:
        text += f"; results: {', '.join(result_parts)}"
    if assessment.errors:
        text += f"; {len(assessment.errors)} input error{'s' if len(assessment.errors) != 1 else ''}"
    return text


def group_label(group: GroupSummary) -> str:
    if group.name and group.key.isupper():  # an area team: its name and its code
        return f"{group.name} ({group.key})"
    return group.name or group.key


def rollup_rows(groups: Iterable[GroupSummary]) -> list[list[str]]:
    """One row per group and year: the group's plans and ratings on its first row, money (£000) on each."""
    rows: list[list[str]] = []
    for group in groups:
        head = [
            group_label(group),
            str(group.plans),
            *(str(group.ratings.get(rating, 0)) for rating in ("red", "amber", "green", "error")),
        ]
        years = sorted({year for per_year in group.totals.values() for year in per_year})
        if not years:
            rows.append([*head, "", *([""] * len(TOTAL_NAMES))])
        for number, year in enumerate(years):
            money = [amount(group.totals.get(key, {}).get(year, Decimal(0))) for key in TOTAL_NAMES]
            rows.append([*(head if number == 0 else [""] * len(head)), year, *money])
    return rows


ROLLUP_HEADERS = [
    "Group",
    "Plans",
    "Red",
    "Amber",
    "Green",
    "Error",
    "Year",
    *(f"{name} £000" for name in TOTAL_NAMES.values()),
]


# ---------------------------------------------------------------- the table


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    stream = io.StringIO()
    console = Console(
        file=stream,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=options.width or PLAIN_WIDTH,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )

    def styled(text: str, rating: str | None) -> Text:
        return Text(text, style=STYLES.get(rating or "", "")) if options.color else Text(text)

    packs = visible(", ".join(pack.name for pack in assessment.rule_packs) or "none")
    console.print(
        Text(f"QIPP plan assessment as of {assessment.as_of.isoformat()} (rule packs: {packs})"), soft_wrap=True
    )

    rules = {rule.id: rule for rule in assessment.rules}
    criteria = [key for key in CRITERIA if any(rule.criterion == key for rule in assessment.rules)]
    table = Table(box=box.SIMPLE_HEAD if options.color else box.ASCII2, show_edge=False, pad_edge=False)
    table.add_column("Plan", overflow="fold")
    table.add_column("Organisation", overflow="fold")
    table.add_column("Rating", no_wrap=True)
    for key in criteria:
        table.add_column(CRITERIA[key], no_wrap=True)
    for plan in assessment.plans:
        cells: list[Text] = [
            Text(visible(plan.file)),
            Text(organisation_label(plan)),
            styled(LABELS[plan.rating], plan.rating),
        ]
        for key in criteria:
            if plan.rating == "error":
                cells.append(Text("—"))
                continue
            label, rating = criterion_cell(
                [f for f in plan.findings if rules.get(f.rule) and rules[f.rule].criterion == key]
            )
            cells.append(styled(label, rating))
        table.add_row(*cells)
    if assessment.plans:
        console.print(table)
    else:
        console.print(Text("No plans were assessed."))

    _print_details(console, assessment, rules, styled)

    if options.group_by in ("region", "area_team"):
        groups = assessment.portfolio.by_region if options.group_by == "region" else assessment.portfolio.by_area_team
        rollup = Table(
            title=f"By {options.group_by.replace('_', ' ')} (money in £000)",
            title_justify="left",
            box=box.SIMPLE_HEAD if options.color else box.ASCII2,
            show_edge=False,
        )
        for number, header in enumerate(ROLLUP_HEADERS):
            rollup.add_column(
                header, justify="right" if number >= 1 and header != "Year" else "left", no_wrap=number > 0
            )
        for row in rollup_rows(groups):
            rollup.add_row(*(Text(cell) for cell in row))
        console.print()
        console.print(rollup)

    console.print()
    console.print(Text(counts_line(assessment)), soft_wrap=True)
    return stream.getvalue()


def _print_details(console: Any, assessment: Assessment, rules: dict[str, Any], styled: Any) -> None:
    from rich.text import Text

    lines: list[Text] = []
    for plan in assessment.plans:
        for problem in plan.errors:
            lines.append(
                Text.assemble(styled("ERROR", "error"), f"  {where(plan, problem=problem)}  {visible(problem.message)}")
            )
        for finding in plan.findings:
            if finding.rating == "green":
                continue
            rule = rules.get(finding.rule)
            text = finding_line(plan, finding, rule.title if rule else None, rule.unit if rule else None)
            label = LABELS[finding.rating]
            lines.append(Text.assemble(styled(f"{label:<6}", finding.rating), "  ", text))
    if lines:
        console.print()
        console.print(Text("Results that are not green, and plans that could not be read:"))
        for line in lines:
            console.print(line, soft_wrap=True)

    if assessment.errors:
        console.print()
        console.print(Text("Input errors (rule packs, waivers, configuration, paths):"))
        for problem in assessment.errors:
            place = f"{problem.file or ''}:{problem.line}:{problem.column}" if problem.line else (problem.file or "")
            console.print(
                Text.assemble(styled("ERROR", "error"), visible(f"  {place}  {problem.message}")), soft_wrap=True
            )

    notable = [waiver for waiver in assessment.waivers if waiver.status != "applied"]
    if notable:
        console.print()
        console.print(Text("Waivers that did not apply:"))
        for waiver in notable:
            console.print(
                Text(
                    visible(
                        f"{waiver.status.upper():<9}  {waiver.rule} for {waiver.plan} "
                        f"(expires {waiver.expires.isoformat()}; {waiver.reason})"
                        + (f": {waiver.refused_because}" if waiver.refused_because else "")
                        + (f" — warning: {waiver.warning}" if waiver.warning else "")
                    )
                ),
                soft_wrap=True,
            )
