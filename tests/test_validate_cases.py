"""The corpus of invalid plans under tests/cases/: each file says in its header
which line ``qipp-rag validate`` must report and a fragment of the message.

    # what the case is
    # expect-line: 12          (0: a problem with the whole file, shown without a position)
    # expect-message: did you mean `savings`

Each case runs the command's entry point in this process (the same code as
the console script, seventy times faster than a process each); the whole
folder also runs once through the real CLI in a subprocess.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from qipp_rag.cli import main

CASES = REPO / "tests" / "cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))


def expectation(case: Path) -> tuple[int, str]:
    header = case.read_text(encoding="utf-8").split("\n")[:3]
    line = re.fullmatch(r"# expect-line: (\d+)", header[1])
    message = re.fullmatch(r"# expect-message: (.+)", header[2])
    assert line and message, f"{case.name}: the header must give expect-line and expect-message"
    return int(line.group(1)), message.group(1)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASE_FILES) >= 40


@pytest.mark.parametrize("case", CASE_FILES, ids=[case.stem for case in CASE_FILES])
def test_validate_reports_the_case_at_its_line(case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    line, fragment = expectation(case)
    shown = f"tests/cases/{case.name}"
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit) as exited:
        main(["validate", shown])
    output = capsys.readouterr()
    assert exited.value.code == 2, output.out + output.err
    assert "Traceback" not in output.err
    prefix = f"{shown}:{line}:" if line else f"{shown}: "
    reported = [row for row in output.out.splitlines() if row.startswith(prefix)]
    assert any(fragment in row for row in reported), f"no line starting {prefix!r} says {fragment!r}:\n{output.out}"
    assert f"{shown}: valid" not in output.out


def test_the_whole_corpus_at_once_lists_every_case_as_invalid() -> None:
    result = run_cli("validate", "tests/cases", "--format", "json", cwd=REPO)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    listed = {entry["file"]: entry for entry in document["files"]}
    assert sorted(listed) == [f"tests/cases/{case.name}" for case in CASE_FILES]
    for case in CASE_FILES:
        entry = listed[f"tests/cases/{case.name}"]
        line, fragment = expectation(case)
        assert entry["valid"] is False
        assert any(error["line"] == line and fragment in error["message"] for error in entry["errors"]), entry
    assert document["summary"] == {"files": len(CASE_FILES), "valid": 0, "invalid": len(CASE_FILES)}
