"""Banding and rating: a measurement against a rule's bands, and a plan's rating from its findings.

- red when any critical rule is red;
- otherwise amber when any rule is amber or any non-critical rule is red;
- otherwise green; ``n/a`` and waived results do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .distance import distance, in_words
from .results import Finding, Location, format_path
from .rulebook.measure import Measurement
from .rulebook.models import RuleSpec
from .vocabulary import SEVERITY, FindingRating, Loc, PlanRating


def band(rule: RuleSpec, measurement: Measurement) -> tuple[FindingRating, Measurement]:
    """The rating and the measurement it rests on (for a per-year rule, the earliest worst year)."""
    if measurement.per_year:
        rated = [(rule.rate(year.value), year) for year in measurement.per_year if year.value is not None]
        if not rated:
            return "n/a", measurement
        worst = max(SEVERITY[rating] for rating, _ in rated)
        return next((rating, year) for rating, year in rated if SEVERITY[rating] == worst)
    if measurement.value is None:
        return "n/a", measurement
    return rule.rate(measurement.value), measurement


def make_finding(rule: RuleSpec, measurement: Measurement, locate: Any = None) -> Finding:
    """One rule's finding for one plan; ``locate(loc) -> (line, column)`` places it in the file."""
    rating, basis = band(rule, measurement)
    if rating == "n/a" or rule.unit == "check":
        value = None
    else:
        value = basis.display if basis.display is not None else basis.value
        if value is not None and not value.is_finite():  # TR02's growth from nothing: rated, but no number to show
            value = None
    message = basis.message or measurement.message
    gap = distance(rule, rating, basis.share)
    if gap is not None and basis.share is not None:
        message = f"{message}; {in_words(gap, basis.share)}"
    loc: Loc | None = basis.loc if basis.loc is not None else measurement.loc
    location = None
    if loc is not None and locate is not None:
        line, column = locate(loc)
        location = Location(line=line, column=column, path=format_path(loc))
    return Finding(
        rule=rule.id,
        rating=rating,
        value=value,
        message=message,
        location=location,
        evidence=list(measurement.evidence or basis.evidence),  # a per-year rule explains every year
        distance=gap,
    )


def plan_rating(findings: Iterable[Finding], critical: Mapping[str, bool]) -> PlanRating:
    """Red if a critical rule is red; amber if any rule is amber or a non-critical one red; else green."""
    counted = [finding for finding in findings if finding.rating in SEVERITY]  # n/a and waived do not count
    if any(finding.rating == "red" and critical.get(finding.rule, False) for finding in counted):
        return "red"
    if any(finding.rating in ("amber", "red") for finding in counted):
        return "amber"
    return "green"
