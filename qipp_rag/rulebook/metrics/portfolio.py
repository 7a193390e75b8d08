"""Across plans: the metrics of the cross-plan rules (PF01-PF04).

The four portfolio metrics look at every plan loaded in the run (a
:class:`~qipp_rag.rulebook.plan_table.PlanTable`) and give a measurement for
each plan a rule applies to, one plan at a time in run order, as
``(index in the run, measurement)``: no rule holds every plan's measurement
at once.  Names in messages are always in file order, so the same run gives
the same words.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ... import reference
from ...vocabulary import OrgType
from ..measure import Measurement, portfolio_metric
from ..plan_table import PlanTable, SchemeIndex, grouped
from ..plan_table import SchemeKey as SchemeKey  # where the key was defined before the plan table
from ..plan_table import double_count_key as double_count_key

MESSAGE_ITEMS = 10  # a message names this many items at most; the evidence lists them all
MESSAGE_MATCHES = 3  # PF03 names this many matching schemes per scheme in its message
EVIDENCE_ITEMS = 20  # PF03 evidence per scheme: a scheme copied into every plan must not make the report quadratic

Measured = Iterator[tuple[int, Measurement]]

# ---------------------------------------------------------------- small helpers


def _who(plans: PlanTable, row: int) -> str:
    return f"{plans.code(row)} ({plans.file(row)})"


def _years(years: Iterable[str]) -> str:
    return ", ".join(sorted(years))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _capped(items: Sequence[str], count: int | None = None) -> str:
    """The first MESSAGE_ITEMS of ``count`` items (default: all of ``items``); ``items`` may hold
    just those, so that the rest are never worded."""
    count = len(items) if count is None else count
    if count <= MESSAGE_ITEMS:
        return "; ".join(items[:count])
    return "; ".join(items[:MESSAGE_ITEMS]) + f"; and {count - MESSAGE_ITEMS} more (see the evidence)"


def _team_label(code: str) -> str:
    known = reference.area_team(code)
    return f"{code} ({known.name})" if known is not None else code


# ---------------------------------------------------------------- PF01


@portfolio_metric("duplicate_plans")
def duplicate_plans(plans: PlanTable, params: Mapping[str, Any]) -> Measured:
    """PF01: other plan files for the same organisation whose period overlaps this one's."""
    # The rows of each organisation's plans covering each year, in file order: a plan's overlapping
    # others are found through its own years, not by comparing it with every other plan.
    codes: dict[str, int] = {}
    years_seen: dict[str, int] = {}
    for row in range(len(plans)):
        codes.setdefault(plans.code(row), len(codes))
        for year in plans.period(row):
            years_seen.setdefault(year, len(years_seen))

    def group(code: str, year: str) -> int:
        return codes[code] * len(years_seen) + years_seen[year]

    entries = array("I")  # in file order, a row for each of its years
    keys = array("I")  # and that year's (code, year) group
    for row in plans.by_file():
        code = plans.code(row)
        for year in plans.period(row):
            entries.append(row)
            keys.append(group(code, year))
    starts, order = grouped(keys, len(codes) * len(years_seen))
    covering = array("I", (entries[at] for at in order))  # (code, year) k's rows: covering[starts[k]:starts[k + 1]]
    del entries, keys, order
    rank = plans.rank()

    for row in range(len(plans)):
        code, period, years = plans.code(row), plans.period(row), plans.years(row)
        found: set[int] = set()
        for year in period:
            key = group(code, year)
            found.update(covering[starts[key] : starts[key + 1]])
        found.discard(row)
        if not found:
            yield plans.index(row), Measurement(
                Decimal(0),
                f"no other plan file in the run is for {code} in {_years(period)}",
                loc=("organisation", "code"),
            )
            continue
        others = sorted(found, key=rank.__getitem__)
        shared = [(plans.file(other), _years(years & plans.years(other))) for other in others]
        named = [f"{file} ({overlap})" for file, overlap in shared[:MESSAGE_ITEMS]]
        yield plans.index(row), Measurement(
            Decimal(len(others)),
            f"{len(others)} other plan {_plural(len(others), 'file is', 'files are')} for {code} over the same years, "
            f"so the assessment cannot tell which plan stands: {_capped(named, len(others))}",
            evidence=tuple(f"{file}: also a plan for {code}, overlapping in {overlap}" for file, overlap in shared),
            loc=("organisation", "code"),
        )


# ---------------------------------------------------------------- PF02


