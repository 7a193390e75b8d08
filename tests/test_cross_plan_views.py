"""The slim views of plans that cross-plan rules read: small, and read exactly as whole plans are."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import cast

from conftest import REPO
from qipp_rag.load.loading import load_plan
from qipp_rag.measuring import NOT_COMPARED, PlanView
from qipp_rag.plan.models import Plan
from qipp_rag.rulebook.measure import PlanRef
from qipp_rag.rulebook.metrics.portfolio import double_count_key
from qipp_rag.rulebook.registry import PORTFOLIO_METRICS


def _plans() -> list:
    files = sorted(str(path) for path in Path(REPO / "plans").rglob("*.yaml"))
    return [(file, load_plan(file).plan) for file in files]  # type: ignore[union-attr]


def test_cross_plan_rules_measure_views_as_they_measure_whole_plans() -> None:
    plans = _plans()
    whole = [PlanRef(index=index, file=file, plan=plan) for index, (file, plan) in enumerate(plans)]
    views = [PlanRef(index=index, file=file, plan=cast(Plan, PlanView(plan))) for index, (file, plan) in enumerate(plans)]
    assert PORTFOLIO_METRICS
    for name, metric in PORTFOLIO_METRICS.items():
        assert metric(views, {}) == metric(whole, {}), name


def test_a_view_holds_slotted_records_of_only_the_schemes_compared_and_survives_the_trip_from_a_worker() -> None:
    _, plan = next((file, plan) for file, plan in _plans() if any(double_count_key(s) for s in plan.schemes))
    view = PlanView(plan)
    assert not hasattr(view, "__dict__") and not hasattr(view.organisation, "__dict__")
    back = pickle.loads(pickle.dumps(view))
    assert len(back.schemes) == len(plan.schemes)
    for mine, scheme in zip(back.schemes, plan.schemes, strict=True):
        if double_count_key(scheme) is None:
            assert mine is NOT_COMPARED and not mine.live
        else:
            assert not hasattr(mine, "__dict__")
            assert double_count_key(mine) == double_count_key(scheme)
            assert (mine.id, mine.provider, mine.live) == (scheme.id, scheme.provider, scheme.live)
    org = plan.organisation
    assert (back.organisation.code, back.organisation.type, back.organisation.area_team) == (org.code, org.type, org.area_team)
    assert back.organisation.ccgs == (None if org.ccgs is None else tuple(org.ccgs))
    assert back.period == tuple(plan.period)


def test_cross_plan_findings_come_back_plan_by_plan_in_rule_order() -> None:
    from qipp_rag.cross_plan import CrossPlanFindings
    from qipp_rag.results import Finding

    def finding(rule: str) -> Finding:
        return Finding(rule=rule, rating="green", value=None, message=rule)

    with CrossPlanFindings() as found:
        for rule, plans in (("PF01", [0, 2, 3]), ("PF02", [1]), ("PF03", []), ("PF04", [0, 3])):
            found.start_rule()
            for index in plans:
                found.add(index, rule, finding(rule))
        got = [[rule for rule, _ in found.pop(index)] for index in range(5)]
    assert got == [["PF01", "PF04"], ["PF02"], ["PF01"], ["PF01", "PF04"], []]
