"""The table on terminals of every common width: it fits, keeps every column's meaning, never folds a
name mid-word, lists the worst plans first, and stays one line per plan when piped."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from qipp_rag.engine import AssessOptions, assess
from qipp_rag.reporters import RenderOptions
from qipp_rag.reporters import table as table_report
from qipp_rag.reporters.ordering import ordered
from qipp_rag.reporters.table_layout import cut_at_word, short_name
from qipp_rag.results import Assessment, OrganisationInfo, PlanFigures, PlanResult

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (60, 80, 100, 120, 200)
RANK = {"RED": 0, "AMBER": 1, "GREEN": 2, "ERROR": 3}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def examples() -> Assessment:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return assess(AssessOptions(paths=("plans",), as_of=dt.date(2014, 6, 1), jobs=1))
    finally:
        os.chdir(cwd)


def table_rows(text: str) -> list[str]:
    """The rows of the (first) plan table: the lines between its dashes and its legend or a blank line."""
    lines = text.splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("---"))
    rows = []
    for line in lines[start + 1:]:
        if not line.strip() or line.startswith(("Criteria:", "Cells:", "Conf.:", "Roll-up")):
            break
        rows.append(line)
    return rows


def header(text: str) -> str:
    lines = text.splitlines()
    return lines[next(number for number, line in enumerate(lines) if line.startswith("---")) - 1]


def shown_on(width: int, assessment: Assessment, **options: object) -> str:
    """The table as a terminal ``width`` wide shows it: drawn by rich's Console at that fixed width."""
    raw = table_report.render(assessment, RenderOptions(color=True, width=width, **options))  # type: ignore[arg-type]
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="standard")
    console.print(Text.from_ansi(raw), end="")
    shown = ANSI.sub("", console.file.getvalue())  # type: ignore[attr-defined]
    assert shown == ANSI.sub("", raw)  # the terminal had nothing to fold
    return shown


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_fits_the_terminal_and_keeps_every_plan_on_one_row(examples: Assessment, width: int) -> None:
    text = shown_on(width, examples)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    rows = table_rows(text)
    assert len(rows) == len(examples.plans)
    codes = [row.split()[0] for row in rows]
    if width < 200:  # code first
        assert sorted(codes) == sorted(plan.organisation.code for plan in examples.plans)
    for row in rows:
        assert re.search(r"\b(RED|AMBER|GREEN|ERROR)\b", row), row


@pytest.mark.parametrize("width", WIDTHS)
def test_names_are_cut_at_a_word_never_folded(examples: Assessment, width: int) -> None:
    rows = table_rows(shown_on(width, examples))
    names = {short_name(plan.organisation.name or "") for plan in examples.plans}
    full = {plan.organisation.name for plan in examples.plans}
    for row in rows:
        cell = re.split(r"\s{2,}", row)[0]
        if width >= 200:
            assert re.sub(r" \(\w+\)$", "", cell) in full, cell
            continue
        shown = cell.split(" ", 1)[1] if " " in cell else ""
        if shown.endswith("…"):
            stem = shown[:-1]
            assert any(re.match(re.escape(stem) + r"\W", name) for name in names), cell  # whole words, then cut
        else:
            assert shown == "" or shown in names, cell


@pytest.mark.parametrize(("width", "narrow"), [(60, True), (80, True), (200, False)])
def test_narrow_tables_use_short_headings_with_a_legend(examples: Assessment, width: int, narrow: bool) -> None:
    text = shown_on(width, examples)
    assert ("SP" in header(text).split()) == narrow and ("Savings plan" in header(text)) != narrow
    assert ("Criteria: SP savings plan" in text) == narrow
    cells = {cell for row in table_rows(text) for cell in re.split(r"\s{2,}", row)[2:]}
    if narrow:
        assert {"R2", "A3", "G"} <= cells and "GREEN" not in cells
    else:
        assert "GREEN" in cells and "RED ×2" in cells


def test_wider_terminals_show_more(examples: Assessment) -> None:
    def shown(width: int) -> int:
        return sum(cell_len(row) for row in table_rows(shown_on(width, examples)))

    assert shown(60) < shown(80) <= shown(100) <= shown(120) < shown(200)
    assert "Savings plan" in header(shown_on(200, examples))
    assert "NHS Vale of York (03Q)" in shown_on(200, examples)
    assert re.search(r"^plans/north/Q50/03Q-vale-of-york.yaml +NHS Vale of York \(03Q\) +GREEN ",
                     table_report.render(examples, RenderOptions()), re.MULTILINE)


def test_piped_output_is_one_line_per_plan(examples: Assessment) -> None:
    rows = table_rows(table_report.render(examples, RenderOptions()))
    assert len(rows) == len(examples.plans)
    assert all(row.startswith("plans/") for row in rows)
    assert not ANSI.search("\n".join(rows))


