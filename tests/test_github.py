"""GitHub Actions output: workflow commands escaped as the runner reads them, and the job summary."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ci_fixtures import assessment, broken_plan, clean_assessment, green_plan, hostile_assessment, mixed_assessment
from qipp_rag.github_summary import write_job_summary
from qipp_rag.reporters import RenderOptions
from qipp_rag.reporters.github import SUMMARY_LIMIT, command_line, escape_data, escape_property, job_summary, md, render
from qipp_rag.results import Problem, WaiverRecord

# How the Actions runner reads a command line back (actions/runner ActionCommand).
COMMAND = re.compile(r"^::(?P<command>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for pair in (match.group("props") or "").split(","):
        if pair:
            key, value = pair.split("=", 1)
            props[key] = unescape_property(value)
    return match.group("command"), props, unescape_data(match.group("data"))


def commands(assessment_) -> list[tuple[str, dict[str, str], str]]:
    text = render(assessment_)
    assert text.endswith("\n")
    return [parse(line) for line in text.splitlines()]


def test_escaping_follows_the_actions_toolkit():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("plans/a, b: c%.yaml\n") == "plans/a%2C b%3A c%25.yaml%0A"
    assert escape_data("bell\x07 esc\x1b") == "bell\\x07 esc\\x1b"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f")))
def test_escaped_text_reads_back_and_stays_on_one_line(text):
    line = command_line("error", {"file": text, "title": text}, text)
    assert "\n" not in line and "\r" not in line
    command, props, data = parse(line)
    assert (command, props, data) == ("error", {"file": text, "title": text}, text)


def test_red_is_error_amber_warning_error_plans_error_per_problem():
    found = commands(mixed_assessment())
    kinds = [(command, props.get("file"), props.get("title", "").split(" ")[0]) for command, props, _ in found]
    assert kinds == [
        ("error", "plans/london/07L.yaml", "SP02"),
        ("error", "plans/london/07L.yaml", "GV01"),
        ("error", "plans/london/07L.yaml", "GV07"),
        ("warning", "plans/london/07L.yaml", "TR01"),
        ("error", "plans/north/03Q.yaml", "qipp-rag:"),
        ("error", "plans/north/03Q.yaml", "qipp-rag:"),
        ("warning", "plans/south/09C.yaml", "GV02"),
        ("warning", "plans/south/09C.yaml", "TR02"),
        ("notice", None, "qipp-rag"),
    ]
    _, sp02, message = found[0]
    assert (sp02["line"], sp02["col"]) == ("9", "3")
    assert sp02["title"] == "SP02 Identified savings cover the target (red)"
    assert message.startswith("07L NHS Barking & Dagenham CCG (RED): identified savings are 85.50 % of the target")
    assert "How to fix: What to change in the plan to meet SP02." in message
    assert "line" not in found[1][1]  # GV01 has no location: the annotation is on the file
    assert (found[4][1]["line"], found[4][1]["col"]) == ("6", "1")
    assert found[-1][2] == "4 plans assessed as of 2014-06-30: 1 green, 1 amber, 1 red, 1 error"


def test_green_only_gives_just_the_summary_notice():
    assert [command for command, _, _ in commands(assessment([green_plan()]))] == ["notice"]


def test_hostile_text_cannot_break_out_of_its_command():
    text = render(hostile_assessment())
    for line in text.splitlines():
        assert line.startswith("::")
    found = commands(hostile_assessment())
    files = {props.get("file") for _, props, _ in found}
    assert "plans/odd name, with: colon%.yaml" in files
    injected = [data for _, _, data in found if "injected" in data]
    assert injected == ["plans/bad%0Aname.yaml: ::error::injected\nsecond (at organisation)"]
    assert "\x1b" not in text


def test_problems_outside_plans_and_waivers_that_did_not_apply():
    waivers = [
        WaiverRecord(rule="GV02", plan="03Q", reason="Lead starts in May", approved_by="AT", expires=dt.date(2014, 5, 31), status="expired"),
        WaiverRecord(rule="GV09", plan="99X", reason="n/a", approved_by="AT", expires=dt.date(2015, 5, 31), status="unmatched"),
    ]
    problems = [Problem(message="unknown key `reson`", line=3, column=5, file="waivers.yaml"), Problem(message="no plan files were found", line=1, column=1)]
    found = commands(assessment([green_plan()], errors=problems, waivers=waivers))
    assert [(c, p.get("file")) for c, p, _ in found] == [("error", "waivers.yaml"), ("error", None), ("notice", None), ("notice", None), ("notice", None)]
    assert "expired on 2014-05-31" in found[2][2]
    assert "matches no finding" in found[3][2]


def test_job_summary_gives_verdict_counts_plans_and_details():
    summary = job_summary(mixed_assessment())
    assert summary.startswith("## qipp-rag: QIPP plan assessment")
    assert "Input errors" in summary
    assert "| plans/london/07L.yaml | 07L NHS Barking &#38; Dagenham CCG | 🔴 red |  | SP02, GV01, GV07 | TR01 |  |" in summary
    assert "plans/north/03Q.yaml:6:1" in summary
    assert "waived: Contingency agreed with the area team, held centrally" in summary
    assert "✅ **Gate passed** (fail on red)" in job_summary(clean_assessment())
    assert "❌ **Gate failed**" in job_summary(clean_assessment(), RenderOptions(fail_on="amber"))


def test_job_summary_makes_plan_text_inert():
    summary = job_summary(hostile_assessment())
    for raw in ("<b>", "@SUM", "`tick`", "*star*", "| pipe", "\x1b"):
        assert raw not in summary
    assert md("a|b <i>x</i> [link](http://x) @team") == "a&#124;b &#60;i&#62;x&#60;/i&#62; &#91;link&#93;(http://x) &#64;team"


def test_job_summary_stays_under_githubs_limit():
    many = assessment([broken_plan().model_copy(update={"file": f"plans/p{i:05}.yaml", "errors": [Problem(message="x" * 1900, line=1, column=1)] * 20}) for i in range(60)])
    summary = job_summary(many)
    assert len(summary.encode("utf-8")) <= SUMMARY_LIMIT
    assert "left out" in summary


def test_write_job_summary_appends_to_the_step_summary_file(tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    written = write_job_summary(mixed_assessment(), env={"GITHUB_STEP_SUMMARY": str(target)})
    assert written == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## qipp-rag")
    assert write_job_summary(mixed_assessment(), env={}) is None
    assert write_job_summary(mixed_assessment(), env={"GITHUB_STEP_SUMMARY": ""}) is None


def test_write_job_summary_raises_oserror_for_an_unwritable_target(tmp_path):
    with pytest.raises(OSError):
        write_job_summary(mixed_assessment(), env={"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})


def test_confidence_and_waived_count_stand_beside_the_rating_and_refused_waivers_are_warned() -> None:
    from ci_fixtures import red_plan

    from qipp_rag.results import WaiverRecord

    judged = red_plan().model_copy(update={"confidence": "amber/red", "waived": 1})
    refused = WaiverRecord(
        rule="SP02", plan="07L", reason="recovery plan", approved_by="CFO", approver_organisation="07L",
        expires=dt.date(2015, 3, 31), status="refused", refused_because="approved by the plan's own organisation",
    )  # fmt: skip
    case = assessment([judged]).model_copy(update={"waivers": [refused]})
    lines = render(case).splitlines()
    assert any("(RED (1 waived), confidence AMBER/RED): " in line for line in lines if line.startswith("::error"))
    assert any(line.startswith("::warning title=Waiver refused%3A SP02 for 07L::") and "own organisation" in line for line in lines)
    summary = job_summary(case)
    assert "| 🔴 red (1 waived) | amber/red |" in summary
    assert "Confidence: delivery confidence on the five-point Gateway scale" in summary
