"""GitHub workflow commands and the job summary from a real run of `qipp-rag assess`."""

from __future__ import annotations

import json

import pytest

from ci_fixtures import real_run
from conftest import run_cli


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("github-e2e")
    result, outputs = real_run(workdir, run_cli)
    assert result.returncode == 2, result.stderr
    return workdir, json.loads(outputs["json"].read_text(encoding="utf-8")), outputs["github"].read_text(encoding="utf-8")


def test_one_command_per_red_amber_finding_and_problem(run):
    _, assessment, text = run
    lines = text.splitlines()
    assert all(line.startswith("::") for line in lines)
    red = sum(1 for plan in assessment["plans"] for f in plan["findings"] if f["rating"] == "red")
    amber = sum(1 for plan in assessment["plans"] for f in plan["findings"] if f["rating"] == "amber")
    problems = sum(len(plan["errors"]) for plan in assessment["plans"]) + len(assessment["errors"])
    assert sum(line.startswith("::error ") for line in lines) == red + problems
    assert sum(line.startswith("::warning ") for line in lines) == amber
    assert "::error file=plans/zz-broken/99X.yaml,line=9,col=1," in text


def test_format_github_writes_the_job_summary(run, tmp_path):
    workdir = run[0]
    summary = tmp_path / "step-summary.md"
    result = run_cli("assess", "plans", "--as-of", "2014-09-30", "--format", "github", cwd=workdir, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 2
    assert result.stdout.startswith("::")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## qipp-rag: QIPP plan assessment")
    assert "plans/zz-broken/99X.yaml" in text
    assert "Input errors" in text
    outside = run_cli("assess", "plans", "--as-of", "2014-09-30", "--format", "github", cwd=workdir)
    assert outside.stdout == result.stdout  # outside GitHub Actions only the annotations