@portfolio_metric("area_team_ccgs")
def area_team_ccgs(plans: PlanTable, params: Mapping[str, Any]) -> Measured:
    """PF02: an area team plan's ``ccgs`` list against the CCG plans in the run that name the team."""
    naming: dict[str, dict[str, array[int]]] = {}  # area team -> CCG code -> rows of its plans naming it
    teams_named_by: dict[str, set[str]] = {}  # CCG code -> area teams its plans name
    for row in plans.by_file():
        team = plans.area_team(row)
        if plans.kind(row) is OrgType.ccg and team is not None:
            naming.setdefault(team, {}).setdefault(plans.code(row), array("Q")).append(row)
            teams_named_by.setdefault(plans.code(row), set()).add(team)
    rank = plans.rank()

    for row in range(len(plans)):
        if plans.kind(row) is not OrgType.area_team:
            continue
        code = plans.code(row)
        listed = plans.detail(row).ccgs
        if listed is None:
            yield plans.index(row), Measurement(
                None,
                f"the plan gives no `organisation.ccgs` list, so the CCGs that area team {code} assures "
                "cannot be compared with the CCG plans in the run",
                loc=("organisation",),
            )
            continue
        listed_codes = set(listed)
        by_ccg = naming.get(code, {})

        missing = sorted(listed_codes - set(by_ccg))
        unlisted_codes = sorted(ccg for ccg in by_ccg if ccg not in listed_codes)
        unlisted = sorted((other for ccg in unlisted_codes for other in by_ccg[ccg]), key=rank.__getitem__)

        def why_missing(ccg: str) -> str:
            elsewhere = sorted(teams_named_by.get(ccg, set()))
            return (
                f"{ccg} (its plan names area team {', '.join(elsewhere)})"
                if elsewhere
                else f"{ccg} (no plan in the run)"
            )

        evidence = [
            f"{why_missing(ccg)}: listed in `ccgs`, but no CCG plan in the run names area team {code}"
            for ccg in missing
        ]
        evidence += [
            f"{_who(plans, other)}: names area team {code}, but `ccgs` does not list it" for other in unlisted
        ]

        count = len(missing) + len(unlisted_codes)
        if count == 0:
            message = (
                f"the `ccgs` list ({len(listed_codes)} {_plural(len(listed_codes), 'CCG', 'CCGs')}) matches the CCG "
                "plans "
                f"in the run that name area team {code}"
            )
        else:
            parts = []
            if missing:
                parts.append(
                    f"listed in `ccgs` without a CCG plan in the run naming {code}: "
                    f"{_capped([why_missing(c) for c in missing[:MESSAGE_ITEMS]], len(missing))}"
                )
            if unlisted_codes:
                parts.append(f"CCG plans in the run naming {code} but not listed in `ccgs`: {_capped(unlisted_codes)}")
            message = (
                f"the `ccgs` list differs from the CCG plans in the run that name area team {code}: "
                + "; and ".join(parts)
            )
        yield plans.index(row), Measurement(
            Decimal(count), message, evidence=tuple(evidence), loc=("organisation", "ccgs")
        )


# ---------------------------------------------------------------- PF03


class _Rivalry:
    """Which plans' savings could be counted twice: another organisation's, over some of the same years.

    Two files of the same organisation are PF01's concern, and plans for
    different years cannot count one year's saving twice.
    """

    def __init__(self, plans: PlanTable) -> None:
        self._plans = plans
        self._codes_by_year: dict[str, set[str]] = {}
        for row in range(len(plans)):
            for year in plans.period(row):
                self._codes_by_year.setdefault(year, set()).add(plans.code(row))

    def between(self, row: int, other: int) -> bool:
        plans = self._plans
        return other != row and plans.code(other) != plans.code(row) and not plans.years(row).isdisjoint(
            plans.years(other)
        )

    def any_for(self, row: int) -> bool:
        code = self._plans.code(row)
        return any(self._codes_by_year[year] != {code} for year in self._plans.period(row))


Match = tuple[int, int]  # (row, slot): another plan's compared scheme


def _first_matches(plans: PlanTable, row: int, slot: int, index: SchemeIndex, rivalry: _Rivalry) -> list[Match]:
    """Up to EVIDENCE_ITEMS + 1 matches in file order: one settles the count, a few explain it,
    and a scheme copied into thousands of plans is not compared with every copy.  A hash is only a
    candidate: the key itself is compared, read back from each plan's detail."""
    key: SchemeKey | None = None
    found: list[Match] = []
    for other, their_slot in index.with_hash(plans.hash(row, slot)):
        if not rivalry.between(row, other):
            continue
        if key is None:
            key = plans.detail(row).schemes[slot].key
        if plans.detail(other).schemes[their_slot].key != key:
            continue
        found.append((other, their_slot))
        if len(found) > EVIDENCE_ITEMS:
            break
    return found


def _matched(plans: PlanTable, matches: Sequence[Match], limit: int) -> str:
    named = ", ".join(
        f"{plans.code(other)} `{plans.detail(other).schemes[slot].id}` ({plans.file(other)})"
        for other, slot in matches[:limit]
    )
    return named + (" and others" if len(matches) > limit else "")


