"""`qipp-rag validate` end to end: every file listed with its outcome, exit codes,
JSON, terminal table, and hostile inputs that must fail quickly and cleanly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_cli_here

FIXTURES = REPO / "tests" / "fixtures" / "valid"
CASES = REPO / "tests" / "cases"
HOSTILE_TIMEOUT = 30  # seconds: a guard against hanging, far above the fraction of a second each takes


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    (folder / "north").mkdir(parents=True)
    shutil.copy(FIXTURES / "full-plan.yaml", folder / "north" / "ccg-03q.yaml")
    shutil.copy(FIXTURES / "minimal-plan.yaml", folder / "at-q50.yml")
    shutil.copy(CASES / "money-negative.yaml", folder / "north" / "bad-money.yaml")
    shutil.copy(CASES / "unknown-scheme-key.yaml", folder / "typo.yaml")
    (folder / "notes.txt").write_text("not a plan\n")
    return tmp_path


def test_a_mixed_folder_lists_every_file_with_its_outcome(mixed: Path) -> None:
    result = run_cli_here("validate", "plans", cwd=mixed)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "plans/at-q50.yml: valid"
    assert lines[1].startswith("plans/north/bad-money.yaml:32:16: schemes[0].savings.2015/16: money cannot be negative")
    assert lines[2] == "plans/north/ccg-03q.yaml: valid"
    assert lines[3] == "plans/typo.yaml:36:5: schemes[1]: the required key `savings` is missing"
    assert lines[4] == "plans/typo.yaml:40:5: schemes[1].saving: unknown key `saving`; did you mean `savings`?"
    assert len(lines) == 5
    assert "notes.txt" not in result.stdout
    assert result.stderr.strip() == "4 files: 2 valid, 2 invalid"


def test_all_valid_exits_0(mixed: Path) -> None:
    result = run_cli_here("validate", "plans/at-q50.yml", "plans/north/ccg-03q.yaml", cwd=mixed)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "plans/at-q50.yml: valid\nplans/north/ccg-03q.yaml: valid\n"


def test_quiet_lists_only_problems(mixed: Path) -> None:
    result = run_cli_here("validate", "--quiet", "plans", cwd=mixed)
    assert result.returncode == 2
    assert "valid\n" not in result.stdout and "bad-money.yaml:32:16" in result.stdout
    assert result.stderr == ""
    clean = run_cli_here("validate", "-q", "plans/at-q50.yml", cwd=mixed)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")


def test_a_missing_path_is_listed_and_exits_2(mixed: Path) -> None:
    result = run_cli_here("validate", "plans/at-q50.yml", "nowhere.yaml", cwd=mixed)
    assert result.returncode == 2
    assert "nowhere.yaml: no such file or folder" in result.stdout.splitlines()


def test_no_plan_files_found_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli_here("validate", "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert "no plan files" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_format_is_a_command_line_error(mixed: Path) -> None:
    result = run_cli_here("validate", "--format", "xml", "plans", cwd=mixed)
    assert result.returncode == 2 and "--format must be one of table, json" in result.stderr


def test_json_is_a_stable_document(mixed: Path) -> None:
    first = run_cli_here("validate", "--format", "json", "plans", "nowhere", cwd=mixed)
    second = run_cli_here("validate", "--format", "json", "plans", "nowhere", cwd=mixed)
    assert first.returncode == 2 and first.stdout == second.stdout
    document = json.loads(first.stdout)
    assert list(document) == ["tool", "files", "summary"]
    assert document["tool"]["name"] == "qipp-rag"
    assert [entry["file"] for entry in document["files"]] == [
        "nowhere", "plans/at-q50.yml", "plans/north/bad-money.yaml", "plans/north/ccg-03q.yaml", "plans/typo.yaml",
    ]  # fmt: skip
    by_file = {entry["file"]: entry for entry in document["files"]}
    assert by_file["plans/north/ccg-03q.yaml"] == {
        "file": "plans/north/ccg-03q.yaml",
        "valid": True,
        "organisation": {"code": "03Q", "name": "NHS Vale of York CCG", "type": "ccg", "area_team": "Q50", "region": "north"},
        "errors": [],
    }
    bad = by_file["plans/north/bad-money.yaml"]
    assert bad["valid"] is False and bad["organisation"]["code"] == "03Q"
    assert bad["errors"][0] == {
        "message": "schemes[0].savings.2015/16: money cannot be negative (savings are net of a scheme's own costs), got -1500",
        "line": 32,
        "column": 16,
        "path": "schemes[0].savings.2015/16",
    }
    assert by_file["nowhere"]["errors"] == [{"message": "no such file or folder", "line": 0, "column": 0, "path": ""}]
    assert document["summary"] == {"files": 5, "valid": 2, "invalid": 3}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("no_color", [False, True])
def test_on_a_terminal_it_is_a_table_with_words_not_only_colour(mixed: Path, no_color: bool) -> None:
    import pty

    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen([sys.executable, "-m", "qipp_rag", "validate", "plans"], cwd=mixed, env=env, stdout=terminal, stderr=subprocess.PIPE)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 2
    os.close(controller)
    screen = b"".join(chunks).decode("utf-8")
    assert "Outcome" in screen and "INVALID" in screen and "valid" in screen
    assert "did you mean `savings`?" in screen.replace("\r\n", "\n").replace("\n", " ") or "did you mean" in screen
    assert ("\x1b[" in screen) is (not no_color)


def test_the_table_renders_without_colour() -> None:
    from qipp_rag.reporters.validation import to_table
    from qipp_rag.validation import FileOutcome
    from qipp_rag.results import OrganisationInfo, Problem

    outcomes = [
        FileOutcome("a.yaml", OrganisationInfo(), ()),
        FileOutcome("b.yaml", OrganisationInfo(), (Problem(message="[bold]x[/bold] is wrong", line=3, column=4, path="x"),)),
    ]
    table = to_table(outcomes, color=False, width=100)
    assert "\x1b[" not in table
    assert "[bold]x[/bold] is wrong" in table  # input is never read as markup
    assert "3:4" in table and "INVALID" in table and "valid" in table
    assert "a.yaml" not in to_table(outcomes, quiet=True, color=False, width=100)


# ---------------------------------------------------------------- hostile inputs


def _billion_laughs() -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 30)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias-bomb.yaml": (lambda: _billion_laughs().encode(), "aliases (`*name`) expand this document"),
    "brackets.yaml": (lambda: b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested more than 64 levels"),
    "braces.yaml": (lambda: b"{a: " * 100_000 + b"1" + b"}" * 100_000, "nested more than 64 levels"),
    "dashes.yaml": (lambda: b"- " * 1_000_000 + b"x\n", "nested more than 64 levels"),
    "binary.yaml": (lambda: bytes(range(256)) * 64, "not UTF-8"),
    "nul.yaml": (lambda: b"qipp_plan: 1\x00\n", "NUL byte"),
    "utf16.yaml": (lambda: "qipp_plan: 1\n".encode("utf-16"), "UTF-16"),
    "duplicates.yaml": (lambda: b"k: 1\n" * 100_000, "the key `k` appears twice in one mapping (lines 1 and 2)"),
    "late-duplicates.yaml": (lambda: b"".join(b"k%d: 1\n" % n for n in range(50_000)) * 2, "appears twice"),
    "python-tag.yaml": (lambda: b"qipp_plan: !!python/object/apply:os.system ['touch pwned']\n", "`!!python/object/apply:os.system` is not allowed"),
    "cycle.yaml": (lambda: b"a: &x\n  b: *x\n", "to itself"),
    "long-key.yaml": (lambda: b"k" * 4_000_000 + b": 1\n", "YAML syntax error"),
    "many-keys.yaml": (lambda: b"".join(b"k%d: 1\n" % n for n in range(100_000)), "more problems in this file"),
}


# Each in a new process: a runaway is stopped by the timeout, and a blow-up cannot take the test run with it.
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_fails_cleanly(tmp_path: Path, name: str) -> None:
    make, fragment = HOSTILE[name]
    (tmp_path / name).write_bytes(make())
    result = run_cli("validate", name, cwd=tmp_path, timeout=HOSTILE_TIMEOUT)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert fragment in result.stdout
    assert len(result.stdout) < 50_000  # at most 100 problems a file, and the input is never echoed back
    assert not (tmp_path / "pwned").exists()


def test_a_50_mb_file_is_refused_by_its_size(tmp_path: Path) -> None:
    with (tmp_path / "huge.yaml").open("wb") as handle:
        handle.write(b"a: ")
        handle.truncate(50 * 1_000_000)
    result = run_cli("validate", "huge.yaml", cwd=tmp_path, timeout=HOSTILE_TIMEOUT)
    assert result.returncode == 2
    assert result.stdout == "huge.yaml: file is 50.0 MB; plans are at most 5 MB\n"


def test_a_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal-plan.yaml").read_text() + "# " + "x" * (5 * 1_000_000 - 2_000) + "\n"
    (tmp_path / "padded.yaml").write_text(text)
    result = run_cli("validate", "padded.yaml", cwd=tmp_path, timeout=HOSTILE_TIMEOUT)
    assert (result.returncode, result.stdout) == (0, "padded.yaml: valid\n")
