"""Loading rule packs: the shipped pack, replacing and extending it, overriding by id, folders,
selection by glob, and every kind of bad pack reported with file, line and column."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from qipp_rag.rulebook.packs import SHIPPED_SOURCE, load_rulebook, select_rules, shipped_pack_file

from engine_support import rule

RULE = """\
  - id: {id}
    title: {title}
    criterion: governance
    measures: a share of value
    unit: percent
    metric: {metric}
    green: {{min: {green}}}
    amber: {{min: {amber}}}
    rationale: because
    remediation: fix it
"""


def rule_yaml(rule_id: str, *, title: str = "a rule", metric: str = "live_scheme_count", green: int = 90, amber: int = 50) -> str:
    return RULE.format(id=rule_id, title=title, metric=metric, green=green, amber=amber)


def write_pack(path: Path, name: str, *rules: str, head: str = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"pack: {name}\n{head}rules:\n" + "".join(rules), encoding="utf-8")
    return str(path)


def shipped_ids() -> list[str]:
    book, problems = load_rulebook()
    assert problems == []
    return [r.id for r in book.rules]


def test_with_no_packs_given_the_shipped_pack_is_in_force() -> None:
    assert shipped_pack_file().is_file()
    book, problems = load_rulebook()
    assert problems == []
    assert [(p.name, p.source) for p in book.packs] == [("green-criteria", SHIPPED_SOURCE)]
    assert {"SP01", "GV01", "TR01", "PF01"} <= {r.id for r in book.rules}
    assert book.stage_factors["planned"] == Decimal("0.7")
    assert all(book.origin[r.id] == "green-criteria" for r in book.rules)


def test_a_pack_given_replaces_the_shipped_pack(tmp_path: Path) -> None:
    mine = write_pack(tmp_path / "mine.yaml", "mine", rule_yaml("X1"), rule_yaml("X2"))
    book, problems = load_rulebook([mine])
    assert problems == []
    assert [r.id for r in book.rules] == ["X1", "X2"]
    assert [(p.name, p.source, p.rules) for p in book.packs] == [("mine", mine, 2)]


def test_a_pack_that_extends_the_shipped_pack_overrides_in_place_and_adds_at_the_end(tmp_path: Path) -> None:
    mine = write_pack(
        tmp_path / "mine.yaml",
        "mine",
        rule_yaml("GV02", title="Stricter clinical lead", green=1, amber=1),
        rule_yaml("X1"),
        head="extends: green-criteria\nstage_factors: {planned: 0.5}\n",
    )
    book, problems = load_rulebook([mine])
    assert problems == []
    ids = [r.id for r in book.rules]
    assert ids == [*shipped_ids(), "X1"]  # GV02 keeps its place
    gv02 = book.rule("GV02")
    assert gv02 is not None and gv02.title == "Stricter clinical lead"
    assert (book.origin["GV02"], book.origin["GV01"], book.origin["X1"]) == ("mine", "green-criteria", "mine")
    assert book.stage_factors["planned"] == Decimal("0.5") and book.stage_factors["identified"] == Decimal("0.4")
    assert [p.name for p in book.packs] == ["green-criteria", "mine"]


def test_a_later_pack_overrides_an_earlier_ones_rule_of_the_same_id(tmp_path: Path) -> None:
    first = write_pack(tmp_path / "a.yaml", "first", rule_yaml("X1", title="first X1"), rule_yaml("X2"))
    second = write_pack(tmp_path / "b.yaml", "second", rule_yaml("X1", title="second X1"), head="stage_factors: {identified: 0.2}\n")
    book, problems = load_rulebook([first, second])
    assert problems == []
    assert [(r.id, r.title) for r in book.rules] == [("X1", "second X1"), ("X2", "a rule")]
    assert book.stage_factors["identified"] == Decimal("0.2")


def test_a_folder_holds_packs_taken_in_sorted_order(tmp_path: Path) -> None:
    write_pack(tmp_path / "packs" / "b.yml", "b", rule_yaml("X1", title="from b"))
    write_pack(tmp_path / "packs" / "a.yaml", "a", rule_yaml("X1", title="from a"), rule_yaml("X0"))
    (tmp_path / "packs" / "notes.txt").write_text("not a pack")
    book, problems = load_rulebook([str(tmp_path / "packs")])
    assert problems == []
    assert [p.name for p in book.packs] == ["a", "b"]
    assert [(r.id, r.title) for r in book.rules] == [("X1", "from b"), ("X0", "a rule")]


def _only_problem(tmp_path: Path, text: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    book, problems = load_rulebook([str(path)])
    assert book.rules == () and book.packs == ()  # a bad pack is left out whole
    assert problems, "a bad pack must be reported"
    for problem in problems:
        assert problem.file == str(path)
    return problems


def test_an_unknown_metric_is_reported_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    (problem,) = _only_problem(tmp_path, "pack: bad\nrules:\n" + rule_yaml("X1") + rule_yaml("X2", metric="live_scheme_cont"))
    assert (problem.line, problem.column) == (18, 13)
    assert "unknown metric `live_scheme_cont`" in problem.message and "live_scheme_count" in problem.message


def test_a_green_band_outside_amber_is_reported_at_the_amber_band(tmp_path: Path) -> None:
    (problem,) = _only_problem(tmp_path, "pack: bad\nrules:\n" + rule_yaml("X1", green=50, amber=90))
    assert problem.line == 10
    assert "green band must lie inside the amber band" in problem.message


def test_a_repeated_rule_id_is_reported_at_the_repeat(tmp_path: Path) -> None:
    (problem,) = _only_problem(tmp_path, "pack: bad\nrules:\n" + rule_yaml("X1") + rule_yaml("X1"))
    assert (problem.line, problem.column) == (13, 9)
    assert "X1 appears twice" in problem.message


def test_an_unknown_key_is_reported_at_the_key_with_the_nearest_valid_one(tmp_path: Path) -> None:
    text = "pack: bad\nrules:\n" + rule_yaml("X1").replace("    rationale:", "    rationnale:")
    problems = _only_problem(tmp_path, text)
    unknown = [p for p in problems if "rationnale" in p.message]
    assert unknown and unknown[0].line == 11 and "rationale" in unknown[0].message


def test_extends_can_only_name_the_shipped_pack(tmp_path: Path) -> None:
    (problem,) = _only_problem(tmp_path, "pack: bad\nextends: other-pack\nrules:\n" + rule_yaml("X1"))
    assert problem.line == 2 and "green-criteria" in problem.message


def test_missing_paths_and_empty_folders_are_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    book, problems = load_rulebook([str(tmp_path / "nope.yaml"), str(tmp_path / "empty")])
    assert [p.file for p in problems] == [str(tmp_path / "nope.yaml"), str(tmp_path / "empty")]
    assert "no such rule pack" in problems[0].message and "no rule pack" in problems[1].message
    assert book.rules == ()


def test_a_bad_pack_is_left_out_while_good_ones_still_combine(tmp_path: Path) -> None:
    good = write_pack(tmp_path / "good.yaml", "good", rule_yaml("X1"))
    bad = write_pack(tmp_path / "bad.yaml", "bad", rule_yaml("X2", metric="no_such_metric"))
    book, problems = load_rulebook([good, bad])
    assert [r.id for r in book.rules] == ["X1"]
    assert len(problems) == 1 and problems[0].file == bad


def test_the_same_pack_named_twice_counts_once(tmp_path: Path) -> None:
    mine = write_pack(tmp_path / "mine.yaml", "mine", rule_yaml("X1"))
    book, problems = load_rulebook([mine, str(tmp_path / "." / "mine.yaml")])
    assert problems == [] and len(book.packs) == 1


def test_select_rules_by_id_or_glob_and_report_patterns_matching_nothing() -> None:
    rules = [rule(rule_id) for rule_id in ("SP01", "SP02", "GV01", "GV10", "TR01")]
    chosen, unmatched = select_rules(rules, only=["SP*", "gv1?"], skip=["SP02", "ZZ*"])
    assert [r.id for r in chosen] == ["SP01", "GV10"]
    assert unmatched == ["ZZ*"]
    assert [r.id for r in select_rules(rules)[0]] == ["SP01", "SP02", "GV01", "GV10", "TR01"]


def test_every_shipped_rule_names_a_registered_metric_and_ids_are_unique() -> None:
    from qipp_rag.rulebook.registry import metric_names

    book, problems = load_rulebook()
    assert problems == []
    known = set(metric_names())
    assert all(r.metric in known for r in book.rules)
    assert len({r.id for r in book.rules}) == len(book.rules)


@pytest.mark.parametrize("text", ["", "pack: x\nrules: 3\n", "[1, 2]\n", "pack: x\nrules:\n  - id: X1\n"])
def test_malformed_packs_never_raise(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    book, problems = load_rulebook([str(path)])
    assert problems and book.rules == ()
    assert all(p.line >= 0 and p.column >= 0 for p in problems)


def test_a_metric_that_checks_its_params_refuses_a_pack_at_the_params(tmp_path: Path) -> None:
    from qipp_rag.rulebook.measure import Measurement
    from qipp_rag.rulebook.registry import PLAN_METRICS, register_plan_metric

    if "test_packs_checked" not in PLAN_METRICS:

        def checked(ctx):  # noqa: ANN001, ANN202
            return Measurement(Decimal(1), "one")

        def check_params(params) -> None:  # noqa: ANN001
            if "path" not in params:
                raise ValueError("give `path`, the plan field to look at")

        checked.check_params = check_params  # type: ignore[attr-defined]
        register_plan_metric("test_packs_checked", checked)
    text = "pack: bad\nrules:\n" + rule_yaml("X1", metric="test_packs_checked") + "    params: {field: x}\n"
    (problem,) = _only_problem(tmp_path, text)
    assert problem.line == 13 and "give `path`" in problem.message
    good = write_pack(tmp_path / "good.yaml", "good", rule_yaml("X1", metric="test_packs_checked") + "    params: {path: x}\n")
    assert load_rulebook([good])[1] == []
