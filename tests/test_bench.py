"""The benchmark's plan generator and runner (no timings are asserted here)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from qipp_rag.plan.models import Plan, consistency_problems

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generate = _module("generate")


class _ExactLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Reads numbers with a fraction as exact Decimals, as the plan format requires."""


_ExactLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))


def _parse(text: str):
    return yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - a SafeLoader subclass


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate.write_corpus(tmp_path / "a", 60, seed=7, invalid_rate=0.1)
    second = generate.write_corpus(tmp_path / "b", 60, seed=7, invalid_rate=0.1)
    assert first == second
    for name in first["files"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_another_seed_gives_other_plans() -> None:
    assert generate.generate_one(5, 1, 0).text != generate.generate_one(5, 2, 0).text


def test_a_small_corpus_is_the_start_of_a_larger_one() -> None:
    small = [plan.text for plan in generate.generate(30, seed=3, invalid_rate=0.05)]
    large = [plan.text for plan in generate.generate(90, seed=3, invalid_rate=0.05)]
    assert large[:30] == small


def test_valid_plans_pass_the_format_and_its_cross_field_checks() -> None:
    for item in generate.generate(120, seed=11, invalid_rate=0.0):
        assert item.invalid is None
        parsed = _parse(item.text)
        assert parsed == item.data, item.path  # the text says exactly what the generator meant
        plan = Plan.model_validate(parsed)
        assert consistency_problems(plan) == [], item.path
        assert 10 <= len(plan.schemes) <= 40


def test_invalid_plans_come_at_the_requested_rate_and_are_invalid() -> None:
    count, rate = 200, 0.1
    items = list(generate.generate(count, seed=4, invalid_rate=rate))
    broken = [item for item in items if item.invalid]
    assert abs(len(broken) - count * rate) <= 1
    assert {item.invalid for item in broken} == set(generate.INVALID_KINDS)
    for item in broken:
        try:
            plan = Plan.model_validate(_parse(item.text))
        except (yaml.YAMLError, ValueError):
            continue
        assert consistency_problems(plan), f"{item.path} ({item.invalid}) should not be valid"
    for item in items:
        if not item.invalid:
            Plan.model_validate(_parse(item.text))


def test_every_optional_part_of_the_format_turns_up() -> None:
    seen: set[str] = set()
    for item in generate.generate(240, seed=1, invalid_rate=0.0):
        data = item.data
        seen.update(key for key in data if key in ("assumptions", "governance", "engagement", "delivery_as_of"))
        seen.update(f"governance.{key}" for key in data.get("governance", {}))
        seen.update(f"engagement.{key}" for key in data.get("engagement", {}))
        seen.update(f"organisation.{key}" for key in data["organisation"])
        for scheme in data["schemes"]:
            seen.update(f"scheme.{key}" for key in scheme)
    optional_scheme_keys = {"recurrent", "provider", "lead", "clinical_lead", "baseline", "quality_impact", "business_case", "kpis", "milestones", "risks", "monthly_profile", "delivery"}
    governance_keys = {"senior_responsible_owner", "clinical_lead", "pmo", "programme_board", "approved", "risk_register", "contingency"}
    engagement_keys = {"health_and_wellbeing_board", "provider_contracts_aligned", "provider_cips_reconciled"}
    expected = (
        {"assumptions", "governance", "engagement", "delivery_as_of", "organisation.ccgs", "organisation.area_team"}
        | {f"scheme.{key}" for key in optional_scheme_keys}
        | {f"governance.{key}" for key in governance_keys}
        | {f"engagement.{key}" for key in engagement_keys}
    )
    assert expected <= seen, expected - seen


def test_organisations_are_the_real_ones_and_repeats_do_not_overlap() -> None:
    organisations = generate.organisations()
    assert len(organisations) == 236
    assert sum(org.type == "area_team" for org in organisations) == 25
    periods: dict[str, list[set[str]]] = {}
    for item in generate.generate(len(organisations) * 2 + 10, seed=2, invalid_rate=0.0):
        org = item.data["organisation"]
        years = set(item.data["period"])
        assert all(not years & earlier for earlier in periods.get(org["code"], [])), org["code"]
        periods.setdefault(org["code"], []).append(years)
    assert periods["02N"] and len(periods["02N"]) == 3


def test_cli_writes_the_corpus(tmp_path: Path) -> None:
    out = tmp_path / "plans"
    done = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--count", "12", "--seed", "5", "--out", str(out)],
        capture_output=True, text=True, check=True,
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["count"] == 12 and len(manifest["files"]) == 12
    assert sorted(str(path.relative_to(out)) for path in out.rglob("*.yaml")) == sorted(manifest["files"])
    assert "wrote 12 plans" in done.stderr


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_corpora(tmp_path: Path, count: int) -> None:
    manifest = generate.write_corpus(tmp_path, count, seed=1, invalid_rate=0.5)
    assert len(manifest["files"]) == count


# ---------------------------------------------------------------- the runner

run = _module("run")


def test_the_runner_measures_every_command_and_prints_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "20", "--repeat", "1", "--cold-repeat", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout
    for label in run.LABELS.values():
        assert label in table
    for command in ("`python -c pass`", "`qipp-rag --version`", "`qipp-rag assess ONE.yaml --format json`"):
        assert command in table
    verdicts = [line for line in table.splitlines() if line.startswith(("- PASS: ", "- FAIL: "))]
    assert len(verdicts) == 5 + 2 * len(run.MEMORY_ROWS)  # times, cold starts, and each memory row's growth and ceiling
    raw = json.loads((tmp_path / "last-run.json").read_text())
    floor = raw["sizes"][0]["rows"]["floor"]["runs"][0]
    assert floor["exit_code"] == 0 and floor["seconds"] > 0 and floor["cpu_seconds"] > 0 and floor["peak_mb"] > 0
    assert raw["sizes"][0]["checks"]["floor"] == "ok"  # the floor read all 20 files
    assert (tmp_path / "last-run.md").read_text() == table


def test_measure_reports_exit_code_and_the_memory_of_the_command_alone(tmp_path: Path) -> None:
    small = run.measure([sys.executable, "-c", "pass"])
    big = run.measure([sys.executable, "-c", "import sys; x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096]); sys.exit(3)"])
    assert small.exit_code == 0 and big.exit_code == 3
    assert big.peak_mb - small.peak_mb > 150  # 200 MB touched shows; the launcher's own size does not
    out = tmp_path / "out.txt"
    run.measure([sys.executable, "-c", "print('hello')"], stdout=out)
    assert out.read_text() == "hello\n"


def test_targets_compare_strictly_where_asked() -> None:
    assert run.Target("t", 1.5, 1.5).passed
    assert not run.Target("t", 1.0, 1.0, strict=True).passed
    assert run.Target("t", 0.99, 1.0, strict=True).passed
    assert not run.Target("t", None, 8).passed


def test_a_run_that_skipped_plans_is_not_counted_as_done(tmp_path: Path) -> None:
    item = run.Corpus(size=2, folder=tmp_path, files=["a.yaml", "b.yaml"], invalid={"b.yaml": "typo_key"}, megabytes=0.0)
    rules = [{"id": "SP01", "rating": "error"}, {"id": "SP02"}]  # other lists of objects are not plans
    (tmp_path / "assess1.out").write_text(json.dumps({"rules": rules, "plans": [{"file": "a.yaml", "rating": "green"}]}, indent=2))
    assert "1 plans in the JSON" in run.check_output("assess1", tmp_path, item)
    saved = {"rules": rules, "plans": [{"rating": "green", "findings": []}, {"rating": "error", "errors": []}], "errors": []}
    (tmp_path / "assess1.out").write_text(json.dumps(saved, indent=2))
    assert run.check_output("assess1", tmp_path, item) == "ok"
    (tmp_path / "assess1.out").write_text(json.dumps(saved))  # not the layout the line count reads
    assert run.check_output("assess1", tmp_path, item) == "no JSON on standard output"


def test_plans_are_counted_line_by_line_as_a_full_parse_counts_them(tmp_path: Path) -> None:
    """The 100,000-plan output is too large to parse whole: the line count must agree with a parse."""
    plans = tmp_path / "plans"
    shutil.copytree(Path(__file__).resolve().parent.parent / "plans", plans)
    (plans / "broken.yaml").write_text("qipp_plan: 1\norganisation: [unclosed\n", encoding="utf-8")
    out = tmp_path / "assess1.out"
    with out.open("wb") as handle:
        subprocess.run(
            [sys.executable, "-m", "qipp_rag", "assess", str(plans), "--format", "json", "--jobs", "1"],
            stdout=handle, check=False, cwd=tmp_path,
        )
    listed = json.loads(out.read_text(encoding="utf-8"))["plans"]
    errors = sum(plan["rating"] == "error" for plan in listed)
    assert len(listed) > 5 and errors == 1
    assert run.count_plans(out) == (len(listed), errors)


def _sized(size: int, peaks: dict[str, float]) -> object:
    rows = {key: run.Measurement(key, key, [], runs=[run.Run(1.0, 1.0, mb, 0)]) for key, mb in peaks.items()}
    item = run.Corpus(size=size, folder=Path("."), files=[], invalid={}, megabytes=0.0)
    return run.SizeResult(corpus=item, rows=rows, checks={key: "ok" for key in peaks})


def test_memory_targets_are_growth_between_sizes_and_a_ceiling() -> None:
    small = _sized(1000, {"assess1": 100.0, "reports": 120.0})
    flat = _sized(10000, {"assess1": 140.0, "reports": 290.0})
    goals = {goal.name: goal for goal in run.memory_targets([small, flat])}
    assert [goal.value for goal in goals.values()] == [1.4, 140 / 300, 290 / 120, 290 / 300]
    assert [goal.passed for goal in goals.values()] == [True, True, False, True]
    alone = run.memory_targets([flat])
    assert alone[0].value is None and not alone[0].passed and alone[0].note


def test_the_huge_run_passes_only_under_its_ceiling() -> None:
    assert run.huge_target(None) == []
    assert run.huge_target(_sized(100_000, {"assess1": 900.0}))[0].passed  # type: ignore[arg-type]
    assert not run.huge_target(_sized(100_000, {"assess1": 1000.0}))[0].passed  # type: ignore[arg-type]


@pytest.mark.parametrize("cycle", [generate.CYCLES - 1, generate.CYCLES, 3 * generate.CYCLES + 5, 423])
def test_plans_of_any_corpus_size_keep_to_the_formats_years(cycle: int) -> None:
    """A 100,000-plan corpus reaches cycle 423: every plan keeps within 2000/01 to 2099/00 and passes the format,
    and the versions that start the runs of years again are files of their own."""
    index = cycle * len(generate.organisations()) + 7
    item = generate.generate_one(index, seed=1, invalid_rate=0.0)
    assert item.invalid is None
    plan = Plan.model_validate(_parse(item.text))
    assert consistency_problems(plan) == []
    assert all("2000/01" <= year <= "2099/00" for year in item.data["period"])
    version = cycle // generate.CYCLES
    same_years = generate.generate_one(cycle % generate.CYCLES * len(generate.organisations()) + 7, 1, 0.0)
    assert item.data["period"][0] == same_years.data["period"][0]
    if version:
        assert item.path == same_years.path.replace(".yaml", f"-v{version + 1}.yaml")
    else:
        assert item.path == same_years.path


def test_generator_years_stop_at_the_formats_last_year() -> None:
    last_start = generate.FIRST_YEAR + generate.YEARS_PER_CYCLE * (generate.CYCLES - 1)
    assert last_start + generate.YEARS_PER_CYCLE - 1 <= generate.LAST_YEAR < last_start + 2 * generate.YEARS_PER_CYCLE - 1


# Plans of the 100,000-plan corpus (seed 1) whose mistake once left them valid: two lines broken into
# YAML that still parsed (a quote closed by a later line's quote, a line read as a continuation) and
# a typo swapping the two e's of `meets`.
ONCE_STILL_VALID = {37866: "yaml_syntax", 12099: "yaml_syntax", 65433: "typo_key"}


@pytest.mark.parametrize("index", sorted(ONCE_STILL_VALID))
def test_a_plan_generated_with_a_mistake_is_never_valid(index: int) -> None:
    item = generate.generate_one(index, seed=1, invalid_rate=0.03)
    assert item.invalid == ONCE_STILL_VALID[index]
    try:
        data = yaml.load(item.text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        assert item.invalid == "yaml_syntax"
        return
    assert item.invalid != "yaml_syntax", "a YAML syntax mistake must not parse"
    with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError
        Plan.model_validate(data)


@pytest.mark.parametrize("word", ["workstream", "stage", "title", "governance", "engagement", "target", "savings", "lead", "meets"])
def test_a_typo_always_changes_the_word(word: str) -> None:
    import random

    typos = {generate._typo(word, random.Random(seed)) for seed in range(200)}
    assert word not in typos
