"""The rule engine: measure -> band -> waive -> rate, for every plan of a run.

For each plan that loads, every selected rule that applies to its kind of
organisation is measured by its metric and banded on the exact value; rules
rated year by year take the worst year (the value shown is the earliest
year with that rating).  Cross-plan rules see every plan that loaded, even
those a ``--area-team``/``--region`` narrowing leaves out of the report.
Waivers then accept red or amber results, and each plan is rated
(:mod:`qipp_rag.rating`), or rated ``error`` when the file could not be read
or does not match the format.

A run streams, so that its memory stays flat however many plans it reads:

- pass 1 measures each file (in this process or the worker pool, in file
  order) and writes its outcome to a spill file (:mod:`qipp_rag.spill`) at
  once, keeping in memory only a sketch of what the cross-plan rules read
  (:mod:`qipp_rag.rulebook.plan_table`: codes, periods, hashes), the rest of
  it in a second spill file;
- between the passes each outcome is read back, given its cross-plan
  findings (the rules measure plan by plan, in step) and its waivers,
  rated, counted into the roll-ups if in scope, and written to a second
  spill file;
- pass 2 is the reporters': ``assessment.plans`` reads that file a plan at a time.

The jobs around the run live beside it: measuring one file
(:mod:`qipp_rag.measuring`), the process pool (:mod:`qipp_rag.workers`), the
cross-plan rules (:mod:`qipp_rag.cross_plan`) and the roll-ups
(:mod:`qipp_rag.rollup`).

The core knows nothing of the command line: it takes an :class:`AssessOptions`
and returns an :class:`~qipp_rag.results.Assessment`.  The same input and
as-of date always give the same assessment.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from . import __version__
from .cross_plan import cross_plan_findings
from .load import loading
from .measuring import Outcome, Setup
from .options import AssessOptions as AssessOptions  # built from the option definitions; imported from here too
from .rating import plan_rating
from .results import Assessment, Finding, PlanResult, Problem, ToolInfo, WaiverRecord
from .rollup import Rollup, area_team_of, in_scope, region_of
from .rulebook.models import RuleSpec
from .rulebook.packs import Rulebook, load_rulebook, select_rules
from .rulebook.plan_table import PlanTable
from .rulebook.registry import PLAN_METRICS, PORTFOLIO_METRICS
from .spill import SpilledSequence, SpillStore
from .workers import measure_each

if TYPE_CHECKING:
    from .waivers import Waiver, WaiverApplier


class OptionError(ValueError):
    """The options ask for something the input cannot give (``--only`` matching no rule, ...)."""


# ---------------------------------------------------------------- the run


def _select(rulebook: Rulebook, options: AssessOptions) -> list[RuleSpec]:
    chosen, unmatched = select_rules(rulebook.rules, options.only, options.skip)
    if unmatched:
        ids = [rule.id for rule in rulebook.rules]
        hints = []
        for pattern in unmatched:
            near = difflib.get_close_matches(pattern.upper(), ids, n=3, cutoff=0.5)
            hints.append(f"`{pattern}`" + (f" (did you mean {', '.join(near)}?)" if near else ""))
        raise OptionError(f"--only/--skip: no rule in force matches {'; '.join(hints)}; `qipp-rag rules` lists them")
    return chosen


class _Scope:
    """The ``--area-team``/``--region`` narrowing, and what the input held, for the message when it leaves nothing."""

    def __init__(self, options: AssessOptions) -> None:
        self.area_team = options.area_team
        self.region = options.region
        self.narrowed = self.area_team is not None or self.region is not None
        self.seen = 0
        self.area_teams: set[str] = set()
        self.regions: set[str] = set()

    def keeps(self, result: PlanResult) -> bool:
        self.seen += 1
        if not self.narrowed:
            return True
        if (code := area_team_of(result.organisation)) is not None:
            self.area_teams.add(code)
        if (region := region_of(result.organisation)) is not None:
            self.regions.add(region)
        return in_scope(result, self.area_team, self.region)

    def check(self, kept: int) -> None:
        """Raise :class:`OptionError` when the narrowing left no plan of an input that had some."""
        if not self.seen or kept:
            return
        if self.area_team is not None:
            raise OptionError(
                f"--area-team {self.area_team}: no plan in the input belongs to it (area teams in the "
                f"input: {', '.join(sorted(self.area_teams)) or 'none'})"
            )
        if self.region is not None:
            raise OptionError(
                f"--region {self.region}: no plan in the input belongs to it (regions in the input: "
                f"{', '.join(sorted(self.regions)) or 'none'})"
            )


def plan_result(outcome: Outcome, findings: list[Finding], critical: Mapping[str, bool]) -> PlanResult:
    """A plan's result: its rating, and for a plan that was assessed its confidence, shortfall and waived count."""
    from .confidence import plan_confidence, shortfall

    if outcome.errors or outcome.figures is None:
        return PlanResult(file=outcome.file, organisation=outcome.organisation, rating="error", errors=outcome.errors)
    rating = plan_rating(findings, critical)
    return PlanResult(
        file=outcome.file,
        organisation=outcome.organisation,
        rating=rating,
        findings=findings,
        figures=outcome.figures,
        confidence=plan_confidence(rating, findings, critical),
        shortfall=shortfall(outcome.figures),
        waived=sum(1 for finding in findings if finding.rating == "waived"),
    )


