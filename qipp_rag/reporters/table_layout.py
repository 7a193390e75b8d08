"""The plan table's columns, fitted to the width it is printed at.

A table is built in several layouts, from the richest (file path, full
organisation name, a word per criterion) to the narrowest (organisation code,
a short heading and a letter per criterion, with a legend), and the first
that fits the width is used.  Cells are never folded: a name too long for
its column is cut at a word boundary and marked ``…``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from ..results import Finding, PlanResult, Problem, round_value
from ..vocabulary import CRITERION_LABELS, TERMINAL_LABELS
from .table_rows import Counts, Row
from .text import exact, visible

GAP = 2  # spaces between two columns
CRITERIA: dict[str, str] = CRITERION_LABELS  # one label a criterion, as every report says it
SHORT_CRITERIA: dict[str, str] = {
    "savings_plan": "SP",
    "governance": "GV",
    "trajectory": "TR",
    "quality": "QL",
    "delivery": "DL",
    "partnership": "PT",
    "portfolio": "PF",
}
LABELS = TERMINAL_LABELS  # RED, AMBER, GREEN, ERROR, n/a, waived
LETTERS = {"red": "R", "amber": "A", "green": "G", "n/a": "-", "waived": "W"}
CONFIDENCE_SHORT = {"green": "G", "amber/green": "A/G", "amber": "A", "amber/red": "A/R", "red": "R"}
NAME_PREFIXES = ("NHS England ", "NHS ")
NAME_SUFFIXES = (" Clinical Commissioning Group", " CCG", " Area Team")
NO_RESULT = "—"

# Characters one cell wide in every Unicode version rich measures by (tests/test_table_cells.py checks
# each): printable Latin-1 and Latin Extended (but the soft hyphen, U+00AD), and the punctuation and
# signs the reports themselves write (dashes, quotes, ellipsis, £, ≥, ≤, ×).
ONE_CELL = frozenset(
    [*map(chr, range(0x20, 0x7F)), *map(chr, range(0xA0, 0xAD)), *map(chr, range(0xAE, 0x300)),
     *"‐‑‒–—―‘’‚‛“”„‟†‡•…‰′″‹›€≠≤≥−"]
)


def cell_len(text: str) -> int:
    """The cells ``text`` takes on a terminal, exactly as rich measures them (East Asian wide characters
    take two, combining marks none): counted here when every character is one cell wide, else by rich."""
    if ONE_CELL.issuperset(text):
        return len(text)
    from rich.cells import cell_len as measured  # wide, zero-width or rarer characters only

    return measured(text)


# Named tuples and plain slotted classes, not dataclasses: a dataclass execs generated code as it is
# defined, which for the table's classes cost a run that draws it over half of Python's own start.
class Cell(NamedTuple):
    text: str
    rating: str | None = None  # the style to draw it in, when colour is on


class Column:
    __slots__ = ("header", "cells", "justify", "fit_to")

    def __init__(self, header: str, cells: list[Cell], justify: str = "left", fit_to: int | None = None) -> None:
        self.header = header
        self.cells = cells
        self.justify = justify
        self.fit_to = fit_to  # the width a shortened column was cut to

    @property
    def width(self) -> int:
        if self.fit_to is not None:
            return self.fit_to
        return max([cell_len(self.header), *(cell_len(cell.text) for cell in self.cells)])


class Layout:
    __slots__ = ("name", "columns", "legend")

    def __init__(self, name: str, columns: list[Column], legend: list[str] | None = None) -> None:
        self.name = name
        self.columns = columns
        self.legend = [] if legend is None else legend

    @property
    def width(self) -> int:
        return sum(column.width for column in self.columns) + GAP * max(0, len(self.columns) - 1)


# ---------------------------------------------------------------- cells


def organisation_label(plan: PlanResult | Row) -> str:
    code, name = (plan.code, plan.name) if isinstance(plan, Row) else (plan.organisation.code, plan.organisation.name)
    if code and name:
        return visible(f"{name} ({code})")
    return visible(code or name or "(unknown organisation)")


def short_name(name: str) -> str:
    """``NHS Vale of York`` -> ``Vale of York``; ``NHS England London Area Team`` -> ``London``."""
    text = " ".join(name.split())
    for prefix in NAME_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    for suffix in NAME_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


def cut_at_word(text: str, width: int, whole_words: bool = False) -> str:
    """``text`` if it fits in ``width`` cells, else its longest run of whole words that fits, then ``…``.

    When not even the first word fits, it is cut and marked, or with ``whole_words`` nothing is kept.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    kept = ""
    for word in re.split(r"(?<=\s)", text):
        if cell_len(kept + word.rstrip()) + 1 > width:
            break
        kept += word
    kept = kept.rstrip()
    if not kept and whole_words:
        return ""
    if not kept:  # not even the first word fits: cut it, marked
        kept = text
        while kept and cell_len(kept) + 1 > width:
            kept = kept[:-1]
    return kept.rstrip(" ,;-&(") + "…"


