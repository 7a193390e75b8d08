"""The configuration file as `qipp-rag assess` uses it: found upwards, overridden by the command line."""

from __future__ import annotations

import shutil

import pytest

from conftest import PLANS

RED_PLAN = PLANS / "north" / "Q50" / "03E-harrogate.yaml"  # expected-rating: red


@pytest.fixture
def project(tmp_path):
    (tmp_path / "plans").mkdir()
    shutil.copy(RED_PLAN, tmp_path / "plans" / "red.yaml")
    return tmp_path


def test_file_sets_the_gate_and_the_command_line_wins(cli, project):
    (project / ".qipp-rag.yaml").write_text("fail-on: never\n", encoding="utf-8")
    assert cli("assess", "plans", cwd=project).returncode == 0
    assert cli("assess", "plans", "--fail-on", "red", cwd=project).returncode == 1
    assert cli("assess", ".", cwd=project / "plans").returncode == 0  # found from a subfolder


def test_paths_are_relative_to_the_file(cli, project):
    (project / "reports").mkdir()
    (project / "pyproject.toml").write_text('[tool.qipp-rag]\nreport = ["junit:reports/qipp.xml"]\nfail-on = "never"\n', encoding="utf-8")
    result = cli("assess", ".", cwd=project / "plans")
    assert result.returncode == 0, result.stderr
    assert (project / "reports" / "qipp.xml").is_file()


def test_a_bad_file_is_an_input_error_with_line_and_column(cli, project):
    (project / ".qipp-rag.yaml").write_text("quiet: true\nfail_on: never\n", encoding="utf-8")
    result = cli("assess", "plans", cwd=project)
    assert result.returncode == 2
    shown = result.stdout + result.stderr  # the table lists input errors; other formats put them on stderr
    assert ".qipp-rag.yaml:2:1" in shown
    assert "did you mean `fail-on`" in shown
