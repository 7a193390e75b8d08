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


@pytest.fixture
def cli():
    return run_cli
