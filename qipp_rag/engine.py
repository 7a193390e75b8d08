"""The rule engine: measure -> band -> waive -> rate, for every plan of a run.

For each plan that loads, every selected rule that applies to its kind of
organisation is measured by its metric and banded on the exact value; rules
rated year by year take the worst year (the value shown is the earliest
year with that rating).  Cross-plan rules see every plan that loaded, even
those a ``--area-team``/``--region`` narrowing leaves out of the report.
Waivers then accept red or amber results, and each plan is rated
(:mod:`qipp_rag.rating`), or rated ``error`` when the file could not be read
or does not match the format.

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
from typing import TYPE_CHECKING, Any

from . import __version__
from .cross_plan import add_cross_plan_findings
from .load import loading
from .measuring import Setup
from .options import AssessOptions as AssessOptions  # built from the option definitions; imported from here too
from .rating import plan_rating
from .results import Assessment, PlanResult, Problem, ToolInfo
from .rollup import area_team_of, in_scope, region_of, summarise
from .rulebook.models import RuleSpec
from .rulebook.packs import Rulebook, load_rulebook, select_rules
from .rulebook.registry import PLAN_METRICS, PORTFOLIO_METRICS
from .workers import measure_all

if TYPE_CHECKING:
    from .waivers import Waiver


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


def _in_scope(results: Sequence[PlanResult], options: AssessOptions) -> list[PlanResult]:
    if options.area_team is None and options.region is None:
        return list(results)
    scoped = [result for result in results if in_scope(result, options.area_team, options.region)]
    if results and not scoped:
        if options.area_team is not None:
            known = sorted({code for result in results if (code := area_team_of(result.organisation))})
            raise OptionError(
                f"--area-team {options.area_team}: no plan in the input belongs to it (area teams in the "
                f"input: {', '.join(known) or 'none'})"
            )
        known = sorted({region for result in results if (region := region_of(result.organisation))})
        raise OptionError(
            f"--region {options.region}: no plan in the input belongs to it (regions in the input: "
            f"{', '.join(known) or 'none'})"
        )
    return scoped



def plan_result(outcome: Any, findings: list[Any], critical: Mapping[str, bool]) -> PlanResult:
    """A plan's result: its rating, and for a plan that was assessed its confidence, shortfall and waived count."""
    from .confidence import plan_confidence, shortfall

    if outcome.errors or outcome.plan is None or outcome.figures is None:
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

def _waive(
    outcomes: Sequence[Any],
    ordered: list[list[Any]],
    waivers: list[Waiver],
    options: AssessOptions,
    rule_ids: list[str],
    critical: Mapping[str, bool],
) -> tuple[list[list[Any]], list[Any]]:
    """Each plan's findings with the waivers applied, and the waivers' records; without a waivers
    file there is nothing to apply, and their models are not imported."""
    if options.waivers is None:
        return ordered, []
    from .waiver_hints import with_typo_warnings
    from .waivers import PlanKey, apply_waivers

    keys = [PlanKey(file=outcome.file, code=outcome.organisation.code) for outcome in outcomes]
    waived, records = apply_waivers(
        list(zip(keys, ordered, strict=True)), waivers, options.as_of, options.waivers, critical
    )
    return waived, with_typo_warnings(records, waivers, rule_ids, keys, options.waivers)


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
    outcomes = measure_all(files, setup, options.jobs)
    add_cross_plan_findings(outcomes, portfolio_rules)

    order = [rule.id for rule in chosen]
    ordered = [[outcome.findings[rule_id] for rule_id in order if rule_id in outcome.findings] for outcome in outcomes]
    critical = {rule.id: rule.critical for rule in chosen}
    waived, waiver_records = _waive(outcomes, ordered, waivers, options, [rule.id for rule in chosen], critical)
    results = [plan_result(outcome, findings, critical) for outcome, findings in zip(outcomes, waived, strict=True)]
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
