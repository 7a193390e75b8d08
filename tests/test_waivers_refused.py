"""Waivers that cannot excuse themselves: a critical rule's waiver needs an approver organisation
other than the plan's own, or it is refused with the reason and the finding keeps its rating."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from qipp_rag.results import Finding
from qipp_rag.waivers import PlanKey, Waiver, apply_waivers, load_waivers

AS_OF = dt.date(2014, 9, 30)
CRITICAL = {"SP02": True, "GV02": False}
PLAN = PlanKey(file="plans/03Q.yaml", code="03Q")


def red(rule: str) -> Finding:
    return Finding(rule=rule, rating="red", value=Decimal("80"), message=f"{rule} measured")


def waiver(rule: str, organisation: str | None) -> Waiver:
    return Waiver(rule=rule, plan="03Q", reason="recovery agreed", approved_by="Finance lead", approver_organisation=organisation, expires=AS_OF)


def run(*waivers: Waiver, rule: str = "SP02") -> tuple[Finding, list]:
    findings, records = apply_waivers([(PLAN, [red(rule)])], list(waivers), AS_OF, None, CRITICAL)
    return findings[0][0], records


def test_a_critical_rule_waived_by_another_organisation_is_applied() -> None:
    finding, records = run(waiver("SP02", "Q50"))
    assert finding.rating == "waived"
    assert finding.waiver is not None and finding.waiver.rating == "red"
    assert records[0].status == "applied" and records[0].refused_because is None
    assert records[0].approver_organisation == "Q50"


def test_a_critical_rule_waived_by_the_plans_own_organisation_is_refused() -> None:
    finding, records = run(waiver("SP02", "03Q"))
    assert finding.rating == "red"
    assert finding.waiver is None
    assert records[0].status == "refused"
    assert records[0].applied_to == []
    assert "plan's own organisation (03Q)" in (records[0].refused_because or "")
    assert any("waiver refused" in line for line in finding.evidence)


def test_the_plans_own_code_is_recognised_in_any_case_and_spacing() -> None:
    finding, records = run(waiver("SP02", " 03q "))
    assert (finding.rating, records[0].status) == ("red", "refused")


@pytest.mark.parametrize("organisation", [None, "", "   "])
def test_a_critical_rule_waived_without_an_approver_organisation_is_refused(organisation: str | None) -> None:
    finding, records = run(waiver("SP02", organisation))
    assert finding.rating == "red"
    assert records[0].status == "refused"
    assert "names none" in (records[0].refused_because or "")


@pytest.mark.parametrize("organisation", [None, "03Q", "Q50"])
def test_a_non_critical_rule_may_be_waived_by_anyone(organisation: str | None) -> None:
    finding, records = run(waiver("GV02", organisation), rule="GV02")
    assert finding.rating == "waived"
    assert records[0].status == "applied"


def test_a_refused_waiver_leaves_the_next_valid_waiver_to_apply() -> None:
    finding, records = run(waiver("SP02", "03Q"), waiver("SP02", "Q50"))
    assert finding.rating == "waived"
    assert [record.status for record in records] == ["refused", "applied"]


def test_an_expired_self_approved_waiver_is_reported_expired() -> None:
    expired = Waiver(rule="SP02", plan="03Q", reason="r", approved_by="a", approver_organisation="03Q", expires=AS_OF - dt.timedelta(days=1))
    finding, records = run(expired)
    assert (finding.rating, records[0].status) == ("red", "expired")


def test_a_self_approved_waiver_matching_no_plan_is_unmatched() -> None:
    other = Waiver(rule="SP02", plan="99X", reason="r", approved_by="a", approver_organisation="99X", expires=AS_OF)
    _, records = run(other)
    assert records[0].status == "unmatched"


def test_a_waivers_file_reads_the_approver_organisation(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n  - rule: SP02\n    plan: 03Q\n    reason: r\n    approved_by: a\n    approver_organisation: Q50\n    expires: 2014-12-31\n",
        encoding="utf-8",
    )
    waivers, problems = load_waivers(str(path))
    assert problems == [] and waivers[0].approver_organisation == "Q50"


def test_a_misspelt_approver_organisation_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n  - rule: SP02\n    plan: 03Q\n    reason: r\n    approved_by: a\n    approver_organisaton: Q50\n    expires: 2014-12-31\n",
        encoding="utf-8",
    )
    waivers, problems = load_waivers(str(path))
    assert waivers == []
    assert [(problem.line, problem.column) for problem in problems] == [(6, 5)]
    assert "approver_organisation" in problems[0].message
