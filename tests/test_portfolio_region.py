"""Whole regions of plans built from the real CCG list (tests/reference/ccgs-2013.csv).

Every CCG of a region and its area team plans: the cross-plan rules stay
quiet on a consistent run and fire on exactly the plans a change breaks; and
every roll-up total of the whole country matches a sum taken independently.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from qipp_rag import reference
from qipp_rag.plan.models import Plan, consistency_problems
from qipp_rag.results import (
    TOTAL_KEYS,
    DeliveryFigures,
    OrganisationInfo,
    PlanFigures,
    PlanResult,
)
from qipp_rag.rollup import summarise
from qipp_rag.rulebook.measure import PlanRef
from qipp_rag.rulebook.plan_table import PlanTable
from qipp_rag.rulebook.metrics.portfolio import (
    area_team_ccgs,
    duplicate_plans,
    shared_provider_baseline,
    unknown_area_team,
)
from qipp_rag.vocabulary import PLAN_RATINGS

YEARS = ["2014/15", "2015/16", "2016/17"]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    path = Path(__file__).resolve().parent / "reference" / "ccgs-2013.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_packaged_ccg_list_is_the_published_one(rows: list[dict[str, str]]) -> None:
    assert len(reference.ccgs()) == len(rows) == 211
    for row in rows:
        record = reference.ccg(row["ccg_code"])
        assert record is not None
        assert (record.name, record.area_team_code, record.area_team_name, record.region) == (
            row["ccg_name"], row["area_team_code"], row["area_team_name"], row["region"])
        team = reference.area_team(row["area_team_code"])
        assert team is not None and row["ccg_code"] in team.ccgs and team.region == row["region"]
    assert sum(len(team.ccgs) for team in reference.area_teams().values()) == 211
    assert reference.ccg("XXX") is None and reference.area_team("Q00") is None


# ---------------------------------------------------------------- plans of a region


def _plan(organisation: dict[str, Any], schemes: list[dict[str, Any]]) -> Plan:
    built = Plan.model_validate({
        "qipp_plan": 1,
        "organisation": organisation,
        "period": YEARS,
        "allocation": dict.fromkeys(YEARS, 400000),
        "target": dict.fromkeys(YEARS, 8000),
        "schemes": schemes,
    })
    assert consistency_problems(built) == []
    return built


def _ccg_plan(row: dict[str, str], position: int, area_team: str | None = None) -> Plan:
    # Every CCG of an area team saves on the team's large acute trust, each
    # against its own elective baseline: legitimate, not double counting.
    trust = f"Acute trust of {row['area_team_name']}"
    schemes = [
        {"id": "EL1", "title": "Outpatient follow-ups", "workstream": "elective", "stage": "planned",
         "savings": {"2014/15": 600}, "provider": trust,
         "baseline": {"measure": "elective admissions", "value": 9000 + position, "year": "2013/14", "source": "SUS"}},
        {"id": "UC1", "title": "Ambulatory care", "workstream": "urgent_care", "stage": "in_delivery",
         "savings": {"2014/15": 400}, "provider": trust,
         "baseline": {"measure": f"non-elective admissions of {row['ccg_code']}", "value": 5000, "year": "2013/14", "source": "SUS"}},
    ]
    return _plan({"code": row["ccg_code"], "name": row["ccg_name"], "type": "ccg",
                  "area_team": area_team or row["area_team_code"], "region": row["region"]}, schemes)


def _region_run(rows: list[dict[str, str]], region: str) -> list[tuple[str, Plan]]:
    members = [row for row in rows if row["region"] == region]
    items = [(f"plans/{row['area_team_code']}/{row['ccg_code']}.yaml", _ccg_plan(row, position)) for position, row in enumerate(members)]
    for code in sorted({row["area_team_code"] for row in members}):
        team_rows = [row for row in members if row["area_team_code"] == code]
        organisation = {"code": code, "name": f"NHS England {team_rows[0]['area_team_name']}", "type": "area_team",
                        "region": region, "ccgs": sorted(row["ccg_code"] for row in team_rows)}
        items.append((f"plans/{code}/{code}.yaml", _plan(organisation, [])))
    return items


def _refs(items: list[tuple[str, Plan]]) -> list[PlanRef]:
    return [PlanRef(index=index, file=file, plan=plan) for index, (file, plan) in enumerate(items)]


def measured(rule: Any, run: list[PlanRef]) -> dict[int, Any]:
    """A portfolio metric's measurements of a run, by plan index (the metric gives them one at a time)."""
    return dict(rule(PlanTable.of(run), {}))


