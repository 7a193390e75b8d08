"""What the cross-plan rules keep of each plan (a PlanTable of sketches, details read back), and that
they measure exactly as the rules written over whole plans held in memory did (tests/portfolio_oracle.py)."""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import random
import subprocess
import sys
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import portfolio_oracle
import pytest
from conftest import REPO
from pydantic import BaseModel
from test_portfolio_rules import area_team_plan, plan, scheme

from qipp_rag.load.loading import load_plan
from qipp_rag.measuring import Setup, measure_file
from qipp_rag.plan.models import Plan
from qipp_rag.rulebook import plan_table
from qipp_rag.rulebook.measure import Measurement, PlanRef
from qipp_rag.rulebook.metrics import portfolio
from qipp_rag.rulebook.plan_table import PlanDetail, PlanTable, double_count_key, key_hash
from qipp_rag.rulebook.registry import PORTFOLIO_METRICS
from qipp_rag.spill import unpack

ORACLES = {
    "duplicate_plans": portfolio_oracle.duplicate_plans,
    "area_team_ccgs": portfolio_oracle.area_team_ccgs,
    "shared_provider_baseline": portfolio_oracle.shared_provider_baseline,
    "unknown_area_team": portfolio_oracle.unknown_area_team,
}


def _example_files() -> list[str]:
    return sorted(str(path) for path in Path(REPO / "plans").rglob("*.yaml"))


def _measured(metric: Any, table: PlanTable) -> dict[int, Measurement]:
    """A metric's measurements, checked to come one plan at a time in increasing run order."""
    pairs = list(metric(table, {}))
    indices = [index for index, _ in pairs]
    assert indices == sorted(set(indices)), "one measurement a plan, in run order"
    return dict(pairs)


def _agrees_with_the_oracle(refs: list[PlanRef], table: PlanTable | None = None) -> None:
    table = table if table is not None else PlanTable.of(refs)
    shipped = {name for name in PORTFOLIO_METRICS if not name.startswith("test_")}  # tests may register fakes
    assert set(ORACLES) == shipped
    for name, oracle in ORACLES.items():
        assert _measured(PORTFOLIO_METRICS[name], table) == oracle(refs, {}), name


def _worker_table(files: list[str]) -> tuple[PlanTable, list[PlanRef]]:
    """The table as the engine builds it, from what measuring each file sends back, and the whole plans."""
    setup = Setup(rules=(), stage_factors={}, as_of=dt.date(2014, 12, 31), record_positions=True)
    details: list[PlanDetail] = []
    table = PlanTable(details)
    refs = []
    for index, file in enumerate(files):
        measured = pickle.loads(pickle.dumps(measure_file(setup, index, file)))  # as from a worker process
        assert measured.sketch is not None and measured.detail is not None
        table.add(index, measured.file, measured.sketch)
        details.append(unpack(measured.detail))
        refs.append(PlanRef(index=index, file=measured.file, plan=load_plan(file).plan))  # type: ignore[union-attr]
    return table, refs


# ---------------------------------------------------------------- the same measurements


def test_the_rules_measure_the_example_plans_from_their_sketches_as_from_whole_plans() -> None:
    table, refs = _worker_table(_example_files())
    _agrees_with_the_oracle(refs, table)
    _agrees_with_the_oracle(refs)


def _random_run(seed: int) -> list[PlanRef]:
    """A run of many versions of few organisations' plans, over overlapping periods, whose schemes
    collide often: the same keys written in other cases and spacing, 1200 beside 1200.0, cancelled
    copies, and area teams whose ``ccgs`` lists agree with the run in part."""
    rng = random.Random(seed)
    years = ["2013/14", "2014/15", "2015/16", "2016/17"]
    ccgs = {"02N": "Q52", "02R": "Q52", "02T": "Q52", "03A": "Q50", "03Q": "Q50", "01A": "Q99"}
    providers = ["RR8", " rr8", "RAE", "Leeds  Teaching"]
    measures = ["A&E attendances", "a&e ATTENDANCES", "bed days"]
    values = [1200, "1200.0", "75.5", 500]
    items: list[tuple[str, Plan]] = []
    for number in range(rng.randint(25, 60)):
        start = rng.randrange(len(years))
        period = tuple(years[start : start + rng.randint(1, 3)])
        if rng.random() < 0.2:
            team = rng.choice(["Q50", "Q52"])
            listed = None if rng.random() < 0.2 else rng.sample(sorted(ccgs) + ["09X"], rng.randint(0, 4))
            built = plan(team, kind="area_team", area_team=None, ccgs=listed, period=period)
            items.append((f"plans/{rng.choice('abc')}/{team}-{number}.yaml", built))
            continue
        code = rng.choice(sorted(ccgs))
        schemes = []
        for position in range(rng.randint(0, 5)):
            kwargs: dict[str, Any] = {}
            if rng.random() < 0.8:
                kwargs["provider"] = rng.choice(providers)
            if rng.random() < 0.8:
                kwargs["measure"] = rng.choice(measures)
            if rng.random() < 0.8:
                kwargs["value"] = rng.choice(values)
            stage = "cancelled" if rng.random() < 0.15 else "planned"
            schemes.append(scheme(f"S{position}", stage=stage, savings={period[0]: 100}, **kwargs))
        team = ccgs[code] if rng.random() < 0.8 else rng.choice(["Q50", "Q52", "Q71"])
        built = plan(code, area_team=team, period=period, schemes=schemes)
        items.append((f"plans/{rng.choice('abc')}/{code}-v{number}.yaml", built))
    return [PlanRef(index=index, file=file, plan=built) for index, (file, built) in enumerate(items)]


