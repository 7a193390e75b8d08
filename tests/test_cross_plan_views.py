"""The slim views of plans that cross-plan rules read: small, and read exactly as whole plans are."""

from __future__ import annotations

import pickle
from pathlib import Path

from conftest import REPO
from qipp_rag.measuring import cross_plan_view
from qipp_rag.load.loading import load_plan
from qipp_rag.rulebook.measure import PlanRef
from qipp_rag.rulebook.registry import PORTFOLIO_METRICS


def _plans() -> list:
    files = sorted(str(path) for path in Path(REPO / "plans").rglob("*.yaml"))
    return [(file, load_plan(file).plan) for file in files]  # type: ignore[union-attr]


def test_cross_plan_rules_measure_views_as_they_measure_whole_plans() -> None:
    plans = _plans()
    whole = [PlanRef(index=index, file=file, plan=plan) for index, (file, plan) in enumerate(plans)]
    views = [PlanRef(index=index, file=file, plan=cross_plan_view(plan)) for index, (file, plan) in enumerate(plans)]
    assert PORTFOLIO_METRICS
    for name, metric in PORTFOLIO_METRICS.items():
        assert metric(views, {}) == metric(whole, {}), name


def test_a_view_holds_slotted_records_and_survives_the_trip_from_a_worker() -> None:
    _, plan = _plans()[0]
    view = cross_plan_view(plan)
    assert not hasattr(view, "__dict__") and not hasattr(view.schemes[0], "__dict__")
    back = pickle.loads(pickle.dumps(view))
    assert [(s.id, s.stage, s.provider, s.baseline, s.live) for s in back.schemes] == [
        (s.id, s.stage, s.provider, s.baseline, s.live) for s in plan.schemes
    ]
    assert back.organisation == plan.organisation and list(back.period) == list(plan.period)
