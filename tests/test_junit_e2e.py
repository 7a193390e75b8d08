"""JUnit XML from a real run of `qipp-rag assess` on the example plans and a broken one."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ci_fixtures import real_run
from conftest import REFERENCE, run_cli

XSD = REFERENCE / "junit-10.xsd"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("junit-e2e")
    result, outputs = real_run(workdir, run_cli)
    assert result.returncode == 2, result.stderr
    return workdir, json.loads(outputs["json"].read_text(encoding="utf-8")), outputs


def count(assessment, rating: str) -> int:
    return sum(1 for plan in assessment["plans"] for finding in plan["findings"] if finding["rating"] == rating)


def test_valid_against_the_junit_xsd(run):
    import xmlschema

    xmlschema.XMLSchema(str(XSD)).validate(str(run[2]["junit"]))


def test_counts_match_the_assessment(run):
    _, assessment, outputs = run
    root = ET.parse(outputs["junit"]).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [plan["file"] for plan in assessment["plans"]]
    assert int(root.get("failures")) == count(assessment, "red")
    assert int(root.get("errors")) == sum(1 for plan in assessment["plans"] if plan["rating"] == "error")
    assert sum(int(s.get("skipped")) for s in suites) == count(assessment, "n/a") + count(assessment, "waived")
    assert int(root.get("tests")) == sum(len(plan["findings"]) or 1 for plan in assessment["plans"])


def test_fail_on_amber_turns_amber_into_failures(run):
    workdir, assessment, outputs = run
    strict = run_cli("report", outputs["json"].name, "--format", "junit", "--fail-on", "amber", cwd=workdir)
    assert strict.returncode == 0, strict.stderr
    root = ET.fromstring(strict.stdout.encode("utf-8"))
    assert int(root.get("failures")) == count(assessment, "red") + count(assessment, "amber")
    default = run_cli("report", outputs["json"].name, "--format", "junit", cwd=workdir)
    assert default.stdout == outputs["junit"].read_text(encoding="utf-8")
