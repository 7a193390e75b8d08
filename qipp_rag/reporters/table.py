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

from collections.abc import Iterable, Iterator
from decimal import Decimal

from ..results import Assessment, GroupSummary
from . import RenderOptions
from .table_draw import Painter, Screen, details, group_sections, provider_section, table_criteria
from .table_layout import CRITERIA, LABELS, amount, organisation_label
from .table_rows import gather
from .tally import Tally, tally
from .text import visible

__all__ = ["CRITERIA", "LABELS", "organisation_label", "render"]

TOTAL_NAMES = {
    "allocation": "Allocation", "target": "Target", "identified": "Identified", "risk_adjusted": "Risk-adjusted",
}
PLAIN_WIDTH = 10_000  # plain text is read in logs and files: a line per row, never a path folded mid-word


# ---------------------------------------------------------------- wording shared with other text reports


def counts_line(assessment: Assessment, counts: Tally | None = None) -> str:
    """Plans by rating, results by rating and input errors, in a line; ``counts`` when the plans are counted."""
    ratings = assessment.summary.ratings
    plans = assessment.summary.plans
    parts = [f"{ratings.get(rating, 0)} {LABELS[rating]}" for rating in ("red", "amber", "green", "error")]
    results = (counts or tally(assessment.plans)).results
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
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The title, the plan table (one per group with ``--group-by region|area_team``), the results
    that are not green, input errors, waivers that did not apply, any provider roll-up and the counts.

    The table is laid out from slim rows gathered in one pass; the results under it are drawn
    visiting the plans again one at a time, each plan's lines a piece."""
    screen = Screen(options.color, options.width or PLAIN_WIDTH)
    paint = Painter(options.color, options.width)
    packs = visible(", ".join(pack.name for pack in assessment.rule_packs) or "none")
    paint.wrapped(screen, f"QIPP plan assessment as of {assessment.as_of.isoformat()} (rule packs: {packs})")

    if not assessment.plans:
        screen.text("No plans were assessed.")
    gathered = gather(assessment, table_criteria(assessment), options.sort, options.group_by)
    paint.sections(screen, gathered, group_sections(assessment, options, gathered))
    yield screen.taken()

    for _ in details(screen, paint, assessment, options, gathered):
        piece = screen.taken()
        if piece:
            yield piece
    if options.group_by == "provider":
        provider_section(screen, paint, assessment)

    screen.blank()
    paint.wrapped(screen, counts_line(assessment, gathered.counts))
    yield screen.taken()
