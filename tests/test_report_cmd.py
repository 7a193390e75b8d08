"""`qipp-rag report`: a saved assessment rendered again, byte for byte, and bad input refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_support import green_plan_data, write_plan

AS_OF = "2014-06-01"


@pytest.fixture
def saved(cli, tmp_path: Path) -> Path:
    """A run over three plans (green, amber, and one that cannot be read), saved as JSON."""
    write_plan(tmp_path / "plans" / "a.yaml", green_plan_data("03Q"))
    amber = green_plan_data("03R")
    del amber["governance"]["clinical_lead"]
    write_plan(tmp_path / "plans" / "b.yaml", amber)
    (tmp_path / "plans" / "c.yaml").write_text("qipp_plan: 1\nperiod: [2014/15]\n", encoding="utf-8")
    result = cli("assess", "plans", "--as-of", AS_OF, "--report", "json:saved.json", "--report", "markdown:saved.md", "--report", "table:saved.txt", cwd=tmp_path)
    assert result.returncode == 2, result.stderr  # c.yaml is rated error
    return tmp_path / "saved.json"


def test_json_round_trips_byte_for_byte(cli, saved: Path) -> None:
    again = cli("report", saved.name, "--format", "json", cwd=saved.parent)
    assert again.returncode == 0, again.stderr
    assert again.stdout == saved.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "file"), [("markdown", "saved.md"), ("table", "saved.txt")])
def test_other_formats_render_as_the_run_did(cli, saved: Path, fmt: str, file: str) -> None:
    again = cli("report", saved.name, "--format", fmt, cwd=saved.parent)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (saved.parent / file).read_text(encoding="utf-8")


def test_output_goes_to_a_file_when_asked(cli, saved: Path) -> None:
    result = cli("report", saved.name, "--format", "markdown", "--output", "again.md", cwd=saved.parent)
    assert result.returncode == 0 and result.stdout == ""
    assert (saved.parent / "again.md").read_text(encoding="utf-8") == (saved.parent / "saved.md").read_text(encoding="utf-8")


def test_invalid_json_is_an_input_error_with_its_place(cli, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{\n  "tool": {"name": "qipp-rag",\n', encoding="utf-8")
    result = cli("report", "bad.json", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("qipp-rag report: bad.json:3:") and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_json_that_is_not_an_assessment_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"tool": {"name": "x", "version": "1"}, "plans": 3}\n', encoding="utf-8")
    result = cli("report", "other.json", "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 2 and "not a qipp-rag assessment" in result.stderr


def test_a_missing_file_a_bad_format_and_an_unwritable_output_exit_2(cli, saved: Path) -> None:
    assert cli("report", "nope.json", cwd=saved.parent).returncode == 2
    bad_format = cli("report", saved.name, "--format", "pdf", cwd=saved.parent)
    assert bad_format.returncode == 2 and "pdf" in bad_format.stderr
    unwritable = cli("report", saved.name, "--format", "json", "--output", "../no/such/dir/x.json", cwd=saved.parent)
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
    made = cli("report", saved.name, "--format", "json", "--output", "new/dir/x.json", cwd=saved.parent)
    assert made.returncode == 0 and (saved.parent / "new/dir/x.json").is_file()  # inside the current folder: made


def test_long_text_goes_out_whole_in_chunks(monkeypatch, tmp_path) -> None:
    import io
    import sys
    from types import SimpleNamespace

    from qipp_rag import output_files
    from qipp_rag.commands import report

    text = "£€" * (output_files.CHUNK + 7) + "\n"
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(flush=lambda: None, buffer=buffer, fileno=lambda: 1))
    report.write_stdout(text)
    assert buffer.getvalue().decode("utf-8") == text
    target = tmp_path / "out.txt"
    report.write_atomically([(str(target), text)])
    assert target.read_text(encoding="utf-8") == text
