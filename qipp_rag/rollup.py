"""Roll-ups of a run: plans counted by rating and their money added up.

The nation, each region and each area team get a count of plans by rating
and their money (£000, exact).  Every total is a plain sum of exact
Decimals, so the groups always add up to the national figure.
"""

from __future__ import annotations

import decimal
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from . import reference
from .results import (
    CONFIDENCE_ORDER,
    TOTAL_KEYS,
    GroupSummary,
    OrganisationInfo,
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


class _Group:
    """One group's running counts and exact sums, fed a plan at a time."""

    __slots__ = ("confidence", "plans", "ratings", "sums")

    def __init__(self) -> None:
        self.plans = 0
        self.ratings: Counter[str] = Counter()
        self.confidence: Counter[str] = Counter()
        self.sums: dict[str, dict[str, Decimal]] = {key: {} for key in TOTAL_KEYS}

    def add(self, result: PlanResult, context: decimal.Context) -> None:
        self.plans += 1
        self.ratings[result.rating] += 1
        if result.confidence is not None:
            self.confidence[result.confidence] += 1
        figures = result.figures
        if result.rating == "error" or figures is None:
            return
        sums = self.sums

        def add(key: str, year: str, amount: Decimal) -> None:
            sums[key][year] = context.add(sums[key].get(year, Decimal(0)), amount)

        for key in ("allocation", "target", "identified", "risk_adjusted"):
            for year, amount in getattr(figures, key).items():
                add(key, year, amount)
        if figures.delivery is not None:
            add("delivered_to_date", figures.delivery.year, figures.delivery.actual_to_date)
        # Shortfalls are added plan by plan, so one plan's surplus never hides another's gap.
        for year, gap in (result.shortfall or {}).items():
            add("shortfall_identified", year, gap.identified)
            add("shortfall_risk_adjusted", year, gap.risk_adjusted)

    def summary(self, key: str, *, name: str | None = None, region: str | None = None) -> GroupSummary:
        return GroupSummary(
            key=key,
            name=name,
            region=region,
            plans=self.plans,
            ratings={rating: self.ratings.get(rating, 0) for rating in PLAN_RATINGS},
            totals={key: dict(sorted(per_year.items())) for key, per_year in self.sums.items()},
            confidence={level: self.confidence.get(level, 0) for level in CONFIDENCE_ORDER},
        )


class _Team(_Group):
    """An area team's group, with what names it and places it in a region."""

    __slots__ = ("own", "regions")

    def __init__(self) -> None:
        super().__init__()
        self.own: list[tuple[str, int, str | None, str | None]] = []  # its area team plans: file, order, region, name
        self.regions: Counter[str] = Counter()  # its plans by region

    def add_member(self, result: PlanResult, order: int, context: decimal.Context) -> None:
        self.add(result, context)
        org = result.organisation
        region = region_of(org)
        if region is not None:
            self.regions[region] += 1
        if org.type == OrgType.area_team.value:
            self.own.append((result.file, order, region, org.name))

    def region(self, code: str) -> str | None:
        """The area team plan's own region; else the region most of its CCGs give (ties: first by name)."""
        for _, _, region, _ in sorted(self.own, key=lambda own: (own[0], own[2] or "")):
            if region is not None:
                return region
        if self.regions:
            return min(self.regions, key=lambda region: (-self.regions[region], region))
        known = reference.area_team(code)
        return known.region if known is not None else None

    def name(self, code: str) -> str | None:
        known = reference.area_team(code)
        if known is not None:
            return known.name
        for _, _, _, name in sorted(self.own, key=lambda own: own[:2]):
            if name:
                return name
        return None


class _Provider:
    __slots__ = ("commissioners", "first", "savings")

    def __init__(self, first: tuple[str, int, str]) -> None:
        self.first = first  # (file, order, name as written) of the plan that names it first in path order
        self.savings: dict[str, Decimal] = {}
        self.commissioners: set[str] = set()


class Rollup:
    """The national summary, the roll-ups by region and area team and the savings by provider, fed one
    plan at a time (so a run need not hold its plans), equal to :func:`summarise` over the same plans."""

    def __init__(self) -> None:
        self._context = _exact_sum_context()
        self._national = _Group()
        self._regions: dict[str, _Group] = defaultdict(_Group)
        self._teams: dict[str, _Team] = defaultdict(_Team)
        self._providers: dict[str, _Provider] = {}
        self._order = 0

    def add(self, result: PlanResult) -> None:
        order, self._order = self._order, self._order + 1
        context = self._context
        self._national.add(result, context)
        self._regions[region_of(result.organisation) or UNKNOWN].add(result, context)
        self._teams[area_team_of(result.organisation) or UNKNOWN].add_member(result, order, context)
        if result.rating == "error" or result.figures is None:
            return
        for name, per_year in result.figures.providers.items():
            key = provider_key(name)
            provider = self._providers.get(key)
            first = (result.file, order, name)
            if provider is None:
                provider = self._providers[key] = _Provider(first)
            elif first[:2] < provider.first[:2]:  # names are shown as the first plan in path order writes them
                provider.first = first
            savings = provider.savings
            for year, amount in per_year.items():
                savings[year] = context.add(savings.get(year, Decimal(0)), amount)
            provider.commissioners.add(result.organisation.code or result.file)

    def result(self) -> tuple[GroupSummary, Portfolio]:
        regions = [
            group.summary(key, name=REGION_LABELS.get(key)) for key, group in sorted(self._regions.items())
        ]
        teams = [
            team.summary(key) if key == UNKNOWN else team.summary(key, name=team.name(key), region=team.region(key))
            for key, team in sorted(self._teams.items())
        ]
        names = {key: provider.first[2] for key, provider in self._providers.items()}
        providers = [
            ProviderSummary(
                name=names[key],
                savings=dict(sorted(self._providers[key].savings.items())),
                commissioners=sorted(self._providers[key].commissioners),
            )
            for key in sorted(names, key=lambda key: (key, names[key]))
        ]
        return self._national.summary(NATIONAL), Portfolio(by_region=regions, by_area_team=teams, providers=providers)


def summarise(plans: Iterable[PlanResult]) -> tuple[GroupSummary, Portfolio]:
    """The national summary and the roll-ups by region and by area team, and the savings by provider.

    Counts take every plan, errors included; money takes the plans not
    rated ``error`` (they have no figures).  Groups are sorted by key, and
    plans whose region or area team is not known fall under ``unknown``.
    Providers are matched ignoring case and extra spaces, shown by the name
    the first plan in path order writes, and listed by that name, case-blind.
    """
    rollup = Rollup()
    for result in plans:
        rollup.add(result)
    return rollup.result()


def provider_key(name: str) -> str:
    """Provider names are compared ignoring case and extra spaces."""
    return " ".join(name.split()).casefold()
