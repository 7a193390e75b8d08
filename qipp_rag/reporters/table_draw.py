"""Drawing the table report: fitted tables, their groups and roll-ups, and the lines under them.

On a terminal every line fits its width: tables through
:mod:`~qipp_rag.reporters.table_layout`, other text wrapped at spaces with a
hanging indent.  Plain text (a pipe or a file) keeps one line per plan and
per result, however long.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from ..results import Assessment, GroupSummary, ProviderSummary
from . import RenderOptions
from .table_layout import (
    CRITERIA,
    GAP,
    LABELS,
    Cell,
    Column,
    Layout,
    amount,
    choose,
    cut_at_word,
    finding_line,
    fit,
    where,
)
from .table_rows import Row, Rows
from .text import visible

STYLES = {"red": "bold red", "amber": "bold yellow", "green": "bold green", "error": "bold magenta", "n/a": "dim",
          "waived": "cyan"}
ROLLUP = {"allocation": "Allocation", "target": "Target", "identified": "Identified", "risk_adjusted": "Risk-adjusted"}
INDENT = 8  # where a wrapped result line continues


def _pieces(word: str, room: int) -> list[str]:
    """A word longer than ``room`` in pieces that end at a ``/`` where they can (a path), else cut."""
    pieces: list[str] = []
    while cell_len(word) > room:
        cut = word.rfind("/", 0, room) + 1 or room
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces (a path too long for a line at a
    ``/``), every line after the first starting with ``indent`` spaces."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        for number, piece in enumerate(_pieces(word, max(8, width - indent))):
            sep = "" if number or not current else " "
            if current.strip() and cell_len(current + sep + piece) > width - (indent if lines else 0):
                lines.append(current.rstrip())
                current = piece
            else:
                current += sep + piece
    lines.append(current.rstrip())
    return [line if number == 0 else " " * indent + line for number, line in enumerate(lines)]


@dataclass
class Section:
    plans: list[Row]
    title: str | None = None
    group: GroupSummary | None = None


@dataclass
class Painter:
    color: bool
    width: int | None

    def styled(self, text: str, rating: str | None) -> Text:
        return Text(text, style=STYLES.get(rating or "", "")) if self.color else Text(text)

    def wrapped(self, console: Any, text: str, label: Cell | None = None, indent: int = 0) -> None:
        """One line when plain; on a terminal, wrapped at spaces, continued under ``indent``."""
        prefix = "" if label is None else f"{label.text:<6}  "
        lines = [prefix + text] if self.width is None else wrap(prefix + text, self.width, indent)
        for number, line in enumerate(lines):
            if number == 0 and label is not None:
                rest = line[len(label.text):]
                console.print(Text.assemble(self.styled(label.text, label.rating), rest), soft_wrap=True)
            else:
                console.print(Text(line), soft_wrap=True)

    def table(self, console: Any, layout: Layout, legend: bool = True) -> None:
        columns = layout.columns
        widths = [column.width for column in columns]

        def line(cells: Sequence[Cell], header: bool = False) -> Text:
            out = Text()
            for number, (cell, column, width) in enumerate(zip(cells, columns, widths, strict=True)):
                text = cell.text if cell_len(cell.text) <= width else cut_at_word(cell.text, width)
                pad = " " * (width - cell_len(text))
                last = number == len(columns) - 1
                if number:
                    out.append(" " * GAP)
                if column.justify == "right":
                    out.append(pad)
                bold = "bold" if self.color else ""
                out.append(Text(text, style=bold) if header else self.styled(text, cell.rating))
                if column.justify != "right" and not last:
                    out.append(pad)
            out.rstrip()
            return out

        console.print(line([Cell(column.header) for column in columns], header=True), soft_wrap=True)
        console.print(Text((" " * GAP).join("-" * width for width in widths)), soft_wrap=True)
        for row in range(len(columns[0].cells)):
            console.print(line([column.cells[row] for column in columns]), soft_wrap=True)
        if legend:
            self.legend(console, layout)

    def legend(self, console: Any, layout: Layout) -> None:
        for line in layout.legend:
            self.wrapped(console, line, indent=2)

    def sections(self, console: Any, gathered: Rows, sections: Sequence[Section]) -> None:
        """Every section's table on the same layout (the richest that fits them all), one legend after them."""
        criteria = gathered.criteria
        rung = choose(gathered.rows, criteria, self.width)
        last: Layout | None = None
        for section in sections:
            if section.title is not None:
                console.print()
                self.wrapped(console, section.title)
            if section.plans:
                last = fit(section.plans, criteria, self.width, rung)
                self.table(console, last, legend=False)
            if section.group is not None:
                self.table(console, shrink(rollup_layout(section.group), self.width))
        if last is not None:
            if len(sections) > 1:
                console.print()
            self.legend(console, last)


# ---------------------------------------------------------------- groups


def _group_title(group: GroupSummary, kind: str) -> str:
    label = f"{group.name} ({group.key})" if group.name and kind == "area_team" else (group.name or group.key)
    ratings = ("red", "amber", "green", "error")
    counts = ", ".join(f"{group.ratings.get(key, 0)} {LABELS[key]}" for key in ratings if group.ratings.get(key, 0))
    return visible(f"{label}: {group.plans} plan{'s' if group.plans != 1 else ''}" + (f" ({counts})" if counts else ""))


def table_criteria(assessment: Assessment) -> list[str]:
    """The criteria the table has a column for: those of the rules in force."""
    return [key for key in CRITERIA if any(rule.criterion == key for rule in assessment.rules)]


