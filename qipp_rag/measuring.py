"""Measuring one plan file: read it, measure every single-plan rule in force, and keep its figures.

What comes back (a :class:`Measured`) is small and picklable, so a worker
process can send it to the main one: the findings and the plan's figures
(an :class:`Outcome`, already packed for the spill file), and, when
cross-plan rules are in force, the parts of the plan they read and where
those parts sit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .load import loading
from .plan.models import Baseline, Organisation, Plan, Scheme, Stage
from .positions import Positions
from .rating import make_finding
from .results import DeliveryFigures, Finding, OrganisationInfo, PlanFigures, Problem
from .rulebook.measure import MetricContext
from .rulebook.metrics.figures import identified_by_year, risk_adjusted_by_year
from .rulebook.metrics.portfolio import double_count_key
from .rulebook.models import RuleSpec
from .rulebook.registry import PLAN_METRICS
from .spill import pack


@dataclass(frozen=True)
class Setup:
    """What every worker needs, sent once per worker process."""

    rules: tuple[RuleSpec, ...]  # single-plan rules in force, in rule order
    stage_factors: Mapping[str, Decimal]
    as_of: dt.date
    record_positions: bool  # cross-plan rules need to know where things are in each plan to place their findings


def organisation_info(plan: Plan) -> OrganisationInfo:
    org = plan.organisation
    return OrganisationInfo(
        code=org.code, name=org.name, type=org.type.value, area_team=org.area_team, region=org.region.value
    )


def plan_figures(plan: Plan, stage_factors: Mapping[str, Decimal]) -> PlanFigures:
    """A plan's money by year (£000, exact) and its in-year delivery where it reports any."""
    zero = Decimal(0)
    first = plan.first_year
    reporting = [scheme.delivery for scheme in plan.live_schemes if scheme.delivery is not None]
    delivery = None
    if reporting and plan.delivery_as_of is not None:
        delivery = DeliveryFigures(
            as_of=plan.delivery_as_of,
            year=first,
            planned_to_date=sum((figures.planned_to_date for figures in reporting), zero),
            actual_to_date=sum((figures.actual_to_date for figures in reporting), zero),
            forecast_outturn=sum((figures.forecast_outturn for figures in reporting), zero),
            target=plan.target.get(first, zero),
        )
    return PlanFigures(
        years=list(plan.period),
        allocation={year: plan.allocation.get(year, zero) for year in plan.period},
        target={year: plan.target.get(year, zero) for year in plan.period},
        identified=identified_by_year(plan),
        risk_adjusted=risk_adjusted_by_year(plan, stage_factors),
        delivery=delivery,
        providers=provider_savings(plan),
    )


def provider_savings(plan: Plan) -> dict[str, dict[str, Decimal]]:
    """The savings of the plan's live schemes by provider (as first written) and year, £000."""
    from .rollup import provider_key

    names: dict[str, str] = {}
    savings: dict[str, dict[str, Decimal]] = {}
    for scheme in plan.live_schemes:
        if not scheme.provider or not scheme.provider.strip():
            continue
        name = names.setdefault(provider_key(scheme.provider), " ".join(scheme.provider.split()))
        per_year = savings.setdefault(name, {})
        for year, saving in scheme.savings.items():
            per_year[year] = per_year.get(year, Decimal(0)) + saving
    return savings


@dataclass
class Outcome:
    """One plan file's measured results, as the spill file keeps them until the cross-plan rules
    and the waivers have been through: ``figures`` is None for a file that did not load."""

    index: int
    file: str
    organisation: OrganisationInfo
    findings: dict[str, Finding] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    figures: PlanFigures | None = None


@dataclass(frozen=True, slots=True)
class Measured:
    """What comes back from measuring one file: its outcome packed for the spill file (packed in
    the worker, so the main process only writes it), and what the cross-plan rules need of it."""

    index: int
    file: str  # as the plan's results name it
    packed: bytes
    view: PlanView | None  # None for a file that did not load, or when no cross-plan rule is in force
    positions: Positions | None


def measure_file(setup: Setup, index: int, file: str) -> Measured:
    loaded = loading.load_plan(file)
    if isinstance(loaded, loading.FailedPlan):
        failed = Outcome(index=index, file=loaded.file, organisation=loaded.organisation, errors=list(loaded.problems))
        return Measured(index, failed.file, pack(failed), None, None)
    plan = loaded.plan
    kind = plan.organisation.type.value
    findings: dict[str, Finding] = {}
    for rule in setup.rules:
        if kind not in rule.applies_to:
            continue
        context = MetricContext(plan=plan, stage_factors=setup.stage_factors, as_of=setup.as_of, params=rule.params)
        findings[rule.id] = make_finding(rule, PLAN_METRICS[rule.metric](context), loaded.source.locate)
    outcome = Outcome(
        index=index,
        file=loaded.file,
        organisation=organisation_info(plan),
        findings=findings,
        figures=plan_figures(plan, setup.stage_factors),
    )
    if not setup.record_positions:
        return Measured(index, outcome.file, pack(outcome), None, None)
    view = PlanView(plan)
    compared = [position for position, scheme in enumerate(view.schemes) if scheme is not NOT_COMPARED]
    return Measured(index, outcome.file, pack(outcome), view, Positions.record(plan, loaded.source, schemes=compared))


class OrganisationView:
    """A plan's organisation as the cross-plan rules read it: code, type, area team and ``ccgs``."""

    __slots__ = ("area_team", "ccgs", "code", "type")

    def __init__(self, organisation: Organisation) -> None:
        self.code = organisation.code
        self.type = organisation.type
        self.area_team = organisation.area_team
        self.ccgs = None if organisation.ccgs is None else tuple(organisation.ccgs)


class BaselineView:
    __slots__ = ("measure", "value")

    def __init__(self, baseline: Baseline) -> None:
        self.measure = baseline.measure
        self.value = baseline.value


class SchemeView:
    """A scheme the cross-plan rules compare: its id, stage, provider and baseline (measure and value)."""

    __slots__ = ("baseline", "id", "provider", "stage")

    def __init__(self, scheme: Scheme) -> None:
        self.id = scheme.id
        self.stage = scheme.stage
        self.provider = scheme.provider
        self.baseline = None if scheme.baseline is None else BaselineView(scheme.baseline)

    @property
    def live(self) -> bool:
        return self.stage is not Stage.cancelled


class _NotCompared:
    """Stands in for every scheme no cross-plan rule compares (cancelled, or without a provider and a
    baseline measure and value): it keeps the others at their positions for the price of one pointer."""

    __slots__ = ()
    id = ""
    stage = Stage.cancelled
    provider = None
    baseline = None
    live = False

    def __reduce__(self) -> str:
        return "NOT_COMPARED"  # the one placeholder, also in views sent back from a worker


NOT_COMPARED: Any = _NotCompared()


class PlanView:
    """A plan as the cross-plan rules read it: its organisation, its period and its schemes' views.

    Every plan's view is held until the cross-plan rules have seen them all,
    so it keeps only what they read: where a pydantic plan holds every field
    of every scheme, this holds a few references, and one shared placeholder
    for each scheme that cannot be compared with another plan's.
    """

    __slots__ = ("organisation", "period", "schemes")

    def __init__(self, plan: Plan) -> None:
        self.organisation = OrganisationView(plan.organisation)
        self.period = tuple(plan.period)
        self.schemes = tuple(
            SchemeView(scheme) if double_count_key(scheme) is not None else NOT_COMPARED for scheme in plan.schemes
        )

