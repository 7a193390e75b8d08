"""Test fixtures: where the repository and the test reference files are, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"  # schemas and data the tests check against; see its README
PLANS = REPO / "plans"


def run_cli(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qipp_rag ARGS`` as a user would, capturing text output."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "qipp_rag", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# .ci/run sets this when it runs the `unprivileged` tests as a user file permissions apply to:
# there, such a test that skips (run as root, say) is a failure, so CI cannot lose them quietly.
UNPRIVILEGED_RUN = os.environ.get("QIPP_UNPRIVILEGED_RUN") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not AS_ROOT:
        return
    skip = pytest.mark.skip(reason="root ignores file permissions; .ci/run runs this test as an unprivileged user")
    for item in items:
        if item.get_closest_marker("unprivileged"):
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if UNPRIVILEGED_RUN and report.skipped and item.get_closest_marker("unprivileged"):
        report.outcome = "failed"
        report.longrepr = f"an unprivileged test skipped in the unprivileged run: {report.longrepr}"


@pytest.fixture
def cli():
    return run_cli
