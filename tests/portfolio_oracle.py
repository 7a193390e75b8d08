"""The cross-plan metrics (PF01-PF04) as they were written over whole plans held in memory: the
oracle the streamed metrics of qipp_rag.rulebook.metrics.portfolio are checked against.

Kept verbatim but for the registration decorators (this module registers nothing).

The four portfolio metrics look at every plan loaded in the run at once and
return a measurement for each plan a rule applies to, keyed by the plan's
index in the run.  Names in messages are always in file order, so the same
run gives the same words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from qipp_rag import reference
from qipp_rag.plan.models import Scheme
from qipp_rag.rulebook.measure import Measurement, PlanRef
from qipp_rag.vocabulary import OrgType

MESSAGE_ITEMS = 10  # a message names this many items at most; the evidence lists them all
MESSAGE_MATCHES = 3  # PF03 names this many matching schemes per scheme in its message
EVIDENCE_ITEMS = 20  # PF03 evidence per scheme: a scheme copied into every plan must not make the report quadratic

# ---------------------------------------------------------------- small helpers


def _by_file(refs: Iterable[PlanRef]) -> list[PlanRef]:
    return sorted(refs, key=lambda ref: (ref.file, ref.index))


def _who(ref: PlanRef) -> str:
    return f"{ref.plan.organisation.code} ({ref.file})"


def _years(years: Iterable[str]) -> str:
    return ", ".join(sorted(years))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _capped(items: Sequence[str]) -> str:
    if len(items) <= MESSAGE_ITEMS:
        return "; ".join(items)
    return "; ".join(items[:MESSAGE_ITEMS]) + f"; and {len(items) - MESSAGE_ITEMS} more (see the evidence)"


def _overlap(a: PlanRef, b: PlanRef) -> set[str]:
    return set(a.plan.period) & set(b.plan.period)


def _is_ccg(ref: PlanRef) -> bool:
    return ref.plan.organisation.type is OrgType.ccg


def _is_area_team(ref: PlanRef) -> bool:
    return ref.plan.organisation.type is OrgType.area_team


def _team_label(code: str) -> str:
    known = reference.area_team(code)
    return f"{code} ({known.name})" if known is not None else code


# ---------------------------------------------------------------- PF01


def duplicate_plans(plans: Sequence[PlanRef], params: Mapping[str, Any]) -> dict[int, Measurement]:
    """PF01: other plan files for the same organisation whose period overlaps this one's."""
    by_code: dict[str, list[PlanRef]] = defaultdict(list)  # each in file order
    for ref in _by_file(plans):
        by_code[ref.plan.organisation.code].append(ref)

    results: dict[int, Measurement] = {}
    for ref in plans:
        code = ref.plan.organisation.code
        others = [other for other in by_code[code] if other.index != ref.index and _overlap(ref, other)]
        if not others:
            results[ref.index] = Measurement(
                Decimal(0),
                f"no other plan file in the run is for {code} in {_years(ref.plan.period)}",
                loc=("organisation", "code"),
            )
            continue
        named = [f"{other.file} ({_years(_overlap(ref, other))})" for other in others]
        results[ref.index] = Measurement(
            Decimal(len(others)),
            f"{len(others)} other plan {_plural(len(others), 'file is', 'files are')} for {code} over the same years, "
            f"so the assessment cannot tell which plan stands: {_capped(named)}",
            evidence=tuple(
                f"{other.file}: also a plan for {code}, overlapping in {_years(_overlap(ref, other))}"
                for other in others
            ),
            loc=("organisation", "code"),
        )
    return results


# ---------------------------------------------------------------- PF02