class _Waiving:
    """The waivers applied plan by plan, and what their typo warnings need to know of the run's plans.
    Without a waivers file there is nothing to apply, and their models are not imported."""

    def __init__(self, waivers: list[Waiver], options: AssessOptions, critical: Mapping[str, bool]) -> None:
        self.waivers = waivers
        self.file = options.waivers
        self.applier: WaiverApplier | None = None
        self.names: set[str] = set()  # every plan's organisation code and file, for "did you mean"
        if self.file is not None:
            from .waivers import WaiverApplier

            self.applier = WaiverApplier(waivers, options.as_of, self.file, critical)

    def apply(self, outcome: Outcome, findings: list[Finding]) -> list[Finding]:
        if self.applier is None:
            return findings
        from .waivers import PlanKey

        key = PlanKey(file=outcome.file, code=outcome.organisation.code)
        self.names.update(name for name in (key.code, key.file) if name)
        return self.applier.apply(key, findings)

    def records(self, rule_ids: list[str]) -> list[WaiverRecord]:
        if self.applier is None:
            return []
        from .waiver_hints import with_typo_warnings

        return with_typo_warnings(self.applier.records(), self.waivers, rule_ids, self.applier.found, self.names)


def _measure(files: Sequence[str], setup: Setup, jobs: int | None, spill: SpillStore, details: SpillStore) -> PlanTable:
    """Pass 1: every file measured and its outcome written to ``spill`` (number = index in the run);
    what comes back is what the cross-plan rules read of each plan that loaded: its sketch, in the
    table, and its detail, written to ``details`` (number = the plan's row in the table)."""
    table = PlanTable(details)
    for measured in measure_each(files, setup, jobs):
        number = spill.append_packed(measured.packed)
        assert number == measured.index, "plans are measured in the run's order"
        if measured.sketch is not None and measured.detail is not None:
            # The discovered name when it is the same: a worker's copy would hold the text twice.
            file = files[measured.index] if files[measured.index] == measured.file else measured.file
            row = table.add(measured.index, file, measured.sketch)
            assert details.append_packed(measured.detail) == row, "a plan's detail is numbered as its row"
    return table


def assess(options: AssessOptions, problems: Sequence[Problem] = ()) -> Assessment:
    """Assess every plan under ``options.paths``.  ``problems`` are earlier input errors (a config
    file's) to report with the rest.  Raises :class:`OptionError` for options the input cannot meet."""
    errors: list[Problem] = list(problems)
    rulebook, pack_problems = load_rulebook(options.rules)
    errors += pack_problems
    if pack_problems:  # with a pack left out, a pattern may fail to match for that reason alone
        chosen, _ = select_rules(rulebook.rules, options.only, options.skip)
    else:
        chosen = _select(rulebook, options)
    if not chosen and not pack_problems:  # nothing in force would rate every plan green: never a pass
        why = (
            "the rule packs hold no rules"
            if not rulebook.rules
            else "--only/--skip (or `only`/`skip` in the configuration file) leave none"
        )
        raise OptionError(f"no rule is in force: {why}; `qipp-rag rules` lists the rules")

    waivers: list[Waiver] = []
    if options.waivers is not None:
        from .waivers import load_waivers

        waivers, waiver_problems = load_waivers(options.waivers)
        errors += waiver_problems

    others = (*options.rules, *([options.waivers] if options.waivers else []), *options.not_plans)
    files, discovery_problems = loading.discover(  # through the module: tests stand in for it
        list(options.paths), exclude=options.exclude, not_plans=others
    )
    errors += discovery_problems
    if not files and not discovery_problems:
        where = ", ".join(options.paths) or "(no paths given)"
        errors.append(Problem(message=f"no plan files (*.yaml or *.yml) were found under {where}", line=0, column=0))

    portfolio_rules = [rule for rule in chosen if rule.metric in PORTFOLIO_METRICS]
    setup = Setup(
        rules=tuple(rule for rule in chosen if rule.metric in PLAN_METRICS),
        stage_factors=dict(rulebook.stage_factors),
        as_of=options.as_of,
        record_positions=bool(portfolio_rules),
    )
    order = [rule.id for rule in chosen]
    critical = {rule.id: rule.critical for rule in chosen}
    waiving = _Waiving(waivers, options, critical)
    scope = _Scope(options)
    rollup = Rollup()
    with SpillStore() as measured, SpillStore() as details:
        cross = cross_plan_findings(_measure(files, setup, options.jobs, measured, details), portfolio_rules)
        reported = SpillStore()
        try:
            # Between the passes: each plan gets its cross-plan findings and its waivers, then its
            # rating; the plans in scope are counted and written again, as the reports will read them.
            for number, outcome in enumerate(measured):
                for rule_id, finding in cross.pop(number):
                    outcome.findings[rule_id] = finding
                findings = [outcome.findings[rule_id] for rule_id in order if rule_id in outcome.findings]
                result = plan_result(outcome, waiving.apply(outcome, findings), critical)
                if scope.keeps(result):
                    rollup.add(result)
                    reported.append(result)
            scope.check(len(reported))
        except BaseException:
            reported.close()
            raise
        del cross  # the cross-plan rules' working state: done with before the reports are written
    summary, portfolio = rollup.result()
    assessment = Assessment(
        tool=ToolInfo(version=__version__),
        as_of=options.as_of,
        rule_packs=list(rulebook.packs),
        rules=[rulebook.info(rule) for rule in chosen],
        waivers=waiving.records(order),
        plans=[],
        portfolio=portfolio,
        summary=summary,
        errors=errors,
    )
    # Pass 2 is the reporters': they read the plans back one at a time (close them when done).
    return assessment.model_copy(update={"plans": SpilledSequence(reported)})
