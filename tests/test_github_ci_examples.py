"""The CI examples in docs/ci.md: valid for their CI system, and the documented commands work."""

from __future__ import annotations

import os
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
    assert set(examples()) == {
        "install-from-url", "install-from-path", "github-workflows", "gitlab-ci", "azure-pipelines", "jenkinsfile",
        "pre-commit-config", "pre-commit-local", "qipp-rag-yaml", "pyproject",
    }


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


# ---------------------------------------------------------------- installing, and the revision the recipes pin


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=60, check=False)


def _pinned_revision() -> str:
    text = DOC.read_text(encoding="utf-8")
    revisions = set(re.findall(r"qipp-rag@([0-9a-f]{40})", text)) | set(re.findall(r"rev: ([0-9a-f]{40})", text))
    assert len(revisions) == 1, revisions  # every recipe pins the same commit
    return revisions.pop()


def test_the_install_command_names_the_package_at_a_commit_that_exists():
    from packaging.requirements import Requirement

    argv = shlex.split(examples()["install-from-url"].strip())
    assert argv[:2] == ["pip", "install"] and len(argv) == 3
    requirement = Requirement(argv[2])
    assert requirement.name == "qipp-rag" and requirement.url.startswith("git+https://")
    revision = _pinned_revision()
    assert requirement.url.endswith("@" + revision)
    if _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: the pinned commit cannot be looked up")
    assert _git("cat-file", "-e", f"{revision}^{{commit}}").returncode == 0, f"{revision} is not a commit of this repository"
    hooks = _git("show", f"{revision}:.pre-commit-hooks.yaml")
    assert hooks.returncode == 0 and {hook["id"] for hook in yaml.safe_load(hooks.stdout)} >= {"qipp-rag"}
    assert 'name = "qipp-rag"' in _git("show", f"{revision}:pyproject.toml").stdout
    for name in ("github-workflows", "gitlab-ci", "azure-pipelines", "jenkinsfile"):
        assert argv[2] in examples()[name], name  # every CI job installs the same way
        assert "pip install qipp-rag" not in examples()[name]  # never from the public index


def test_the_install_from_a_local_copy_builds(tmp_path):
    argv = shlex.split(examples()["install-from-path"].strip())
    assert argv == ["pip", "install", "./qipp-rag"]
    try:
        import hatchling  # noqa: F401
    except ImportError:
        pytest.skip("hatchling (the build backend) is not installed, and building offline needs it")
    shutil.copytree(REPO, tmp_path / "qipp-rag", ignore=shutil.ignore_patterns(".git", ".venv*", "__pycache__", ".hypothesis"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-build-isolation", "--no-index", argv[2]],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0 and "qipp-rag" in result.stdout + result.stderr, result.stdout + result.stderr


def test_the_local_pre_commit_hook_runs_offline(tmp_path):
    """`repo: local` with `language: system`: pre-commit runs the qipp-rag on PATH and fetches nothing."""
    if shutil.which("git") is None:
        pytest.skip("pre-commit needs git")
    config = examples()["pre-commit-local"]
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    # The example plans are 2014/15 plans: judged today, the in-year rules would find them overdue.
    (repo / ".qipp-rag.yaml").write_text("as-of: 2014-03-31\n", encoding="utf-8")
    validated = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"], cwd=repo,
                               capture_output=True, text=True, timeout=120, check=False)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    shutil.copy(REPO / "plans" / "north" / "Q50" / "03Q-vale-of-york.yaml", repo / "plans" / "green.yaml")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1", "NO_COLOR": "1"}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]

    def run_hooks() -> subprocess.CompletedProcess[str]:
        subprocess.run([*git, "add", "-A"], cwd=repo, check=True, capture_output=True)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600, check=False)

    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, capture_output=True)
    passed = run_hooks()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    shutil.copy(REPO / "plans" / "north" / "Q50" / "03E-harrogate.yaml", repo / "plans" / "red.yaml")
    failed = run_hooks()
    assert failed.returncode == 1 and "red" in failed.stdout.lower(), failed.stdout + failed.stderr
