"""The rule engine: measure -> band -> waive -> rate, for every plan of a run.

For each plan that loads, every selected rule that applies to its kind of
organisation is measured by its metric and banded on the exact value; rules
rated year by year take the worst year (the value shown is the earliest
year with that rating).  Cross-plan rules see every plan that loaded, even
those a ``--area-team``/``--region`` narrowing leaves out of the report.
Waivers then accept red or amber results, and each plan is rated:

- red when any critical rule is red;
- otherwise amber when any rule is amber or any non-critical rule is red;
- otherwise green; ``n/a`` and waived results do not count;
- ``error`` when the file could not be read or does not match the format.

The core knows nothing of the command line: it takes an :class:`AssessOptions`
and returns an :class:`~qipp_rag.results.Assessment`.  The same input and
as-of date always give the same assessment.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from . import __version__
from .plan.models import Plan, Scheme
from .pool import map_in_pool
from .results import (
    Assessment,
    DeliveryFigures,
    Finding,
    Location,
    OrganisationInfo,
    PlanFigures,
    PlanResult,
    Problem,
    ToolInfo,
    format_path,
)
from .rollup import area_team_of, in_scope, region_of, summarise
from .rulebook.measure import Measurement, MetricContext, PlanRef
from .rulebook.metrics.figures import identified_by_year, risk_adjusted_by_year
from .rulebook.models import RuleSpec
from .rulebook.packs import Rulebook, load_rulebook, select_rules
from .rulebook.registry import PLAN_METRICS, PORTFOLIO_METRICS
from .vocabulary import SEVERITY, Loc
from .waiver_hints import with_typo_warnings
from .waivers import PlanKey, Waiver, apply_waivers, load_waivers


@dataclass(frozen=True)
class AssessOptions:
    """Everything a run needs, as plain values (the command line fills it; so can any caller)."""

    paths: tuple[str, ...]
    rules: tuple[str, ...] = ()  # rule pack files or folders; none: the shipped pack
    only: tuple[str, ...] = ()  # rule ids or globs to keep
    skip: tuple[str, ...] = ()  # rule ids or globs to leave out
    waivers: str | None = None  # a waivers file
    as_of: dt.date = field(default_factory=dt.date.today)
    jobs: int | None = None  # worker processes; None: the machine's cores
    area_team: str | None = None  # report only this area team's plans
    region: str | None = None  # report only this region's plans


class OptionError(ValueError):
    """The options ask for something the input cannot give (``--only`` matching no rule, ...)."""


# ---------------------------------------------------------------- banding and rating


def _band(rule: RuleSpec, measurement: Measurement) -> tuple[str, Measurement]:
    """The rating and the measurement it rests on (for a per-year rule, the earliest worst year)."""
    if measurement.per_year:
        rated = [(rule.rate(year.value), year) for year in measurement.per_year if year.value is not None]
        if not rated:
            return "n/a", measurement
        worst = max(SEVERITY[rating] for rating, _ in rated)
        return next((rating, year) for rating, year in rated if SEVERITY[rating] == worst)
    if measurement.value is None:
        return "n/a", measurement
    return rule.rate(measurement.value), measurement


def make_finding(rule: RuleSpec, measurement: Measurement, locate: Any = None) -> Finding:
    """One rule's finding for one plan; ``locate(loc) -> (line, column)`` places it in the file."""
    rating, basis = _band(rule, measurement)
    if rating == "n/a" or rule.unit == "check":
        value = None
    else:
        value = basis.display if basis.display is not None else basis.value
        if value is not None and not value.is_finite():  # TR02's growth from nothing: rated, but no number to show
            value = None
    message = basis.message or measurement.message
    loc: Loc | None = basis.loc if basis.loc is not None else measurement.loc
    location = None
    if loc is not None and locate is not None:
        line, column = locate(loc)
        location = Location(line=line, column=column, path=format_path(loc))
    return Finding(
        rule=rule.id,
        rating=rating,  # type: ignore[arg-type]
        value=value,
        message=message,
        location=location,
        evidence=list(measurement.evidence or basis.evidence),  # a per-year rule explains every year
    )


def plan_rating(findings: Iterable[Finding], critical: Mapping[str, bool]) -> str:
    """Red if a critical rule is red; amber if any rule is amber or a non-critical one red; else green."""
    counted = [finding for finding in findings if finding.rating in SEVERITY]  # n/a and waived do not count
    if any(finding.rating == "red" and critical.get(finding.rule, False) for finding in counted):
        return "red"
    if any(finding.rating in ("amber", "red") for finding in counted):
        return "amber"
    return "green"


# ---------------------------------------------------------------- figures


def organisation_info(plan: Plan) -> OrganisationInfo:
    org = plan.organisation
    return OrganisationInfo(code=org.code, name=org.name, type=org.type.value, area_team=org.area_team, region=org.region.value)


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
    )


# ---------------------------------------------------------------- measuring one plan