def short_organisation(plan: Row, width: int | None = None) -> str:
    """``07T City and Hackney``, cut to ``width`` at a word boundary; the code always whole."""
    name = visible(short_name(plan.name)) if plan.name else ""
    code = visible(plan.code) if plan.code else ""
    if not code:
        return cut_at_word(name or "(unknown)", width) if width is not None else (name or "(unknown)")
    if not name:
        return code
    if width is None:
        return f"{code} {name}"
    shown = cut_at_word(name, width - cell_len(code) - 1, whole_words=True)
    return f"{code} {shown}" if shown else code


def criterion_words(results: Counts) -> Cell:
    """The worst result of one criterion as a word and a count: ``RED ×2``, ``GREEN +1 waived``, ``n/a``."""
    if not results:
        return Cell(NO_RESULT)
    counts = Counter(dict(results))
    waived = f" +{counts['waived']} waived" if counts["waived"] else ""
    for rating in ("red", "amber"):
        if counts[rating]:
            times = f" ×{counts[rating]}" if counts[rating] > 1 else ""
            return Cell(f"{LABELS[rating]}{times}{waived}", rating)
    if counts["green"]:
        return Cell(f"{LABELS['green']}{waived}", "green")
    if counts["waived"]:
        return Cell(f"waived ×{counts['waived']}" if counts["waived"] > 1 else "waived", "waived")
    return Cell("n/a", "n/a")


def criterion_letter(results: Counts) -> Cell:
    """The worst result of one criterion as a letter and a count: ``R2``, ``A``, ``G``, ``W``, ``-``."""
    word = criterion_words(results)
    if word.rating is None:
        return Cell(" ")
    count = dict(results).get(word.rating, 0)
    times = str(count) if count > 1 and word.rating in ("red", "amber") else ""
    return Cell(LETTERS[word.rating] + times, word.rating)


def rating_cell(plan: Row, short: bool) -> Cell:
    waived = plan.waived
    label = LABELS[plan.rating]
    if waived:
        label += "*" if short else f" ({waived} waived)"
    return Cell(label, plan.rating)


# ---------------------------------------------------------------- layouts


CellMaker = Callable[[Counts], Cell]


def _criteria_columns(plans: Sequence[Row], criteria: Sequence[str], headers: dict[str, str],
                      cell: CellMaker) -> list[Column]:
    columns = []
    for number, key in enumerate(criteria):
        cells = []
        for plan in plans:
            results = plan.criteria[number]
            cells.append(Cell(NO_RESULT) if results is None else cell(results))
        columns.append(Column(headers[key], cells))
    return columns


def _confidence_column(plans: Sequence[Row], short: bool) -> list[Column]:
    values = [plan.confidence for plan in plans]
    if not any(values):
        return []
    cells = [Cell(CONFIDENCE_SHORT.get(value, value) if short else value, _confidence_style(value))
             if value else Cell(NO_RESULT) for value in values]
    return [Column("Conf." if short else "Confidence", cells)]


def _confidence_style(value: str) -> str:
    return {"amber/green": "amber", "amber/red": "red"}.get(value, value)


