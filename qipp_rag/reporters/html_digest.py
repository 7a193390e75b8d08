"""What the HTML report's first screen says: scope, money short, the plans that need action, failures by rule.

Plain values only (the template lays them out).  Money is summed exactly and
rounded only when shown: whole £000 in tables, £m to one decimal place in
headlines.  Shortfalls are summed plan by plan, so one plan's surplus never
hides another's gap.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from ..results import CONFIDENCE_ORDER, Distance, Finding, PlanResult, RuleInfo
from ..vocabulary import REGIONS
from .text import money

ZERO = Decimal(0)
# Worse results sort first: a plan rated error could not be assessed at all.
PLAN_ORDER: dict[str, int] = {"error": 0, "red": 1, "amber": 2, "green": 3}
# Within a rating, the lower delivery confidence first (red, amber/red, ... green); none (a plan rated error) last.
CONFIDENCE_RANK: dict[str, int] = {level: -position for position, level in enumerate(CONFIDENCE_ORDER)}
# Regions whose plans together make a national round.
ENGLAND = frozenset(REGIONS)
_ORG_CODE = re.compile(r"^([0-9A-Z]{3})(?=[-_. ]|$)")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(`])")


# ---------------------------------------------------------------- money


def thousands(value: Decimal) -> str:
    """Whole £000 with thousands separators, as every table shows money: ``1234.5`` -> ``1,235``."""
    text = format(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), ",f")
    return "0" if text == "-0" else text


def millions(value: Decimal) -> str:
    """A headline amount held in £000, in £m to one decimal place: ``546123`` -> ``£546.1m``."""
    shown = (value / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(abs(shown), ",f")
    return ("−£" if shown < 0 else "£") + text + "m"


def pounds(value: Decimal) -> str:
    """An amount held in £000 in running text: ``£1,235k``, or ``£1.2m`` from a million up."""
    return millions(value) if abs(value) >= 1000 else f"£{thousands(value)}k"


def exact_pounds(value: Decimal) -> str:
    """An amount held in £000 to the £10, never rounded away: ``£460k``, ``£1,200.5k``, ``£0.35k``; ``£0`` for none."""
    return money(value, zero="£0")


def distance_text(distance: Distance | None, rule: RuleInfo | None) -> str | None:
    """``£460k more in 2015/16 to be green (£120k to leave red)``: the least money that moves a finding.

    "more" for a rule where more money is better (its green band has a lower bound), "less" for one
    where less is (an upper bound: a non-recurrent share, the largest scheme, last-quarter savings)."""
    if distance is None:
        return None
    green = rule.green if rule is not None else None
    direction = ""
    if green is not None and (green.min is not None or green.above is not None):
        direction = " more"
    elif green is not None and (green.max is not None or green.below is not None):
        direction = " less"
    text = f"{exact_pounds(distance.to_green)}{direction} in {distance.year} to be green"
    if distance.to_amber is not None:
        text += f" ({exact_pounds(distance.to_amber)} to leave red)"
    return text


# ---------------------------------------------------------------- plans


def years_text(years: Sequence[str]) -> str:
    """``2014/15 to 2016/17``; a dash when the plan gave none (it could not be read)."""
    if not years:
        return "—"
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


def code_from_file(file: str) -> str | None:
    """The organisation code a plan file's name starts with (``03Q-vale-of-york.yaml`` -> ``03Q``), if any."""
    found = _ORG_CODE.match(PurePosixPath(file.replace("\\", "/")).name)
    return found.group(1) if found else None


def display_paths(files: Iterable[str]) -> dict[str, str]:
    """Each plan file as the report shows it: as given when relative, else relative to the run.

    An absolute path (a run on ``/tmp/...``) is shown from the folder that holds
    every plan of the run, so no temporary or home folder reaches the report."""
    files = list(files)
    absolute = [file for file in files if is_absolute(file)]
    shown = {file: file for file in files}
    if not absolute:
        return shown
    parents = [os.path.dirname(file.replace("\\", "/")) for file in absolute]
    try:
        root = os.path.commonpath(parents)
    except ValueError:  # a mix of drives
        root = ""
    base = os.path.dirname(root) if root else ""
    for file in absolute:
        posix = file.replace("\\", "/")
        shown[file] = os.path.relpath(posix, base) if base else PurePosixPath(posix).name
    return shown


def is_absolute(file: str) -> bool:
    path: PurePath = PureWindowsPath(file) if "\\" in file or re.match(r"^[A-Za-z]:", file) else PurePosixPath(file)
    return path.is_absolute()


@dataclass(frozen=True)
class Shortfall:
    """Money short of a plan's target (£000) by plan year: identified, and risk-adjusted."""

    identified: dict[str, Decimal] = field(default_factory=dict)
    risk_adjusted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """The risk-adjusted shortfall over every plan year."""
        return sum(self.risk_adjusted.values(), ZERO)


