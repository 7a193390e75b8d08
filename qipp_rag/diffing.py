"""What changed between two assessments: plans whose rating moved, rules that moved, plans added or gone.

Plans are matched by organisation code where the code names exactly one
plan on each side (a file may be renamed between quarters), then by file
for the rest (plans without a code, or a code on two plans).  Ratings are
ordered green < amber < red < error; a plan "got worse" when its rating
moved up that order.  Within a matched plan, a rule is listed when its
finding's rating changed (including a rule that only one side has), unless
the plan is rated ``error`` on either side.
Plans added or gone never count as worse: ``--fail-on-worse`` is about
plans that were there before.  The diff is written out by
:mod:`qipp_rag.reporters.diff`.

A matched plan is also listed when its delivery confidence moved (green <
amber/green < amber < amber/red < red) or its shortfall against target
changed in any year, and the national shortfall totals are compared year by
year.  Assessments saved before confidence and shortfall were reported carry
neither, and are not compared on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .results import (
    CONFIDENCE_ORDER,
    SHORTFALL_KEYS,
    Assessment,
    Finding,
    PlanResult,
    round_value,
)
from .vocabulary import PLAN_RATINGS

RULE_RANKS = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class RuleChange:
    rule: str
    title: str
    old_rating: str | None  # None: the rule did not apply on that side
    new_rating: str | None
    old_value: Decimal | None
    new_value: Decimal | None
    old_message: str | None
    new_message: str | None

    @property
    def direction(self) -> str:
        """worse or better between green, amber and red; "changed" to or from n/a, waived or absent."""
        if self.old_rating in RULE_RANKS and self.new_rating in RULE_RANKS:
            return "worse" if RULE_RANKS[self.new_rating] > RULE_RANKS[self.old_rating] else "better"
        return "changed"


@dataclass(frozen=True)
class ShortfallChange:
    """One plan year's shortfall (£000) on each side, where either of its two measures moved."""

    year: str
    old_identified: Decimal | None
    new_identified: Decimal | None
    old_risk_adjusted: Decimal | None
    new_risk_adjusted: Decimal | None


@dataclass(frozen=True)
class PlanChange:
    key: str  # organisation code, or the file for a plan without one
    old_file: str
    new_file: str
    label: str
    old_rating: str
    new_rating: str
    rules: list[RuleChange] = field(default_factory=list)
    old_confidence: str | None = None
    new_confidence: str | None = None
    shortfall: list[ShortfallChange] = field(default_factory=list)

    @property
    def direction(self) -> str:
        old, new = PLAN_RATINGS.index(self.old_rating), PLAN_RATINGS.index(self.new_rating)
        return "worse" if new > old else "better" if new < old else "same"

    @property
    def confidence_direction(self) -> str:
        """worse, better or same along the five-point scale; same when either side has none."""
        if self.old_confidence not in CONFIDENCE_ORDER or self.new_confidence not in CONFIDENCE_ORDER:
            return "same"
        old, new = CONFIDENCE_ORDER.index(self.old_confidence), CONFIDENCE_ORDER.index(self.new_confidence)
        return "worse" if new > old else "better" if new < old else "same"


@dataclass(frozen=True)
class PlanEntry:
    """A plan only one side has."""

    file: str
    label: str
    rating: str
    confidence: str | None = None


@dataclass(frozen=True)
class AssessmentDiff:
    old_as_of: str
    new_as_of: str
    matched: int
    changed: list[PlanChange]  # matched plans whose rating or any rule's rating moved, in the new run's order
    added: list[PlanEntry]
    gone: list[PlanEntry]
    shortfall_totals: list[ShortfallChange] = field(default_factory=list)  # national, years where a total moved

    @property
    def worse(self) -> list[PlanChange]:
        return [change for change in self.changed if change.direction == "worse"]

    @property
    def better(self) -> list[PlanChange]:
        return [change for change in self.changed if change.direction == "better"]

    @property
    def any_worse(self) -> bool:
        return bool(self.worse)


def label(plan: PlanResult) -> str:
    org = plan.organisation
    name = " ".join(part for part in (org.code, org.name) if part)
    return f"{name} ({plan.file})" if name else plan.file


