"""SARIF from a real run of `qipp-rag assess` on the example plans and a broken one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ci_fixtures import BROKEN_LINE, real_run
from conftest import REFERENCE, run_cli
from qipp_rag.reporters.sarif import ERROR_RULE_ID

SCHEMA = REFERENCE / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sarif-e2e")
    result, outputs = real_run(workdir, run_cli)
    assert result.returncode == 2, result.stderr  # the broken plan is an input error
    return workdir, json.loads(outputs["json"].read_text(encoding="utf-8")), json.loads(outputs["sarif"].read_text(encoding="utf-8")), outputs


def test_valid_against_the_sarif_schema(run):
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    problems = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(run[2]))
    assert problems == []


def test_every_red_and_amber_finding_is_a_result_and_nothing_else(run):
    _, assessment, log, _ = run
    expected = set()
    for plan in assessment["plans"]:
        for finding in plan["findings"]:
            rating = finding["waiver"]["rating"] if finding["rating"] == "waived" else finding["rating"]
            if rating in ("red", "amber"):
                expected.add((plan["file"], finding["rule"], {"red": "error", "amber": "warning"}[rating]))
    found = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"], r["level"])
        for r in log["runs"][0]["results"]
        if r["ruleId"] != ERROR_RULE_ID
    }
    assert expected and found == expected


def test_broken_plan_results_point_at_its_lines(run):
    workdir, _, log, _ = run
    errors = [r for r in log["runs"][0]["results"] if r["ruleId"] == ERROR_RULE_ID]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in errors} == {"plans/zz-broken/99X.yaml"}
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in errors}
    assert BROKEN_LINE in lines
    assert any("did you mean `allocation`" in r["message"]["text"] for r in errors)
    for result in log["runs"][0]["results"]:
        assert (workdir / result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_file()
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]


def test_rules_in_force_are_all_described(run):
    _, assessment, log, _ = run
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule["id"] for rule in assessment["rules"]] + [ERROR_RULE_ID]
    for rule in rules:
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["shortDescription"]["text"]


def test_report_from_saved_json_gives_the_same_bytes(run):
    workdir, _, _, outputs = run
    again = run_cli("report", outputs["json"].name, "--format", "sarif", cwd=workdir)
    assert again.returncode == 0, again.stderr
    assert again.stdout == outputs["sarif"].read_text(encoding="utf-8")