def area_team_ccgs(plans: Sequence[PlanRef], params: Mapping[str, Any]) -> dict[int, Measurement]:
    """PF02: an area team plan's ``ccgs`` list against the CCG plans in the run that name the team."""
    naming: dict[str, list[PlanRef]] = defaultdict(list)  # area team code -> CCG plans naming it
    teams_named_by: dict[str, set[str]] = defaultdict(set)  # CCG code -> area teams its plans name
    for ref in _by_file(plans):
        org = ref.plan.organisation
        if _is_ccg(ref) and org.area_team is not None:
            naming[org.area_team].append(ref)
            teams_named_by[org.code].add(org.area_team)

    results: dict[int, Measurement] = {}
    for ref in plans:
        if not _is_area_team(ref):
            continue
        code = ref.plan.organisation.code
        listed = ref.plan.organisation.ccgs
        if listed is None:
            results[ref.index] = Measurement(
                None,
                f"the plan gives no `organisation.ccgs` list, so the CCGs that area team {code} assures "
                "cannot be compared with the CCG plans in the run",
                loc=("organisation",),
            )
            continue
        listed_codes = set(listed)
        ccg_plans = naming.get(code, [])
        named_codes = {other.plan.organisation.code for other in ccg_plans}

        missing = sorted(listed_codes - named_codes)
        unlisted = [other for other in ccg_plans if other.plan.organisation.code not in listed_codes]
        unlisted_codes = sorted({other.plan.organisation.code for other in unlisted})

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
            (f"{other.plan.organisation.code} ({other.file}): names area team {code}, but `ccgs` does not list it")
            for other in unlisted
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
                    f"{_capped([why_missing(c) for c in missing])}"
                )
            if unlisted_codes:
                parts.append(f"CCG plans in the run naming {code} but not listed in `ccgs`: {_capped(unlisted_codes)}")
            message = (
                f"the `ccgs` list differs from the CCG plans in the run that name area team {code}: "
                + "; and ".join(parts)
            )
        results[ref.index] = Measurement(
            Decimal(count), message, evidence=tuple(evidence), loc=("organisation", "ccgs")
        )
    return results


# ---------------------------------------------------------------- PF03

SchemeKey = tuple[str, str, Decimal]


def _normal(text: str) -> str:
    """Provider and measure compare without case and with runs of whitespace as one space."""
    return " ".join(text.split()).casefold()


def double_count_key(scheme: Scheme) -> SchemeKey | None:
    """(provider, baseline measure, baseline value) of a live scheme that gives all three, else None."""
    if not scheme.live or scheme.provider is None or scheme.baseline is None:
        return None
    measure, value = scheme.baseline.measure, scheme.baseline.value
    if measure is None or value is None:
        return None
    provider, measure = _normal(scheme.provider), _normal(measure)
    if not provider or not measure:
        return None
    return provider, measure, value  # Decimal: 1200 and 1200.0 are the same value, and hash alike


class _Rivalry:
    """Which plans' savings could be counted twice: another organisation's, over some of the same years.

    Two files of the same organisation are PF01's concern, and plans for
    different years cannot count one year's saving twice.
    """

    def __init__(self, plans: Sequence[PlanRef]) -> None:
        self._years = {ref.index: frozenset(ref.plan.period) for ref in plans}
        self._codes_by_year: dict[str, set[str]] = defaultdict(set)
        for ref in plans:
            for year in ref.plan.period:
                self._codes_by_year[year].add(ref.plan.organisation.code)

    def between(self, ref: PlanRef, other: PlanRef) -> bool:
        return (
            other.index != ref.index
            and other.plan.organisation.code != ref.plan.organisation.code
            and not self._years[ref.index].isdisjoint(self._years[other.index])
        )

    def any_for(self, ref: PlanRef) -> bool:
        code = ref.plan.organisation.code
        return any(self._codes_by_year[year] != {code} for year in ref.plan.period)


Match = tuple[PlanRef, int, Scheme]


def _matched(matches: Sequence[Match], limit: int) -> str:
    named = ", ".join(
        f"{other.plan.organisation.code} `{theirs.id}` ({other.file})" for other, _, theirs in matches[:limit]
    )
    return named + (" and others" if len(matches) > limit else "")


def _as_written(position: int, scheme: Scheme) -> str:
    """A comparable scheme's provider and baseline as the plan writes them."""
    provider = (scheme.provider or "").strip()
    measure = (scheme.baseline.measure or "").strip() if scheme.baseline else ""
    value = scheme.baseline.value if scheme.baseline else None
    return f"schemes[{position}] `{scheme.id}` (provider {provider}, baseline {measure} = {value})"


def _first_matches(ref: PlanRef, candidates: Sequence[Match], rivalry: _Rivalry) -> list[Match]:
    """Up to EVIDENCE_ITEMS + 1 matches in file order: one settles the count, a few explain it,
    and a scheme copied into thousands of plans is not compared with every copy."""
    found: list[Match] = []
    for match in candidates:
        if rivalry.between(ref, match[0]):
            found.append(match)
            if len(found) > EVIDENCE_ITEMS:
                break
    return found