def diff_assessments(old: Assessment, new: Assessment) -> AssessmentDiff:
    pairs, added, gone = match_plans(old.plans, new.plans)
    titles = {rule.id: rule.title for rule in old.rules} | {rule.id: rule.title for rule in new.rules}
    rank: dict[str, int] = {}  # rule id -> its place: the new run's order, then the old run's
    for rule in (*new.rules, *old.rules):
        rank.setdefault(rule.id, len(rank))
    changed = []
    for before, after in pairs:
        # A plan that could not be read on either side has no findings to compare there.
        both_read = "error" not in (before.rating, after.rating)
        rules = _rule_changes(before, after, titles, rank) if both_read else []
        gaps = _shortfall_changes(before, after) if both_read else []
        sides = (before.confidence, after.confidence)
        confidence_moved = both_read and None not in sides and sides[0] != sides[1]
        if rules or gaps or confidence_moved or before.rating != after.rating:
            changed.append(
                PlanChange(
                    key=after.organisation.code or after.file,
                    old_file=before.file,
                    new_file=after.file,
                    label=label(after),
                    old_rating=before.rating,
                    new_rating=after.rating,
                    rules=rules,
                    old_confidence=before.confidence,
                    new_confidence=after.confidence,
                    shortfall=gaps,
                )
            )
    return AssessmentDiff(
        old_as_of=old.as_of.isoformat(),
        new_as_of=new.as_of.isoformat(),
        matched=len(pairs),
        changed=changed,
        added=[PlanEntry(plan.file, label(plan), plan.rating, plan.confidence) for plan in added],
        gone=[PlanEntry(plan.file, label(plan), plan.rating, plan.confidence) for plan in gone],
        shortfall_totals=_total_shortfall_changes(old, new),
    )


def _shortfall_changes(before: PlanResult, after: PlanResult) -> list[ShortfallChange]:
    """Years where either shortfall of the plan moved; none when a side does not report shortfall."""
    if before.shortfall is None or after.shortfall is None:
        return []
    changes = []
    for year in sorted(set(before.shortfall) | set(after.shortfall)):
        was, now = before.shortfall.get(year), after.shortfall.get(year)
        old = (was.identified, was.risk_adjusted) if was else (None, None)
        new = (now.identified, now.risk_adjusted) if now else (None, None)
        if old != new:
            changes.append(ShortfallChange(year, *old[:1], *new[:1], *old[1:], *new[1:]))
    return changes


def _total_shortfall_changes(old: Assessment, new: Assessment) -> list[ShortfallChange]:
    """The national shortfall totals, year by year, where either moved (only when both runs report them)."""
    was, now = old.summary.totals, new.summary.totals
    if not all(key in was and key in now for key in SHORTFALL_KEYS):
        return []
    identified, risk_adjusted = SHORTFALL_KEYS
    changes = []
    for year in sorted(set(was[identified]) | set(now[identified])):
        old_pair = (was[identified].get(year), was[risk_adjusted].get(year))
        new_pair = (now[identified].get(year), now[risk_adjusted].get(year))
        if old_pair != new_pair:
            changes.append(ShortfallChange(year, old_pair[0], new_pair[0], old_pair[1], new_pair[1]))
    return changes


def match_plans(
    old: Sequence[PlanResult], new: Sequence[PlanResult]
) -> tuple[list[tuple[PlanResult, PlanResult]], list[PlanResult], list[PlanResult]]:
    """(matched pairs in the new run's order, plans only in new, plans only in old)."""
    old_codes = Counter(plan.organisation.code for plan in old if plan.organisation.code)
    new_codes = Counter(plan.organisation.code for plan in new if plan.organisation.code)
    unique = {code for code in old_codes if old_codes[code] == 1 and new_codes.get(code) == 1}
    old_by_code = {plan.organisation.code: plan for plan in old if plan.organisation.code in unique}
    taken: set[int] = set()
    partner: dict[int, PlanResult] = {}
    for index, plan in enumerate(new):
        if plan.organisation.code in unique:
            match = old_by_code[plan.organisation.code]
            partner[index] = match
            taken.add(id(match))
    old_by_file: dict[str, PlanResult] = {}
    for plan in old:
        if id(plan) not in taken:
            old_by_file.setdefault(plan.file, plan)
    for index, plan in enumerate(new):
        if index in partner:
            continue
        found = old_by_file.pop(plan.file, None)
        if found is not None:
            partner[index] = found
            taken.add(id(found))
    pairs = [(partner[index], plan) for index, plan in enumerate(new) if index in partner]
    added = [plan for index, plan in enumerate(new) if index not in partner]
    gone = [plan for plan in old if id(plan) not in taken]
    return pairs, added, gone


def _rule_changes(
    before: PlanResult, after: PlanResult, titles: dict[str, str], rank: dict[str, int]
) -> list[RuleChange]:
    old = {finding.rule: finding for finding in before.findings}
    new = {finding.rule: finding for finding in after.findings}
    ids = sorted(set(old) | set(new), key=lambda rule: (rank.get(rule, len(rank)), rule))
    changes = []
    for rule in ids:
        was, now = old.get(rule), new.get(rule)
        if _rating(was) == _rating(now):
            continue
        changes.append(
            RuleChange(
                rule=rule,
                title=titles.get(rule, ""),
                old_rating=_rating(was),
                new_rating=_rating(now),
                old_value=round_value(was.value) if was else None,
                new_value=round_value(now.value) if now else None,
                old_message=was.message if was else None,
                new_message=now.message if now else None,
            )
        )
    return changes


def _rating(finding: Finding | None) -> str | None:
    return None if finding is None else finding.rating
