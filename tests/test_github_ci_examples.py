"""The CI examples in docs/ci.md: valid for their CI system, and the documented commands work."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from qipp_rag.config import load_config

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "ci.md"
EXAMPLE = re.compile(r"<!-- example: (?P<name>[\w-]+) -->\n```\w*\n(?P<body>.*?)```", re.S)


def examples() -> dict[str, str]:
    return {match["name"]: match["body"] for match in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))}


def test_every_example_is_found():
    assert set(examples()) == {"github-workflows", "gitlab-ci", "azure-pipelines", "jenkinsfile", "pre-commit-config", "qipp-rag-yaml", "pyproject"}


# The arguments check-jsonschema's own pre-commit hooks use for each CI system (offline: the schemas are built in).
SCHEMA_ARGS = {
    "github-workflows": ["--builtin-schema", "vendor.github-workflows"],
    "gitlab-ci": ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", "--regex-variant", "nonunicode"],
    "azure-pipelines": ["--builtin-schema", "vendor.azure-pipelines", "--data-transform", "azure-pipelines", "--regex-variant", "nonunicode"],
}


@pytest.mark.parametrize("name", sorted(SCHEMA_ARGS))
def test_ci_examples_match_their_ci_systems_schema(tmp_path, name):
    target = tmp_path / f"{name}.yaml"
    target.write_text(examples()[name], encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", *SCHEMA_ARGS[name], str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_example_is_a_valid_pre_commit_config(tmp_path):
    target = tmp_path / ".pre-commit-config.yaml"
    target.write_text(examples()["pre-commit-config"], encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = yaml.safe_load(examples()["pre-commit-config"])["repos"][0]["hooks"]
    shipped = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {hook["id"] for hook in hooks} <= shipped


def test_hooks_manifest_is_valid():
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "file"), [("qipp-rag-yaml", ".qipp-rag.yaml"), ("pyproject", "pyproject.toml")])
def test_configuration_examples_load_without_problems(tmp_path, monkeypatch, name, file):
    (tmp_path / file).write_text(examples()[name], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    values, problems = load_config(tmp_path)
    assert problems == []
    assert values["fail-on"] == "amber" and values["skip"] == ["TR07"]


def test_documented_github_command_writes_every_report(cli, tmp_path):
    """The assess step of the GitHub example, run on a copy of the example plans."""
    plans = REPO / "plans"
    shutil.copytree(plans, tmp_path / "plans")
    workflow = yaml.safe_load(examples()["github-workflows"])
    step = next(step for step in workflow["jobs"]["assess"]["steps"] if step.get("name") == "Assess the plans")
    argv = shlex.split(step["run"])
    assert argv[:2] == ["qipp-rag", "assess"]
    result = cli(*argv[1:], cwd=tmp_path, env={"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert result.returncode == 1, result.stderr  # the example plans include red ones on purpose
    assert result.stdout.startswith("::")
    for report in ("qipp.sarif", "qipp.xml", "qipp-report.html"):
        assert (tmp_path / report).stat().st_size > 0, report
