"""The pre-commit hooks, run by pre-commit itself from a snapshot of this working tree.

pre-commit clones the snapshot, builds qipp-rag into an environment of its
own (from the package index pip is configured with: the one thing these
tests fetch) and runs the hooks of the real `.pre-commit-hooks.yaml` on a
throwaway repository of plans: once through `pre-commit try-repo`, as a
hook author tries a repository, and then through a `.pre-commit-config.yaml`
naming the snapshot, as a plan repository uses it (which installs the
environment once for the remaining runs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_PLAN = REPO / "plans" / "north" / "Q50" / "03Q-vale-of-york.yaml"  # expected-rating: green
RED_PLAN = REPO / "plans" / "north" / "Q50" / "03E-harrogate.yaml"  # expected-rating: red
NOT_COPIED = shutil.ignore_patterns(".git", ".venv*", "venv", "__pycache__", ".cache", ".pytest_cache", ".hypothesis", "*.egg-info", "build", "dist", "out", "screenshots", "node_modules")
# What pip prints when it cannot reach the package index at all.  Not "No matching distribution found"
# alone: pip prints that for a dependency no index can satisfy too, which is a real failure.
NETWORK_DOWN = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable", "ConnectTimeoutError", "Name or service not known")
IN_CI = os.environ.get("CI") == "true"  # CI installs from a package index it can reach: there a failure is a failure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=qipp-rag tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("precommit")
    hooks = base / "qipp-rag"
    shutil.copytree(REPO, hooks, ignore=NOT_COPIED)
    git("init", "-q", cwd=hooks)
    git("add", "-A", cwd=hooks)
    git("commit", "-q", "-m", "working tree snapshot", cwd=hooks)

    plans = base / "plans-repo"
    (plans / "plans").mkdir(parents=True)
    good = EXAMPLE_PLAN.read_text(encoding="utf-8")
    (plans / "plans" / "good.yaml").write_text(good, encoding="utf-8")
    (plans / "plans" / "typo.yaml").write_text(good.replace("\nperiod:", "\nperod:", 1), encoding="utf-8")
    (plans / "plans" / "red.yaml").write_text(RED_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, check=True, capture_output=True, text=True).stdout.strip()
    # The example plans are 2014/15 submissions: assessed as submitted, before DL04 asks their schemes
    # in delivery for returns (a plan repository's own config sets its assessment date the same way).
    (plans / ".qipp-rag.yaml").write_text("as-of: 2014-03-31\n", encoding="utf-8")
    (plans / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {revision}\n    hooks:\n"
        "      - id: qipp-rag\n        files: ^plans/\n      - id: qipp-rag-validate\n        files: ^plans/\n",
        encoding="utf-8",
    )
    git("init", "-q", cwd=plans)
    git("add", "-A", cwd=plans)
    return hooks, plans, base / "pre-commit-home"


def network_down(returncode: int, output: str, in_ci: bool = IN_CI) -> bool:
    """Skip only when installing the hook environment failed for want of a network, and never in CI."""
    return not in_ci and returncode != 0 and "Installing environment" in output and any(sign in output for sign in NETWORK_DOWN)


def test_only_a_network_failure_outside_ci_is_a_reason_to_skip():
    unreachable = "[INFO] Installing environment\nWARNING: Retrying ... NewConnectionError(...)\nERROR: No matching distribution found for typer"
    unsatisfiable = "[INFO] Installing environment\nERROR: Could not find a version that satisfies the requirement pydantic<0\nERROR: No matching distribution found for pydantic<0"
    assert network_down(1, unreachable, in_ci=False)
    assert not network_down(1, unreachable, in_ci=True)
    assert not network_down(1, unsatisfiable, in_ci=False)
    assert not network_down(0, unreachable, in_ci=False)


def pre_commit(repos, *args: str) -> subprocess.CompletedProcess[str]:
    _, plans, home = repos
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    result = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=plans, env=env, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    if network_down(result.returncode, output):
        pytest.skip("pre-commit could not install qipp-rag: no package index reachable")
    return result


def test_try_repo_passes_a_good_plan(repos):
    hooks = repos[0]
    result = pre_commit(repos, "try-repo", str(hooks), "qipp-rag", "--files", "plans/good.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "qipp-rag assess" in result.stdout and "Passed" in result.stdout


def test_hook_fails_on_a_plan_that_cannot_be_read_or_is_red(repos):
    result = pre_commit(repos, "run", "qipp-rag", "--files", "plans/good.yaml", "plans/typo.yaml", "plans/red.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "exit code: 2" in result.stdout  # an input error outranks the red plan
    assert "plans/typo.yaml:" in result.stdout and "did you mean `period`" in result.stdout
    assert "plans/red.yaml" in result.stdout


def test_hook_passes_a_good_plan_and_fails_a_red_one(repos):
    assert pre_commit(repos, "run", "qipp-rag", "--files", "plans/good.yaml").returncode == 0
    red = pre_commit(repos, "run", "qipp-rag", "--files", "plans/red.yaml")
    assert red.returncode == 1
    assert "exit code: 1" in red.stdout and "FAILED (exit 1)" in red.stdout


def test_validate_hook_checks_the_format_only(repos):
    passed = pre_commit(repos, "run", "qipp-rag-validate", "--files", "plans/good.yaml", "plans/red.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = pre_commit(repos, "run", "qipp-rag-validate", "--files", "plans/typo.yaml")
    assert failed.returncode == 1
    assert "plans/typo.yaml" in failed.stdout


def test_item04_a_file_named_like_an_option_is_a_path_to_the_hook(repos):
    """A committed file at `--rules=.github/empty.yaml`, beside an empty pack, must not become
    `--rules` and pass a red plan: the hook's entry ends options with `--`."""
    hooks, plans, home = repos
    hostile = plans.parent / "hostile-repo"
    (hostile / "plans").mkdir(parents=True)
    (hostile / ".github").mkdir()
    (hostile / ".github" / "empty.yaml").write_text("pack: empty\nrules: []\n", encoding="utf-8")
    (hostile / "--rules=.github").mkdir()
    (hostile / "--rules=.github" / "empty.yaml").write_text("pack: empty\nrules: []\n", encoding="utf-8")
    (hostile / "plans" / "red.yaml").write_text(RED_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    # The hook as a plan repository names it, with no `files:` of its own: the environment the other
    # runs installed for this snapshot serves here too (try-repo would build another).
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, check=True, capture_output=True, text=True)
    (hostile / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {revision.stdout.strip()}\n    hooks:\n      - id: qipp-rag\n",
        encoding="utf-8",
    )
    git("init", "-q", cwd=hostile)
    git("add", "-A", cwd=hostile)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "qipp-rag", "--all-files"],
        cwd=hostile, env=env, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout + result.stderr
    if network_down(result.returncode, output):
        pytest.skip("pre-commit could not install qipp-rag: no package index reachable")
    assert result.returncode == 1, output
    assert "Failed" in output
    assert "--rules=.github/empty.yaml" in output  # read as a plan path, and reported as one
    assert "plans/red.yaml" in output
