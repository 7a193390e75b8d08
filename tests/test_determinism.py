"""The same plans give the same bytes in every format from separate processes, whatever the hash seed
and whatever order the plan files were created in (the tests that render one object twice in one
process cannot see either)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PLANS

FORMATS = {"json": "json", "junit": "xml", "sarif": "sarif", "csv": "csv", "html": "html", "markdown": "md", "github": "md"}


def _lay_out(folder: Path, files: list[Path], order: list[int]) -> None:
    """The example plans copied into ``folder`` one by one in ``order`` (so directory order differs)."""
    if folder.exists():
        shutil.rmtree(folder)
    for index in order:
        source = files[index]
        target = folder / source.relative_to(PLANS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())


def _assess(workdir: Path, seed: str, out: Path) -> dict[str, bytes]:
    out.mkdir()
    reports = [arg for name, suffix in FORMATS.items() for arg in ("--report", f"{name}:{out / f'report-{name}.{suffix}'}")]
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = subprocess.run(
        [sys.executable, "-m", "qipp_rag", "assess", "plans", "--as-of", "2014-09-30", "--format", "table", "--jobs", "2", *reports],
        cwd=workdir, env=env, capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr.decode(errors="replace")  # some example plans are red
    outputs = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
    outputs["table (standard output)"] = done.stdout
    outputs["standard error"] = done.stderr
    return outputs


def test_two_processes_two_hash_seeds_two_creation_orders_give_the_same_bytes(tmp_path: Path) -> None:
    files = sorted(path for path in PLANS.rglob("*.yaml"))
    assert len(files) >= 10
    _lay_out(tmp_path / "plans", files, list(range(len(files))))
    first = _assess(tmp_path, "1", tmp_path / "out-1")
    backwards = list(reversed(range(len(files))))
    interleaved = backwards[::2] + backwards[1::2]
    _lay_out(tmp_path / "plans", files, interleaved)
    second = _assess(tmp_path, "4242", tmp_path / "out-2")
    assert sorted(first) == sorted(second) and len(first) == len(FORMATS) + 2
    for name in first:
        assert first[name] == second[name], name
