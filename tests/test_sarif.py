"""SARIF output: valid SARIF 2.1.0, and what GitHub code scanning reads from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ci_fixtures import (
    RULE_IDS,
    amber_plan,
    assessment,
    broken_plan,
    clean_assessment,
    finding,
    green_plan,
    hostile_assessment,
    mixed_assessment,
    organisation,
    plan,
)
from qipp_rag.reporters import RenderOptions
from qipp_rag.reporters.sarif import ERROR_RULE_ID, FINGERPRINT_KEY, describe_band, render
from qipp_rag.results import Band, Problem, from_json, to_json

SCHEMA = Path(__file__).resolve().parent / "reference" / "sarif-schema-2.1.0.json"


def sarif(assessment_, **options) -> dict:
    return json.loads(render(assessment_, RenderOptions(**options)))


def results(log: dict) -> list[dict]:
    return log["runs"][0]["results"]


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("build", [mixed_assessment, clean_assessment, hostile_assessment, lambda: assessment([])])
def test_output_is_valid_sarif_2_1_0(validator, build):
    log = sarif(build())
    problems = sorted(validator.iter_errors(log), key=str)
    assert not problems, [f"{'/'.join(map(str, p.absolute_path))}: {p.message}" for p in problems]
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_driver_lists_every_rule_with_help_and_the_error_rule():
    log = sarif(mixed_assessment())
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "qipp-rag"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [*RULE_IDS, ERROR_RULE_ID]
    sp02 = driver["rules"][ids.index("SP02")]
    assert sp02["shortDescription"]["text"] == "SP02: Identified savings cover the target"
    assert sp02["defaultConfiguration"]["level"] == "error"
    assert sp02["properties"]["criterion"] == "savings_plan"
    assert set(sp02["properties"]["tags"]) >= {"savings_plan", "critical"}
    for part in ("identified savings ÷ target", "≥ 100 %", "≥ 90 %", "Why SP02 matters", "What to change", "DH green criterion"):
        assert part in sp02["help"]["text"]
        assert part in sp02["help"]["markdown"]
    gv02 = driver["rules"][ids.index("GV02")]  # amber holds every value: it can never be red
    assert gv02["defaultConfiguration"]["level"] == "warning"
    assert "critical" not in gv02["properties"]["tags"]


def test_levels_follow_ratings_and_green_and_na_are_left_out():
    log = sarif(assessment([green_plan(), amber_plan()]))
    found = {(r["properties"]["plan"]["code"], r["ruleId"]): r["level"] for r in results(log)}
    # 02N is all green or n/a: nothing; 09C: two ambers and one waived amber
    assert found == {("09C", "GV02"): "warning", ("09C", "TR02"): "warning", ("09C", "GV07"): "warning"}


def test_red_is_error_and_rule_index_points_at_the_rule():
    log = sarif(mixed_assessment())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    red = [r for r in results(log) if r["properties"].get("plan", {}).get("code") == "07L"]
    assert [(r["ruleId"], r["level"]) for r in red] == [("SP02", "error"), ("GV01", "error"), ("GV07", "error"), ("TR01", "warning")]
    for result in results(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_waived_result_is_suppressed_with_the_reason():
    log = sarif(mixed_assessment())
    waived = [r for r in results(log) if "suppressions" in r]
    assert len(waived) == 1
    assert waived[0]["ruleId"] == "GV07"
    assert waived[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Contingency agreed with the area team, held centrally",
            "properties": {"approvedBy": "Area team finance lead", "expires": "2014-09-30", "rating": "amber"},
        }
    ]


def test_locations_are_relative_with_line_and_column_or_line_one():
    log = sarif(mixed_assessment())
    by_rule = {(r["properties"]["plan"]["code"], r["ruleId"]): r for r in results(log) if "plan" in r.get("properties", {})}
    physical = by_rule[("07L", "SP02")]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "plans/london/07L.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 9, "startColumn": 3}
    assert by_rule[("07L", "SP02")]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "target.2015/16"
    no_location = by_rule[("07L", "GV01")]["locations"][0]["physicalLocation"]
    assert no_location["region"] == {"startLine": 1, "startColumn": 1}


@pytest.mark.parametrize(
    ("file", "uri"),
    [
        ("plans\\north\\02N.yaml", "plans/north/02N.yaml"),
        ("./plans/02N.yaml", "plans/02N.yaml"),
        ("plans/odd name, with: colon%.yaml", "plans/odd%20name%2C%20with%3A%20colon%25.yaml"),
        ("/srv/plans/02N.yaml", "file:///srv/plans/02N.yaml"),
        ("C:\\plans\\02N.yaml", "file:///C:/plans/02N.yaml"),
    ],
)
def test_plan_files_become_uri_references(file, uri):
    one = plan(file, organisation("02N", "NHS X CCG"), "red", [finding("SP02", "red", "50", line=4)])
    location = results(sarif(assessment([one])))[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == uri
    assert ("uriBaseId" in location) == (not uri.startswith("file:"))


def test_error_plan_gives_one_result_per_problem():
    log = sarif(assessment([broken_plan()]))
    found = results(log)
    assert [r["ruleId"] for r in found] == [ERROR_RULE_ID, ERROR_RULE_ID]
    assert [r["locations"][0]["physicalLocation"]["region"] for r in found] == [{"startLine": 6, "startColumn": 1}, {"startLine": 11, "startColumn": 1}]
    assert "did you mean `allocation`" in found[0]["message"]["text"]
    invocation = log["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": False, "exitCode": 2}


def test_problems_outside_plans_are_results_at_their_file_or_notifications():
    problems = [Problem(message="waiver has no reason", line=4, column=5, file="waivers.yaml"), Problem(message="no plan files were found under plans/", line=1, column=1)]
    log = sarif(assessment([green_plan()], errors=problems))
    found = results(log)
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in found] == [(ERROR_RULE_ID, "waivers.yaml")]
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["no plan files were found under plans/"]


def test_invocation_reports_the_gate():
    assert sarif(clean_assessment())["runs"][0]["invocations"][0] == {"executionSuccessful": True, "exitCode": 0}
    assert sarif(clean_assessment(), fail_on="amber")["runs"][0]["invocations"][0] == {"executionSuccessful": True, "exitCode": 1}


def test_fingerprints_ignore_lines_and_tell_plans_and_rules_apart():
    def fingerprint(line: int, code: str = "07L", rule: str = "SP02") -> str:
        one = plan("plans/x.yaml", organisation(code, "NHS X CCG"), "red", [finding(rule, "red", "50", line=line)])
        return results(sarif(assessment([one])))[0]["partialFingerprints"][FINGERPRINT_KEY]

    assert fingerprint(4) == fingerprint(40)
    assert len({fingerprint(4), fingerprint(4, code="02N"), fingerprint(4, rule="SP01")}) == 3
    fingerprints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results(sarif(mixed_assessment()))]
    assert len(fingerprints) == len(set(fingerprints))


def test_deterministic_and_the_same_from_saved_json():
    original = mixed_assessment()
    assert render(original) == render(original)
    assert render(from_json(to_json(original))) == render(original)


def test_hostile_text_is_carried_as_data():
    log = sarif(hostile_assessment())
    texts = [r["message"]["text"] for r in results(log)]
    assert any("line two <b>&amp;</b>" in text for text in texts)
    assert any("\x1b[31m" in text for text in texts)  # JSON escapes it; the text itself is kept


@pytest.mark.parametrize(
    ("band", "unit", "text"),
    [
        (Band(min=1, max=5), "percent", "1 to 5 %"),
        (Band(above=0), "percent", "> 0 %"),
        (Band(max=7), "ratio", "≤ 7"),
        (Band(above=0, below=10), "count", "> 0 and < 10"),
        (Band(), "percent", "any value"),
        (None, "percent", "none"),
        (Band(min=1), "check", "score ≥ 1"),
        (Band(), "check", "any value"),
    ],
)
def test_bands_read_as_people_write_them(band, unit, text):
    assert describe_band(band, unit) == text


def test_a_finding_of_an_undescribed_rule_is_still_reported(validator):
    one = plan("plans/x.yaml", organisation("02N", "NHS X CCG"), "red", [finding("ZZ99", "red", "1", "from a hand-edited file")])
    log = sarif(assessment([one]))
    assert not list(validator.iter_errors(log))
    [result] = results(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "ZZ99" and result["level"] == "error"