def shared_provider_baseline(plans: Sequence[PlanRef], params: Mapping[str, Any]) -> dict[int, Measurement]:
    """PF03: live schemes sharing provider and baseline measure and value with a scheme in another plan."""
    rivalry = _Rivalry(plans)
    comparable: dict[int, list[tuple[int, Scheme, SchemeKey]]] = {}
    index: dict[SchemeKey, list[Match]] = defaultdict(list)
    for ref in _by_file(plans):
        comparable[ref.index] = []
        for position, scheme in enumerate(ref.plan.schemes):
            key = double_count_key(scheme)
            if key is not None:
                comparable[ref.index].append((position, scheme, key))
                index[key].append((ref, position, scheme))

    results: dict[int, Measurement] = {}
    for ref in plans:
        mine = comparable[ref.index]
        if not mine:
            results[ref.index] = Measurement(
                None,
                (
                    "no live scheme gives a provider with a baseline measure and value, so none can be compared "
                    "with other plans"
                ),
            )
            continue
        if not rivalry.any_for(ref):
            results[ref.index] = Measurement(
                None, "the run holds no other organisation's plan covering the same years to compare schemes with"
            )
            continue

        colliding: list[tuple[int, Scheme, list[Match]]] = []
        for position, scheme, key in mine:
            matches = _first_matches(ref, index[key], rivalry)
            if matches:
                colliding.append((position, scheme, matches))

        if not colliding:
            results[ref.index] = Measurement(
                Decimal(0),
                f"none of the {len(mine)} live {_plural(len(mine), 'scheme', 'schemes')} with a provider and baseline "
                "shares them with a scheme in another organisation's plan in the run",
            )
            continue
        described = [f"`{scheme.id}` with {_matched(matches, MESSAGE_MATCHES)}" for _, scheme, matches in colliding]
        evidence = []
        for position, scheme, matches in colliding:
            found = _as_written(position, scheme)
            evidence += [
                f"{found} matches {other.plan.organisation.code} scheme `{theirs.id}` in {other.file}"
                for other, _, theirs in matches[:EVIDENCE_ITEMS]
            ]
            if len(matches) > EVIDENCE_ITEMS:
                evidence.append(f"{found} matches further schemes in other plans")
        results[ref.index] = Measurement(
            Decimal(len(colliding)),
            f"{len(colliding)} live {_plural(len(colliding), 'scheme shares', 'schemes share')} a provider and "
            "baseline measure and value "
            "with a scheme in another organisation's plan, so the same saving may be counted twice: "
            f"{_capped(described)}",
            evidence=tuple(evidence),
            loc=("schemes", colliding[0][0]),
        )
    return results


# ---------------------------------------------------------------- PF04


def unknown_area_team(plans: Sequence[PlanRef], params: Mapping[str, Any]) -> dict[int, Measurement]:
    """PF04: a CCG naming an area team that no area team plan in the run has, while some are present."""
    teams: dict[str, list[PlanRef]] = defaultdict(list)
    for ref in _by_file(plans):
        if _is_area_team(ref):
            teams[ref.plan.organisation.code].append(ref)

    present = [_who(other) for other in _by_file(other for group in teams.values() for other in group)]
    results: dict[int, Measurement] = {}
    for ref in plans:
        if not _is_ccg(ref):
            continue
        org = ref.plan.organisation
        team = org.area_team
        if team is None:
            results[ref.index] = Measurement(None, "the plan names no area team", loc=("organisation",))
        elif not teams:
            results[ref.index] = Measurement(
                None,
                f"the run holds no area team plan, so area team {_team_label(team)} cannot be checked against one",
                loc=("organisation", "area_team"),
            )
        elif team in teams:
            results[ref.index] = Measurement(
                Decimal(0),
                f"area team {_team_label(team)} has a plan in the run: "
                f"{', '.join(other.file for other in teams[team][:MESSAGE_ITEMS])}"
                + (f" and {len(teams[team]) - MESSAGE_ITEMS} more" if len(teams[team]) > MESSAGE_ITEMS else ""),
                loc=("organisation", "area_team"),
            )
        else:
            hint = ""
            known = reference.ccg(org.code)
            if known is not None and known.area_team_code != team:
                hint = f"; the 2013 CCG list gives area team {_team_label(known.area_team_code)} for {org.code}"
            results[ref.index] = Measurement(
                Decimal(1),
                f"names area team {_team_label(team)}, but no area team plan in the run has that code "
                f"(area team plans in the run: {_capped(present)}){hint}",
                evidence=tuple(f"area team plan in the run: {item}" for item in present),
                loc=("organisation", "area_team"),
            )
    return results