@dataclass(frozen=True)
class _Setup:
    """What every worker needs, sent once per worker process."""

    rules: tuple[RuleSpec, ...]  # single-plan rules in force, in rule order
    stage_factors: Mapping[str, Decimal]
    as_of: dt.date
    record_positions: bool  # cross-plan rules need to know where things are in each plan to place their findings


class Positions:
    """Where the top levels of one plan file sit, taken while its parse tree is at hand.

    Cross-plan rules are placed in the main process after every plan was
    read; asking each plan's source map there would parse every file again,
    one after another.  A worker instead records, for every path up to
    ``depth`` levels deep, where it is (a few dozen small tuples), and sends
    that back.  Cross-plan findings point at an organisation's fields or at a
    scheme (``schemes[3]``), within two levels; a deeper path is placed at
    its nearest recorded ancestor, as a source map places a path that does
    not exist.
    """

    __slots__ = ("table",)

    def __init__(self, table: dict[Loc, tuple[int, int]]) -> None:
        self.table = table

    @classmethod
    def record(cls, plan: Plan, source: Any, depth: int = 2) -> "Positions":
        table: dict[Loc, tuple[int, int]] = {}

        def walk(value: Any, loc: Loc) -> None:
            table[loc] = source.locate(loc)
            if len(loc) >= depth:
                return
            if isinstance(value, BaseModel):
                for name in sorted(value.model_fields_set):
                    walk(getattr(value, name), (*loc, name))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, (*loc, index))
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(item, (*loc, str(key)))

        walk(plan, ())
        return cls(table)

    def locate(self, loc: Loc) -> tuple[int, int]:
        for end in range(len(loc), -1, -1):
            found = self.table.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1, 1


@dataclass
class _Outcome:
    index: int
    file: str
    organisation: OrganisationInfo
    findings: dict[str, Finding] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    figures: PlanFigures | None = None
    plan: Plan | None = None
    positions: Positions | None = None


def _measure_file(setup: _Setup, index: int, file: str) -> _Outcome:
    from .load.loading import FailedPlan, load_plan

    loaded = load_plan(file)
    if isinstance(loaded, FailedPlan):
        return _Outcome(index=index, file=loaded.file, organisation=loaded.organisation, errors=list(loaded.problems))
    plan = loaded.plan
    kind = plan.organisation.type.value
    findings: dict[str, Finding] = {}
    for rule in setup.rules:
        if kind not in rule.applies_to:
            continue
        context = MetricContext(plan=plan, stage_factors=setup.stage_factors, as_of=setup.as_of, params=rule.params)
        findings[rule.id] = make_finding(rule, PLAN_METRICS[rule.metric](context), loaded.source.locate)
    return _Outcome(
        index=index,
        file=loaded.file,
        organisation=organisation_info(plan),
        findings=findings,
        figures=plan_figures(plan, setup.stage_factors),
        plan=cross_plan_view(plan),
        positions=Positions.record(plan, loaded.source) if setup.record_positions else None,
    )


def cross_plan_view(plan: Plan) -> Plan:
    """The parts of a plan the cross-plan rules read: its organisation, its period and its
    schemes' ids, stages, providers and baselines.

    Every plan in a run is held until the cross-plan rules have seen them all,
    and a worker sends each back to the main process; the rest of a plan
    (savings by year, profiles, milestones, delivery) is most of its size.
    """
    schemes = [
        Scheme.model_construct(id=scheme.id, stage=scheme.stage, provider=scheme.provider, baseline=scheme.baseline)
        for scheme in plan.schemes
    ]
    return Plan.model_construct(qipp_plan=1, organisation=plan.organisation, period=plan.period, schemes=schemes)


_WORKER_SETUP: _Setup | None = None


def _start_worker(setup: _Setup) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _work(item: tuple[int, str]) -> _Outcome:
    assert _WORKER_SETUP is not None, "worker used before its initializer ran"
    return _measure_file(_WORKER_SETUP, *item)


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(jobs: int | None, files: int) -> int:
    """``jobs`` worker processes (default: the cores available), never more than the cores available
    nor than there are files: ``--jobs 200`` on two cores starts two, not 200 processes."""
    cores = available_cores()
    wanted = jobs if jobs is not None else cores
    return max(1, min(wanted, cores, files))


