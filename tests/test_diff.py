"""`qipp-rag diff`: two assessments of the same plans a quarter apart."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ci_fixtures import amber_plan, assessment, broken_plan, finding, green_plan, organisation, plan, red_plan
from qipp_rag.diffing import diff_assessments, match_plans
from qipp_rag.reporters.diff import render_json, render_markdown, render_table
from qipp_rag.results import to_json


def gone_plan():
    return plan("plans/old/99Z.yaml", organisation("99Z", "NHS Gone CCG"), "green", [finding("SP01", "green", "1")])


def first_quarter():
    return assessment([red_plan(), green_plan(), broken_plan(), gone_plan(), amber_plan()], as_of=dt.date(2014, 6, 30))


def second_quarter():
    """Three months on: 07L fixed its plan, 02N's delivery data came in short,
    03Q's file was repaired, 09C renamed its file, 99Z left, 10Y arrived."""
    red = red_plan()
    fixed = red.model_copy(
        update={
            "rating": "amber",
            "findings": [
                f if f.rule not in ("SP02", "GV01") else finding(f.rule, "green", "101" if f.rule == "SP02" else None, f"{f.rule} now met")
                for f in red.findings
            ],
        }
    )
    green = green_plan()
    slipping = green.model_copy(
        update={"rating": "red", "findings": [f if f.rule != "DL01" else finding("DL01", "red", "80.125", "actual savings are 80.13 % of plan to date") for f in green.findings]}
    )
    repaired = plan("plans/north/03Q.yaml", organisation("03Q", "NHS Vale of York CCG"), "green", [finding("SP01", "green", "5")])
    renamed = amber_plan().model_copy(update={"file": "plans/south/09C-2014-q2.yaml"})
    arrived = plan("plans/south/10Y.yaml", organisation("10Y", "NHS Aylesbury Vale CCG", area_team="Q69", region="south"), "amber", [finding("SP01", "green", "2")])
    return assessment([fixed, slipping, repaired, renamed, arrived], as_of=dt.date(2014, 9, 30))


def test_plans_are_matched_by_code_then_file():
    diff = diff_assessments(first_quarter(), second_quarter())
    assert diff.matched == 4
    assert [(e.file, e.rating) for e in diff.added] == [("plans/south/10Y.yaml", "amber")]
    assert [(e.file, e.rating) for e in diff.gone] == [("plans/old/99Z.yaml", "green")]
    directions = {c.key: (c.old_rating, c.new_rating, c.direction) for c in diff.changed}
    assert directions == {"07L": ("red", "amber", "better"), "02N": ("green", "red", "worse"), "03Q": ("error", "green", "better")}
    assert "09C" not in directions  # renamed, matched by code, nothing moved
    assert [c.key for c in diff.worse] == ["02N"] and diff.any_worse


def test_rule_changes_carry_ratings_and_values():
    diff = diff_assessments(first_quarter(), second_quarter())
    by_key = {c.key: c for c in diff.changed}
    [dl01] = by_key["02N"].rules
    assert (dl01.rule, dl01.old_rating, dl01.new_rating, dl01.old_value, dl01.new_value) == ("DL01", "n/a", "red", None, Decimal("80.12"))
    assert dl01.direction == "changed"
    fixed = [(r.rule, r.old_rating, r.new_rating, r.old_value, r.new_value, r.direction) for r in by_key["07L"].rules]
    assert fixed == [("SP02", "red", "green", Decimal("85.50"), Decimal("101.00"), "better"), ("GV01", "red", "green", None, None, "better")]
    assert by_key["03Q"].rules == []  # unreadable last quarter: nothing to compare rule by rule


def test_a_code_on_two_plans_falls_back_to_files():
    one = plan("plans/a.yaml", organisation("02N", "NHS X CCG"), "green", [])
    two = plan("plans/b.yaml", organisation("02N", "NHS X CCG"), "green", [])
    moved = plan("plans/c.yaml", organisation("02N", "NHS X CCG"), "red", [])
    pairs, added, gone = match_plans([one, two], [one.model_copy(update={"rating": "red"}), moved])
    assert [(old.file, new.file) for old, new in pairs] == [("plans/a.yaml", "plans/a.yaml")]
    assert [p.file for p in added] == ["plans/c.yaml"] and [p.file for p in gone] == ["plans/b.yaml"]


def test_renderings():
    diff = diff_assessments(first_quarter(), second_quarter())
    table = render_table(diff)
    assert table.splitlines()[:2] == ["qipp-rag diff: 2014-06-30 -> 2014-09-30", "4 plans matched: 1 worse, 2 better, 1 with the same rating; 1 added, 1 gone"]
    assert "WORSE   02N NHS Airedale, Wharfedale and Craven CCG (plans/north/02N.yaml): green -> red" in table
    assert "        DL01   Delivery to date: n/a -> red (80.12)" in table
    assert "ADDED   10Y NHS Aylesbury Vale CCG (plans/south/10Y.yaml): amber" in table
    assert "GONE    99Z NHS Gone CCG (plans/old/99Z.yaml): was green" in table
    markdown = render_markdown(diff)
    assert "| 07L NHS Barking &#38; Dagenham CCG (plans/london/07L.yaml) | red | amber | better |" in markdown
    data = json.loads(render_json(diff), parse_float=Decimal)
    assert data["summary"] == {"matched": 4, "worse": 1, "better": 2, "added": 1, "gone": 1}
    assert data["changed"][0]["rules"][0]["old_value"] == Decimal("85.50")


