"""The HTML report's vocabulary and number formatting: ratings as tags, ranks, labels, dates and values.

Money and measurements are formatted from the exact Decimal, never through a float.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from decimal import Decimal

from ..results import Band, RuleInfo, round_value
from ..rollup import UNKNOWN
from ..vocabulary import REGION_LABELS
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


def plain_number(value: Decimal) -> str:
    """A number exactly as held, with thousands separators: ``1234567.50`` -> ``1,234,567.5``."""
    return exact(value, grouped=True)


def _number(value: Decimal) -> str:
    return plain_number(value.normalize()) if value == value.to_integral_value() else plain_number(value)


def measured(value: Decimal | None, unit: str) -> str:
    """A finding's value as shown: rounded to 2 places (as in JSON) with its unit; a dash for none."""
    if value is None:
        return "—"
    if unit == "count" and value == value.to_integral_value():
        return plain_number(value)
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


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    context = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    total = Decimal(0)
    for value in values:
        total = context.add(total, value)
    return total
