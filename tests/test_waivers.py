"""Waivers: reading the file (valid, and each way of being invalid, with lines), matching plans
by code or path, expiry against the as-of date, and what is reported for every waiver."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from qipp_rag.results import Finding
from qipp_rag.waivers import PlanKey, Waiver, apply_waivers, load_waivers

AS_OF = dt.date(2014, 6, 30)

VALID = """\
waivers:
  - rule: GV02
    plan: 03Q
    reason: "Clinical lead recruited, starts in May"
    approved_by: "Area team finance lead"
    expires: 2014-06-30
  - rule: TR01
    plan: plans/north/03R.yaml
    reason: Agreed recovery over three years
    approved_by: Regional director
    expires: 2015-03-31
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def finding(rule: str, rating: str = "red") -> Finding:
    return Finding(rule=rule, rating=rating, value=Decimal("12.5"), message=f"{rule} measured")


def waiver(rule: str = "GV02", plan: str = "03Q", expires: dt.date = AS_OF, reason: str = "reason") -> Waiver:
    return Waiver(rule=rule, plan=plan, reason=reason, approved_by="approver", expires=expires)


# ---------------------------------------------------------------- reading the file


def test_a_valid_waivers_file_is_read_in_order(tmp_path: Path) -> None:
    waivers, problems = load_waivers(write(tmp_path, VALID))
    assert problems == []
    assert [(w.rule, w.plan, w.expires) for w in waivers] == [("GV02", "03Q", dt.date(2014, 6, 30)), ("TR01", "plans/north/03R.yaml", dt.date(2015, 3, 31))]
    assert waivers[0].reason == "Clinical lead recruited, starts in May"


@pytest.mark.parametrize(
    ("missing", "line"),
    [("reason", 2), ("approved_by", 2), ("expires", 2)],
)
def test_a_waiver_without_a_reason_approver_or_expiry_is_invalid_at_its_line(tmp_path: Path, missing: str, line: int) -> None:
    rows = VALID.splitlines()
    first_end = rows.index("  - rule: TR01")  # the key is left out of the first waiver only
    rows = [row for number, row in enumerate(rows) if not (number < first_end and row.strip().startswith(f"{missing}:"))]
    text = "\n".join(rows) + "\n"
    waivers, problems = load_waivers(write(tmp_path, text))
    assert waivers == []  # the whole file is rejected
    assert len(problems) == 1
    assert problems[0].line == line and missing in problems[0].message
    assert problems[0].file == str(tmp_path / "waivers.yaml")


def test_a_blank_reason_is_invalid(tmp_path: Path) -> None:
    waivers, problems = load_waivers(write(tmp_path, VALID.replace('"Clinical lead recruited, starts in May"', '"   "')))
    assert waivers == [] and len(problems) == 1
    assert problems[0].line == 4 and "blank" in problems[0].message


def test_an_unknown_key_and_a_bad_date_are_reported_with_lines(tmp_path: Path) -> None:
    text = VALID.replace("    approved_by: Regional director", "    aproved_by: Regional director").replace("expires: 2015-03-31", "expires: 31/03/2015")
    waivers, problems = load_waivers(write(tmp_path, text))
    assert waivers == []
    lines = sorted((p.line, p.message) for p in problems)
    assert [line for line, _ in lines] == [7, 10, 11]  # the entry missing approved_by, the unknown key, the date
    assert "approved_by" in lines[1][1]
    assert "YYYY-MM-DD" in lines[2][1]


def test_a_missing_waivers_file_is_a_problem(tmp_path: Path) -> None:
    waivers, problems = load_waivers(str(tmp_path / "none.yaml"))
    assert waivers == [] and problems[0].file == str(tmp_path / "none.yaml")


# ---------------------------------------------------------------- applying


def test_expiry_is_the_last_day_the_waiver_applies() -> None:
    key = PlanKey(file="p.yaml", code="03Q")
    on_the_day, _ = apply_waivers([(key, [finding("GV02")])], [waiver(expires=AS_OF)], AS_OF)
    assert on_the_day[0][0].rating == "waived"
    day_after, records = apply_waivers([(key, [finding("GV02")])], [waiver(expires=AS_OF)], AS_OF + dt.timedelta(days=1))
    assert day_after[0][0].rating == "red"
    assert records[0].status == "expired"


