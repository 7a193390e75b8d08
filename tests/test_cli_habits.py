"""The habits of a mature command line: clean help, one-line usage errors, shell completion, and a
plan read from standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli_here
from engine_support import green_plan_data, plan_yaml

COMMANDS = ("assess", "validate", "rules", "schema", "init", "diff", "report")


def run(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qipp_rag", *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
    )


def run_here(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The same in this process, for help and usage errors (completion and standard input run in a new one)."""
    return run_cli_here(*args, cwd=cwd, env={"COLUMNS": "100"})


@pytest.mark.parametrize("command", ("", *COMMANDS))
def test_help_shows_no_internal_type_names(tmp_path: Path, command: str) -> None:
    result = run_here(*([command] if command else []), "--help", cwd=tmp_path)
    assert result.returncode == 0
    for internal in ("<bool>", "<str>", "<int>", "<list[", "{PATH}", "{CODE}", "[[ID]]", "{RESULTS"):
        assert internal not in result.stdout, (command, internal)


def test_usage_lines_are_written_the_usual_way(tmp_path: Path) -> None:
    assert "Usage: qipp-rag assess [OPTIONS] PATH..." in run_here("assess", "--help", cwd=tmp_path).stdout
    assert "Usage: qipp-rag rules [OPTIONS] [ID]" in run_here("rules", "--help", cwd=tmp_path).stdout
    assert "Usage: qipp-rag init [OPTIONS] CODE" in run_here("init", "--help", cwd=tmp_path).stdout


@pytest.mark.parametrize(("args", "line"), [
    (("assess",), "qipp-rag assess: missing argument PATH (see qipp-rag assess --help)"),
    (("init",), "qipp-rag init: missing argument CODE (see qipp-rag init --help)"),
    (("report",), "qipp-rag report: missing argument RESULTS.json (see qipp-rag report --help)"),
    (("assess", "plans", "--colour"), "qipp-rag assess: no such option: --colour (see qipp-rag assess --help)"),
])
def test_a_usage_error_is_one_line(tmp_path: Path, args: tuple[str, ...], line: str) -> None:
    result = run_here(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(line.split(" (see")[0]), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script_for_each_shell(tmp_path: Path, shell: str) -> None:
    result = run("--show-completion", shell, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "_QIPP_RAG_COMPLETE" in result.stdout and "qipp-rag" in result.stdout


def test_install_completion_writes_the_script_for_bash(tmp_path: Path) -> None:
    result = run("--install-completion", "bash", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "_QIPP_RAG_COMPLETE" in (tmp_path / ".bash_completions" / "qipp-rag.sh").read_text()
    assert ".bash_completions/qipp-rag.sh" in (tmp_path / ".bashrc").read_text()


def test_a_dash_reads_one_plan_from_standard_input(tmp_path: Path) -> None:
    result = run("assess", "-", "--as-of", "2014-06-01", "--format", "json", cwd=tmp_path, stdin=plan_yaml(green_plan_data("03Q")))
    assert result.returncode == 0, result.stderr
    plans = json.loads(result.stdout)["plans"]
    assert [(plan["file"], plan["organisation"]["code"], plan["rating"]) for plan in plans] == [("<stdin>", "03Q", "green")]


def test_standard_input_with_files_and_workers(tmp_path: Path) -> None:
    from engine_support import write_plan

    write_plan(tmp_path / "plans" / "a.yaml", green_plan_data("03R"))
    write_plan(tmp_path / "plans" / "b.yaml", green_plan_data("03S"))
    result = run("assess", "plans", "-", "--as-of", "2014-06-01", "--format", "json", "--jobs", "2", cwd=tmp_path,
                 stdin=plan_yaml(green_plan_data("03Q")))
    assert sorted(plan["file"] for plan in json.loads(result.stdout)["plans"]) == ["<stdin>", "plans/a.yaml", "plans/b.yaml"]


def test_a_broken_plan_on_standard_input_is_named_stdin(tmp_path: Path) -> None:
    result = run("assess", "-", "--as-of", "2014-06-01", "--format", "json", cwd=tmp_path, stdin="qipp_plan: 1\norganisation: {code: 03T}\n")
    assert result.returncode == 2
    assert "<stdin>:2:" in result.stderr
