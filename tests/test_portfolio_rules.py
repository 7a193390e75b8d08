"""PF01-PF04: the cross-plan rules, each firing and each staying quiet where it must."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from qipp_rag.rulebook.measure import Measurement, PlanRef
from qipp_rag.rulebook.plan_table import PlanTable
from qipp_rag.rulebook.registry import PORTFOLIO_METRICS
from qipp_rag.plan.models import Plan, consistency_problems
from qipp_rag.rulebook.metrics.portfolio import EVIDENCE_ITEMS, area_team_ccgs, duplicate_plans, shared_provider_baseline, unknown_area_team

# ---------------------------------------------------------------- a compact plan builder


def scheme(
    scheme_id: str,
    *,
    provider: str | None = None,
    measure: str | None = None,
    value: Any = None,
    stage: str = "planned",
    savings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": scheme_id,
        "title": f"Scheme {scheme_id}",
        "workstream": "urgent_care",
        "stage": stage,
        "savings": savings if savings is not None else {"2014/15": 500},
    }
    if provider is not None:
        data["provider"] = provider
    if measure is not None or value is not None:
        baseline: dict[str, Any] = {"year": "2013/14", "source": "SUS"}
        if measure is not None:
            baseline["measure"] = measure
        if value is not None:
            baseline["value"] = Decimal(str(value))
        data["baseline"] = baseline
    return data


def plan(
    code: str,
    *,
    kind: str = "ccg",
    area_team: str | None = "Q52",
    region: str = "north",
    ccgs: list[str] | None = None,
    period: tuple[str, ...] = ("2014/15",),
    schemes: list[dict[str, Any]] | None = None,
) -> Plan:
    organisation: dict[str, Any] = {"code": code, "name": f"NHS {code}", "type": kind, "region": region}
    if kind == "ccg":
        organisation["area_team"] = area_team
    elif ccgs is not None:
        organisation["ccgs"] = ccgs
    built = Plan.model_validate(
        {
            "qipp_plan": 1,
            "organisation": organisation,
            "period": list(period),
            "allocation": {year: 400000 for year in period},
            "target": {year: 8000 for year in period},
            "schemes": schemes or [],
        }
    )
    assert consistency_problems(built) == [], "the builder must make valid plans"
    return built


def refs(*plans: Plan | tuple[str, Plan]) -> list[PlanRef]:
    """PlanRefs in the order given; a bare plan is filed as plans/<code>.yaml."""
    out = []
    for index, item in enumerate(plans):
        file, built = item if isinstance(item, tuple) else (f"plans/{item.organisation.code}.yaml", item)
        out.append(PlanRef(index=index, file=file, plan=built))
    return out


def measured(rule: Any, run: list[PlanRef]) -> dict[int, Measurement]:
    """A portfolio metric's measurements of a run, by plan index (the metric gives them one at a time)."""
    return dict(rule(PlanTable.of(run), {}))


def area_team_plan(code: str, ccgs: list[str] | None, region: str = "north") -> Plan:
    return plan(code, kind="area_team", area_team=None, region=region, ccgs=ccgs)


# ---------------------------------------------------------------- registry


def test_the_four_portfolio_metrics_are_registered_by_their_names() -> None:
    assert PORTFOLIO_METRICS["duplicate_plans"] is duplicate_plans
    assert PORTFOLIO_METRICS["area_team_ccgs"] is area_team_ccgs
    assert PORTFOLIO_METRICS["shared_provider_baseline"] is shared_provider_baseline
    assert PORTFOLIO_METRICS["unknown_area_team"] is unknown_area_team


# ---------------------------------------------------------------- PF01 duplicate plans


def test_pf01_two_files_for_one_organisation_over_the_same_years_count_against_both() -> None:
    run = refs(("plans/b/02N.yaml", plan("02N")), ("plans/02R.yaml", plan("02R")), ("plans/a/02N-v2.yaml", plan("02N")))
    result = measured(duplicate_plans, run)
    assert set(result) == {0, 1, 2}
    assert result[0].value == 1 and result[2].value == 1
    assert result[1].value == 0
    assert "plans/a/02N-v2.yaml (2014/15)" in result[0].message
    assert "plans/b/02N.yaml" in result[2].message
    assert result[0].evidence == ("plans/a/02N-v2.yaml: also a plan for 02N, overlapping in 2014/15",)
    assert result[0].loc == ("organisation", "code")
    assert "cannot tell which plan stands" in result[0].message


