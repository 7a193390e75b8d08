"""Roll-ups: counts by rating and exact money totals, nationally, by region and by area team."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qipp_rag.results import (
    TOTAL_KEYS,
    DeliveryFigures,
    GroupSummary,
    OrganisationInfo,
    PlanFigures,
    PlanResult,
)
from qipp_rag.rollup import area_team_of, in_scope, region_of, summarise
from qipp_rag.vocabulary import PLAN_RATINGS

D = Decimal


def money(year_amounts: dict[str, Any]) -> dict[str, Decimal]:
    return {year: D(str(amount)) for year, amount in year_amounts.items()}


def figures(
    years: list[str],
    allocation: list[Any],
    target: list[Any],
    identified: list[Any],
    risk_adjusted: list[Any],
    actual_to_date: Any = None,
) -> PlanFigures:
    delivery = None
    if actual_to_date is not None:
        delivery = DeliveryFigures(
            as_of=dt.date(int(years[0][:4]), 9, 30),
            year=years[0],
            planned_to_date=D("0"),
            actual_to_date=D(str(actual_to_date)),
            forecast_outturn=D("0"),
            target=D(str(target[0])),
        )
    return PlanFigures(
        years=years,
        allocation=money(dict(zip(years, allocation))),
        target=money(dict(zip(years, target))),
        identified=money(dict(zip(years, identified))),
        risk_adjusted=money(dict(zip(years, risk_adjusted))),
        delivery=delivery,
    )


def result(
    file: str,
    *,
    code: str | None = None,
    kind: str | None = "ccg",
    area_team: str | None = None,
    region: str | None = None,
    name: str | None = None,
    rating: str = "green",
    plan_figures: PlanFigures | None = None,
) -> PlanResult:
    return PlanResult(
        file=file,
        organisation=OrganisationInfo(code=code, name=name, type=kind, area_team=area_team, region=region),
        rating=rating,
        figures=plan_figures,
    )


ONE_YEAR = ["2014/15"]
TWO_YEARS = ["2014/15", "2015/16"]


def _groups(groups: list[GroupSummary]) -> dict[str, GroupSummary]:
    return {group.key: group for group in groups}


# ---------------------------------------------------------------- worked example


def _example() -> list[PlanResult]:
    return [
        result("plans/02N.yaml", code="02N", area_team="Q52", region="north", rating="green",
               plan_figures=figures(TWO_YEARS, [400000, 410000], [8000, 8200], [8100, "7000.5"], ["6000.25", 5000], actual_to_date="3000.125")),
        result("plans/02R.yaml", code="02R", area_team="Q52", region="north", rating="red",
               plan_figures=figures(TWO_YEARS, [300000, 305000], [6000, 6100], [5000, 5000], [3500, 3500])),
        result("plans/Q52.yaml", code="Q52", kind="area_team", region="north", name="NHS England West Yorkshire", rating="amber",
               plan_figures=figures(ONE_YEAR, [900000], [20000], [19000], ["15000.33333"], actual_to_date=7000)),
        result("plans/07L.yaml", code="07L", area_team="Q71", region="london", rating="amber",
               plan_figures=figures(["2015/16"], [250000], [5000], [5100], [4000])),
        result("plans/broken.yaml", kind=None, rating="error"),
        result("plans/02T.yaml", code="02T", area_team="Q52", region="north", rating="error"),
    ]


def test_national_summary_counts_every_plan_and_adds_the_money_of_those_not_in_error() -> None:
    national, _ = summarise(_example())
    assert national.key == "national"
    assert national.plans == 6
    assert national.ratings == {"green": 1, "amber": 2, "red": 1, "error": 2}
    assert list(national.ratings) == list(PLAN_RATINGS)
    assert national.totals == {
        "allocation": {"2014/15": D(1600000), "2015/16": D(965000)},
        "target": {"2014/15": D(34000), "2015/16": D(19300)},
        "identified": {"2014/15": D(32100), "2015/16": D("17100.5")},
        "risk_adjusted": {"2014/15": D("24500.58333"), "2015/16": D(12500)},
        "delivered_to_date": {"2014/15": D("10000.125")},
        "shortfall_identified": {},  # these results carry no shortfall of their own
        "shortfall_risk_adjusted": {},
    }
    assert list(national.totals) == list(TOTAL_KEYS)


def test_regions_group_plans_and_those_that_could_not_be_read_fall_under_unknown() -> None:
    _, portfolio = summarise(_example())
    assert [group.key for group in portfolio.by_region] == ["london", "north", "unknown"]
    regions = _groups(portfolio.by_region)
    assert regions["north"].name == "North"
    assert regions["north"].plans == 4
    assert regions["north"].ratings == {"green": 1, "amber": 1, "red": 1, "error": 1}
    assert regions["north"].totals["allocation"] == {"2014/15": D(1600000), "2015/16": D(715000)}
    assert regions["london"].totals["target"] == {"2015/16": D(5000)}
    assert regions["london"].totals["delivered_to_date"] == {}
    assert regions["unknown"].name is None
    assert regions["unknown"].plans == 1
    assert regions["unknown"].ratings == {"green": 0, "amber": 0, "red": 0, "error": 1}
    assert all(per_year == {} for per_year in regions["unknown"].totals.values())


def test_area_teams_take_a_ccgs_area_team_and_an_area_team_plans_own_code() -> None:
    _, portfolio = summarise(_example())
    assert [group.key for group in portfolio.by_area_team] == ["Q52", "Q71", "unknown"]
    teams = _groups(portfolio.by_area_team)
    assert teams["Q52"].plans == 4
    assert teams["Q52"].name == "West Yorkshire", "the reference list's name wins"
    assert teams["Q52"].region == "north"
    assert teams["Q52"].totals["delivered_to_date"] == {"2014/15": D("10000.125")}
    assert teams["Q71"].name == "London" and teams["Q71"].region == "london"
    assert teams["unknown"].name is None and teams["unknown"].region is None
    assert teams["unknown"].ratings["error"] == 1


def test_an_empty_run_has_zero_counts_and_empty_totals() -> None:
    national, portfolio = summarise([])
    assert national.plans == 0
    assert national.ratings == dict.fromkeys(PLAN_RATINGS, 0)
    assert national.totals == {key: {} for key in TOTAL_KEYS}
    assert portfolio.by_region == [] and portfolio.by_area_team == []


# ---------------------------------------------------------------- names and regions of area teams


def test_an_area_team_the_reference_list_does_not_know_is_named_from_its_own_plan() -> None:
    plans = [
        result("z/Q99.yaml", code="Q99", kind="area_team", region="south", name="Second copy"),
        result("a/Q99.yaml", code="Q99", kind="area_team", region="south", name="NHS England Wessex Islands"),
        result("c/99X.yaml", code="99X", area_team="Q99", region="south"),
    ]
    team = _groups(summarise(plans)[1].by_area_team)["Q99"]
    assert team.name == "NHS England Wessex Islands", "the first area team plan by file"
    assert team.region == "south"
    assert team.plans == 3


def test_an_unknown_area_team_without_a_plan_of_its_own_has_no_name_and_the_region_of_most_of_its_ccgs() -> None:
    plans = [
        result("a.yaml", code="99A", area_team="Q98", region="south"),
        result("b.yaml", code="99B", area_team="Q98", region="london"),
        result("c.yaml", code="99C", area_team="Q98", region="london"),
    ]
    team = _groups(summarise(plans)[1].by_area_team)["Q98"]
    assert team.name is None
    assert team.region == "london"


def test_the_area_team_plans_region_wins_over_its_ccgs() -> None:
    plans = [
        result("a.yaml", code="99A", area_team="Q98", region="london"),
        result("b.yaml", code="99B", area_team="Q98", region="london"),
        result("q.yaml", code="Q98", kind="area_team", region="south"),
    ]
    assert _groups(summarise(plans)[1].by_area_team)["Q98"].region == "south"


def test_a_plan_of_unknown_type_that_names_an_area_team_rolls_up_to_it() -> None:
    org = OrganisationInfo(code="02N", type=None, area_team="Q52", region="north")
    assert area_team_of(org) == "Q52"


def test_values_that_are_not_regions_or_codes_are_unknown() -> None:
    assert region_of(OrganisationInfo(region="North ")) is None
    assert region_of(OrganisationInfo(region="national")) is None
    assert area_team_of(OrganisationInfo(type="ccg", area_team="unknown")) is None
    assert area_team_of(OrganisationInfo(type="area_team", code="q52")) is None
    assert area_team_of(OrganisationInfo(type="trust", area_team="Q52")) is None
    plans = [result("x.yaml", code="02N", area_team="not a code", region="Narnia", rating="error")]
    _, portfolio = summarise(plans)
    assert [group.key for group in portfolio.by_region] == ["unknown"]
    assert [group.key for group in portfolio.by_area_team] == ["unknown"]


# ---------------------------------------------------------------- money


def test_a_plan_rated_error_adds_no_money_even_if_it_carries_figures() -> None:
    plans = [
        result("a.yaml", code="02N", area_team="Q52", region="north", rating="error", plan_figures=figures(ONE_YEAR, [1], [1], [1], [1], 1)),
        result("b.yaml", code="02R", area_team="Q52", region="north", plan_figures=figures(ONE_YEAR, [5], [4], [3], [2], 1)),
    ]
    national, _ = summarise(plans)
    assert national.totals["allocation"] == {"2014/15": D(5)}
    assert national.totals["delivered_to_date"] == {"2014/15": D(1)}


def test_a_plan_without_figures_is_counted_but_adds_no_money() -> None:
    national, _ = summarise([result("a.yaml", code="02N", area_team="Q52", region="north", rating="amber")])
    assert national.ratings["amber"] == 1
    assert national.totals["target"] == {}


def test_totals_are_exact_however_many_digits_the_amounts_carry() -> None:
    # Risk adjustment can leave far more digits than Decimal's default 28.
    amounts = [D("123456789.123456789123456789123456789"), D("0.000000000000000000000000000001"), D("987654321.9")]
    plans = [
        result(f"{index}.yaml", code=f"0{index}A", area_team="Q52", region="north",
               plan_figures=figures(ONE_YEAR, [amount], [amount], [amount], [amount]))
        for index, amount in enumerate(amounts)
    ]
    national, _ = summarise(plans)
    total = national.totals["risk_adjusted"]["2014/15"]
    assert Fraction(total) == sum(Fraction(amount) for amount in amounts)


def test_years_in_totals_are_in_order() -> None:
    plans = [
        result("b.yaml", code="02R", area_team="Q52", region="north", plan_figures=figures(["2016/17"], [1], [1], [1], [1])),
        result("a.yaml", code="02N", area_team="Q52", region="north", plan_figures=figures(TWO_YEARS, [1, 1], [1, 1], [1, 1], [1, 1])),
    ]
    national, _ = summarise(plans)
    assert list(national.totals["allocation"]) == ["2014/15", "2015/16", "2016/17"]


# ---------------------------------------------------------------- in_scope


def test_in_scope_narrows_by_area_team_and_region() -> None:
    ccg = result("a.yaml", code="02N", area_team="Q52", region="north")
    team = result("q.yaml", code="Q52", kind="area_team", region="north")
    london = result("l.yaml", code="07L", area_team="Q71", region="london")
    assert in_scope(ccg, None, None) and in_scope(london, None, None)
    assert in_scope(ccg, "Q52", None) and in_scope(team, "Q52", None)
    assert not in_scope(london, "Q52", None)
    assert in_scope(ccg, None, "north") and not in_scope(london, None, "north")
    assert in_scope(ccg, "Q52", "north") and not in_scope(ccg, "Q52", "london")
    assert in_scope(ccg, " q52 ", " North "), "filters are read without case or surrounding spaces"
    assert not in_scope(team, "Q50", None)


def test_a_plan_that_could_not_be_placed_stays_in_any_narrowed_scope() -> None:
    unreadable = result("broken.yaml", kind=None, rating="error")
    assert in_scope(unreadable, "Q52", "north")
    half_known = result("half.yaml", code="02N", area_team=None, region="north", rating="error")
    assert in_scope(half_known, "Q52", None)
    assert not in_scope(half_known, None, "london")


# ---------------------------------------------------------------- laws

YEARS = ["2013/14", "2014/15", "2015/16", "2016/17"]
amounts = st.decimals(min_value=0, max_value=10**9, places=5, allow_nan=False, allow_infinity=False)
long_amounts = st.builds(lambda a, b: a * b, amounts, st.decimals(min_value=0, max_value=1, places=12))


@st.composite
def plan_results(draw: st.DrawFn, index: int) -> PlanResult:
    rating = draw(st.sampled_from(PLAN_RATINGS))
    kind = draw(st.sampled_from(["ccg", "area_team", None]))
    code = draw(st.sampled_from(["02N", "02R", "07L", "Q52", "Q71", "Q99", None]))
    area_team = draw(st.sampled_from(["Q52", "Q71", "Q98", "bad", None]))
    region = draw(st.sampled_from(["north", "london", "south", "midlands_and_east", "elsewhere", None]))
    plan_figures = None
    if draw(st.booleans()):
        start = draw(st.integers(0, 2))
        years = YEARS[start : start + draw(st.integers(1, 2))]
        per_year = lambda strategy: [draw(strategy) for _ in years]  # noqa: E731
        plan_figures = figures(
            years, per_year(amounts), per_year(amounts), per_year(amounts), per_year(long_amounts),
            actual_to_date=draw(st.none() | amounts),
        )
    return result(f"plans/{index:03}.yaml", code=code, kind=kind, area_team=area_team, region=region, rating=rating, plan_figures=plan_figures)


runs = st.integers(0, 25).flatmap(lambda n: st.tuples(*[plan_results(index) for index in range(n)]))


def _added(groups: list[GroupSummary]) -> dict[str, dict[str, Fraction]]:
    sums: dict[str, dict[str, Fraction]] = {key: {} for key in TOTAL_KEYS}
    for group in groups:
        for key, per_year in group.totals.items():
            for year, amount in per_year.items():
                sums[key][year] = sums[key].get(year, Fraction(0)) + Fraction(amount)
    return sums


def _exact(totals: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Fraction]]:
    return {key: {year: Fraction(amount) for year, amount in per_year.items()} for key, per_year in totals.items()}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs)
def test_groups_add_up_to_the_nation(plans: tuple[PlanResult, ...]) -> None:
    national, portfolio = summarise(plans)
    for groups in (portfolio.by_region, portfolio.by_area_team):
        assert [group.key for group in groups] == sorted(group.key for group in groups)
        assert sum(group.plans for group in groups) == national.plans == len(plans)
        for rating in PLAN_RATINGS:
            assert sum(group.ratings[rating] for group in groups) == national.ratings[rating]
        for group in groups:
            assert set(group.ratings) == set(PLAN_RATINGS)
            assert sum(group.ratings.values()) == group.plans
        # Years a group has but the nation lacks would show as a mismatch here too.
        assert _added(groups) == _exact(national.totals)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs)
def test_national_totals_are_the_exact_sum_over_plans_not_in_error(plans: tuple[PlanResult, ...]) -> None:
    expected: dict[str, dict[str, Fraction]] = {key: {} for key in TOTAL_KEYS}
    for plan in plans:
        if plan.rating == "error" or plan.figures is None:
            continue
        for key in ("allocation", "target", "identified", "risk_adjusted"):
            for year, amount in getattr(plan.figures, key).items():
                expected[key][year] = expected[key].get(year, Fraction(0)) + Fraction(amount)
        if plan.figures.delivery is not None:
            year = plan.figures.years[0]
            expected["delivered_to_date"][year] = expected["delivered_to_date"].get(year, Fraction(0)) + Fraction(plan.figures.delivery.actual_to_date)
    national, _ = summarise(plans)
    assert _exact(national.totals) == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs, st.randoms(use_true_random=False))
def test_the_order_of_plans_changes_no_roll_up(plans: tuple[PlanResult, ...], shuffler: Any) -> None:
    shuffled = list(plans)
    shuffler.shuffle(shuffled)
    assert summarise(shuffled) == summarise(plans)
