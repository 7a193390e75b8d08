"""Delivery confidence on the five-point scale of Gateway reviews, and a plan's shortfall against target.

Confidence is read from a plan's counted results (n/a and waived results do
not count; cross-plan results do):

- ``red``: the plan is red and two or more critical rules are red, or SP01
  is red (there is no savings plan at all);
- ``amber/red``: the plan is red with exactly one critical rule red;
- ``amber``: the plan is amber and some rule is red, or three or more rules are amber;
- ``amber/green``: the plan is amber with one or two rules amber and none red;
- ``green``: the plan is green.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .results import Confidence, Finding, PlanFigures, Shortfall

NO_SAVINGS_PLAN = "SP01"  # red: there is no savings plan at all


def plan_confidence(rating: str, findings: Iterable[Finding], critical: Mapping[str, bool]) -> Confidence:
    """The five-point delivery confidence of a plan rated ``rating`` (green, amber or red) from its findings."""
    counted = [finding for finding in findings if finding.rating in ("green", "amber", "red")]
    red = [finding for finding in counted if finding.rating == "red"]
    critical_red = sum(1 for finding in red if critical.get(finding.rule, False))
    amber = sum(1 for finding in counted if finding.rating == "amber")
    if any(finding.rule == NO_SAVINGS_PLAN for finding in red) or (rating == "red" and critical_red >= 2):
        return "red"
    if rating == "red":
        return "amber/red"
    if rating == "amber":
        return "amber" if red or amber >= 3 else "amber/green"
    return "green"


def shortfall(figures: PlanFigures) -> dict[str, Shortfall]:
    """By plan year: max(0, target − identified) and max(0, target − risk-adjusted), £000, exact."""
    zero = Decimal(0)
    exact = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)  # never rounds
    out = {}
    for year in figures.years:
        target = figures.target.get(year, zero)
        out[year] = Shortfall(
            identified=max(zero, exact.subtract(target, figures.identified.get(year, zero))),
            risk_adjusted=max(zero, exact.subtract(target, figures.risk_adjusted.get(year, zero))),
        )
    return out