def shortfall(plan: PlanResult) -> Shortfall | None:
    """The plan's own ``shortfall`` by year (identified and risk-adjusted), as the assessment gives it.

    None for a plan rated error, or one from a saved assessment that carries no shortfall."""
    if plan.shortfall is None or plan.rating == "error":
        return None
    return Shortfall(
        {year: gap.identified for year, gap in plan.shortfall.items()},
        {year: gap.risk_adjusted for year, gap in plan.shortfall.items()},
    )


def shortfall_totals(shortfalls: Iterable[Shortfall | None]) -> Shortfall:
    """Shortfalls added up plan by plan, by year."""
    identified: dict[str, Decimal] = {}
    risk_adjusted: dict[str, Decimal] = {}
    for item in shortfalls:
        if item is None:
            continue
        for year, amount in item.identified.items():
            identified[year] = identified.get(year, ZERO) + amount
        for year, amount in item.risk_adjusted.items():
            risk_adjusted[year] = risk_adjusted.get(year, ZERO) + amount
    return Shortfall(dict(sorted(identified.items())), dict(sorted(risk_adjusted.items())))


def severity(
    plan: PlanResult, rules: Mapping[str, RuleInfo], short: Shortfall | None
) -> tuple[int, int, int, int, int, Decimal]:
    """A sort key, worst first: rating, delivery confidence, then red critical rules, red rules, amber rules,
    money short."""
    critical = reds = ambers = 0
    for finding in plan.findings:
        if finding.rating == "red":
            reds += 1
            rule = rules.get(finding.rule)
            critical += 1 if rule is not None and rule.critical else 0
        elif finding.rating == "amber":
            ambers += 1
    confidence = CONFIDENCE_RANK.get(plan.confidence or "", 1)
    return (PLAN_ORDER.get(plan.rating, 0), confidence, -critical, -reds, -ambers, -(short.total if short else ZERO))


def failing(plan: PlanResult, rules: Mapping[str, RuleInfo]) -> list[Finding]:
    """The plan's red findings (critical rules first), then its amber ones, each in rule order."""
    order = {"red": 0, "amber": 1}

    def key(item: tuple[int, Finding]) -> tuple[int, int, int]:
        position, finding = item
        rule = rules.get(finding.rule)
        return (order[finding.rating], 0 if rule is not None and rule.critical else 1, position)

    flagged = [(position, finding) for position, finding in enumerate(plan.findings) if finding.rating in order]
    return [finding for _, finding in sorted(flagged, key=key)]


def first_step(remediation: str) -> str:
    """The first sentence of a rule's remediation: what to do first."""
    text = " ".join(remediation.split())
    return _SENTENCE.split(text, maxsplit=1)[0]


# ---------------------------------------------------------------- the run


def scope(regions: Sequence[str | None], region_label: Mapping[str, str]) -> str:
    """What the run covers: ``London region``, ``England`` (every region) or ``3 regions``."""
    known = sorted({region for region in regions if region})
    if not known:
        return "plans of no known region" if regions else "no plans"
    if len(known) == 1:
        return f"{region_label.get(known[0], known[0])} region"
    if ENGLAND <= set(known):
        return "England"
    return f"{len(known)} regions"


@dataclass(frozen=True)
class RuleFailures:
    rule: str
    title: str
    anchor: str | None
    red: int
    amber: int


def failures_by_rule(
    plans: Iterable[PlanResult], rules: Sequence[RuleInfo], anchors: Mapping[str, str]
) -> list[RuleFailures]:
    """For each rule, the plans red and amber on it; most reds first, rules no plan fails left out."""
    red: dict[str, int] = {}
    amber: dict[str, int] = {}
    for plan in plans:
        count_failures(plan, red, amber)
    return rank_failures(red, amber, rules, anchors)


def count_failures(plan: PlanResult, red: dict[str, int], amber: dict[str, int]) -> None:
    """Add the plan to the count of plans red (and amber) on each rule."""
    for rule_id in {finding.rule for finding in plan.findings if finding.rating == "red"}:
        red[rule_id] = red.get(rule_id, 0) + 1
    for rule_id in {finding.rule for finding in plan.findings if finding.rating == "amber"}:
        amber[rule_id] = amber.get(rule_id, 0) + 1


def rank_failures(
    red: Mapping[str, int], amber: Mapping[str, int], rules: Sequence[RuleInfo], anchors: Mapping[str, str]
) -> list[RuleFailures]:
    """The rules plans fail, most reds first, from the counts of :func:`count_failures`."""
    order = {rule.id: position for position, rule in enumerate(rules)}
    titles = {rule.id: rule.title for rule in rules}
    ids = sorted(
        set(red) | set(amber),
        key=lambda rule_id: (-red.get(rule_id, 0), -amber.get(rule_id, 0), order.get(rule_id, len(order)), rule_id),
    )
    return [
        RuleFailures(rule_id, titles.get(rule_id, ""), anchors.get(rule_id), red.get(rule_id, 0), amber.get(rule_id, 0))
        for rule_id in ids
    ]