@portfolio_metric("shared_provider_baseline")
def shared_provider_baseline(plans: PlanTable, params: Mapping[str, Any]) -> Measured:
    """PF03: live schemes sharing provider and baseline measure and value with a scheme in another plan."""
    rivalry = _Rivalry(plans)
    index = SchemeIndex(plans)
    for row in range(len(plans)):
        compared = plans.compared(row)
        if not compared:
            yield plans.index(row), Measurement(
                None,
                (
                    "no live scheme gives a provider with a baseline measure and value, so none can be compared "
                    "with other plans"
                ),
            )
            continue
        if not rivalry.any_for(row):
            yield plans.index(row), Measurement(
                None, "the run holds no other organisation's plan covering the same years to compare schemes with"
            )
            continue

        colliding: list[tuple[int, list[Match]]] = []
        for slot in range(compared):
            matches = _first_matches(plans, row, slot, index, rivalry)
            if matches:
                colliding.append((slot, matches))

        if not colliding:
            yield plans.index(row), Measurement(
                Decimal(0),
                f"none of the {compared} live {_plural(compared, 'scheme', 'schemes')} with a provider and baseline "
                "shares them with a scheme in another organisation's plan in the run",
            )
            continue
        mine = plans.detail(row).schemes
        described = [
            f"`{mine[slot].id}` with {_matched(plans, matches, MESSAGE_MATCHES)}"
            for slot, matches in colliding[:MESSAGE_ITEMS]
        ]
        evidence = []
        for slot, matches in colliding:
            scheme = mine[slot]
            found = (
                f"schemes[{scheme.position}] `{scheme.id}` "
                f"(provider {scheme.provider}, baseline {scheme.measure} = {scheme.value})"
            )
            evidence += [
                f"{found} matches {plans.code(other)} scheme `{plans.detail(other).schemes[their].id}` "
                f"in {plans.file(other)}"
                for other, their in matches[:EVIDENCE_ITEMS]
            ]
            if len(matches) > EVIDENCE_ITEMS:
                evidence.append(f"{found} matches further schemes in other plans")
        yield plans.index(row), Measurement(
            Decimal(len(colliding)),
            f"{len(colliding)} live {_plural(len(colliding), 'scheme shares', 'schemes share')} a provider and "
            "baseline measure and value "
            "with a scheme in another organisation's plan, so the same saving may be counted twice: "
            f"{_capped(described, len(colliding))}",
            evidence=tuple(evidence),
            loc=("schemes", mine[colliding[0][0]].position),
        )


# ---------------------------------------------------------------- PF04


@portfolio_metric("unknown_area_team")
def unknown_area_team(plans: PlanTable, params: Mapping[str, Any]) -> Measured:
    """PF04: a CCG naming an area team that no area team plan in the run has, while some are present."""
    teams: dict[str, list[int]] = {}  # area team code -> rows of its plans, in file order
    team_rows: list[int] = []  # every area team plan's row, in file order
    for row in plans.by_file():
        if plans.kind(row) is OrgType.area_team:
            teams.setdefault(plans.code(row), []).append(row)
            team_rows.append(row)

    present: list[str] | None = None  # worded when a CCG names an unknown team
    has_plan: dict[str, str] = {}  # team -> its message: the same for every CCG naming it
    for row in range(len(plans)):
        if plans.kind(row) is not OrgType.ccg:
            continue
        code, team = plans.code(row), plans.area_team(row)
        if team is None:
            yield plans.index(row), Measurement(None, "the plan names no area team", loc=("organisation",))
        elif not teams:
            yield plans.index(row), Measurement(
                None,
                f"the run holds no area team plan, so area team {_team_label(team)} cannot be checked against one",
                loc=("organisation", "area_team"),
            )
        elif team in teams:
            message = has_plan.get(team)
            if message is None:
                own = teams[team]
                named = ", ".join(plans.file(other) for other in own[:MESSAGE_ITEMS])
                more = f" and {len(own) - MESSAGE_ITEMS} more" if len(own) > MESSAGE_ITEMS else ""
                message = has_plan[team] = f"area team {_team_label(team)} has a plan in the run: {named}{more}"
            yield plans.index(row), Measurement(Decimal(0), message, loc=("organisation", "area_team"))
        else:
            if present is None:
                present = [_who(plans, other) for other in team_rows]
            hint = ""
            known = reference.ccg(code)
            if known is not None and known.area_team_code != team:
                hint = f"; the 2013 CCG list gives area team {_team_label(known.area_team_code)} for {code}"
            yield plans.index(row), Measurement(
                Decimal(1),
                f"names area team {_team_label(team)}, but no area team plan in the run has that code "
                f"(area team plans in the run: {_capped(present)}){hint}",
                evidence=tuple(f"area team plan in the run: {item}" for item in present),
                loc=("organisation", "area_team"),
            )
