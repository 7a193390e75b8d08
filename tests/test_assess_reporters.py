"""The table and Markdown reports: words for every rating (colour only repeats them), places in
files, roll-ups in £000, and input text that can neither restyle nor break the report."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qipp_rag.engine import AssessOptions, assess
from qipp_rag.reporters import RenderOptions
from qipp_rag.reporters import markdown as markdown_report
from qipp_rag.reporters import table as table_report
from qipp_rag.results import Assessment

from engine_support import green_plan_data, write_plan

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """Green, amber (a waived red too), red, and a file that cannot be read; a waiver that expired."""
    root = tmp_path_factory.mktemp("reports")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        odd = green_plan_data("03Q")
        odd["organisation"]["name"] = "NHS [bold]Odd[/bold] | <script>x</script>"
        write_plan(Path("plans/a-green.yaml"), odd)
        amber = green_plan_data("03R")
        del amber["governance"]["clinical_lead"]
        del amber["governance"]["senior_responsible_owner"]  # GV01: critical red, waived below
        write_plan(Path("plans/b-amber.yaml"), amber)
        red = green_plan_data("03S", region="south", area_team="Q70")
        red["target"] = {year: 9000 for year in red["period"]}
        write_plan(Path("plans/c-red.yaml"), red)
        Path("plans/d-broken.yaml").write_text("qipp_plan: 1\norganisation: {code: 03T}\n", encoding="utf-8")
        Path("waivers.yaml").write_text(
            "waivers:\n"
            "  - {rule: GV01, plan: 03R, reason: SRO appointed from July, approved_by: AT director, approver_organisation: Q50, expires: 2014-09-30}\n"
            "  - {rule: GV02, plan: 03S, reason: old, approved_by: someone, expires: 2014-01-31}\n",
            encoding="utf-8",
        )
        return assess(AssessOptions(paths=("plans",), waivers="waivers.yaml", as_of=dt.date(2014, 6, 1), jobs=1))
    finally:
        os.chdir(cwd)


def test_the_plain_table_has_words_places_and_a_summary(assessment: Assessment) -> None:
    text = table_report.render(assessment, RenderOptions())
    assert not ANSI.search(text)
    for word in ("GREEN", "AMBER", "RED", "ERROR", "Savings plan", "Governance", "Across plans"):
        assert word in text
    assert re.search(r"RED\s+plans/c-red\.yaml:\d+:\d+\s+SP02", text)
    assert re.search(r"ERROR\s+plans/d-broken\.yaml:2:\d+", text)
    assert "would be RED; waived: SRO appointed from July; approved by AT director; until 2014-09-30" in text
    assert "EXPIRED    GV02 for 03S" in text
    assert text.rstrip().splitlines()[-1].startswith("4 plans: 1 RED, 1 AMBER, 1 GREEN, 1 ERROR")


def test_plain_text_gives_each_plan_one_line_however_long_its_path(assessment: Assessment) -> None:
    long_name = "plans/" + "a-very-long-folder-name/" * 6 + "c-red.yaml"
    plan = assessment.plans[2].model_copy(update={"file": long_name})
    renamed = assessment.model_copy(update={"plans": [*assessment.plans[:2], plan, *assessment.plans[3:]]})
    lines = table_report.render(renamed, RenderOptions()).splitlines()
    rows = [line for line in lines if line.startswith(long_name + " ")]
    assert len(rows) == 1 and "RED" in rows[0]
    assert not any(line.startswith("a-very-long") or line.startswith("c-red.yaml") for line in lines)


def test_colour_only_repeats_the_words(assessment: Assessment) -> None:
    coloured = table_report.render(assessment, RenderOptions(color=True, width=200))
    assert ANSI.search(coloured)
    plain_words = re.findall(r"\b(?:RED|AMBER|GREEN|ERROR|n/a|waived)\b", table_report.render(assessment, RenderOptions(width=200)))
    coloured_words = re.findall(r"\b(?:RED|AMBER|GREEN|ERROR|n/a|waived)\b", ANSI.sub("", coloured))
    assert coloured_words == plain_words


def test_input_text_is_never_read_as_markup(assessment: Assessment) -> None:
    for options in (RenderOptions(width=300), RenderOptions(color=True, width=300)):
        assert "NHS [bold]Odd[/bold] | <script>x</script>" in ANSI.sub("", table_report.render(assessment, options))


def test_the_rollup_gives_money_in_thousands_by_group_and_year(assessment: Assessment) -> None:
    text = table_report.render(assessment, RenderOptions(group_by="region"))
    assert "North: 2 plans (1 AMBER, 1 GREEN)" in text
    north = text[text.index("North: 2 plans"):]
    rollup = north[north.index("Roll-up £000"):]
    year = next(line for line in rollup.splitlines() if line.startswith("2014/15"))
    assert year.split() == ["2014/15", "200,000", "4,000", "4,800", "4,480"]  # two northern plans with figures
    assert "South: 1 plan (1 RED)" in text


def test_markdown_has_every_section_and_escapes_input(assessment: Assessment) -> None:
    text = markdown_report.render(assessment, RenderOptions())
    for heading in ("# QIPP plan assessment", "## Summary", "## Plans", "## Results by plan", "## Waivers", "## Rules in force", "## By region", "## By area team"):
        assert f"\n{heading}\n" in f"\n{text}", heading
    assert "## Input errors" not in text  # the waivers file was fine
    assert "<script>" not in text and r"\<script\>x\</script\>" in text
    assert "&lt;" not in text and "&amp;" not in text and "&#" not in text  # Markdown escapes, not HTML entities
    assert r"\[bold\]Odd\[/bold\] \| " in text
    assert "**ERROR**" in text and "The file could not be assessed" in text
    assert "would be RED; waived: SRO appointed from July" in text


def test_markdown_tables_keep_their_columns(assessment: Assessment) -> None:
    lines = markdown_report.render(assessment, RenderOptions()).splitlines()
    width = None
    for line in lines:
        if not line.startswith("|"):
            width = None
            continue
        count = len(re.findall(r"(?<!\\)\|", line))
        width = width or count
        assert count == width, line


def test_reports_are_deterministic(assessment: Assessment) -> None:
    for render in (table_report.render, markdown_report.render):
        assert render(assessment, RenderOptions(group_by="area_team")) == render(assessment, RenderOptions(group_by="area_team"))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("extra", "env", "coloured"), [((), {}, True), (("--no-color",), {}, False), ((), {"NO_COLOR": "1"}, False)])
def test_colour_on_a_terminal_unless_turned_off(tmp_path: Path, extra: tuple[str, ...], env: dict[str, str], coloured: bool) -> None:
    import pty

    write_plan(tmp_path / "plans" / "a.yaml", green_plan_data("03Q"))
    main, child = pty.openpty()
    full_env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"} | {"TERM": "xterm", "COLUMNS": "160"} | env
    process = subprocess.Popen(
        [sys.executable, "-m", "qipp_rag", "assess", "plans", "--as-of", "2014-06-01", "--jobs", "1", *extra],
        cwd=tmp_path, stdout=child, stderr=subprocess.PIPE, env=full_env,
    )  # fmt: skip
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(main)
    output = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0
    assert "GREEN" in output
    assert bool(ANSI.search(output)) is coloured
