"""Every output of ``assess`` is byte for byte what it was before the run was streamed through spill files.

The hashes in ``golden/streamed.json`` were taken from the engine that held
every plan in memory, over the example plans (with the example waivers) and
a generated corpus (``bench/generate.py --count 60 --seed 3``, invalid plans
included), in every format, with one and two workers and with the
``--area-team``/``--region`` narrowing.  ``QIPP_WRITE_GOLDENS=1`` writes them
again (only ever from a change that means to alter an output).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_cli_here
from qipp_rag.reporters import REPORTERS

GOLDENS = REPO / "tests" / "golden" / "streamed.json"
CORPUS_SEED = 3
CORPUS_COUNT = 60
REPORTS = ("json", "markdown", "github", "csv", "junit", "sarif", "html", "table")

EXAMPLES = ["plans", "--as-of", "2014-12-31", "--waivers", "examples/waivers.yaml"]
GENERATED = ["corpus", "--as-of", "2015-03-31"]
# name -> (corpus, extra arguments); the table on standard output is drawn 100 columns wide, without colour
CASES: dict[str, tuple[str, list[str]]] = {
    "examples-all-j1": ("examples", ["--format", "table", "--jobs", "1", "--group-by", "region"]),
    "examples-all-j2": ("examples", ["--format", "table", "--jobs", "2"]),
    "examples-json": ("examples", ["--format", "json", "--jobs", "1"]),
    "examples-area-team": ("examples", ["--format", "json", "--jobs", "1", "--area-team", "Q71"]),
    "examples-region": ("examples", ["--format", "markdown", "--jobs", "2", "--region", "north"]),
    "corpus-all-j1": ("corpus", ["--format", "table", "--jobs", "1"]),
    "corpus-all-j2": ("corpus", ["--format", "table", "--jobs", "2", "--group-by", "provider"]),
    "corpus-json-j2": ("corpus", ["--format", "json", "--jobs", "2"]),
    "corpus-sarif": ("corpus", ["--format", "sarif", "--jobs", "1"]),
    "corpus-region": ("corpus", ["--format", "csv", "--jobs", "1", "--region", "london"]),
    "corpus-area-team": ("corpus", ["--format", "github", "--jobs", "2", "--area-team", "Q71"]),
}
WITH_REPORTS = {"examples-all-j1", "examples-all-j2", "corpus-all-j1", "corpus-all-j2", "examples-area-team",
                "corpus-region"}
# Run as a user runs them, in a new process (two workers, every report); the rest run in this process,
# where the outputs are the same bytes.
IN_A_NEW_PROCESS = {"examples-all-j2", "corpus-all-j2"}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding both inputs under short relative names, so that paths in outputs never vary."""
    folder = tmp_path_factory.mktemp("goldens")
    shutil.copytree(REPO / "plans", folder / "plans")
    shutil.copytree(REPO / "examples", folder / "examples")
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "--count", str(CORPUS_COUNT), "--seed",
         str(CORPUS_SEED), "--out", str(folder / "corpus")],
        check=True, capture_output=True,
    )
    return folder


def _outputs(work: Path, name: str) -> dict[str, str]:
    corpus, extra = CASES[name]
    out = work / f"out-{name}"
    out.mkdir(exist_ok=True)
    reports = []
    if name in WITH_REPORTS:
        for format_name in REPORTS:
            reports += ["--report", f"{format_name}:out-{name}/report.{format_name}"]
    run = run_cli if name in IN_A_NEW_PROCESS else run_cli_here
    result = run("assess", *(EXAMPLES if corpus == "examples" else GENERATED), *extra, *reports, cwd=work,
                 env={"COLUMNS": "100"})
    found = {"exit": str(result.returncode), "stdout": _digest(result.stdout.encode()),
             "stderr": _digest(result.stderr.encode())}
    for report in sorted(out.iterdir()):
        found[report.name] = _digest(report.read_bytes())
    return found


def test_the_goldens_cover_every_format() -> None:
    assert set(REPORTS) == set(REPORTERS)


@pytest.mark.parametrize("name", list(CASES))
def test_the_outputs_are_the_goldens(work: Path, name: str) -> None:
    found = _outputs(work, name)
    if os.environ.get("QIPP_WRITE_GOLDENS") == "1":
        goldens = json.loads(GOLDENS.read_text()) if GOLDENS.exists() else {}
        goldens[name] = found
        GOLDENS.parent.mkdir(exist_ok=True)
        GOLDENS.write_text(json.dumps(goldens, indent=1, sort_keys=True) + "\n")
    assert found == json.loads(GOLDENS.read_text())[name]
