"""Laws of the whole assessment, over generated plan folders:

- the same input and as-of date give the same bytes;
- the order files are found in changes only the order of plans, never a rating, value or total;
- the JSON output read back and written again is byte-identical;
- a plan's rating follows from its findings by the documented policy, stated here apart from the engine.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qipp_rag.engine import AssessOptions, assess
from qipp_rag.results import Assessment, from_json, to_json

from engine_support import green_plan_data, plan_yaml

AS_OF = dt.date(2014, 6, 1)
CODES = ["03Q", "03R", "03S", "04A"]
STAGES = ["identified", "planned", "in_delivery", "delivered", "cancelled"]


@st.composite
def plan_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A plan near the green one, with everything the rules look at varied: 1 to 5 schemes and their
    stages, savings, recurrence, delivery to date, milestones and risks; the allocation and target;
    governance.  Some plans come out green, some amber or red for one reason or several."""
    kind = draw(st.sampled_from(["ccg", "ccg", "ccg", "area_team"]))
    code = "Q50" if kind == "area_team" else draw(st.sampled_from(CODES))
    data = green_plan_data(code, kind=kind)
    period = data["period"]
    template = data["schemes"][0]
    data["schemes"] = []
    count = draw(st.integers(1, 5))
    for number in range(count):
        scheme = {**template, "id": f"S{number}", "title": f"Scheme {number}", "baseline": {**template["baseline"], "measure": f"{code} measure {number}"}}
        scheme["savings"] = {year: -(-2400 // count) for year in period}  # 2400 in all, as the green plan's three schemes
        if draw(st.booleans()):
            scheme["stage"] = draw(st.sampled_from(STAGES))
        if draw(st.booleans()):
            scheme["savings"] = {year: draw(st.integers(0, 2000)) for year in period}
        if draw(st.booleans()):
            scheme["recurrent"] = False
        if draw(st.booleans()):
            planned = draw(st.integers(1, 800))
            on_track = {"planned_to_date": planned, "actual_to_date": planned, "forecast_outturn": 2400}  # DL02 sums only these
            scheme["delivery"] = on_track if draw(st.booleans()) else {
                "planned_to_date": planned, "actual_to_date": draw(st.integers(0, 900)), "forecast_outturn": draw(st.integers(0, 2500))}
        if draw(st.booleans()):
            scheme["milestones"] = [
                {"name": f"step {step}", "due": AS_OF + dt.timedelta(days=draw(st.integers(-200, 200))), **({"completed_on": AS_OF - dt.timedelta(days=1)} if draw(st.booleans()) else {})}
                for step in range(draw(st.integers(1, 3)))
            ]
        if draw(st.booleans()):
            scheme["risks"] = [
                {"description": f"risk {step}", "likelihood": draw(st.integers(1, 5)), "impact": draw(st.integers(1, 5)),
                 **({"mitigation": "a plan", "owner": "someone"} if draw(st.booleans()) else {})}
                for step in range(draw(st.integers(1, 3)))
            ]  # fmt: skip
        data["schemes"].append(scheme)
    if any("delivery" in scheme for scheme in data["schemes"]):
        data["delivery_as_of"] = AS_OF - dt.timedelta(days=1)
    if draw(st.booleans()):
        data["allocation"] = {year: draw(st.integers(10_000, 400_000)) for year in period}
    if draw(st.booleans()):
        data["target"] = {year: draw(st.integers(0, 5000)) for year in period}
    if draw(st.booleans()):
        del data["governance"]["clinical_lead"]
    if draw(st.booleans()):
        data["governance"]["contingency"] = draw(st.integers(0, 1000))
    if draw(st.integers(0, 9)) == 7:
        data["governance"]["pmo"]["meets"] = "every week"  # a plan that fails validation
    return data


def run(folder: Path, jobs: int = 1) -> Assessment:
    return assess(AssessOptions(paths=(str(folder),), as_of=AS_OF, jobs=jobs))


def write_all(folder: Path, documents: list[dict[str, Any]], names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in zip(names, documents):
        (folder / name).write_text(plan_yaml(document), encoding="utf-8")


def order_free(assessment: Assessment, content_of: dict[str, int]) -> tuple:
    """Everything that must not depend on file order: per plan content, its rating, findings and figures."""
    per_plan = Counter(
        (
            content_of[Path(plan.file).name],
            plan.rating,
            tuple((f.rule, f.rating, f.value) for f in plan.findings),
            plan.figures.model_dump_json() if plan.figures else None,
            len(plan.errors),
        )
        for plan in assessment.plans
    )
    return per_plan, assessment.summary.model_dump_json(), assessment.portfolio.model_dump_json()


SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(documents=st.lists(plan_documents(), min_size=1, max_size=5), data=st.data())
def test_file_order_changes_only_the_order_of_plans(documents: list[dict[str, Any]], data: st.DataObject) -> None:
    permutation = data.draw(st.permutations(range(len(documents))))
    with tempfile.TemporaryDirectory() as temp:
        first_names = [f"plan-{index:02}.yaml" for index in range(len(documents))]
        other_names = [f"plan-{permutation[index]:02}.yaml" for index in range(len(documents))]
        write_all(Path(temp) / "one", documents, first_names)
        write_all(Path(temp) / "two", documents, other_names)
        one = run(Path(temp) / "one")
        two = run(Path(temp) / "two")
    assert [plan.file.rsplit("/", 1)[-1] for plan in two.plans] == sorted(other_names)
    assert order_free(one, {name: index for index, name in enumerate(first_names)}) == order_free(two, {name: index for index, name in enumerate(other_names)})


@SLOW
@given(documents=st.lists(plan_documents(), min_size=1, max_size=4))
def test_same_input_same_bytes_and_json_round_trips(documents: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "plans"
        write_all(folder, documents, [f"p{index}.yaml" for index in range(len(documents))])
        first = to_json(run(folder))
        assert to_json(run(folder)) == first
    assert to_json(from_json(first)) == first
    assert to_json(from_json(first.encode("utf-8"))) == first


def policy_rating(findings: list[tuple[str, str, bool]]) -> str:
    """The rating policy as the green criteria state it, written out apart from the engine:
    (rule, rating, critical) -> the plan's rating.  Results rated n/a or waived do not count."""
    counted = [(rating, critical) for _, rating, critical in findings if rating not in ("n/a", "waived")]
    if ("red", True) in counted:
        return "red"  # a critical rule is red
    if ("red", False) in counted or any(rating == "amber" for rating, _ in counted):
        return "amber"  # a rule is amber, or a non-critical rule red
    return "green"


def test_the_policy_as_written_here() -> None:
    assert policy_rating([]) == "green"
    assert policy_rating([("A", "red", False)]) == "amber"
    assert policy_rating([("A", "red", False), ("B", "amber", True)]) == "amber"
    assert policy_rating([("A", "red", True), ("B", "green", False)]) == "red"
    assert policy_rating([("A", "waived", True), ("B", "n/a", True), ("C", "green", True)]) == "green"


@SLOW
@given(documents=st.lists(plan_documents(), min_size=1, max_size=4, unique_by=lambda document: document["organisation"]["code"]))
def test_every_plan_rating_follows_the_policy_from_its_findings(documents: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "plans"
        write_all(folder, documents, [f"p{index}.yaml" for index in range(len(documents))])
        assessment = run(folder)
    critical = {rule.id: rule.critical for rule in assessment.rules}
    for plan in assessment.plans:
        if plan.errors:
            assert plan.rating == "error" and plan.findings == []
            continue
        assert plan.findings
        assert plan.rating == policy_rating([(f.rule, f.rating, critical[f.rule]) for f in plan.findings])
    assert sum(assessment.summary.ratings.values()) == len(assessment.plans)


def test_a_plan_whose_only_fault_is_a_non_critical_red_is_amber(tmp_path: Path) -> None:
    """The case the generator finds least often, pinned: QL04 (not critical) red and all else green."""
    document = green_plan_data("03Q")
    document["schemes"][0]["risks"] = [{"description": "nobody owns this", "likelihood": 5, "impact": 4}]
    write_all(tmp_path / "plans", [document], ["p.yaml"])
    (plan,) = run(tmp_path / "plans").plans
    not_green = {f.rule: f.rating for f in plan.findings if f.rating not in ("green", "n/a")}
    assert not_green == {"QL04": "red"}
    assert plan.rating == "amber"


def test_worker_processes_give_the_same_bytes_as_one(tmp_path: Path) -> None:
    documents = [green_plan_data(code) for code in CODES] + [green_plan_data("03Q")]
    documents[1]["target"] = {year: 9000 for year in documents[1]["period"]}
    write_all(tmp_path / "plans", documents, [f"p{index}.yaml" for index in range(len(documents))])
    assert to_json(run(tmp_path / "plans", jobs=3)) == to_json(run(tmp_path / "plans", jobs=1))
