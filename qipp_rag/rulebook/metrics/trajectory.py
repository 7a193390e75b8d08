"""Realistic trajectories: TR01-TR03 and TR05-TR07 (TR04 is a generic share of value)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from ...plan.models import Assumptions
from ..measure import Measurement, MetricContext, Share, plan_metric
from ..params import list_of
from ._support import (
    Lines,
    amount,
    capped,
    money,
    nearest,
    not_applicable,
    pct,
    percent,
    plural,
    ratio,
    scheme_label,
    total,
    two_places,
)
from .figures import EXACT_DIGITS, identified_by_year

# TR02 when the first year identifies nothing and a later year something: growth
# from nothing has no finite ratio, and the catalogue rates it red.  The
# measurement is infinite, so it lies beyond every band edge and is rated by
# the bands like any other; reports show it with no value (null in JSON).
UNBOUNDED_GROWTH = Decimal("Infinity")


@plan_metric("target_share_of_allocation")
def target_share_of_allocation(ctx: MetricContext) -> Measurement:
    """TR01: target(Y) ÷ allocation(Y) × 100 for every plan year, each rated on its own.

    The top-level value is the first year's; the engine rates every entry of
    ``per_year`` and reports the earliest year with the worst rating.
    """
    plan = ctx.plan
    years: list[Measurement] = []
    for year in plan.period:
        target, allocation = plan.target.get(year, Decimal(0)), plan.allocation.get(year, Decimal(0))
        if allocation <= 0:
            years.append(
                not_applicable(
                    f"the {year} allocation is 0, so no share can be taken of it", nearest(plan, ("allocation", year))
                )
            )
            continue
        value = percent(target, allocation)
        years.append(
            Measurement(
                value,
                f"target is {pct(value)} of allocation in {year} ({money(target)} of {money(allocation)})",
                (f"{year}: target {amount(target)} of allocation {amount(allocation)} ({pct(value)})",),
                ("target", year),
            )
        )
    evidence = tuple(line for measurement in years for line in measurement.evidence) or tuple(m.message for m in years)
    summary = "; ".join(
        f"{year} {pct(m.value) if m.value is not None else 'n/a'}" for year, m in zip(plan.period, years, strict=True)
    )
    first = years[0]
    return Measurement(
        first.value, f"target as a share of allocation by year: {summary}", evidence, first.loc, tuple(years)
    )


@plan_metric("hockey_stick")
def hockey_stick(ctx: MetricContext) -> Measurement:
    """TR02: (identified(last) ÷ identified(first)) ÷ (target(last) ÷ target(first)), as one division."""
    plan = ctx.plan
    if len(plan.period) < 2:
        return not_applicable(
            f"a one-year plan ({plan.first_year}) has no growth from first year to last", nearest(plan, ("period",))
        )
    first, last = plan.period[0], plan.period[-1]
    identified = identified_by_year(plan)
    target_first, target_last = plan.target.get(first, Decimal(0)), plan.target.get(last, Decimal(0))
    evidence = tuple(
        f"{year}: identified {amount(identified[year])}, target {amount(plan.target.get(year, Decimal(0)))}"
        for year in plan.period
    )
    loc = nearest(plan, ("schemes",))
    if identified[first] == 0:
        later = [year for year in plan.period[1:] if identified[year] > 0]
        if later:
            peak = max(later, key=lambda year: identified[year])
            return Measurement(
                UNBOUNDED_GROWTH,
                f"no savings are identified in {first}, yet {money(identified[peak])} are in {peak}: "
                "growth from nothing has no finite ratio (so no value is shown), "
                "and the plan rests on savings not yet found",
                evidence,
                loc,
            )
    for year, amount_due in ((first, target_first), (last, target_last)):
        if amount_due == 0:
            return not_applicable(
                f"target is 0 in {year}, so the growth of the target cannot be measured", ("target", year), evidence
            )
    if identified[first] == 0:  # and, from above, nothing in any later year either
        return not_applicable(
            f"no savings are identified in {first} or {last}, so there is no growth to compare", loc, evidence
        )
    with localcontext(prec=EXACT_DIGITS):  # the products can be wider than the default 28 digits
        numerator, denominator = identified[last] * target_first, identified[first] * target_last
    value = ratio(numerator, denominator)
    savings_growth = ratio(identified[last], identified[first])
    target_growth = ratio(target_last, target_first)
    message = (
        f"identified savings grow {two_places(savings_growth)}× from {first} to {last} "
        f"({money(identified[first])} to {money(identified[last])}) while target grows {two_places(target_growth)}× "
        f"({money(target_first)} to {money(target_last)}): growth beyond target {two_places(value)}"
    )
    return Measurement(value, message, evidence, loc)


Q4_MONTHS = slice(9, 12)  # a profile runs April to March, so January to March are its last three entries


@plan_metric("q4_profile_share")
def q4_profile_share(ctx: MetricContext) -> Measurement:
    """TR03: January to March of every profiled live scheme ÷ the sum of those profiles × 100."""
    plan = ctx.plan
    profiled = [
        (index, scheme)
        for index, scheme in enumerate(plan.schemes)
        if scheme.live and scheme.monthly_profile is not None
    ]
    if not profiled:
        return not_applicable(
            "no live scheme has a `monthly_profile`, so there is no phasing to measure", nearest(plan, ("schemes",))
        )
    late = {index: total(scheme.monthly_profile[Q4_MONTHS]) for index, scheme in profiled}  # type: ignore[index]
    whole = {index: total(scheme.monthly_profile) for index, scheme in profiled}  # type: ignore[arg-type]
    denominator = total(whole.values())
    if denominator == 0:
        return not_applicable(
            f"the monthly profiles of {plural(len(profiled), 'live scheme')} add up to 0",
            ("schemes", profiled[0][0], "monthly_profile"),
        )
    numerator = total(late.values())
    value = percent(numerator, denominator)
    ordered = sorted(profiled, key=lambda item: (-late[item[0]], item[0]))
    evidence = Lines(
        ordered,
        lambda item: f"{scheme_label(item[1])}: January to March {amount(late[item[0]])} of {amount(whole[item[0]])}",
    )
    message = (
        f"{pct(value)} of the {plan.first_year} profiled savings fall in January to March "
        f"({money(numerator)} of {money(denominator)}, over {plural(len(profiled), 'profiled scheme')})"
    )
    share = Share(
        numerator,
        denominator,
        False,
        plan.first_year,
        "bring {amount} of {year} profiled savings earlier than January",
    )
    return Measurement(value, message, capped(evidence), ("schemes", ordered[0][0], "monthly_profile"), share=share)


ASSUMPTION_WORDS = {"non_elective_growth": "non-elective growth", "tariff_deflator": "tariff deflator"}


@plan_metric("assumption_years", params={"keys": list_of(tuple(Assumptions.model_fields), "assumption keys")})
def assumption_years(ctx: MetricContext) -> Measurement:
    """TR05: plan years whose ``assumptions`` give every key in ``keys``.

    ``value`` is the share of plan years (what the bands rate: all, some,
    none); ``display`` is the count of years.
    """
    plan = ctx.plan
    keys = ctx.params.get("keys", ["demographic_growth", "non_elective_growth"])
    if (
        not isinstance(keys, list)
        or not keys
        or any(not isinstance(key, str) or key not in Assumptions.model_fields for key in keys)
    ):
        return not_applicable(
            "the rule cannot be measured: `keys` must list assumption keys "
            f"({', '.join(Assumptions.model_fields)}), got {keys!r}"
        )
    given = {key: (getattr(plan.assumptions, key) or {}) if plan.assumptions is not None else {} for key in keys}
    evidence, counted = [], []
    for year in plan.period:
        missing = [key for key in keys if year not in given[key]]
        if missing:
            evidence.append(f"{year}: no {' or '.join(missing)}")
        else:
            counted.append(year)
            evidence.append(f"{year}: " + ", ".join(f"{key} {amount(given[key][year])} %" for key in keys))
    share = percent(Decimal(len(counted)), Decimal(len(plan.period)))
    wanted = " and ".join(ASSUMPTION_WORDS.get(key, key.replace("_", " ")) for key in keys)
    message = f"{len(counted)} of {plural(len(plan.period), 'plan year')} give {wanted} assumptions"
    missing_years = [year for year in plan.period if year not in counted]
    if missing_years:
        message += f" (missing for {', '.join(missing_years)})"
    return Measurement(share, message, tuple(evidence), nearest(plan, ("assumptions",)), display=Decimal(len(counted)))


@plan_metric("non_recurrent_share")
def non_recurrent_share(ctx: MetricContext) -> Measurement:
    """TR06: non-recurrent live savings ÷ identified(Y) × 100, highest over years with identified above 0."""
    plan = ctx.plan
    identified = identified_by_year(plan)
    one_off = [(index, scheme) for index, scheme in enumerate(plan.schemes) if scheme.live and not scheme.recurrent]
    measured = []
    for year in plan.period:
        if identified[year] > 0:
            share = percent(total(scheme.saving(year) for _, scheme in one_off), identified[year])
            measured.append((year, share))
    if not measured:
        return not_applicable("no savings are identified in any plan year", nearest(plan, ("schemes",)))
    year, value = max(measured, key=lambda item: item[1])  # max keeps the first of equals: the earliest year
    one_off_then = total(scheme.saving(year) for _, scheme in one_off)
    evidence = Lines(
        measured,
        lambda item: (
            f"{item[0]}: non-recurrent {amount(total(s.saving(item[0]) for _, s in one_off))} of identified "
            f"{amount(identified[item[0]])} ({pct(item[1])})"
        ),
    )
    evidence.add(
        one_off,
        lambda item: (
            f"{scheme_label(item[1])} is one-off (recurrent: false), saving {amount(item[1].saving(year))} in {year}"
        ),
    )
    message = (
        f"{pct(value)} of identified savings in {year} are non-recurrent ({money(one_off_then)} of "
        f"{money(identified[year])})"
    )
    if len(measured) > 1:
        message += ", the highest year"
    biggest = max(one_off, key=lambda item: (item[1].saving(year), -item[0]), default=None)
    loc = (
        ("schemes", biggest[0], "recurrent")
        if biggest is not None and biggest[1].saving(year) > 0
        else nearest(plan, ("schemes",))
    )
    owed = Share(one_off_then, identified[year], False, year, "make {amount} of {year} one-off savings recurrent")
    return Measurement(value, message, capped(evidence), loc, share=owed)


@plan_metric("largest_scheme_share")
def largest_scheme_share(ctx: MetricContext) -> Measurement:
    """TR07: the largest live scheme's first-year saving ÷ identified(first) × 100."""
    plan = ctx.plan
    year = plan.first_year
    identified = identified_by_year(plan)[year]
    if identified == 0:
        return not_applicable(f"no savings are identified in {year}", nearest(plan, ("schemes",)))
    live = [(index, scheme) for index, scheme in enumerate(plan.schemes) if scheme.live]
    index, largest = max(live, key=lambda item: (item[1].saving(year), -item[0]))  # the earliest of equals
    value = percent(largest.saving(year), identified)
    ranked = sorted(live, key=lambda item: (-item[1].saving(year), item[0]))
    evidence = Lines(
        ranked,
        lambda item: (
            f"{scheme_label(item[1])} saves {amount(item[1].saving(year))} in {year} "
            f"({pct(percent(item[1].saving(year), identified))})"
        ),
    )
    message = (
        f"{scheme_label(largest)}, the largest, is {pct(value)} of {year} identified savings "
        f"({money(largest.saving(year))} of {money(identified)})"
    )
    action = f"move {{amount}} of {year} savings from {largest.id} to other schemes"
    share = Share(largest.saving(year), identified, False, year, action)
    return Measurement(value, message, capped(evidence), ("schemes", index, "savings", year), share=share)
