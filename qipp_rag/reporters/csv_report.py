"""``--format csv``: one row per plan and rule, for spreadsheets.

Every plan appears: one row per finding; one row per problem for a plan
rated ``error`` (rule ``QIPP-ERROR``); one row with blank rule columns for a
plan that has no findings.  Problems of rule packs, waivers and
configuration files follow, one row each.

Each row carries the plan's delivery confidence and its count of waived
results, and an amber or red finding of a money rule its distance to green
(and, when red, to amber) in £000 with the year it speaks of.

Each row also carries the plan's first-year money in £000 (allocation,
target, identified and risk-adjusted savings), exact, so a pivot table can
total it (count each plan once: take the rows of one rule).

UTF-8 with a byte order mark (Excel needs it to read £ and accented names),
CRLF line ends, numbers plain (no thousands separators, no currency signs;
measurements to 2 decimal places like the JSON, money exact).  A text cell that a
spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab
or CR) gets a leading apostrophe, unless it is a plain number such as -12.5.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from ..results import Assessment, Finding, PlanResult, Problem, RuleInfo, round_value
from . import RenderOptions
from .text import exact, visible

BOM = "\ufeff"
COLUMNS: tuple[str, ...] = (
    "file",
    "organisation_code",
    "organisation_name",
    "organisation_type",
    "area_team",
    "region",
    "plan_rating",
    "plan_confidence",
    "plan_waived",
    "first_year",
    "allocation_gbp_000",
    "target_gbp_000",
    "identified_gbp_000",
    "risk_adjusted_gbp_000",
    "rule",
    "title",
    "criterion",
    "critical",
    "rating",
    "value",
    "unit",
    "distance_to_green_gbp_000",
    "distance_to_amber_gbp_000",
    "distance_year",
    "message",
    "line",
    "column",
    "path",
    "waiver_reason",
    "waiver_approved_by",
    "waiver_expires",
    "waived_rating",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The header, then each plan's rows as a piece, then the input problems."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the csv default: minimal quoting, CRLF line ends

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield BOM + taken()
    for plan in assessment.plans:
        for row in _plan_rows(plan, assessment):
            writer.writerow([safe_cell(row.get(column, "")) for column in COLUMNS])
        yield taken()
    for problem in assessment.errors:
        row = _problem_row(problem)
        row["file"] = problem.file or ""
        writer.writerow([safe_cell(row.get(column, "")) for column in COLUMNS])
    yield taken()


def safe_cell(text: str) -> str:
    """A cell no spreadsheet will evaluate (formula-like text gets a leading apostrophe), on one line:
    line breaks and control characters (an ANSI escape in a name) are shown as escapes."""
    text = visible(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _plan_rows(plan: PlanResult, assessment: Assessment) -> list[dict[str, str]]:
    org = plan.organisation
    base = {
        "file": plan.file,
        "organisation_code": org.code or "",
        "organisation_name": org.name or "",
        "organisation_type": org.type or "",
        "area_team": org.area_team or "",
        "region": org.region or "",
        "plan_rating": plan.rating,
        "plan_confidence": plan.confidence or "",
        "plan_waived": "" if plan.waived is None else str(plan.waived),
        **_money_columns(plan),
    }
    if plan.rating == "error":
        rows = [{**base, **_problem_row(problem)} for problem in plan.errors]
    else:
        rows = [{**base, **_finding_row(finding, assessment.rule(finding.rule))} for finding in plan.findings]
    return rows or [base]


def _money_columns(plan: PlanResult) -> dict[str, str]:
    """The plan's first-year money (£000), exact, as plain numbers."""
    figures = plan.figures
    if figures is None or not figures.years:
        return {}
    year = figures.years[0]
    row = {"first_year": year}
    for key in ("allocation", "target", "identified", "risk_adjusted"):
        amount = getattr(figures, key).get(year)
        row[f"{key}_gbp_000"] = "" if amount is None else money_text(amount)
    return row


COUNT_UNITS = ("count", "check", "days")
MONEY_UNITS = ("gbp_000", "£000", "money")


def money_text(value: Decimal) -> str:
    """Money (£000) with its exact digits: no exponent, no trailing zeros after the point (``6720``, ``1200.5``)."""
    return exact(value)


def value_text(value: Decimal | None, unit: str | None) -> str:
    """A measurement written one way by its unit: counts as whole numbers, money exactly, anything
    else (percentages, ratios) with 2 places, as the JSON shows it."""
    if value is None:
        return ""
    if unit in MONEY_UNITS:
        return money_text(value)
    shown = round_value(value)
    assert shown is not None
    if unit in COUNT_UNITS and shown == shown.to_integral_value():
        return str(int(shown))
    return format(shown, "f")


def _finding_row(finding: Finding, rule: RuleInfo | None) -> dict[str, str]:
    row = {
        "rule": finding.rule,
        "title": rule.title if rule else "",
        "criterion": rule.criterion if rule else "",
        "critical": ("yes" if rule.critical else "no") if rule else "",
        "rating": finding.rating,
        "value": value_text(finding.value, rule.unit if rule else None),
        "unit": rule.unit if rule else "",
        "message": finding.message,
    }
    if finding.distance is not None:
        gap = finding.distance
        row |= {
            "distance_to_green_gbp_000": format(gap.to_green, "f"),
            "distance_to_amber_gbp_000": "" if gap.to_amber is None else format(gap.to_amber, "f"),
            "distance_year": gap.year,
        }
    if finding.location is not None:
        row |= {
            "line": str(finding.location.line),
            "column": str(finding.location.column),
            "path": finding.location.path,
        }
    if finding.waiver is not None:
        waiver = finding.waiver
        row |= {
            "waiver_reason": waiver.reason,
            "waiver_approved_by": waiver.approved_by,
            "waiver_expires": waiver.expires.isoformat(),
            "waived_rating": waiver.rating,
        }
    return row


def _problem_row(problem: Problem) -> dict[str, str]:
    return {
        "rule": "QIPP-ERROR",
        "title": "Input file is valid",
        "rating": "error",
        "message": problem.message,
        "line": str(problem.line),
        "column": str(problem.column),
        "path": problem.path,
    }