def _measure_all(files: Sequence[str], setup: _Setup, jobs: int | None) -> list[_Outcome]:
    items = list(enumerate(files))
    workers = worker_count(jobs, len(items))
    if workers == 1:
        return [_measure_file(setup, index, file) for index, file in items]
    chunk = max(1, -(-len(items) // (workers * 4)))  # a few chunks per worker evens out uneven plans
    return map_in_pool(_work, items, workers=workers, chunksize=chunk, initializer=_start_worker, initargs=(setup,))


# ---------------------------------------------------------------- cross-plan rules


def _add_portfolio_findings(outcomes: Sequence[_Outcome], rules: Sequence[RuleSpec]) -> None:
    refs = [PlanRef(index=outcome.index, file=outcome.file, plan=outcome.plan) for outcome in outcomes if outcome.plan is not None]
    by_index = {outcome.index: outcome for outcome in outcomes}
    for rule in rules:
        measured = PORTFOLIO_METRICS[rule.metric](refs, rule.params)
        for index, measurement in sorted(measured.items()):
            outcome = by_index.get(index)
            if outcome is None or outcome.plan is None or outcome.plan.organisation.type.value not in rule.applies_to:
                continue
            locate = outcome.positions.locate if outcome.positions is not None else None
            outcome.findings[rule.id] = make_finding(rule, measurement, locate)


# ---------------------------------------------------------------- the run


def _select(rulebook: Rulebook, options: AssessOptions) -> list[RuleSpec]:
    chosen, unmatched = select_rules(rulebook.rules, options.only, options.skip)
    if unmatched:
        import difflib

        ids = [rule.id for rule in rulebook.rules]
        hints = []
        for pattern in unmatched:
            near = difflib.get_close_matches(pattern.upper(), ids, n=3, cutoff=0.5)
            hints.append(f"`{pattern}`" + (f" (did you mean {', '.join(near)}?)" if near else ""))
        raise OptionError(f"--only/--skip: no rule in force matches {'; '.join(hints)}; `qipp-rag rules` lists them")
    return chosen


def _in_scope(results: Sequence[PlanResult], options: AssessOptions) -> list[PlanResult]:
    if options.area_team is None and options.region is None:
        return list(results)
    scoped = [result for result in results if in_scope(result, options.area_team, options.region)]
    if results and not scoped:
        if options.area_team is not None:
            known = sorted({code for result in results if (code := area_team_of(result.organisation))})
            raise OptionError(f"--area-team {options.area_team}: no plan in the input belongs to it (area teams in the input: {', '.join(known) or 'none'})")
        known = sorted({region for result in results if (region := region_of(result.organisation))})
        raise OptionError(f"--region {options.region}: no plan in the input belongs to it (regions in the input: {', '.join(known) or 'none'})")
    return scoped


def assess(options: AssessOptions, problems: Sequence[Problem] = ()) -> Assessment:
    """Assess every plan under ``options.paths``.  ``problems`` are earlier input errors (a config
    file's) to report with the rest.  Raises :class:`OptionError` for options the input cannot meet."""
    from .load.loading import discover

    errors: list[Problem] = list(problems)
    rulebook, pack_problems = load_rulebook(options.rules)
    errors += pack_problems
    if pack_problems:  # with a pack left out, a pattern may fail to match for that reason alone
        chosen, _ = select_rules(rulebook.rules, options.only, options.skip)
    else:
        chosen = _select(rulebook, options)
    if not chosen and not pack_problems:  # nothing in force would rate every plan green: never a pass
        why = "the rule packs hold no rules" if not rulebook.rules else "--only/--skip (or `only`/`skip` in the configuration file) leave none"
        raise OptionError(f"no rule is in force: {why}; `qipp-rag rules` lists the rules")

    waivers: list[Waiver] = []
    if options.waivers is not None:
        waivers, waiver_problems = load_waivers(options.waivers)
        errors += waiver_problems

    files, discovery_problems = discover(list(options.paths))
    errors += discovery_problems
    if not files and not discovery_problems:
        where = ", ".join(options.paths) or "(no paths given)"
        errors.append(Problem(message=f"no plan files (*.yaml or *.yml) were found under {where}", line=0, column=0))

    portfolio_rules = [rule for rule in chosen if rule.metric in PORTFOLIO_METRICS]
    setup = _Setup(
        rules=tuple(rule for rule in chosen if rule.metric in PLAN_METRICS),
        stage_factors=dict(rulebook.stage_factors),
        as_of=options.as_of,
        record_positions=bool(portfolio_rules),
    )
    outcomes = _measure_all(files, setup, options.jobs)
    _add_portfolio_findings(outcomes, portfolio_rules)

    order = [rule.id for rule in chosen]
    ordered = [[outcome.findings[rule_id] for rule_id in order if rule_id in outcome.findings] for outcome in outcomes]
    keys = [PlanKey(file=outcome.file, code=outcome.organisation.code) for outcome in outcomes]
    waived, waiver_records = apply_waivers(list(zip(keys, ordered)), waivers, options.as_of, options.waivers)
    waiver_records = with_typo_warnings(waiver_records, waivers, [rule.id for rule in chosen], keys, options.waivers)

    critical = {rule.id: rule.critical for rule in chosen}
    results = [
        PlanResult(
            file=outcome.file,
            organisation=outcome.organisation,
            rating="error" if outcome.errors or outcome.plan is None else plan_rating(findings, critical),  # type: ignore[arg-type]
            findings=findings if outcome.plan is not None else [],
            errors=outcome.errors,
            figures=outcome.figures,
        )
        for outcome, findings in zip(outcomes, waived)
    ]
    reported = _in_scope(results, options)
    summary, portfolio = summarise(reported)
    return Assessment(
        tool=ToolInfo(version=__version__),
        as_of=options.as_of,
        rule_packs=list(rulebook.packs),
        rules=[rulebook.info(rule) for rule in chosen],
        waivers=waiver_records,
        plans=reported,
        portfolio=portfolio,
        summary=summary,
        errors=errors,
    )