def _values(rule: Any, items: list[tuple[str, Plan]]) -> dict[str, Decimal | None]:
    return {items[index][0]: measurement.value for index, measurement in measured(rule, _refs(items)).items()}


@pytest.mark.parametrize("region", ["north", "london"])
def test_a_consistent_region_raises_no_cross_plan_finding(rows: list[dict[str, str]], region: str) -> None:
    items = _region_run(rows, region)
    ccg_files = {file for file, plan in items if plan.organisation.type.value == "ccg"}
    team_files = {file for file, _ in items} - ccg_files
    assert len(ccg_files) == sum(row["region"] == region for row in rows)

    assert set(_values(duplicate_plans, items).values()) == {0}
    assert _values(area_team_ccgs, items) == dict.fromkeys(team_files, 0)
    assert _values(unknown_area_team, items) == dict.fromkeys(ccg_files, 0)
    shared = _values(shared_provider_baseline, items)
    assert {shared[file] for file in ccg_files} == {0}, "CCGs saving on one trust against their own baselines"
    assert {shared[file] for file in team_files} == {None}, "area team plans here hold no schemes"


def test_breaking_a_region_flags_exactly_the_plans_it_touches(rows: list[dict[str, str]]) -> None:
    items = _region_run(rows, "north")
    by_file = dict(items)
    west_yorkshire = next(row for row in rows if row["area_team_code"] == "Q52")
    moved = next(row for row in rows if row["area_team_code"] == "Q46")

    # One Greater Manchester CCG names a team that is not in the run...
    moved_file = f"plans/Q46/{moved['ccg_code']}.yaml"
    items = [(file, _ccg_plan(moved, 0, area_team="Q99") if file == moved_file else plan) for file, plan in items]
    # ...one West Yorkshire CCG's file is dropped...
    dropped_file = f"plans/Q52/{west_yorkshire['ccg_code']}.yaml"
    items = [(file, plan) for file, plan in items if file != dropped_file]
    # ...and a second copy of another CCG's plan turns up.
    copied_file = next(file for file, plan in items if file.startswith("plans/Q50/"))
    items.append(("plans/inbox/copy.yaml", by_file[copied_file]))

    assert {file for file, value in _values(duplicate_plans, items).items() if value} == {copied_file, "plans/inbox/copy.yaml"}
    assert {file: value for file, value in _values(unknown_area_team, items).items() if value} == {moved_file: 1}
    flagged_teams = {file: value for file, value in _values(area_team_ccgs, items).items() if value}
    # Q46 lists the moved CCG, which no longer names it; Q52 lists the dropped one.
    assert flagged_teams == {"plans/Q46/Q46.yaml": 1, "plans/Q52/Q52.yaml": 1}
    messages = {items[index][0]: m.message for index, m in measured(area_team_ccgs, _refs(items)).items()}
    assert f"{west_yorkshire['ccg_code']} (no plan in the run)" in messages["plans/Q52/Q52.yaml"]
    assert f"{moved['ccg_code']} (its plan names area team Q99)" in messages["plans/Q46/Q46.yaml"]
    # The copy is the same organisation: PF01's business, not double counting.
    assert not any(_values(shared_provider_baseline, items).values())


def test_one_scheme_claimed_by_two_ccgs_of_a_region_is_flagged_on_both(rows: list[dict[str, str]]) -> None:
    items = _region_run(rows, "london")
    first, second = items[3], items[17]
    claimed = first[1].schemes[1]  # UC1: its baseline is particular to the first CCG
    doubled = second[1].model_copy(update={"schemes": [*second[1].schemes, claimed.model_copy(update={"id": "UC-copied"})]})
    items[17] = (second[0], doubled)
    flagged = {file: value for file, value in _values(shared_provider_baseline, items).items() if value}
    assert flagged == {first[0]: 1, second[0]: 1}


# ---------------------------------------------------------------- roll-ups of the whole country


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 1000, high * 1000)) / 1000  # £000 to the pound


