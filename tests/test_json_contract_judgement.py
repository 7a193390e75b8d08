"""The JSON contract's judgement fields (cli.md): confidence, shortfall, waived, distance, the summary's counts
by confidence and shortfall totals, and every waiver's status, through the real command line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, run_cli

CONFIDENCE = {"green", "amber/green", "amber", "amber/red", "red"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("contract")
    shutil_copy = (REPO / "plans" / "north" / "Q50").glob("*.yaml")
    plans = folder / "plans"
    plans.mkdir()
    for path in shutil_copy:
        (plans / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (plans / "broken.yaml").write_text("qipp_plan: 1\n", encoding="utf-8")
    waivers = REPO / "examples" / "waivers.yaml"
    result = run_cli("assess", "plans", "--format", "json", "--as-of", "2014-12-31", "--waivers", str(waivers), cwd=folder)
    assert result.returncode == 2, result.stderr  # the broken plan
    return json.loads(result.stdout, parse_float=Decimal)


def test_every_assessed_plan_carries_confidence_shortfall_and_waived(data: dict) -> None:
    for plan in data["plans"]:
        if plan["rating"] == "error":
            assert (plan["confidence"], plan["shortfall"], plan["waived"]) == (None, None, None)
            continue
        assert plan["confidence"] in CONFIDENCE
        assert isinstance(plan["waived"], int) and plan["waived"] == sum(f["rating"] == "waived" for f in plan["findings"])
        assert set(plan["shortfall"]) == set(plan["figures"]["years"])
        for year, gap in plan["shortfall"].items():
            assert set(gap) == {"identified", "risk_adjusted"}
            target = plan["figures"]["target"][year]
            assert gap["identified"] == max(0, target - plan["figures"]["identified"][year])
            assert gap["risk_adjusted"] == max(0, target - plan["figures"]["risk_adjusted"][year])


def test_amber_and_red_money_findings_carry_distance_and_no_other_does(data: dict) -> None:
    money_rules = {"SP02", "SP03", "SP04", "GV08", "GV09", "TR03", "TR04", "TR06", "TR07", "QL01", "QL02", "QL03", "DL01", "DL02", "DL04", "DL06"}
    seen = 0
    for plan in data["plans"]:
        for finding in plan.get("findings", []):
            if finding["rating"] in ("amber", "red") and finding["rule"] in money_rules:
                seen += 1
                distance = finding["distance"]
                assert set(distance) == {"to_green", "to_amber", "year"}
                assert distance["to_green"] >= 0 and (distance["to_amber"] is None) == (finding["rating"] == "amber")
                assert distance["year"] in plan["figures"]["years"]
            elif finding["rating"] in ("green", "n/a") or finding["rule"] not in money_rules:
                assert finding.get("distance") is None, finding
    assert seen


def test_the_summary_counts_plans_by_confidence_and_sums_shortfalls_plan_by_plan(data: dict) -> None:
    summary = data["summary"]
    assessed = [plan for plan in data["plans"] if plan["rating"] != "error"]
    assert summary["confidence"] == {level: sum(plan["confidence"] == level for plan in assessed) for level in ("green", "amber/green", "amber", "amber/red", "red")}
    for key, part in (("shortfall_identified", "identified"), ("shortfall_risk_adjusted", "risk_adjusted")):
        years = {year for plan in assessed for year in plan["shortfall"]}
        assert summary["totals"][key] == {year: sum(plan["shortfall"].get(year, {}).get(part, 0) for plan in assessed) for year in sorted(years)}
    for group in data["portfolio"]["by_area_team"] + data["portfolio"]["by_region"]:
        assert set(group["confidence"]) == CONFIDENCE


def test_waivers_report_status_approver_organisation_and_why_one_was_refused(data: dict) -> None:
    statuses = {(w["rule"], w["plan"]): w for w in data["waivers"]}
    refused = statuses[("DL04", "03D")]
    assert refused["status"] == "refused" and refused["approver_organisation"] == "03D" and refused["applied_to"] == []
    assert "own organisation" in refused["refused_because"]
    applied = statuses[("QL01", "03F")]
    assert applied["status"] == "applied" and applied["refused_because"] is None
    hull = next(plan for plan in data["plans"] if plan["organisation"]["code"] == "03F")
    waived = next(f for f in hull["findings"] if f["rule"] == "QL01")
    assert waived["rating"] == "waived" and set(waived["waiver"]) == {"reason", "approved_by", "expires", "rating"}
    hambleton = next(plan for plan in data["plans"] if plan["organisation"]["code"] == "03D")
    assert next(f for f in hambleton["findings"] if f["rule"] == "DL04")["rating"] == "red"
    assert Path(hambleton["file"]).name.startswith("03D")
