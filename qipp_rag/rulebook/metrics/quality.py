"""Quality: QL02 (negative impact), QL03 (KPIs), QL04 (high risks without mitigation or owner).

QL01 is the generic ``share_of_value_with`` on ``quality_impact.signed_off_by``.
"""

from __future__ import annotations

from decimal import Decimal

from ...plan.models import Scheme
from ..measure import Measurement, MetricContext, Share, plan_metric
from ..params import list_of, non_negative
from ._support import (
    Lines,
    amount,
    capped,
    is_blank,
    money,
    nearest,
    not_applicable,
    pct,
    percent,
    plural,
    scheme_label,
    share_of_value,
    total,
)
from .generic import number_param


@plan_metric("negative_impact_share")
def negative_impact_share(ctx: MetricContext) -> Measurement:
    """QL02: first-year value assessed ``negative`` ÷ first-year value of live schemes giving an ``impact`` × 100."""
    plan = ctx.plan
    year = plan.first_year
    assessed = [
        (index, scheme)
        for index, scheme in enumerate(plan.schemes)
        if scheme.live and scheme.quality_impact is not None and scheme.quality_impact.impact is not None
    ]
    if not assessed:
        return not_applicable(
            "no live scheme's `quality_impact` gives an `impact`, so there is nothing to weigh",
            nearest(plan, ("schemes",)),
        )
    denominator = total(scheme.saving(year) for _, scheme in assessed)
    if denominator == 0:
        return not_applicable(
            f"the {plural(len(assessed), 'scheme')} with an assessed impact save nothing in {year}",
            ("schemes", assessed[0][0], "quality_impact", "impact"),
        )
    negative = sorted(
        [(index, scheme) for index, scheme in assessed if scheme.quality_impact.impact == "negative"],  # type: ignore[union-attr]
        key=lambda item: (-item[1].saving(year), item[0]),
    )
    numerator = total(scheme.saving(year) for _, scheme in negative)
    value = percent(numerator, denominator)
    message = (
        f"{pct(value)} of the {year} value of schemes with an assessed quality impact is assessed negative "
        f"({money(numerator)} of {money(denominator)}, {len(negative)} of {plural(len(assessed), 'scheme')})"
    )
    # Negative first, otherwise in plan order (the line ends with the impact, one of three words).
    first = sorted(assessed, key=lambda item: 0 if item[1].quality_impact.impact == "negative" else 1)  # type: ignore[union-attr]
    evidence = Lines(
        first,
        lambda item: (
            f"{scheme_label(item[1])} saves {amount(item[1].saving(year))} in {year}: "
            f"impact {item[1].quality_impact.impact}"  # type: ignore[union-attr]
        ),
    )
    loc = ("schemes", negative[0][0], "quality_impact", "impact") if negative else nearest(plan, ("schemes",))
    share = Share(
        numerator,
        denominator,
        False,
        year,
        "take {amount} of {year} value out of schemes assessed negative for quality",
    )
    return Measurement(value, message, capped(evidence), loc, share=share)


KPI_DOMAINS = ("finance", "activity", "quality", "workforce")


@plan_metric(
    "share_of_value_with_kpis",
    params={"all_of": list_of(KPI_DOMAINS, "KPI domains"), "any_of": list_of(KPI_DOMAINS, "KPI domains")},
)
def share_of_value_with_kpis(ctx: MetricContext) -> Measurement:
    """QL03: share of value in schemes with a KPI in every domain of ``all_of`` and in one of ``any_of``."""
    all_of = ctx.params.get("all_of", ["finance"])
    any_of = ctx.params.get("any_of", ["activity", "quality"])
    for name, listed in (("all_of", all_of), ("any_of", any_of)):
        if not isinstance(listed, list) or any(domain not in KPI_DOMAINS for domain in listed):
            return not_applicable(
                f"the rule cannot be measured: `{name}` must list KPI domains ({', '.join(KPI_DOMAINS)}), got "
                f"{listed!r}"
            )
    if not all_of and not any_of:
        return not_applicable("the rule cannot be measured: give `all_of` or `any_of` KPI domains")

    def domains(scheme: Scheme) -> set[str]:
        return {kpi.domain for kpi in scheme.kpis or []}

    def has(scheme: Scheme) -> bool:
        given = domains(scheme)
        return all(domain in given for domain in all_of) and (not any_of or any(domain in given for domain in any_of))

    wanted = " and ".join(
        part
        for part in (
            " and ".join(f"a {d} KPI" for d in all_of),
            " or ".join(f"an {d} KPI" if d[0] in "aeiou" else f"a {d} KPI" for d in any_of),
        )
        if part
    )

    def kpis_of(scheme: Scheme) -> str:
        given = sorted(domains(scheme))
        return f"KPIs in {', '.join(given)}" if given else "no KPIs"

    return share_of_value(
        ctx.plan, has, f"with {wanted}", lambda scheme: f"{kpis_of(scheme)}, lacking {wanted}", found=kpis_of
    )


@plan_metric("unmitigated_high_risks", params={"min_score": non_negative})
def unmitigated_high_risks(ctx: MetricContext) -> Measurement:
    """QL04: live schemes' risks with likelihood × impact ≥ ``min_score`` (15) lacking a mitigation or an owner."""
    plan = ctx.plan
    floor = number_param(ctx.params.get("min_score", 15))
    if floor is None:
        return not_applicable(
            f"the rule cannot be measured: `min_score` must be a number, got {ctx.params.get('min_score')!r}"
        )
    risks = [
        (index, number, scheme, risk)
        for index, scheme in enumerate(plan.schemes)
        if scheme.live
        for number, risk in enumerate(scheme.risks or [])
    ]
    if not risks:
        return not_applicable("no live scheme records any risks", nearest(plan, ("schemes",)))
    high = [item for item in risks if Decimal(item[3].likelihood * item[3].impact) >= floor]
    open_risks = []
    evidence = []
    for index, number, scheme, risk in high:
        gaps = [part for part, text in (("mitigation", risk.mitigation), ("owner", risk.owner)) if is_blank(text)]
        score = risk.likelihood * risk.impact
        if gaps:
            open_risks.append((index, number))
            evidence.append(
                f"{scheme_label(scheme)} risk '{risk.description}' scores {score} ({risk.likelihood} × "
                f"{risk.impact}) and has no {' or '.join(gaps)}"
            )
        else:
            evidence.append(
                f"{scheme_label(scheme)} risk '{risk.description}' scores {score}: mitigated, owned by "
                f"{risk.owner.strip()}"  # type: ignore[union-attr]
            )
    evidence.sort(key=lambda line: 0 if " has no " in line else 1)
    message = (
        f"{plural(len(open_risks), 'high risk')} (likelihood × impact ≥ {amount(floor)}) "
        f"{'lacks' if len(open_risks) == 1 else 'lack'} a mitigation or an owner, "
        f"of {len(high)} high among {plural(len(risks), 'risk')} recorded"
    )
    loc = ("schemes", open_risks[0][0], "risks", open_risks[0][1]) if open_risks else nearest(plan, ("schemes",))
    return Measurement(Decimal(len(open_risks)), message, capped(evidence), loc)
