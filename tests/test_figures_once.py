"""A plan's identified savings by year are summed once, however many rules ask for them."""

from __future__ import annotations

from conftest import REPO
from qipp_rag.load.loading import load_plan
from qipp_rag.plan.models import Scheme
from qipp_rag.rulebook.metrics.figures import identified_by_year


def test_identified_savings_are_summed_once_per_plan_and_each_caller_gets_a_copy(monkeypatch) -> None:
    plan = load_plan(str(REPO / "plans" / "north" / "Q50" / "03F-hull.yaml")).plan  # type: ignore[union-attr]
    other = load_plan(str(REPO / "plans" / "south" / "Q69" / "10T-slough.yaml")).plan  # type: ignore[union-attr]
    calls: list[str] = []
    original = Scheme.saving
    monkeypatch.setattr(Scheme, "saving", lambda self, year: calls.append(year) or original(self, year))
    first = identified_by_year(plan)
    summed = len(calls)
    assert summed > 0
    second = identified_by_year(plan)
    assert len(calls) == summed and second == first and second is not first
    second[plan.period[0]] = 0  # a caller's copy is its own
    assert identified_by_year(plan) == first
    expected = {year: sum((s.saving(year) for s in other.live_schemes), 0) for year in other.period}
    assert identified_by_year(other) == expected  # another plan is summed afresh
