"""The plan models (qipp_rag.plan): field validators, cross-field checks, key lookup."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from qipp_rag.plan.models import (
    MAX_TEXT,
    Plan,
    Scheme,
    consistency_problems,
    model_keys_at,
    valid_keys_at,
    year_end,
    year_start,
)
from qipp_rag.load.scalars import Ambiguous

BASE: dict[str, Any] = {
    "qipp_plan": 1,
    "organisation": {"code": "03Q", "name": "NHS Vale of York CCG", "type": "ccg", "area_team": "Q50", "region": "north"},
    "period": ["2014/15", "2015/16"],
    "allocation": {"2014/15": Decimal("398250"), "2015/16": Decimal("405120")},
    "target": {"2014/15": Decimal("9100"), "2015/16": Decimal("9400")},
    "schemes": [
        {"id": "UC-01", "title": "Ambulatory care", "workstream": "urgent_care", "stage": "planned", "savings": {"2014/15": Decimal("1200")}},
    ],
}


def plan_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        here: Any = data
        for part in parents:
            here = here[int(part)] if part.isdigit() else here[part]
        if value is _DELETE:
            del here[last]
        else:
            here[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


def errors(data: dict[str, Any]) -> list[tuple[tuple, str, str]]:
    with pytest.raises(ValidationError) as raised:
        Plan.model_validate(data)
    return [(error["loc"], error["type"], error["msg"]) for error in raised.value.errors()]


def test_the_base_plan_is_valid() -> None:
    plan = Plan.model_validate(BASE)
    assert consistency_problems(plan) == []
    assert plan.first_year == "2014/15"


# ---------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (Ambiguous("NO", "the boolean false"), "put it in quotes"),
        (Ambiguous("010", "the octal number 8"), "octal number 8"),
        (False, "put it in quotes if it is meant as text"),
        (123, "put it in quotes if it is meant as text"),
        (dt.date(2014, 4, 1), "put it in quotes if it is meant as text"),
        ("03q", "3 to 6 capital letters"),
        ("AB", "3 to 6 capital letters"),
        ("ABCDEFG", "3 to 6 capital letters"),
    ],
)
def test_organisation_codes_are_text_in_ods_form(value: Any, fragment: str) -> None:
    ((loc, _, message),) = errors(plan_with(organisation__code=value))
    assert loc == ("organisation", "code")
    assert fragment in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (Ambiguous("1e3", "the number 1000.0"), "plain decimal notation"),
        (Ambiguous("0x1F", "the hexadecimal number 31"), "plain decimal notation"),
        (Ambiguous(".inf", "infinity"), "plain decimal notation"),
        ("1200", "written without quotes"),
        (1200.5, "not a binary float"),
        (True, "written without quotes"),
        (None, "written without quotes"),
        (Decimal("-1"), "cannot be negative"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("1.123456"), "more than 5 decimal places"),
        (Decimal("1000000001"), "implausibly large"),
    ],
)
def test_money_is_exact_plain_and_not_negative(value: Any, fragment: str) -> None:
    ((loc, _, message),) = errors(plan_with(**{"target__2014/15": value}))
    assert loc == ("target", "2014/15")
    assert fragment in message


def test_money_keeps_the_digits_as_written_and_zero_has_no_sign() -> None:
    plan = Plan.model_validate(plan_with(**{"target__2014/15": Decimal("9100.50"), "target__2015/16": Decimal("-0.0")}))
    assert str(plan.target["2014/15"]) == "9100.50"
    assert str(plan.target["2015/16"]) == "0.0"


def test_numbers_in_assumptions_may_be_negative() -> None:
    plan = Plan.model_validate(plan_with(assumptions={"tariff_deflator": {"2014/15": Decimal("-1.5")}}))
    assert plan.assumptions is not None and plan.assumptions.tariff_deflator == {"2014/15": Decimal("-1.5")}


@pytest.mark.parametrize("year", ["2014/16", "2014-15", "14/15", "2014/2015", Ambiguous("2014", "x"), 2014])
def test_financial_years_are_consecutive_yyyy_yy(year: Any) -> None:
    found = errors(plan_with(period=["2014/15", year]))
    assert any(loc == ("period", 1) and "YYYY/YY" in message for loc, _, message in found)


def test_a_year_across_a_century_is_valid() -> None:
    assert Plan.model_validate(plan_with(period=["2099/00"], allocation={"2099/00": Decimal(1)}, target={"2099/00": Decimal(0)}, schemes=[]))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (dt.date(2014, 5, 1), True),
        ("2014-05-01", True),
        ("2014-02-30", False),
        (Ambiguous("2014-05-01 10:00:00", "a timestamp"), False),
        (dt.datetime(2014, 5, 1, 10), False),
        ("1 May 2014", False),
    ],
)
def test_dates(value: Any, ok: bool) -> None:
    data = plan_with(schemes__0__milestones=[{"name": "m", "due": value}])
    if ok:
        assert Plan.model_validate(data).schemes[0].milestones[0].due == dt.date(2014, 5, 1)  # type: ignore[index]
    else:
        ((loc, _, message),) = errors(data)
        assert loc == ("schemes", 0, "milestones", 0, "due") and "YYYY-MM-DD" in message


@pytest.mark.parametrize("value", [Ambiguous("yes", "the boolean true"), "true", 1, None])
def test_flags_are_true_or_false_only(value: Any) -> None:
    ((loc, _, message),) = errors(plan_with(schemes__0__recurrent=value))
    assert loc == ("schemes", 0, "recurrent") and "expected true or false" in message


@pytest.mark.parametrize("value", [0, 6, True, Decimal("3"), "3"])
def test_risk_scores_are_whole_numbers_from_1_to_5(value: Any) -> None:
    data = plan_with(schemes__0__risks=[{"description": "d", "likelihood": value, "impact": 3}])
    ((loc, _, message),) = errors(data)
    assert loc == ("schemes", 0, "risks", 0, "likelihood") and "1 to 5" in message


def test_text_has_a_length_limit() -> None:
    ((loc, _, message),) = errors(plan_with(schemes__0__title="x" * (MAX_TEXT + 1)))
    assert loc == ("schemes", 0, "title") and f"at most {MAX_TEXT}" in message


def test_unknown_keys_are_errors_at_every_level() -> None:
    found = errors(plan_with(extra=1, organisation__colour="blue", schemes__0__saving={}))
    assert {(loc, kind) for loc, kind, _ in found} == {
        (("extra",), "extra_forbidden"),
        (("organisation", "colour"), "extra_forbidden"),
        (("schemes", 0, "saving"), "extra_forbidden"),
    }


def test_models_are_frozen() -> None:
    plan = Plan.model_validate(BASE)
    with pytest.raises(ValidationError):
        plan.qipp_plan = 2  # type: ignore[misc]


def test_a_scheme_saves_nothing_in_a_year_it_does_not_name_and_cancelled_is_not_live() -> None:
    scheme = Scheme.model_validate({"id": "x", "title": "t", "workstream": "w", "stage": "cancelled", "savings": {"2014/15": Decimal(5)}})
    assert scheme.saving("2015/16") == 0 and scheme.saving("2014/15") == 5
    assert not scheme.live
    plan = Plan.model_validate(plan_with(schemes=[scheme.model_dump()]))
    assert plan.live_schemes == []


def test_financial_year_bounds() -> None:
    assert year_start("2014/15") == dt.date(2014, 4, 1)
    assert year_end("2014/15") == dt.date(2015, 3, 31)


# ---------------------------------------------------------------- cross-field checks


def problems(**changes: Any) -> list[tuple[tuple, str]]:
    return consistency_problems(Plan.model_validate(plan_with(**changes)))


def test_period_must_be_consecutive() -> None:
    assert problems(period=["2014/15", "2016/17"], allocation={"2014/15": Decimal(1), "2016/17": Decimal(1)}, target={"2014/15": Decimal(1), "2016/17": Decimal(1)}) == [
        (("period", 1), "`period` must list consecutive financial years; 2016/17 does not follow 2014/15")
    ]


def test_allocation_and_target_cover_exactly_the_period() -> None:
    found = problems(allocation={"2014/15": Decimal(1)}, target={"2014/15": Decimal(1), "2015/16": Decimal(1), "2016/17": Decimal(1)})
    assert (("allocation",), "`allocation` gives no value for 2015/16; it must cover every year of `period`") in found
    assert (("target", "2016/17"), "`target` gives 2016/17, which is not in `period` (2014/15, 2015/16)") in found


def test_allocations_are_above_zero() -> None:
    assert problems(**{"allocation__2015/16": Decimal(0)}) == [(("allocation", "2015/16"), "the allocation for 2015/16 must be above 0")]


def test_assumption_and_saving_years_lie_in_the_period() -> None:
    found = problems(assumptions={"elective_growth": {"2013/14": Decimal(1)}}, **{"schemes__0__savings__2016/17": Decimal(1)})
    assert [loc for loc, _ in found] == [("assumptions", "elective_growth", "2013/14"), ("schemes", 0, "savings", "2016/17")]


def test_organisation_rules() -> None:
    assert problems(organisation__area_team=None) == [(("organisation",), "a CCG's `organisation` must give `area_team`, the code of the area team that assures it")]
    assert problems(organisation__ccgs=["03M"]) == [(("organisation", "ccgs"), "only an area team plan lists `ccgs`")]
    assert problems(organisation__type="area_team", organisation__area_team=None, organisation__ccgs=["03M"]) == []


def test_scheme_ids_are_unique() -> None:
    second = dict(BASE["schemes"][0])
    assert problems(schemes=[BASE["schemes"][0], second]) == [
        (("schemes", 1, "id"), "scheme id `UC-01` is used twice (first by scheme 1); ids must be unique within a plan")
    ]


def test_monthly_profile_sums_to_the_first_years_saving() -> None:
    assert problems(schemes__0__monthly_profile=[Decimal(100)] * 12) == []
    found = problems(schemes__0__monthly_profile=[Decimal(100)] * 11 + [Decimal("99.5")])
    assert found == [(("schemes", 0, "monthly_profile"), "scheme `UC-01`'s `monthly_profile` sums to 1199.5, but its 2014/15 saving is 1200")]


def test_delivery_and_delivery_as_of_go_together_within_the_first_year() -> None:
    delivery = {"planned_to_date": Decimal(1), "actual_to_date": Decimal(1), "forecast_outturn": Decimal(1)}
    assert problems(schemes__0__delivery=delivery) == [(("schemes", 0, "delivery"), "scheme `UC-01` has `delivery` figures, so the plan must give `delivery_as_of`")]
    assert problems(delivery_as_of=dt.date(2014, 6, 30)) == [(("delivery_as_of",), "`delivery_as_of` is given but no scheme has `delivery` figures")]
    assert problems(schemes__0__delivery=delivery, delivery_as_of=dt.date(2015, 3, 31)) == []
    late = problems(schemes__0__delivery=delivery, delivery_as_of=dt.date(2015, 4, 1))
    assert late == [(("delivery_as_of",), "`delivery_as_of` (2015-04-01) must fall within the first plan year, 2014/15")]


# ---------------------------------------------------------------- keys


def test_valid_keys_at_walks_the_plan_models() -> None:
    assert valid_keys_at(("schemes", 3, "saving")) == list(Scheme.model_fields)
    assert valid_keys_at(("governance", "pmo", "meet")) == ["lead", "meets"]
    assert valid_keys_at(("nonsense", "x")) is None
    assert valid_keys_at(("schemes", 0, "savings", "2014/15", "x")) is None


def test_model_keys_at_uses_aliases_and_walks_unions() -> None:
    from pydantic import BaseModel, Field

    class Inner(BaseModel):
        fail_on: str = Field(alias="fail-on")
        other: int = 0

    class Outer(BaseModel):
        items: str | list[Inner] = "x"

    assert model_keys_at(Outer, ("items", 0, "fail_on")) == ["fail-on", "other"]
    assert model_keys_at(Outer, ("itme",)) == ["items"]