def test_a_waived_finding_keeps_its_value_and_says_what_it_would_have_been() -> None:
    (findings,), (record,) = apply_waivers([(PlanKey("p.yaml", "03Q"), [finding("GV02", "amber"), finding("GV03")])], [waiver(reason="recruiting")], AS_OF)
    waived, untouched = findings
    assert waived.rating == "waived" and waived.value == Decimal("12.5") and waived.message == "GV02 measured"
    assert waived.waiver is not None
    assert (waived.waiver.rating, waived.waiver.reason, waived.waiver.approved_by, waived.waiver.expires) == ("amber", "recruiting", "approver", AS_OF)
    assert untouched.rating == "red" and untouched.waiver is None
    assert (record.status, record.applied_to) == ("applied", ["p.yaml"])


@pytest.mark.parametrize("rating", ["green", "n/a"])
def test_a_waiver_on_a_green_or_na_result_changes_nothing_but_counts_as_matched(rating: str) -> None:
    (findings,), (record,) = apply_waivers([(PlanKey("p.yaml", "03Q"), [finding("GV02", rating)])], [waiver()], AS_OF)
    assert findings[0].rating == rating and findings[0].waiver is None
    assert (record.status, record.applied_to) == ("applied", [])


def test_unmatched_waivers_are_reported() -> None:
    plans = [(PlanKey("p.yaml", "03Q"), [finding("GV02")])]
    _, records = apply_waivers(plans, [waiver(rule="GV99"), waiver(plan="04X")], AS_OF)
    assert [r.status for r in records] == ["unmatched", "unmatched"]


def test_a_plan_is_matched_by_code_by_its_path_as_given_or_by_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    plans = [
        (PlanKey("plans/a.yaml", "03Q"), [finding("R1")]),
        (PlanKey("plans/b.yaml", "03R"), [finding("R1")]),
        (PlanKey(str(tmp_path / "plans" / "c.yaml"), "03S"), [finding("R1")]),
        (PlanKey("plans/d.yaml", "03T"), [finding("R1")]),
    ]
    waivers = [
        waiver(rule="R1", plan="03Q"),
        waiver(rule="R1", plan="plans/b.yaml"),
        waiver(rule="R1", plan="./plans/c.yaml"),
        waiver(rule="R1", plan="d.yaml"),  # relative to the waivers file's folder
    ]
    waivers_file = str(tmp_path / "plans" / "waivers.yaml")
    out, records = apply_waivers(plans, waivers, AS_OF, waivers_file)
    assert [findings[0].rating for findings in out] == ["waived"] * 4
    assert [r.applied_to for r in records] == [["plans/a.yaml"], ["plans/b.yaml"], [str(tmp_path / "plans" / "c.yaml")], ["plans/d.yaml"]]
    assert os.getcwd() == str(tmp_path)


def test_the_first_of_two_waivers_for_one_finding_waives_it_and_both_count_as_applied() -> None:
    (findings,), records = apply_waivers([(PlanKey("p.yaml", "03Q"), [finding("GV02")])], [waiver(reason="first"), waiver(reason="second")], AS_OF)
    assert findings[0].waiver is not None and findings[0].waiver.reason == "first"
    assert [(r.status, r.applied_to) for r in records] == [("applied", ["p.yaml"]), ("applied", [])]


def test_a_waiver_applies_to_every_plan_it_matches() -> None:
    plans = [(PlanKey("a/x.yaml", "03Q"), [finding("GV02")]), (PlanKey("b/x.yaml", "03Q"), [finding("GV02")])]
    out, (record,) = apply_waivers(plans, [waiver()], AS_OF)
    assert [f[0].rating for f in out] == ["waived", "waived"]
    assert record.applied_to == ["a/x.yaml", "b/x.yaml"]
