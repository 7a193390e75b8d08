"""Behaviours scripts/mutate.py changed without any test noticing: each test here fails on one such mutant."""

from __future__ import annotations

from pathlib import Path

from qipp_rag.waivers import load_waivers


def test_a_missing_waivers_file_is_one_problem_with_no_position(tmp_path: Path) -> None:
    waivers, problems = load_waivers(str(tmp_path / "absent.yaml"))
    assert waivers == []
    assert [(problem.message, problem.line, problem.column, problem.file) for problem in problems] == [
        ("no such waivers file", 0, 0, str(tmp_path / "absent.yaml"))
    ]


def test_markdown_cells_escape_ampersands_and_angle_brackets_as_entities() -> None:
    from qipp_rag.reporters.markdown import escape

    assert escape("Barking & Dagenham <b>|x|</b>") == "Barking &amp; Dagenham &lt;b&gt;\\|x\\|&lt;/b&gt;"
    assert escape("a\nb\t c") == "a b c"