def test_pf01_counts_every_other_file_and_names_them_in_file_order() -> None:
    run = refs(("z.yaml", plan("02N")), ("m.yaml", plan("02N")), ("a.yaml", plan("02N")))
    result = measured(duplicate_plans, run)
    assert [result[i].value for i in range(3)] == [2, 2, 2]
    assert result[0].message.index("a.yaml") < result[0].message.index("m.yaml")
    assert [line.split(":")[0] for line in result[0].evidence] == ["a.yaml", "m.yaml"]


def test_pf01_partly_overlapping_periods_name_the_shared_years() -> None:
    run = refs(
        ("old.yaml", plan("02N", period=("2013/14", "2014/15", "2015/16"))),
        ("new.yaml", plan("02N", period=("2015/16", "2016/17"))),
    )
    result = measured(duplicate_plans, run)
    assert result[0].value == result[1].value == 1
    assert "new.yaml (2015/16)" in result[0].message


def test_pf01_successive_plans_of_one_organisation_are_not_duplicates() -> None:
    run = refs(("2013.yaml", plan("02N", period=("2013/14",))), ("2014.yaml", plan("02N", period=("2014/15", "2015/16"))))
    result = measured(duplicate_plans, run)
    assert result[0].value == result[1].value == 0
    assert "no other plan file" in result[0].message


def test_pf01_different_organisations_over_the_same_years_are_not_duplicates() -> None:
    result = measured(duplicate_plans, refs(plan("02N"), plan("02R"), area_team_plan("Q52", None)))
    assert all(measurement.value == 0 for measurement in result.values())


# ---------------------------------------------------------------- PF02 area team's ccgs


def test_pf02_a_list_that_matches_the_ccg_plans_in_the_run_is_green() -> None:
    run = refs(area_team_plan("Q52", ["02R", "02N"]), plan("02N"), plan("02R"), plan("01A", area_team="Q50"))
    result = measured(area_team_ccgs, run)
    assert set(result) == {0}, "PF02 measures area team plans only"
    assert result[0].value == 0
    assert "matches" in result[0].message and "2 CCGs" in result[0].message


def test_pf02_counts_and_names_the_codes_on_each_side() -> None:
    run = refs(
        area_team_plan("Q52", ["02N", "02R", "02T"]),
        plan("02N"),
        ("plans/03A.yaml", plan("03A")),  # names Q52, not listed
        plan("02T", area_team="Q50"),  # listed, but its plan names another team
    )
    result = measured(area_team_ccgs, run)[0]
    assert result.value == 3
    assert "02R (no plan in the run)" in result.message
    assert "02T (its plan names area team Q50)" in result.message
    assert "not listed in `ccgs`: 03A" in result.message
    assert result.loc == ("organisation", "ccgs")
    assert any("03A (plans/03A.yaml)" in line for line in result.evidence)
    assert len(result.evidence) == 3


def test_pf02_an_area_team_plan_without_ccgs_is_not_applicable() -> None:
    result = measured(area_team_ccgs, refs(area_team_plan("Q52", None), plan("02N")))[0]
    assert result.value is None
    assert "no `organisation.ccgs`" in result.message


def test_pf02_an_area_team_alone_in_the_run_lists_ccgs_without_plans() -> None:
    result = measured(area_team_ccgs, refs(area_team_plan("Q52", ["02N"])))[0]
    assert result.value == 1
    assert "02N (no plan in the run)" in result.message


def test_pf02_two_files_of_one_ccg_count_the_code_once() -> None:
    run = refs(area_team_plan("Q52", ["02R"]), ("a/03A.yaml", plan("03A")), ("b/03A.yaml", plan("03A")), plan("02R"))
    result = measured(area_team_ccgs, run)[0]
    assert result.value == 1
    assert len(result.evidence) == 2, "each file is evidence"


# ---------------------------------------------------------------- PF03 shared provider and baseline


def test_pf03_the_same_scheme_in_two_ccgs_plans_counts_against_both() -> None:
    one = plan("02N", schemes=[scheme("S1"), scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)])
    two = plan("02R", schemes=[scheme("UC9", provider="  rr8 ", measure="a&e  ATTENDANCES", value="1200.0")])
    result = measured(shared_provider_baseline, refs(one, two))
    assert result[0].value == 1 and result[1].value == 1
    assert result[0].loc == ("schemes", 1)
    assert result[1].loc == ("schemes", 0)
    assert "`UC1` with 02R `UC9` (plans/02R.yaml)" in result[0].message
    assert "`UC9` with 02N `UC1` (plans/02N.yaml)" in result[1].message
    assert "counted twice" in result[0].message
    assert result[0].evidence == ("schemes[1] `UC1` (provider RR8, baseline A&E attendances = 1200) matches 02R scheme `UC9` in plans/02R.yaml",)


