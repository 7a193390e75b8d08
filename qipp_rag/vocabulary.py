"""The words every part of qipp-rag shares, each defined once.

Ratings (their order and labels), the criteria rules belong to (one label
each), the NHS England regions, a scheme's stages, and the data path into a
plan.  Every
Literal, choice list and label map elsewhere is derived from these.  This
module imports nothing from the package, so any module may import it.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, get_args

Loc = tuple[str | int, ...]
"""A data path into a plan: keys and list positions, ``("schemes", 2, "savings")``."""

# ---------------------------------------------------------------- ratings

BandRating = Literal["green", "amber", "red"]
"""What a rule's bands give a measurement, best first."""
FindingRating = Literal["green", "amber", "red", "n/a", "waived"]
"""A rule's result for one plan: a band's rating, nothing to measure, or waived."""
PlanRating = Literal["green", "amber", "red", "error"]
"""A plan's rating, best first; ``error`` when the file could not be assessed."""
Rating = Literal["green", "amber", "red", "n/a", "waived", "error"]
FailOn = Literal["red", "amber", "never"]
"""The rating at or above which a run fails (``never``: it does not)."""

BAND_RATINGS: tuple[BandRating, ...] = get_args(BandRating)
FINDING_RATINGS: tuple[FindingRating, ...] = get_args(FindingRating)
PLAN_RATINGS: tuple[PlanRating, ...] = get_args(PlanRating)
RATINGS: tuple[Rating, ...] = get_args(Rating)
FAIL_ON: tuple[FailOn, ...] = get_args(FailOn)
SEVERITY: dict[str, int] = {rating: rank for rank, rating in enumerate(BAND_RATINGS)}
"""How bad a band's rating is: the worst of several is the highest."""
WORST_FIRST: tuple[PlanRating, ...] = ("red", "amber", "green", "error")
"""Plan ratings in the order reports count them: the worst first, errors apart at the end."""

RATING_LABELS: dict[str, str] = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "n/a": "N/A",
    "waived": "Waived",
    "error": "Error",
}
TERMINAL_LABELS: dict[str, str] = {
    rating: label.upper() if rating in PLAN_RATINGS else rating for rating, label in RATING_LABELS.items()
}
"""Plan ratings in capitals, as terminals and plain-text reports show them (``RED``); the rest as written."""

# ---------------------------------------------------------------- criteria

Criterion = Literal["savings_plan", "governance", "trajectory", "quality", "delivery", "partnership", "portfolio"]
"""What a rule assures; reports group rules by criterion, in this order."""
CRITERIA: tuple[Criterion, ...] = get_args(Criterion)
CRITERION_LABELS: dict[str, str] = {
    "savings_plan": "Savings plan",
    "governance": "Governance",
    "trajectory": "Trajectory",
    "quality": "Quality",
    "delivery": "Delivery",
    "partnership": "Partnership",
    "portfolio": "Across plans",
}

# ---------------------------------------------------------------- organisations and regions


class OrgType(str, Enum):
    ccg = "ccg"
    area_team = "area_team"


# How far a scheme has got; a rule pack's stage factors are keyed by these names.  (No docstring: the
# plan's JSON Schema would carry it.)
class Stage(str, Enum):
    identified = "identified"
    planned = "planned"
    in_delivery = "in_delivery"
    delivered = "delivered"
    cancelled = "cancelled"


class Region(str, Enum):
    north = "north"
    midlands_and_east = "midlands_and_east"
    london = "london"
    south = "south"


ORG_TYPES: tuple[str, ...] = tuple(kind.value for kind in OrgType)
STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
REGIONS: tuple[str, ...] = tuple(region.value for region in Region)
REGIONS_TEXT = f"{', '.join(REGIONS[:-1])} or {REGIONS[-1]}"
"""The region names as a help text lists them."""
ORG_TYPE_LABELS: dict[str, str] = {"ccg": "Clinical commissioning group", "area_team": "Area team"}
REGION_LABELS: dict[str, str] = {
    "north": "North",
    "midlands_and_east": "Midlands and East",
    "london": "London",
    "south": "South",
}