def _legend(criteria: Sequence[str], plans: Sequence[Row], short_confidence: bool) -> list[str]:
    heads = ", ".join(f"{SHORT_CRITERIA[key]} {CRITERIA[key].lower()}" for key in criteria)
    lines = [f"Criteria: {heads}."]
    marks = "R red, A amber, G green, W waived, - n/a; R2 = two red results"
    if any(plan.waived for plan in plans):
        marks += "; * some results waived"
    lines.append(f"Cells: {marks}.")
    if short_confidence and any(plan.confidence for plan in plans):
        lines.append("Conf.: delivery confidence, G green, A/G amber/green, A amber, A/R amber/red, R red.")
    return lines


def _organisation_column(plans: Sequence[Row], kind: str, width: int | None = None) -> Column:
    if kind == "full":
        return Column("Organisation", [Cell(organisation_label(plan)) for plan in plans])
    if kind == "code":
        return Column("Org", [Cell(visible(plan.code or "?")) for plan in plans])
    cells = [Cell(short_organisation(plan, width)) for plan in plans]
    header = "Organisation" if width is None or width >= len("Organisation") else "Org"
    return Column(header, cells, fit_to=width)


class Rung(NamedTuple):
    name: str
    path: bool
    organisation: str  # full, short or code
    words: bool  # criteria as words under full names, else letters under short headings
    short_headings: bool
    short_confidence: bool
    min_name: int = 0  # the least room left for the short name


LADDER: tuple[Rung, ...] = (
    Rung("full", path=True, organisation="full", words=True, short_headings=False, short_confidence=False),
    Rung("named", path=False, organisation="full", words=True, short_headings=False, short_confidence=False),
    Rung("short", path=False, organisation="short", words=True, short_headings=False, short_confidence=False,
         min_name=30),
    Rung("short-heads", path=False, organisation="short", words=True, short_headings=True, short_confidence=False,
         min_name=30),
    Rung("letters", path=False, organisation="short", words=False, short_headings=True, short_confidence=False,
         min_name=12),
    Rung("letters-narrow", path=False, organisation="short", words=False, short_headings=True,
         short_confidence=True, min_name=8),
    Rung("codes", path=False, organisation="code", words=False, short_headings=True, short_confidence=True),
)


def build(rung: Rung, plans: Sequence[Row], criteria: Sequence[str], width: int | None) -> Layout | None:
    """The table laid out as ``rung`` says, or None when it does not fit in ``width``."""
    headers = SHORT_CRITERIA if rung.short_headings else CRITERIA
    maker: CellMaker = criterion_words if rung.words else criterion_letter
    rest = [
        Column("Rating", [rating_cell(plan, short=not rung.words) for plan in plans]),
        *_confidence_column(plans, rung.short_confidence),
        *_criteria_columns(plans, criteria, headers, maker),
    ]
    legend = _legend(criteria, plans, rung.short_confidence) if rung.short_headings else []
    if rung.organisation == "short":
        natural = max([cell_len(short_organisation(plan)) for plan in plans] + [3])
        fixed = Layout(rung.name, rest).width + GAP
        room = natural if width is None else min(natural, width - fixed)
        if width is not None and room < rung.min_name:  # unbounded: the names are as long as they are
            return None
        return Layout(rung.name, [_organisation_column(plans, "short", room), *rest], legend)
    columns = [_organisation_column(plans, rung.organisation), *rest]
    if rung.path:
        columns.insert(0, Column("Plan", [Cell(visible(plan.file)) for plan in plans]))
    layout = Layout(rung.name, columns, legend)
    return layout if width is None or layout.width <= width else None


def choose(plans: Sequence[Row], criteria: Sequence[str], width: int | None) -> Rung:
    """The richest rung whose table fits ``width`` (any width: the first); the narrowest when none does."""
    for rung in LADDER:
        if build(rung, plans, criteria, width) is not None:
            return rung
    return LADDER[-1]


def fit(plans: Sequence[Row], criteria: Sequence[str], width: int | None, rung: Rung | None = None) -> Layout:
    """The table laid out on ``rung`` (by default the richest that fits), as narrow as it must be."""
    rung = rung or choose(plans, criteria, width)
    layout = build(rung, plans, criteria, width) or build(rung, plans, criteria, None)
    assert layout is not None
    return layout


# ---------------------------------------------------------------- wording shared with other text reports


def amount(value: Decimal) -> str:
    """Exact money (£000) with thousands separators and no trailing zeros: ``1,200.5``."""
    return exact(value, grouped=True)


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
