"""Measuring one plan file: read it, measure every single-plan rule in force, and keep its figures.

What comes back (an :class:`Outcome`) is small and picklable, so a worker
process can send it to the main one: the findings, the plan's figures, the
parts of the plan the cross-plan rules read, and where those parts sit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from .load import loading
from .plan.models import Plan, Scheme, Stage
from .positions import Positions
from .rating import make_finding
from .results import DeliveryFigures, Finding, OrganisationInfo, PlanFigures, Problem
from .rulebook.measure import MetricContext
from .rulebook.metrics.figures import identified_by_year, risk_adjusted_by_year
from .rulebook.models import RuleSpec
from .rulebook.registry import PLAN_METRICS


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
    index: int
    file: str
    organisation: OrganisationInfo
    findings: dict[str, Finding] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    figures: PlanFigures | None = None
    plan: Plan | None = None
    positions: Positions | None = None


def measure_file(setup: Setup, index: int, file: str) -> Outcome:
    loaded = loading.load_plan(file)
    if isinstance(loaded, loading.FailedPlan):
        return Outcome(index=index, file=loaded.file, organisation=loaded.organisation, errors=list(loaded.problems))
    plan = loaded.plan
    kind = plan.organisation.type.value
    findings: dict[str, Finding] = {}
    for rule in setup.rules:
        if kind not in rule.applies_to:
            continue
        context = MetricContext(plan=plan, stage_factors=setup.stage_factors, as_of=setup.as_of, params=rule.params)
        findings[rule.id] = make_finding(rule, PLAN_METRICS[rule.metric](context), loaded.source.locate)
    return Outcome(
        index=index,
        file=loaded.file,
        organisation=organisation_info(plan),
        findings=findings,
        figures=plan_figures(plan, setup.stage_factors),
        plan=cross_plan_view(plan),
        positions=Positions.record(plan, loaded.source) if setup.record_positions else None,
    )


class SchemeView:
    """A scheme as the cross-plan rules read it: its id, stage, provider and baseline.

    A slotted record of four references, where even a partly built pydantic
    scheme holds a dictionary of all seventeen fields: every plan's view is
    held until the cross-plan rules have seen them all.
    """

    __slots__ = ("baseline", "id", "provider", "stage")

    def __init__(self, scheme: Scheme) -> None:
        self.id = scheme.id
        self.stage = scheme.stage
        self.provider = scheme.provider
        self.baseline = scheme.baseline

    @property
    def live(self) -> bool:
        return self.stage is not Stage.cancelled


class PlanView:
    """A plan as the cross-plan rules read it: its organisation, its period and its schemes' views."""

    __slots__ = ("organisation", "period", "schemes")

    def __init__(self, plan: Plan) -> None:
        self.organisation = plan.organisation
        self.period = tuple(plan.period)
        self.schemes = tuple(SchemeView(scheme) for scheme in plan.schemes)


def cross_plan_view(plan: Plan) -> Plan:
    """The parts of a plan the cross-plan rules read: its organisation, its period and its
    schemes' ids, stages, providers and baselines.

    Every plan in a run is held until the cross-plan rules have seen them all,
    and a worker sends each back to the main process; the rest of a plan
    (savings by year, profiles, milestones, delivery) is most of its size.
    The view reads like a plan to the cross-plan metrics, which use only these parts.
    """
    return cast(Plan, PlanView(plan))
