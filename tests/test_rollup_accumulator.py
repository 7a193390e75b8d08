"""The roll-ups fed one plan at a time equal the roll-ups the engine made when it held every plan.

``_reference_summarise`` below is the earlier implementation, kept word for
word as the oracle; hypothesis feeds both the same random plans (repeated
files, names and codes, odd regions and area teams, amounts of any scale).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from qipp_rag import reference
from qipp_rag.results import (
    CONFIDENCE_ORDER,
    TOTAL_KEYS,
    DeliveryFigures,
    GroupSummary,
    OrganisationInfo,
    PerYear,
    PlanFigures,
    PlanResult,
    Portfolio,
    ProviderSummary,
    Shortfall,
)
from qipp_rag.rollup import NATIONAL, UNKNOWN, area_team_of, provider_key, region_of, summarise
from qipp_rag.vocabulary import PLAN_RATINGS, REGION_LABELS, OrgType

# ---------------------------------------------------------------- the earlier implementation, as it was

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


def _reference_summarise(plans: Sequence[PlanResult]) -> tuple[GroupSummary, Portfolio]:
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
    return _group(NATIONAL, plans), Portfolio(by_region=regions, by_area_team=teams, providers=_reference_providers(plans))




def _reference_providers(plans: Sequence[PlanResult]) -> list[ProviderSummary]:
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


# ---------------------------------------------------------------- random plans

YEARS = ("2014/15", "2015/16", "2016/17")
FILES = ("a.yaml", "b.yaml", "B.yaml", "plans/c.yaml", "plans/C.yaml", "z.yaml", "z.yml", "a b.yaml", "_.yaml", "0.yaml")
amounts = st.builds(lambda digits, places: Decimal(digits).scaleb(-places), st.integers(-10**3, 10**9), st.integers(0, 6))
choose = st.sampled_from


@st.composite
def plan_results(draw: st.DrawFn) -> PlanResult:
    file = draw(choose(FILES))
    org = OrganisationInfo(
        code=draw(choose([None, "03Q", "03R", "Q50", "Q71", "04X"])),
        name=draw(choose([None, "", "Team A", "Team B"])),
        type=draw(choose([None, OrgType.ccg.value, OrgType.area_team.value, "other"])),
        area_team=draw(choose([None, "Q50", "Q71", "Q99", "not a code"])),
        region=draw(choose([None, "north", "london", "south", "midlands_and_east", "atlantis"])),
    )
    rating = draw(choose(PLAN_RATINGS))
    if rating == "error":
        return PlanResult(file=file, organisation=org, rating="error")
    years = draw(st.lists(choose(YEARS), min_size=1, max_size=3, unique=True))

    def per_year() -> dict[str, Decimal]:
        return {year: draw(amounts) for year in years}

    delivery = None
    if draw(st.booleans()):
        delivery = DeliveryFigures(
            as_of=dt.date(2014, 9, 30), year=years[0], planned_to_date=draw(amounts), actual_to_date=draw(amounts),
            forecast_outturn=draw(amounts), target=draw(amounts),
        )
    names = draw(st.lists(choose(["Acme Trust", "ACME  trust", "Beta FT", "beta ft ", "Gamma"]), max_size=3, unique=True))
    figures = PlanFigures(
        years=years, allocation=per_year(), target=per_year(), identified=per_year(), risk_adjusted=per_year(),
        delivery=delivery, providers={name: per_year() for name in names},
    )
    shortfall = {year: Shortfall(identified=draw(amounts), risk_adjusted=draw(amounts)) for year in years}
    return PlanResult(
        file=file, organisation=org, rating=rating, figures=figures, confidence=draw(choose([None, *CONFIDENCE_ORDER])),
        shortfall=draw(choose([None, shortfall])), waived=0,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(plan_results(), max_size=len(FILES), unique_by=lambda plan: plan.file))  # a run reads each file once
def test_the_roll_ups_fed_plan_by_plan_equal_the_roll_ups_of_all_the_plans_at_once(plans: list[PlanResult]) -> None:
    streamed, reference_made = summarise(iter(plans)), _reference_summarise(plans)
    assert streamed == reference_made
    # Equal Decimals can still be written differently (1.0 and 1.00): the JSON must match too.
    assert [part.model_dump_json() for part in streamed] == [part.model_dump_json() for part in reference_made]