@pytest.mark.parametrize("seed", range(12))
def test_the_rules_measure_runs_of_many_versions_and_colliding_schemes_as_the_oracle_does(seed: int) -> None:
    _agrees_with_the_oracle(_random_run(seed))


def test_a_scheme_copied_into_more_plans_than_the_evidence_names_is_measured_as_the_oracle_does() -> None:
    copied = [scheme("UC1", provider="RR8", measure="A&E attendances", value=1200)]
    refs = [
        PlanRef(index=index, file=f"plans/{index % 7}/{index:03}.yaml", plan=plan(f"{index:02}A", schemes=copied))
        for index in range(portfolio.EVIDENCE_ITEMS * 3)
    ]
    _agrees_with_the_oracle(refs)


def test_a_hash_shared_by_different_keys_is_only_a_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every key hashing alike, only the keys read back decide what matches."""
    monkeypatch.setattr(plan_table, "key_hash", lambda key: 7)
    for seed in range(4):
        _agrees_with_the_oracle(_random_run(seed))


def test_the_key_hash_is_the_same_for_equal_keys_and_in_every_process() -> None:
    assert key_hash(("rr8", "a&e", Decimal("1200"))) == key_hash(("rr8", "a&e", Decimal("1200.000")))
    assert key_hash(("rr8", "a&e", Decimal("0"))) == key_hash(("rr8", "a&e", Decimal("-0.00")))
    assert key_hash(("rr8", "a&e", Decimal("1200"))) != key_hash(("rr8", "a&e", Decimal("120")))
    assert 0 <= key_hash(("x", "y", Decimal("1"))) < 2**64
    code = "from decimal import Decimal; from qipp_rag.rulebook.plan_table import key_hash; print(key_hash(('rr8', 'a&e', Decimal('12.5'))))"
    for seed in ("1", "2"):  # a worker process hashes as the main one does, whatever its string hash seed
        shown = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True)
        assert int(shown.stdout) == key_hash(("rr8", "a&e", Decimal("12.50")))


# ---------------------------------------------------------------- what is held


def _reachable(root: object) -> list[object]:
    seen: dict[int, object] = {}
    todo = [root]
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen[id(item)] = item
        if isinstance(item, Enum):  # one shared member (an organisation type) a plan: not the plan's
            continue
        todo.extend(gc.get_referents(item))
    return list(seen.values())


def test_what_the_rules_keep_in_memory_holds_no_plan_model_no_yaml_text_and_no_detail() -> None:
    """Per plan: its file and run index, shared codes and periods, and integers in arrays; the
    details (scheme ids, providers, positions) stay in their store until a finding is worded."""
    files = _example_files()
    table, _ = _worker_table(files)
    kept = _reachable({name: value for name, value in vars(table).items() if name not in ("_details", "_cache")})
    assert not [item for item in kept if isinstance(item, (BaseModel, Decimal, PlanDetail))]
    strings = {item for item in kept if isinstance(item, str) and not isinstance(item, Enum)}
    allowed = set(files) | {table.code(row) for row in range(len(table))} | {
        year for row in range(len(table)) for year in table.period(row)
    } | {team for row in range(len(table)) if (team := table.area_team(row))}
    assert strings <= allowed
    assert len([item for item in kept if isinstance(item, tuple)]) <= len({table.period(r) for r in range(len(table))}) + 2
    assert len(table) == len(files)


def test_a_sketch_is_small_and_survives_the_trip_from_a_worker() -> None:
    file = next(f for f in _example_files() if any(double_count_key(s) for s in load_plan(f).plan.schemes))  # type: ignore[union-attr]
    whole = load_plan(file).plan  # type: ignore[union-attr]
    sketch, detail = plan_table.sketch_plan(whole)
    back = pickle.loads(pickle.dumps(sketch))
    compared = [(position, s) for position, s in enumerate(whole.schemes) if double_count_key(s) is not None]
    assert back.hashes == tuple(key_hash(double_count_key(s)) for _, s in compared)  # type: ignore[arg-type]
    assert (back.code, back.kind, back.area_team, back.period) == (
        whole.organisation.code, whole.organisation.type.value, whole.organisation.area_team, tuple(whole.period)
    )
    assert [(s.position, s.id, s.key) for s in detail.schemes] == [(p, s.id, double_count_key(s)) for p, s in compared]


# ---------------------------------------------------------------- placed plan by plan


def test_cross_plan_findings_come_back_plan_by_plan_in_rule_order() -> None:
    from engine_support import PAIR_METRIC, rule

    from qipp_rag.cross_plan import CrossPlanFindings

    refs = [
        PlanRef(index=0, file="a.yaml", plan=plan("02N")),
        PlanRef(index=2, file="b.yaml", plan=area_team_plan("Q52", None)),
        PlanRef(index=3, file="c.yaml", plan=plan("02N")),
    ]
    rules = [
        rule("PF01", metric=PAIR_METRIC, criterion="portfolio", unit="count", green={"max": 0}, amber=None),
        rule("PF02", metric=PAIR_METRIC, criterion="portfolio", unit="count", green={"max": 0}, amber=None, applies_to=("area_team",)),
        rule("PF04", metric=PAIR_METRIC, criterion="portfolio", unit="count", green={"max": 0}, amber=None, applies_to=("ccg",)),
    ]
    found = CrossPlanFindings(PlanTable.of(refs), rules)
    got = [[(rule_id, finding.rating) for rule_id, finding in found.pop(index)] for index in range(5)]
    assert got == [
        [("PF01", "red"), ("PF04", "red")],
        [],  # a plan that did not load
        [("PF01", "green"), ("PF02", "green")],
        [("PF01", "red"), ("PF04", "red")],
        [],
    ]


# ---------------------------------------------------------------- what a large run costs


def _sketched_run(count: int, versions: int) -> PlanTable:
    """``count`` sketches straight into a table (details: none needed by these checks): 236 organisations,
    each with ``versions`` files over the same years, every plan with 16 compared schemes of its own."""
    from qipp_rag.rulebook.plan_table import PlanSketch

    details: list[PlanDetail] = []
    table = PlanTable(details)
    nothing = PlanDetail(ccgs=None, schemes=(), positions=None)
    years = [f"{year}/{(year + 1) % 100:02}" for year in range(2014, 2099)]
    for index in range(count):
        organisation, version = divmod(index, versions)
        start = (organisation // 236) % 28 * 3
        sketch = PlanSketch(
            code=f"{organisation % 236:03}X", kind="ccg", area_team="Q52", period=tuple(years[start : start + 2]),
            hashes=tuple(key_hash((f"p{index}", "m", Decimal(slot))) for slot in range(16)),
        )
        table.add(index, f"plans/{index:07}.yaml", sketch)
        details.append(nothing)
    return table


def _held_while_the_rules_run(count: int) -> tuple[int, int]:
    """(bytes held, peak bytes) of the table and every rule's working state, by tracemalloc."""
    import tracemalloc

    tracemalloc.start()
    try:
        table = _sketched_run(count, versions=1)
        streams = [iter(metric(table, {})) for name, metric in PORTFOLIO_METRICS.items() if name in ORACLES]
        for stream in streams:
            next(stream, None)
        return tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()