def group_sections(assessment: Assessment, options: RenderOptions, gathered: Rows) -> list[Section]:
    """One section per region or area team (in the roll-up's order), or one for every plan."""
    rows = gathered.rows
    if options.group_by not in ("region", "area_team"):
        return [Section([rows[i] for i in gathered.order()])]
    groups = assessment.portfolio.by_region if options.group_by == "region" else assessment.portfolio.by_area_team
    members: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(gathered.groups):
        members[key].append(index)
    return [Section([rows[i] for i in gathered.order(members.get(group.key, []))],
                    _group_title(group, options.group_by), group)
            for group in groups]


def rollup_layout(group: GroupSummary) -> Layout:
    """The group's money by year (£000): one line per year."""
    years = sorted({year for per_year in group.totals.values() for year in per_year})
    keys = [key for key in ROLLUP if group.totals.get(key)]
    columns = [Column("Roll-up £000", [Cell(year) for year in years])]
    for key in keys:
        column = [Cell(amount(group.totals[key].get(year, Decimal(0)))) for year in years]
        columns.append(Column(ROLLUP[key], column, justify="right"))
    return Layout("rollup", columns)


def shrink(layout: Layout, width: int | None, columns: Sequence[int] = ()) -> Layout:
    """Narrow the given columns (the widest first) until the layout fits; the rest keep their width."""
    if width is None:
        return layout
    for number in sorted(columns, key=lambda index: -layout.columns[index].width):
        excess = layout.width - width
        if excess <= 0:
            break
        column = layout.columns[number]
        column.fit_to = max(cell_len(column.header), 8, column.width - excess)
    return layout


# ---------------------------------------------------------------- providers


def provider_layout(providers: Sequence[ProviderSummary]) -> Layout:
    names: list[Cell] = []
    years: list[Cell] = []
    money: list[Cell] = []
    counts: list[Cell] = []
    codes: list[Cell] = []
    for provider in providers:
        for number, (year, saving) in enumerate(sorted(provider.savings.items()) or [("", Decimal(0))]):
            first = number == 0
            names.append(Cell(visible(provider.name) if first else ""))
            years.append(Cell(year))
            money.append(Cell(amount(saving) if year else ""))
            counts.append(Cell(str(len(provider.commissioners)) if first else ""))
            codes.append(Cell(visible(", ".join(provider.commissioners)) if first else ""))
    return Layout("providers", [
        Column("Provider", names), Column("Year", years), Column("Savings £000", money, justify="right"),
        Column("Commissioners", counts, justify="right"), Column("Codes", codes),
    ])


def provider_section(console: Any, paint: Painter, assessment: Assessment) -> None:
    console.print()
    paint.wrapped(console, "By provider: savings of live schemes, every plan not rated ERROR (£000)")
    providers = assessment.portfolio.providers
    if not providers:
        console.print(Text("No live scheme names a provider."))
        return
    paint.table(console, shrink(provider_layout(providers), paint.width, columns=(0, 4)))


# ---------------------------------------------------------------- the lines under the table


def details(
    console: Any, paint: Painter, assessment: Assessment, options: RenderOptions, gathered: Rows
) -> Iterator[None]:
    """The results that are not green (the plans visited again one at a time, in the table's order;
    a step after each plan, for the writer to take what is drawn), input errors and waivers that did
    not apply."""
    show_na = options.show_na
    rules = {rule.id: rule for rule in assessment.rules}
    hidden = 0
    started = False
    plans = assessment.plans
    for index in gathered.order():
        plan = plans[index]
        lines: list[tuple[Cell, str]] = []
        for problem in plan.errors:
            lines.append((Cell("ERROR", "error"), f"{where(plan, problem=problem)}  {visible(problem.message)}"))
        for finding in plan.findings:
            if finding.rating == "green":
                continue
            if finding.rating == "n/a" and not show_na:
                hidden += 1
                continue
            rule = rules.get(finding.rule)
            text = finding_line(plan, finding, rule.title if rule else None, rule.unit if rule else None)
            lines.append((Cell(LABELS[finding.rating], finding.rating), text))
        del plan
        if lines and not started:
            console.print()
            console.print(Text("Results that are not green, and plans that could not be read:"))
            started = True
        for label, text in lines:
            paint.wrapped(console, text, label=label, indent=INDENT)
        yield None
    if hidden:
        console.print()
        paint.wrapped(console, f"{hidden} n/a result{'s' if hidden != 1 else ''} not shown (--show-na lists them).")

    if assessment.errors:
        console.print()
        console.print(Text("Input errors (rule packs, waivers, configuration, paths):"))
        for problem in assessment.errors:
            place = f"{problem.file or ''}:{problem.line}:{problem.column}" if problem.line else (problem.file or "")
            paint.wrapped(console, visible(f"{place}  {problem.message}"), label=Cell("ERROR", "error"), indent=INDENT)

    notable = [waiver for waiver in assessment.waivers if waiver.status != "applied"]
    if notable:
        console.print()
        console.print(Text("Waivers that did not apply:"))
        for waiver in notable:
            text = f"{waiver.rule} for {waiver.plan} (expires {waiver.expires.isoformat()}; {waiver.reason})"
            warning = f" — warning: {waiver.warning}" if waiver.warning else ""
            if waiver.refused_because:
                text += f": {waiver.refused_because}"
            paint.wrapped(console, visible(f"{waiver.status.upper():<9}  {text}{warning}"), indent=11)
