"""Roll-ups of a run: plans counted by rating and their money added up.

The nation, each region and each area team get a count of plans by rating
and their money (£000, exact).  Every total is a plain sum of exact
Decimals, so the groups always add up to the national figure.
"""

from __future__ import annotations

import decimal
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from . import reference
from .results import (
    CONFIDENCE_ORDER,
    TOTAL_KEYS,
    GroupSummary,
    OrganisationInfo,
    PerYear,
    PlanResult,
    Portfolio,
    ProviderSummary,
)
from .vocabulary import PLAN_RATINGS, REGION_LABELS, REGIONS, OrgType

UNKNOWN = "unknown"
NATIONAL = "national"

_CODE = re.compile(r"[A-Z0-9]{3,6}")


def region_of(org: OrganisationInfo) -> str | None:
    """The plan's region, or None when it is not known (a plan that could not be read)."""
    return org.region if org.region in REGIONS else None


def area_team_of(org: OrganisationInfo) -> str | None:
    """The area team a plan rolls up to: a CCG's ``area_team``, an area team plan's own code."""
    if org.type == OrgType.area_team.value:
        code = org.code or org.area_team
    elif org.type == OrgType.ccg.value or org.type is None:
        code = org.area_team
    else:
        code = None
    return code if code is not None and _CODE.fullmatch(code) else None


def in_scope(result: PlanResult, area_team: str | None, region: str | None) -> bool:
    """Whether a plan falls within ``--area-team``/``--region`` (None: no narrowing).

    A plan whose area team or region cannot be told (a file that could not
    be read) stays in scope: a narrowed report must never silently drop a
    file it was given.
    """
    org = result.organisation
    if region is not None:
        own = region_of(org)
        if own is not None and own != region.strip().lower():
            return False
    if area_team is not None:
        own = area_team_of(org)
        if own is not None and own != area_team.strip().upper():
            return False
    return True


def _exact_sum_context() -> decimal.Context:
    # Sums of exact amounts must not round, however many digits the risk
    # adjustment left them with.
    return decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _totals(results: Sequence[PlanResult]) -> dict[str, PerYear]:
    sums: dict[str, dict[str, Decimal]] = {key: {} for key in TOTAL_KEYS}
    context = _exact_sum_context()

    def add(key: str, year: str, amount: Decimal) -> None:
        sums[key][year] = context.add(sums[key].get(year, Decimal(0)), amount)

    for result in results:
        figures = result.figures
        if result.rating == "error" or figures is None:
            continue
        for key in ("allocation", "target", "identified", "risk_adjusted"):
            for year, amount in getattr(figures, key).items():
                add(key, year, amount)
        if figures.delivery is not None:
            add("delivered_to_date", figures.delivery.year, figures.delivery.actual_to_date)
        # Shortfalls are added plan by plan, so one plan's surplus never hides another's gap.
        for year, gap in (result.shortfall or {}).items():
            add("shortfall_identified", year, gap.identified)
            add("shortfall_risk_adjusted", year, gap.risk_adjusted)
    return {key: dict(sorted(per_year.items())) for key, per_year in sums.items()}


def _group(
    key: str, members: Sequence[PlanResult], *, name: str | None = None, region: str | None = None
) -> GroupSummary:
    counted = Counter(result.rating for result in members)
    confident: Counter[str] = Counter(result.confidence for result in members if result.confidence is not None)
    return GroupSummary(
        key=key,
        name=name,
        region=region,
        plans=len(members),
        ratings={rating: counted.get(rating, 0) for rating in PLAN_RATINGS},
        totals=_totals(members),
        confidence={level: confident.get(level, 0) for level in CONFIDENCE_ORDER},
    )


def _area_team_region(members: Sequence[PlanResult], code: str) -> str | None:
    """The area team plan's own region; else the region most of its CCGs give (ties: first by name)."""
    own = sorted(
        (result.file, region_of(result.organisation))
        for result in members
        if result.organisation.type == OrgType.area_team.value
    )
    for _, region in own:
        if region is not None:
            return region
    regions = Counter(region for result in members if (region := region_of(result.organisation)) is not None)
    if regions:
        return min(regions, key=lambda region: (-regions[region], region))
    known = reference.area_team(code)
    return known.region if known is not None else None


def _area_team_name(members: Sequence[PlanResult], code: str) -> str | None:
    known = reference.area_team(code)
    if known is not None:
        return known.name
    for result in sorted(members, key=lambda result: result.file):
        if result.organisation.type == OrgType.area_team.value and result.organisation.name:
            return result.organisation.name
    return None


def summarise(plans: Sequence[PlanResult]) -> tuple[GroupSummary, Portfolio]:
    """The national summary and the roll-ups by region and by area team.

    Counts take every plan, errors included; money takes the plans not
    rated ``error`` (they have no figures).  Groups are sorted by key, and
    plans whose region or area team is not known fall under ``unknown``.
    """
    by_region: dict[str, list[PlanResult]] = defaultdict(list)
    by_team: dict[str, list[PlanResult]] = defaultdict(list)
    for result in plans:
        by_region[region_of(result.organisation) or UNKNOWN].append(result)
        by_team[area_team_of(result.organisation) or UNKNOWN].append(result)

    regions = [_group(key, members, name=REGION_LABELS.get(key)) for key, members in sorted(by_region.items())]
    teams = [
        _group(key, members)
        if key == UNKNOWN
        else _group(key, members, name=_area_team_name(members, key), region=_area_team_region(members, key))
        for key, members in sorted(by_team.items())
    ]
    return _group(NATIONAL, plans), Portfolio(by_region=regions, by_area_team=teams, providers=providers(plans))


def provider_key(name: str) -> str:
    """Provider names are compared ignoring case and extra spaces."""
    return " ".join(name.split()).casefold()


def providers(plans: Sequence[PlanResult]) -> list[ProviderSummary]:
    """Savings by provider and year over every plan not rated ``error``, with the commissioners
    whose live schemes name it.  Names match ignoring case and extra spaces and are shown as first
    written (plans in path order); providers are listed by that name, case-blind."""
    names: dict[str, str] = {}
    savings: dict[str, dict[str, Decimal]] = defaultdict(dict)
    commissioners: dict[str, set[str]] = defaultdict(set)
    with decimal.localcontext(_exact_sum_context()):
        for result in sorted(plans, key=lambda result: result.file):
            if result.rating == "error" or result.figures is None:
                continue
            for name, per_year in result.figures.providers.items():
                key = provider_key(name)
                names.setdefault(key, name)
                for year, amount in per_year.items():
                    savings[key][year] = savings[key].get(year, Decimal(0)) + amount
                commissioners[key].add(result.organisation.code or result.file)
    return [
        ProviderSummary(
            name=names[key], savings=dict(sorted(savings[key].items())), commissioners=sorted(commissioners[key])
        )
        for key in sorted(names, key=lambda key: (key, names[key]))
    ]
