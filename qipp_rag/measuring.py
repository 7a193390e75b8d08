"""Measuring one plan file: read it, measure every single-plan rule in force, and keep its figures.

What comes back (a :class:`Measured`) is small and picklable, so a worker
process can send it to the main one: the findings and the plan's figures
(an :class:`Outcome`, already packed for the spill file), and, when
cross-plan rules are in force, the plan's sketch and its detail, packed for
the spill file too (:mod:`qipp_rag.rulebook.plan_table`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .load import loading
from .plan.models import Plan
from .positions import Positions
from .rating import make_finding
from .results import DeliveryFigures, Finding, OrganisationInfo, PlanFigures, Problem
from .rulebook.measure import MetricContext
from .rulebook.metrics.figures import identified_by_year, risk_adjusted_by_year
from .rulebook.models import RuleSpec
from .rulebook.plan_table import PlanSketch, sketch_plan
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
    the worker, so the main process only writes it), and what the cross-plan rules need of it:
    the sketch they keep in memory and the detail they read back (packed, for a spill file too)."""

    index: int
    file: str  # as the plan's results name it
    packed: bytes
    sketch: PlanSketch | None  # None for a file that did not load, or when no cross-plan rule is in force
    detail: bytes | None


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
    sketch, detail = sketch_plan(plan)
    positions = Positions.record(plan, loaded.source, schemes=[scheme.position for scheme in detail.schemes])
    return Measured(index, outcome.file, pack(outcome), sketch, pack(detail._replace(positions=positions)))