def test_the_rules_keep_a_few_hundred_bytes_a_plan_while_they_run() -> None:
    """What each further plan costs the table and the rules' working state: a few hundred bytes
    (its file, a few pointers, its 16 hashes and their place in the index); a whole plan's view of strings, Decimals
    and pydantic objects was several kilobytes."""
    small, small_peak = _held_while_the_rules_run(1000)
    large, large_peak = _held_while_the_rules_run(3000)
    assert (large - small) / 2000 < 600, f"{(large - small) / 2000:.0f} bytes a plan held"
    assert (large_peak - small_peak) / 2000 < 1200, f"{(large_peak - small_peak) / 2000:.0f} bytes a plan at the peak"


def test_pf01_finds_a_plans_versions_through_its_years_not_by_comparing_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """400 files of one organisation over 40 runs of years: each plan meets its 9 overlapping
    versions, not the other 399 files."""
    table = PlanTable.of(
        PlanRef(index=index, file=f"plans/02N-v{index:03}.yaml", plan=plan("02N", period=(f"{2000 + index % 40}/{(1 + index % 40):02}",)))
        for index in range(400)
    )
    asked = []
    original = PlanTable.years
    monkeypatch.setattr(PlanTable, "years", lambda self, row: asked.append(row) or original(self, row))
    measured = dict(portfolio.duplicate_plans(table, {}))
    assert {measurement.value for measurement in measured.values()} == {9}
    assert len(asked) <= 400 + 400 * 9