def test_pf03_two_ccgs_saving_on_one_large_provider_against_their_own_baselines_are_not_flagged() -> None:
    teaching = "Leeds Teaching Hospitals NHS Trust"
    one = plan("02V", schemes=[scheme("E1", provider=teaching, measure="elective admissions", value=18200)])
    two = plan("02W", schemes=[
        scheme("E1", provider=teaching, measure="elective admissions", value=9400),  # same measure, own value
        scheme("NEL", provider=teaching, measure="non-elective bed days", value=18200),  # same value, other measure
    ])
    result = measured(shared_provider_baseline, refs(one, two))
    assert result[0].value == 0 and result[1].value == 0
    assert "none of the 2 live schemes" in result[1].message


def test_pf03_same_baseline_at_different_providers_is_not_flagged() -> None:
    one = plan("02V", schemes=[scheme("P1", provider="RR8", measure="prescribing items", value=500)])
    two = plan("02W", schemes=[scheme("P1", provider="RAE", measure="prescribing items", value=500)])
    result = measured(shared_provider_baseline, refs(one, two))
    assert result[0].value == result[1].value == 0


@pytest.mark.parametrize(
    "incomplete",
    [
        scheme("X", measure="A&E attendances", value=1200),  # no provider
        scheme("X", provider="RR8", value=1200),  # no measure
        scheme("X", provider="RR8", measure="A&E attendances"),  # no value
        scheme("X", provider="   ", measure="A&E attendances", value=1200),  # blank provider
        scheme("X", provider="RR8", measure=" ", value=1200),  # blank measure
        scheme("X", provider="RR8"),  # no baseline at all
    ],
)
def test_pf03_a_scheme_without_provider_or_baseline_cannot_collide(incomplete: dict[str, Any]) -> None:
    complete = plan("02N", schemes=[scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)])
    other = plan("02R", schemes=[incomplete])
    result = measured(shared_provider_baseline, refs(complete, other))
    assert result[0].value == 0
    assert result[1].value is None
    assert "no live scheme gives a provider" in result[1].message


def test_pf03_cancelled_schemes_are_not_compared() -> None:
    one = plan("02N", schemes=[scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)])
    two = plan("02R", schemes=[scheme("UC1", provider="RR8", measure="A&E attendances", value=1200, stage="cancelled")])
    result = measured(shared_provider_baseline, refs(one, two))
    assert result[0].value == 0
    assert result[1].value is None


def test_pf03_two_schemes_of_one_plan_do_not_count() -> None:
    one = plan("02N", schemes=[
        scheme("UC1", provider="RR8", measure="A&E attendances", value=1200),
        scheme("UC2", provider="RR8", measure="A&E attendances", value=1200),
    ])
    other = plan("02R", schemes=[scheme("E1", provider="RR8", measure="elective admissions", value=1200)])
    result = measured(shared_provider_baseline, refs(one, other))
    assert result[0].value == 0


def test_pf03_two_files_of_one_organisation_are_left_to_pf01() -> None:
    same = [scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)]
    result = measured(shared_provider_baseline, refs(("a.yaml", plan("02N", schemes=same)), ("b.yaml", plan("02N", schemes=same))))
    assert result[0].value is None and result[1].value is None
    assert "no other organisation's plan" in result[0].message


def test_pf03_plans_for_different_years_cannot_count_a_saving_twice() -> None:
    same = [scheme("UC1", provider="RR8", measure="A&E attendances", value=1200, savings={})]
    run = refs(plan("02N", period=("2013/14",), schemes=same), plan("02R", period=("2014/15",), schemes=same))
    result = measured(shared_provider_baseline, run)
    assert result[0].value is None and result[1].value is None


def test_pf03_counts_colliding_schemes_and_names_every_other_plan_in_file_order() -> None:
    shared = {"provider": "RR8", "measure": "A&E attendances", "value": 1200}
    other_shared = {"provider": "RAE", "measure": "bed days", "value": "75.5"}
    hub = plan("02N", schemes=[scheme("A", **shared), scheme("B"), scheme("C", **other_shared)])
    run = refs(hub, ("z/03A.yaml", plan("03A", schemes=[scheme("Z", **shared)])), ("a/02R.yaml", plan("02R", schemes=[scheme("R", **shared), scheme("Q", **other_shared)])))
    result = measured(shared_provider_baseline, run)
    assert result[0].value == 2
    assert result[0].loc == ("schemes", 0)
    assert "`A` with 02R `R` (a/02R.yaml), 03A `Z` (z/03A.yaml)" in result[0].message
    assert "`C` with 02R `Q` (a/02R.yaml)" in result[0].message
    assert len(result[0].evidence) == 3
    assert result[1].value == 1  # 03A collides with 02N and 02R, through one scheme
    assert result[2].value == 2


