"""What changed between two assessments: plans whose rating moved, rules that moved, plans added or gone.

Plans are matched by organisation code where the code names exactly one
plan on each side (a file may be renamed between quarters), then by file
for the rest (plans without a code, or a code on two plans).  Ratings are
ordered green < amber < red < error; a plan "got worse" when its rating
moved up that order.  Within a matched plan, a rule is listed when its
finding's rating changed (including a rule that only one side has), unless
the plan is rated ``error`` on either side.
Plans added or gone never count as worse: ``--fail-on-worse`` is about
plans that were there before.

A matched plan is also listed when its delivery confidence moved (green <
amber/green < amber < amber/red < red) or its shortfall against target
changed in any year, and the national shortfall totals are compared year by
year.  Assessments saved before confidence and shortfall were reported carry
neither, and are not compared on them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .reporters.text import markdown_entities, money, visible
from .results import (
    CONFIDENCE_ORDER,
    SHORTFALL_KEYS,
    Assessment,
    Finding,
    PlanResult,
    exact_numbers,
    mark_exact,
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
    old: list[PlanResult], new: list[PlanResult]
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


# ---------------------------------------------------------------- rendering


def _rating_text(rating: str | None, value: Decimal | None) -> str:
    if rating is None:
        return "(not assessed)"
    return f"{rating} ({value})" if value is not None else rating


def _counts_line(diff: AssessmentDiff) -> str:
    same = diff.matched - len(diff.worse) - len(diff.better)
    return (
        f"{diff.matched} plans matched: {len(diff.worse)} worse, {len(diff.better)} better, {same} with the same "
        "rating; "
        f"{len(diff.added)} added, {len(diff.gone)} gone"
    )


def _money(value: Decimal | None) -> str:
    return "none" if value is None else money(value)


def _shortfall_text(change: ShortfallChange) -> str:
    return (
        f"shortfall {change.year}: identified {_money(change.old_identified)} -> {_money(change.new_identified)}, "
        f"risk-adjusted {_money(change.old_risk_adjusted)} -> {_money(change.new_risk_adjusted)}"
    )


def _confidence_text(change: PlanChange) -> str:
    """", confidence amber/green -> amber/red" where it moved, else nothing."""
    if change.old_confidence is None or change.new_confidence is None or change.old_confidence == change.new_confidence:
        return ""
    return f", confidence {change.old_confidence} -> {change.new_confidence}"


def render_table(diff: AssessmentDiff) -> str:
    out = [f"qipp-rag diff: {diff.old_as_of} -> {diff.new_as_of}", _counts_line(diff), ""]
    for change in diff.changed:
        moved = (
            f"{change.old_rating} -> {change.new_rating}"
            if change.old_rating != change.new_rating
            else f"{change.new_rating} (rating unchanged)"
        )
        out.append(f"{change.direction.upper():<6}  {change.label}: {moved}{_confidence_text(change)}")
        if change.old_file != change.new_file:
            out.append(f"        file: {change.old_file} -> {change.new_file}")
        for rule in change.rules:
            out.append(
                f"        {rule.rule:<6} {rule.title}: {_rating_text(rule.old_rating, rule.old_value)} -> "
                f"{_rating_text(rule.new_rating, rule.new_value)}"
            )
            if rule.new_message:
                out.append(f"               now: {rule.new_message}")
        out += [f"        {_shortfall_text(gap)}" for gap in change.shortfall]
    for entry in diff.added:
        out.append(f"ADDED   {entry.label}: {entry.rating}")
    for entry in diff.gone:
        out.append(f"GONE    {entry.label}: was {entry.rating}")
    if diff.shortfall_totals:
        out += ["", "Shortfall totals (summed plan by plan):"]
        out += [f"        {_shortfall_text(gap)}" for gap in diff.shortfall_totals]
    if not diff.changed and not diff.added and not diff.gone:
        out.append("No plan's rating or rule results changed.")
    return "\n".join(_one_line(line) for line in out) + "\n"


def _md(text: str) -> str:
    return markdown_entities(text)


def render_markdown(diff: AssessmentDiff) -> str:
    out = [f"## qipp-rag diff: {diff.old_as_of} → {diff.new_as_of}", "", _md(_counts_line(diff)), ""]
    if diff.changed:
        out += ["| plan | was | now | direction | confidence was | confidence now |", "|---|---|---|---|---|---|"]
        out += [
            f"| {_md(c.label)} | {c.old_rating} | {c.new_rating} | {c.direction} | "
            f"{c.old_confidence or ''} | {c.new_confidence or ''} |"
            for c in diff.changed
        ]
        out.append("")
        for change in diff.changed:
            if change.rules or change.shortfall:
                out += [f"### {_md(change.label)}", ""]
            if change.rules:
                out += ["| rule | was | now | finding now |", "|---|---|---|---|"]
                out += [
                    f"| {_md(r.rule)} {_md(r.title)} | {_md(_rating_text(r.old_rating, r.old_value))} | "
                    f"{_md(_rating_text(r.new_rating, r.new_value))} | {_md(r.new_message or '')} |"
                    for r in change.rules
                ]
                out.append("")
            if change.shortfall:
                out += [_md(_shortfall_text(gap)).join(("- ", "")) for gap in change.shortfall] + [""]
    if diff.shortfall_totals:
        out += ["### Shortfall totals (summed plan by plan)", ""]
        out += [_md(_shortfall_text(gap)).join(("- ", "")) for gap in diff.shortfall_totals] + [""]
    if diff.added:
        out += ["### Added", ""] + [f"- {_md(e.label)}: {e.rating}" for e in diff.added] + [""]
    if diff.gone:
        out += ["### Gone", ""] + [f"- {_md(e.label)}: was {e.rating}" for e in diff.gone] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def diff_to_data(diff: AssessmentDiff) -> dict[str, Any]:
    return {
        "old_as_of": diff.old_as_of,
        "new_as_of": diff.new_as_of,
        "summary": {
            "matched": diff.matched,
            "worse": len(diff.worse),
            "better": len(diff.better),
            "added": len(diff.added),
            "gone": len(diff.gone),
        },
        "changed": [
            {
                "key": c.key,
                "old_file": c.old_file,
                "new_file": c.new_file,
                "label": c.label,
                "old_rating": c.old_rating,
                "new_rating": c.new_rating,
                "direction": c.direction,
                "old_confidence": c.old_confidence,
                "new_confidence": c.new_confidence,
                "confidence_direction": c.confidence_direction,
                "shortfall": [_shortfall_data(gap) for gap in c.shortfall],
                "rules": [
                    {
                        "rule": r.rule,
                        "title": r.title,
                        "old_rating": r.old_rating,
                        "new_rating": r.new_rating,
                        "direction": r.direction,
                        "old_value": r.old_value,
                        "new_value": r.new_value,
                        "old_message": r.old_message,
                        "new_message": r.new_message,
                    }
                    for r in c.rules
                ],
            }
            for c in diff.changed
        ],
        "added": [
            {"file": e.file, "label": e.label, "rating": e.rating, "confidence": e.confidence} for e in diff.added
        ],
        "gone": [{"file": e.file, "label": e.label, "rating": e.rating, "confidence": e.confidence} for e in diff.gone],
        "shortfall_totals": [_shortfall_data(gap) for gap in diff.shortfall_totals],
    }


def _shortfall_data(gap: ShortfallChange) -> dict[str, Any]:
    return {
        "year": gap.year,
        "old": {"identified": gap.old_identified, "risk_adjusted": gap.old_risk_adjusted},
        "new": {"identified": gap.new_identified, "risk_adjusted": gap.new_risk_adjusted},
    }


def render_json(diff: AssessmentDiff) -> str:
    """Values as exact JSON numbers, as in the assessment itself."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return mark_exact(value)  # the assessment's own unforgeable mark
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    text = json.dumps(plain(diff_to_data(diff)), indent=2, ensure_ascii=False)
    return exact_numbers(text) + "\n"


RENDERERS = {"table": render_table, "markdown": render_markdown, "json": render_json}


def _one_line(text: str) -> str:
    """Plan text in the plain table: control characters and line breaks cannot reshape the output."""
    return visible(text)