@pytest.mark.parametrize("width", [80, None])
def test_plans_are_listed_worst_first(examples: Assessment, width: int | None) -> None:
    rows = table_rows(table_report.render(examples, RenderOptions(width=width)))
    ratings = [next(word for word in row.split() if word in RANK) for row in rows]
    assert ratings == sorted(ratings, key=RANK.__getitem__)
    assert ratings[0] == "RED" and ratings[-1] == "GREEN"


def test_sort_path_gives_file_order(examples: Assessment) -> None:
    rows = table_rows(table_report.render(examples, RenderOptions(sort="path")))
    files = [row.split()[0] for row in rows]
    assert files == sorted(plan.file for plan in examples.plans)
    assert files != [row.split()[0] for row in table_rows(table_report.render(examples, RenderOptions()))]


def _plan(file: str, rating: str, target: int, risk_adjusted: int) -> PlanResult:
    years = ["2014/15"]
    figures = PlanFigures(years=years, allocation={"2014/15": Decimal(0)}, target={"2014/15": Decimal(target)},
                          identified={"2014/15": Decimal(target)}, risk_adjusted={"2014/15": Decimal(risk_adjusted)})
    return PlanResult(file=file, organisation=OrganisationInfo(code=file[:3]), rating=rating,  # type: ignore[arg-type]
                      figures=figures if rating != "error" else None)


def test_within_a_rating_the_larger_shortfall_comes_first_then_the_path() -> None:
    plans = [
        _plan("a-red-small.yaml", "red", 1000, 900),
        _plan("b-green.yaml", "green", 1000, 1000),
        _plan("c-error.yaml", "error", 0, 0),
        _plan("d-red-large.yaml", "red", 1000, 200),
        _plan("e-amber.yaml", "amber", 1000, 1200),
        _plan("f-red-small.yaml", "red", 1000, 900),
    ]
    assert [plan.file for plan in ordered(plans)] == [
        "d-red-large.yaml", "a-red-small.yaml", "f-red-small.yaml", "e-amber.yaml", "b-green.yaml", "c-error.yaml",
    ]
    assert [plan.file for plan in ordered(plans, "path")] == sorted(plan.file for plan in plans)


def test_na_results_are_left_out_unless_asked_for(examples: Assessment) -> None:
    hidden = table_report.render(examples, RenderOptions())
    assert not re.search(r"^n/a ", hidden, re.MULTILINE)
    count = sum(1 for plan in examples.plans for finding in plan.findings if finding.rating == "n/a")
    assert count and f"{count} n/a results not shown (--show-na lists them)." in hidden
    shown = table_report.render(examples, RenderOptions(show_na=True))
    assert len(re.findall(r"^n/a ", shown, re.MULTILINE)) == count
    assert "not shown" not in shown


def test_wrapped_result_lines_continue_under_an_indent(examples: Assessment) -> None:
    lines = shown_on(80, examples).splitlines()
    start = lines.index("Results that are not green, and plans that could not be read:")
    body = lines[start + 1:lines.index("", start)]
    assert body[0].startswith("RED     plans/")
    for line in body:
        assert re.match(r"(RED|AMBER|waived|ERROR)( +\S|$)|        \S", line), line


def test_cut_at_word() -> None:
    assert cut_at_word("North Yorkshire and Humber", 30) == "North Yorkshire and Humber"
    assert cut_at_word("North Yorkshire and Humber", 20) == "North Yorkshire and…"
    assert cut_at_word("North Yorkshire and Humber", 12) == "North…"
    assert cut_at_word("Northumberland", 6) == "North…"
    assert cut_at_word("Northumberland", 6, whole_words=True) == ""


def test_group_by_region_prints_a_table_and_roll_up_per_region(examples: Assessment) -> None:
    from qipp_rag.reporters.table_layout import amount

    text = shown_on(80, examples, group_by="region")
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    north = next(group for group in examples.portfolio.by_region if group.key == "north")
    counts = ", ".join(f"{north.ratings[key]} {key.upper()}" for key in ("red", "amber", "green") if north.ratings.get(key))
    title = f"North: {north.plans} plans ({counts})"
    section = text[text.index(title):]
    rows = table_rows(section)
    members = [plan for plan in examples.plans if plan.organisation.region == "north"]
    assert sorted(row.split()[0] for row in rows) == sorted(plan.organisation.code for plan in members)
    worst = min(members, key=lambda plan: RANK[plan.rating.upper()]).rating.upper()
    assert f" {worst} " in rows[0]  # the region's own plans, worst first
    money = [amount(north.totals[key]["2014/15"]) for key in ("allocation", "target", "identified", "risk_adjusted")]
    assert re.search(r"^2014/15 +" + " +".join(money) + r"(\s|$)", section, re.MULTILINE)
    assert text.count("Criteria: SP savings plan") == 1