def test_pf03_a_scheme_copied_into_many_plans_is_explained_by_the_first_few() -> None:
    copied = [scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)]
    run = refs(*[plan(f"{n:02}A", schemes=copied) for n in range(EVIDENCE_ITEMS + 10)])
    result = measured(shared_provider_baseline, run)
    assert {measurement.value for measurement in result.values()} == {1}
    first = result[0]
    assert len(first.evidence) == EVIDENCE_ITEMS + 1
    assert first.evidence[-1].endswith("matches further schemes in other plans")
    assert "01A `UC1` (plans/01A.yaml), 02A `UC1` (plans/02A.yaml), 03A `UC1` (plans/03A.yaml) and others" in first.message


# ---------------------------------------------------------------- PF04 unknown area team


def test_pf04_without_area_team_plans_in_the_run_is_not_applicable() -> None:
    result = measured(unknown_area_team, refs(plan("02N"), plan("02R")))
    assert set(result) == {0, 1}
    assert all(measurement.value is None for measurement in result.values())
    assert "no area team plan" in result[0].message
    assert "Q52 (West Yorkshire)" in result[0].message


def test_pf04_a_ccg_whose_area_team_has_a_plan_is_green() -> None:
    run = refs(area_team_plan("Q52", None), plan("02N"))
    result = measured(unknown_area_team, run)
    assert set(result) == {1}, "PF04 measures CCG plans only"
    assert result[1].value == 0
    assert "plans/Q52.yaml" in result[1].message
    assert result[1].loc == ("organisation", "area_team")


def test_pf04_names_at_most_ten_of_an_area_teams_plans() -> None:
    """A national archive holds hundreds of versions of each area team's plan: the green message names
    the first ten in file order and counts the rest, so it does not grow with the archive."""
    versions = [(f"plans/Q52-v{number:02}.yaml", area_team_plan("Q52", None)) for number in range(1, 13)]
    run = refs(*versions, plan("02N"))
    result = measured(unknown_area_team, run)
    message = result[12].message
    assert result[12].value == 0
    assert message.endswith("plans/Q52-v10.yaml and 2 more")
    assert "plans/Q52-v01.yaml, plans/Q52-v02.yaml" in message
    assert "v11" not in message and "v12" not in message


def test_pf04_a_ccg_naming_an_area_team_absent_from_the_run_counts_one() -> None:
    run = refs(("b/Q52.yaml", area_team_plan("Q52", None)), ("a/Q50.yaml", area_team_plan("Q50", None)), plan("02N", area_team="Q99"), plan("02R"))
    result = measured(unknown_area_team, run)
    assert result[2].value == 1
    assert "names area team Q99" in result[2].message
    assert result[2].message.index("a/Q50.yaml") < result[2].message.index("b/Q52.yaml")
    assert "the 2013 CCG list gives area team Q52 (West Yorkshire) for 02N" in result[2].message
    assert result[2].evidence == ("area team plan in the run: Q50 (a/Q50.yaml)", "area team plan in the run: Q52 (b/Q52.yaml)")
    assert result[3].value == 0


# ---------------------------------------------------------------- every rule


ALL_RULES = [duplicate_plans, area_team_ccgs, shared_provider_baseline, unknown_area_team]


def _mixed_run() -> list[tuple[str, Plan]]:
    rr8 = {"provider": "RR8", "measure": "A&E attendances", "value": 1200}
    return [
        ("plans/Q52.yaml", area_team_plan("Q52", ["02N", "02R", "02T"])),
        ("plans/02N.yaml", plan("02N", schemes=[scheme("UC1", **rr8)])),
        ("plans/02N-copy.yaml", plan("02N", schemes=[scheme("UC1", **rr8)])),
        ("plans/02R.yaml", plan("02R", schemes=[scheme("UC7", **rr8)])),
        ("plans/03A.yaml", plan("03A", area_team="Q99")),
    ]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.__name__)
def test_the_order_plans_are_given_in_changes_no_message(rule: Any) -> None:
    items = _mixed_run()
    expected = {items[index][0]: measurement for index, measurement in measured(rule, refs(*items)).items()}
    assert expected
    shuffler = random.Random(7)
    for _ in range(5):
        shuffled = items[:]
        shuffler.shuffle(shuffled)
        got = {shuffled[index][0]: measurement for index, measurement in measured(rule, refs(*shuffled)).items()}
        assert got == expected


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.__name__)
def test_every_rule_answers_an_empty_run_with_nothing(rule: Any) -> None:
    assert measured(rule, []) == {}
