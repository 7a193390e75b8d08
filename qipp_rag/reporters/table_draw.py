"""Drawing the table report: fitted tables, their groups and roll-ups, and the lines under them.

On a terminal every line fits its width: tables through
:mod:`~qipp_rag.reporters.table_layout`, other text wrapped at spaces with a
hanging indent.  Plain text (a pipe or a file) keeps one line per plan and
per result, however long.

Lines are written as strings (:class:`Screen`), byte for byte as rich's
Console wrote them when it drew this report: plain, or with the ANSI codes of
rich's standard colours.  Only a line holding a tab, a line break or a
control code that rich removes, or a line this module does not wrap
holding anything but one-cell characters or too long for the width, is still
handed to rich.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..results import Assessment, GroupSummary, ProviderSummary
from . import RenderOptions
from .table_layout import (
    CRITERIA,
    GAP,
    LABELS,
    ONE_CELL,
    Cell,
    Column,
    Layout,
    amount,
    cell_len,
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
# each style's ANSI codes in rich's standard colour system (tests/test_table_cells.py compares them with rich's)
CODES = {"bold red": "1;31", "bold yellow": "1;33", "bold green": "1;32", "bold magenta": "1;35", "dim": "2",
         "cyan": "36", "bold": "1"}
ROLLUP = {"allocation": "Allocation", "target": "Target", "identified": "Identified", "risk_adjusted": "Risk-adjusted"}
INDENT = 8  # where a wrapped result line continues
Run = tuple[str, str]  # text and its style ("" for none)
_RICH_ONLY = re.compile("[\t\n\x07\x08\x0b\x0c\x0d]")  # tabs rich expands, breaks it splits at, codes it drops


class Screen:
    """The report's lines as text, as a console ``width`` cells wide shows them (with ANSI colour when
    ``color``); :meth:`taken` hands over what was written since it was last called."""

    __slots__ = ("color", "width", "_parts", "_console")

    def __init__(self, color: bool, width: int) -> None:
        self.color = color
        self.width = width
        self._parts: list[str] = []
        self._console: Any = None

    def taken(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text

    def blank(self) -> None:
        self._parts.append("\n")

    def text(self, line: str) -> None:
        """A line a console would fold at its width (only ever a short one of the report's own)."""
        if ONE_CELL.issuperset(line) and len(line) <= self.width:
            self._parts.append(line + "\n")
        else:
            self._parts.append(self._rich([(line, "")], soft_wrap=False))

    def line(self, runs: Sequence[Run], rstrip: bool = False) -> None:
        """One line of styled runs, never folded; ``rstrip`` drops its trailing white space."""
        if any(_RICH_ONLY.search(text) for text, _ in runs):
            self._parts.append(self._rich(runs, soft_wrap=True, rstrip=rstrip))
            return
        if rstrip:
            keep = len("".join(text for text, _ in runs).rstrip())
            kept: list[Run] = []
            for text, style in runs:
                if keep <= 0:
                    break
                kept.append((text[:keep], style))
                keep -= len(text)
            runs = kept
        if self.color:
            self._parts.append("".join(f"\x1b[{CODES[style]}m{text}\x1b[0m" if style and text else text
                                       for text, style in runs) + "\n")
        else:
            self._parts.append("".join(text for text, _ in runs) + "\n")

    def _rich(self, runs: Sequence[Run], soft_wrap: bool, rstrip: bool = False) -> str:
        """The line drawn by rich's Console, for what only rich does exactly as rich does it."""
        from rich.console import Console
        from rich.text import Text

        if self._console is None:
            self._console = Console(
                file=io.StringIO(),
                force_terminal=self.color,
                no_color=not self.color,
                color_system="standard" if self.color else None,
                width=self.width,
                highlight=False,
                emoji=False,
                markup=False,
                legacy_windows=False,
            )
        text = Text()
        for piece, style in runs:
            text.append(Text(piece, style=style if self.color else ""))
        if rstrip:
            text.rstrip()
        stream = self._console.file
        self._console.print(text, soft_wrap=soft_wrap)
        drawn: str = stream.getvalue()
        stream.seek(0)
        stream.truncate()
        return drawn


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


class Section:
    __slots__ = ("plans", "title", "group")

    def __init__(self, plans: list[Row], title: str | None = None, group: GroupSummary | None = None) -> None:
        self.plans = plans
        self.title = title
        self.group = group


class Painter:
    __slots__ = ("color", "width")

    def __init__(self, color: bool, width: int | None) -> None:
        self.color = color
        self.width = width

    def styled(self, text: str, rating: str | None) -> Run:
        return (text, STYLES.get(rating or "", "") if self.color else "")

    def wrapped(self, screen: Screen, text: str, label: Cell | None = None, indent: int = 0) -> None:
        """One line when plain; on a terminal, wrapped at spaces, continued under ``indent``."""
        prefix = "" if label is None else f"{label.text:<6}  "
        lines = [prefix + text] if self.width is None else wrap(prefix + text, self.width, indent)
        for number, line in enumerate(lines):
            if number == 0 and label is not None:
                rest = line[len(label.text):]
                screen.line([self.styled(label.text, label.rating), (rest, "")])
            else:
                screen.line([(line, "")])

    def table(self, screen: Screen, layout: Layout, legend: bool = True) -> None:
        columns = layout.columns
        widths = [column.width for column in columns]
        bold = "bold" if self.color else ""

        def line(cells: Sequence[Cell], header: bool = False) -> None:
            runs: list[Run] = []
            for number, (cell, column, width) in enumerate(zip(cells, columns, widths, strict=True)):
                text = cell.text if cell_len(cell.text) <= width else cut_at_word(cell.text, width)
                pad = " " * (width - cell_len(text))
                last = number == len(columns) - 1
                if number:
                    runs.append((" " * GAP, ""))
                if column.justify == "right":
                    runs.append((pad, ""))
                runs.append((text, bold) if header else self.styled(text, cell.rating))
                if column.justify != "right" and not last:
                    runs.append((pad, ""))
            screen.line(runs, rstrip=True)

        line([Cell(column.header) for column in columns], header=True)
        screen.line([((" " * GAP).join("-" * width for width in widths), "")])
        for row in range(len(columns[0].cells)):
            line([column.cells[row] for column in columns])
        if legend:
            self.legend(screen, layout)

    def legend(self, screen: Screen, layout: Layout) -> None:
        for line in layout.legend:
            self.wrapped(screen, line, indent=2)

    def sections(self, screen: Screen, gathered: Rows, sections: Sequence[Section]) -> None:
        """Every section's table on the same layout (the richest that fits them all), one legend after them."""
        criteria = gathered.criteria
        rung = choose(gathered.rows, criteria, self.width)
        last: Layout | None = None
        for section in sections:
            if section.title is not None:
                screen.blank()
                self.wrapped(screen, section.title)
            if section.plans:
                last = fit(section.plans, criteria, self.width, rung)
                self.table(screen, last, legend=False)
            if section.group is not None:
                self.table(screen, shrink(rollup_layout(section.group), self.width))
        if last is not None:
            if len(sections) > 1:
                screen.blank()
            self.legend(screen, last)


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


def provider_section(screen: Screen, paint: Painter, assessment: Assessment) -> None:
    screen.blank()
    paint.wrapped(screen, "By provider: savings of live schemes, every plan not rated ERROR (£000)")
    providers = assessment.portfolio.providers
    if not providers:
        screen.text("No live scheme names a provider.")
        return
    paint.table(screen, shrink(provider_layout(providers), paint.width, columns=(0, 4)))


# ---------------------------------------------------------------- the lines under the table


def details(
    screen: Screen, paint: Painter, assessment: Assessment, options: RenderOptions, gathered: Rows
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
            screen.blank()
            screen.text("Results that are not green, and plans that could not be read:")
            started = True
        for label, text in lines:
            paint.wrapped(screen, text, label=label, indent=INDENT)
        yield None
    if hidden:
        screen.blank()
        paint.wrapped(screen, f"{hidden} n/a result{'s' if hidden != 1 else ''} not shown (--show-na lists them).")

    if assessment.errors:
        screen.blank()
        screen.text("Input errors (rule packs, waivers, configuration, paths):")
        for problem in assessment.errors:
            place = f"{problem.file or ''}:{problem.line}:{problem.column}" if problem.line else (problem.file or "")
            paint.wrapped(screen, visible(f"{place}  {problem.message}"), label=Cell("ERROR", "error"), indent=INDENT)

    notable = [waiver for waiver in assessment.waivers if waiver.status != "applied"]
    if notable:
        screen.blank()
        screen.text("Waivers that did not apply:")
        for waiver in notable:
            text = f"{waiver.rule} for {waiver.plan} (expires {waiver.expires.isoformat()}; {waiver.reason})"
            warning = f" — warning: {waiver.warning}" if waiver.warning else ""
            if waiver.refused_because:
                text += f": {waiver.refused_because}"
            paint.wrapped(screen, visible(f"{waiver.status.upper():<9}  {text}{warning}"), indent=11)