def test_group_by_area_team_names_each_team(examples: Assessment) -> None:
    text = table_report.render(examples, RenderOptions(group_by="area_team"))
    assert "North Yorkshire and Humber (Q50): 5 plans" in text or "Q50" in text
    assert text.count("Roll-up £000") == len(examples.portfolio.by_area_team)


def test_group_by_provider_lists_savings_by_provider(examples: Assessment) -> None:
    from qipp_rag.reporters.table_layout import amount

    text = shown_on(80, examples, group_by="provider")
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "By provider: savings of live schemes" in text
    rv5 = next(provider for provider in examples.portfolio.providers if provider.name.startswith("RV5 "))
    codes = ", ".join(rv5.commissioners)
    first = amount(rv5.savings["2014/15"])
    assert re.search(rf"^RV5 South London and\S* +2014/15 +{first} +{len(rv5.commissioners)} +{codes}$", text, re.MULTILINE)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_capture_script_shows_the_terminal_at_80_and_120_columns(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import capture_terminal
    finally:
        sys.path.pop(0)
    assert capture_terminal.main(["--out", str(tmp_path)]) == 0
    files = len(list((ROOT / "plans").rglob("*.yaml")))
    for width in (80, 120):
        text = (tmp_path / f"assess-{width}-columns.txt").read_text(encoding="utf-8")
        assert not ANSI.search(text) and "\r" not in text
        lines = text.splitlines()[1:]  # after the command line
        assert max(cell_len(line) for line in lines) <= width
        assert max(cell_len(line) for line in lines) > width - 10  # the width is used
        heads = header(text).split()
        assert heads[:2] == ["Organisation", "Rating"] and ("SP" in heads or "Savings" in heads)
        assert ("Criteria: SP savings plan" in text) == ("SP" in heads)  # short headings come with their legend
        rows = table_rows(text)
        assert len(rows) == files and " RED " in rows[0] and " GREEN " in rows[-1]
        assert all(re.match(r"[0-9A-Z]{3} ", row) for row in rows)  # organisation code first
        assert "Results that are not green" in text
        assert any(line.startswith(f"qipp-rag: {files} plans assessed") for line in lines)  # standard error, fitted too


def test_providers_are_rolled_up_across_commissioners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from engine_support import green_plan_data, write_plan

    from qipp_rag.results import to_json

    monkeypatch.chdir(tmp_path)
    first = green_plan_data("03Q")
    first["schemes"][0]["provider"] = "York  Teaching Hospital"
    first["schemes"][1]["provider"] = "Hull Trust"
    first["schemes"][2]["provider"] = "Hull Trust"
    second = green_plan_data("03R")
    second["schemes"][0]["provider"] = "york teaching   hospital"
    second["schemes"][1]["stage"] = "cancelled"  # not live: left out
    second["schemes"][1]["provider"] = "Cancelled Provider"
    del second["schemes"][2]["provider"]
    write_plan(tmp_path / "plans/a.yaml", first)
    write_plan(tmp_path / "plans/b.yaml", second)
    (tmp_path / "plans/c.yaml").write_text("qipp_plan: 1\norganisation: {code: 03T}\n", encoding="utf-8")
    assessment = assess(AssessOptions(paths=("plans",), as_of=dt.date(2014, 6, 1), jobs=1))
    providers = json.loads(to_json(assessment))["portfolio"]["providers"]
    assert providers == [
        {"name": "Hull Trust", "savings": {"2014/15": 1600, "2015/16": 1600}, "commissioners": ["03Q"]},
        {"name": "York Teaching Hospital", "savings": {"2014/15": 1600, "2015/16": 1600}, "commissioners": ["03Q", "03R"]},
    ]
    assert "figures" not in json.dumps(providers) and '"providers": {' not in to_json(assessment)  # not per plan
    text = table_report.render(assessment, RenderOptions(group_by="provider", width=80))
    assert re.search(r"^York Teaching Hospital +2014/15 +1,600 +2 +03Q, 03R$", text, re.MULTILINE)


def test_markdown_escapes_without_html_entities_and_rolls_up_providers(examples: Assessment) -> None:
    from qipp_rag.reporters import markdown as markdown_report
    from qipp_rag.reporters.table_layout import amount

    text = markdown_report.render(examples, RenderOptions(group_by="provider"))
    assert r"NHS Mansfield \& Ashfield (04E)" in text and "&amp;" not in text and "&#" not in text
    assert "\n## By provider\n" in text
    rv5 = next(provider for provider in examples.portfolio.providers if provider.name.startswith("RV5 "))
    row = f"| RV5 South London and Maudsley NHS FT | 2014/15 | {amount(rv5.savings['2014/15'])} | {len(rv5.commissioners)} |"
    assert row in text and len(rv5.commissioners) >= 3