def test_no_changes():
    same = first_quarter()
    diff = diff_assessments(same, same)
    assert diff.changed == [] and diff.added == [] and diff.gone == [] and not diff.any_worse
    assert "No plan's rating or rule results changed." in render_table(diff)


ratings = st.sampled_from(["green", "amber", "red", "error"])


@given(st.lists(ratings, min_size=1, max_size=6), st.lists(ratings, min_size=1, max_size=6))
def test_worse_one_way_is_better_the_other(before, after):
    def run(values):
        return assessment([plan(f"plans/p{i}.yaml", organisation(f"P{i:02}", "NHS P CCG"), rating, []) for i, rating in enumerate(values)])

    forward, backward = diff_assessments(run(before), run(after)), diff_assessments(run(after), run(before))
    assert sorted(c.key for c in forward.worse) == sorted(c.key for c in backward.better)
    assert len(forward.added) == len(backward.gone)
    assert forward.matched == min(len(before), len(after))


WORST_LAST = ["green", "amber", "red", "error"]  # the order the diff documents, written out here
RULE_WORST_LAST = ["green", "amber", "red"]


@given(st.lists(ratings, min_size=1, max_size=6), st.data())
def test_making_one_plan_worse_reports_that_plan_worse_and_nothing_else(before, data):
    """Oriented: swap "worse" and "better" in the diff and this fails, where the symmetric law above holds."""
    index = data.draw(st.integers(0, len(before) - 1))
    if before[index] == WORST_LAST[-1]:
        before = [*before[:index], WORST_LAST[0], *before[index + 1 :]]
    worse_rating = data.draw(st.sampled_from(WORST_LAST[WORST_LAST.index(before[index]) + 1 :]))
    after = [*before[:index], worse_rating, *before[index + 1 :]]

    def run(values):
        return assessment([plan(f"plans/p{i}.yaml", organisation(f"P{i:02}", "NHS P CCG"), rating, []) for i, rating in enumerate(values)])

    forward = diff_assessments(run(before), run(after))
    assert [(c.key, c.old_rating, c.new_rating, c.direction) for c in forward.changed] == [(f"P{index:02}", before[index], worse_rating, "worse")]
    assert [c.key for c in forward.worse] == [f"P{index:02}"] and forward.better == [] and forward.any_worse
    backward = diff_assessments(run(after), run(before))
    assert [(c.key, c.direction) for c in backward.changed] == [(f"P{index:02}", "better")]
    assert backward.worse == [] and not backward.any_worse


@given(st.sampled_from(RULE_WORST_LAST[:-1]), st.data())
def test_a_rule_result_made_worse_is_reported_worse(old, data):
    new = data.draw(st.sampled_from(RULE_WORST_LAST[RULE_WORST_LAST.index(old) + 1 :]))
    before = assessment([plan("plans/p.yaml", organisation("P00", "NHS P CCG"), "amber", [finding("SP01", "green"), finding("GV06", old)])])
    after = assessment([plan("plans/p.yaml", organisation("P00", "NHS P CCG"), "amber", [finding("SP01", "green"), finding("GV06", new)])])
    [change] = diff_assessments(before, after).changed
    assert [(r.rule, r.old_rating, r.new_rating, r.direction) for r in change.rules] == [("GV06", old, new, "worse")]
    [change] = diff_assessments(after, before).changed
    assert [(r.rule, r.direction) for r in change.rules] == [("GV06", "better")]


# ---------------------------------------------------------------- the command


@pytest.fixture
def saved(tmp_path):
    old, new = tmp_path / "2014-q1.json", tmp_path / "2014-q2.json"
    old.write_text(to_json(first_quarter()), encoding="utf-8")
    new.write_text(to_json(second_quarter()), encoding="utf-8")
    return old, new


def test_cli_table_and_fail_on_worse(cli, saved):
    old, new = saved
    shown = cli("diff", str(old), str(new))
    assert shown.returncode == 0, shown.stderr
    assert "WORSE   02N" in shown.stdout
    gated = cli("diff", str(old), str(new), "--fail-on-worse")
    assert gated.returncode == 1
    assert gated.stdout == shown.stdout
    assert cli("diff", str(new), str(new), "--fail-on-worse").returncode == 0
    assert cli("diff", str(new), str(old), "--fail-on-worse").returncode == 1  # 07L goes back to red


def test_cli_json_and_markdown(cli, saved):
    old, new = saved
    data = json.loads(cli("diff", str(old), str(new), "--format", "json").stdout)
    assert [c["key"] for c in data["changed"]] == ["07L", "02N", "03Q"]
    assert cli("diff", str(old), str(new), "--format", "markdown").stdout.startswith("## qipp-rag diff: 2014-06-30 → 2014-09-30")
    assert cli("diff", str(old), str(new), "--format", "json").stdout == cli("diff", str(old), str(new), "--format", "json").stdout


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"tool": 1}', "is not a qipp-rag JSON assessment"),
        (b"[]", "is not a qipp-rag JSON assessment"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 100000, "nested too deeply"),
    ],
)
def test_cli_bad_input_exits_2_with_a_clear_message(cli, saved, content, fragment):
    old, _ = saved
    bad = old.parent / "bad.json"
    bad.write_bytes(content)
    result = cli("diff", str(old), str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("qipp-rag diff: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_file_and_bad_format(cli, saved):
    old, _ = saved
    missing = cli("diff", str(old), str(old.parent / "nope.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    wrong = cli("diff", str(old), str(old), "--format", "html")
    assert wrong.returncode == 2 and "is not one of table, markdown, json" in wrong.stderr