def _national_results(rows: list[dict[str, str]], seed: int) -> list[PlanResult]:
    rng = random.Random(seed)
    teams = {row["area_team_code"]: row for row in rows}
    organisations = [OrganisationInfo(code=row["ccg_code"], name=row["ccg_name"], type="ccg", area_team=row["area_team_code"], region=row["region"]) for row in rows]
    organisations += [OrganisationInfo(code=code, name=f"NHS England {row['area_team_name']}", type="area_team", region=row["region"]) for code, row in sorted(teams.items())]
    results = []
    for organisation in organisations:
        rating = rng.choice(PLAN_RATINGS)
        figures = None
        if rating != "error":
            years = YEARS[: rng.randint(1, 3)]
            identified = {year: _amount(rng, 2000, 20000) for year in years}
            factor = Decimal(rng.randint(40, 100)) / 100
            delivery = None
            if rng.random() < 0.4:
                delivery = DeliveryFigures(as_of=dt.date(2014, 9, 30), year=years[0], planned_to_date=_amount(rng, 0, 5000),
                                           actual_to_date=_amount(rng, 0, 5000), forecast_outturn=_amount(rng, 0, 20000), target=Decimal(8000))
            figures = PlanFigures(
                years=years,
                allocation={year: _amount(rng, 150000, 1500000) for year in years},
                target={year: _amount(rng, 2000, 30000) for year in years},
                identified=identified,
                risk_adjusted={year: amount * factor for year, amount in identified.items()},
                delivery=delivery,
            )
        results.append(PlanResult(file=f"plans/{organisation.code}.yaml", organisation=organisation, rating=rating, figures=figures))
    # Files that could not be read at all.
    results += [PlanResult(file=f"plans/broken-{n}.yaml", organisation=OrganisationInfo(), rating="error") for n in range(3)]
    return results


def _independent_totals(results: list[PlanResult]) -> dict[str, dict[str, Fraction]]:
    totals: dict[str, dict[str, Fraction]] = {key: {} for key in TOTAL_KEYS}
    for result in results:
        if result.figures is None:
            continue
        for key in ("allocation", "target", "identified", "risk_adjusted"):
            for year, amount in getattr(result.figures, key).items():
                totals[key][year] = totals[key].get(year, Fraction(0)) + Fraction(amount)
        if result.figures.delivery is not None:
            year = result.figures.years[0]
            totals["delivered_to_date"][year] = totals["delivered_to_date"].get(year, Fraction(0)) + Fraction(result.figures.delivery.actual_to_date)
    return totals


def _as_fractions(totals: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Fraction]]:
    return {key: {year: Fraction(amount) for year, amount in per_year.items()} for key, per_year in totals.items()}


@pytest.mark.parametrize("seed", [1, 2013, 2014])
def test_every_roll_up_total_of_the_country_matches_an_independent_sum(rows: list[dict[str, str]], seed: int) -> None:
    results = _national_results(rows, seed)
    national, portfolio = summarise(results)
    region_of = {row["ccg_code"]: row["region"] for row in rows} | {row["area_team_code"]: row["region"] for row in rows}
    team_of = {row["ccg_code"]: row["area_team_code"] for row in rows} | {row["area_team_code"]: row["area_team_code"] for row in rows}

    def members(key_of: dict[str, str], key: str) -> list[PlanResult]:
        return [result for result in results if key_of.get(result.organisation.code or "", "unknown") == key]

    assert national.plans == 211 + 25 + 3
    assert _as_fractions(national.totals) == _independent_totals(results)
    assert national.ratings == {rating: sum(result.rating == rating for result in results) for rating in PLAN_RATINGS}

    assert [group.key for group in portfolio.by_region] == ["london", "midlands_and_east", "north", "south", "unknown"]
    for group in portfolio.by_region:
        group_members = members(region_of, group.key)
        assert group.plans == len(group_members)
        assert group.ratings == {rating: sum(result.rating == rating for result in group_members) for rating in PLAN_RATINGS}
        assert _as_fractions(group.totals) == _independent_totals(group_members)

    team_rows = {row["area_team_code"]: row for row in rows}
    assert [group.key for group in portfolio.by_area_team] == [*sorted(team_rows), "unknown"]
    for group in portfolio.by_area_team:
        group_members = members(team_of, group.key)
        assert group.plans == len(group_members)
        assert _as_fractions(group.totals) == _independent_totals(group_members)
        if group.key != "unknown":
            assert group.name == team_rows[group.key]["area_team_name"]
            assert group.region == team_rows[group.key]["region"]
            assert group.plans == sum(row["area_team_code"] == group.key for row in rows) + 1
    assert _group_named(portfolio.by_area_team, "Q71").plans == 33


def _group_named(groups: list[Any], key: str) -> Any:
    return next(group for group in groups if group.key == key)
