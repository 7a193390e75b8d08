"""A plan's savings by year: the figures several rules and the reports share.

Per the measurement details of the green criteria: only live schemes (every
stage but ``cancelled``) count, and a scheme with no entry for a year saves 0
that year.  Risk adjustment multiplies each live scheme's saving by the
factor for its stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext

from ...plan.models import Plan
from ...vocabulary import Stage

ZERO = Decimal(0)
DEFAULT_STAGE_FACTORS: dict[str, Decimal] = {
    Stage.delivered.value: Decimal("1.0"),
    Stage.in_delivery.value: Decimal("0.9"),
    Stage.planned.value: Decimal("0.7"),
    Stage.identified.value: Decimal("0.4"),
    Stage.cancelled.value: Decimal("0"),
}
EXACT_DIGITS = 60  # money < 10^9 with <= 5 places: sums and products of such numbers fit exactly


_last_identified: tuple[Plan, dict[str, Decimal]] | None = None


def identified_by_year(plan: Plan) -> dict[str, Decimal]:
    """identified(Y): the sum of live schemes' savings in Y, whatever their stage, for every plan year.

    Five rules and the plan's figures ask for it, one plan after another: the
    sums are made once per plan (plans are frozen, so the same object always
    gives the same sums) and each caller gets its own copy.
    """
    global _last_identified
    last = _last_identified
    if last is None or last[0] is not plan:
        sums = {year: sum((scheme.saving(year) for scheme in plan.live_schemes), ZERO) for year in plan.period}
        last = _last_identified = (plan, sums)
    return dict(last[1])


def stage_factor(stage: str, stage_factors: Mapping[str, Decimal]) -> Decimal:
    """The pack's factor for ``stage``; a pack that leaves a stage out keeps the default for it."""
    return Decimal(stage_factors.get(stage, DEFAULT_STAGE_FACTORS[stage]))


def risk_adjusted_by_year(plan: Plan, stage_factors: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """risk_adjusted(Y): the sum of live schemes' savings in Y, each times its stage factor."""
    weighted = [(scheme, stage_factor(scheme.stage.value, stage_factors)) for scheme in plan.live_schemes]
    # A pack may give a factor with many places; 60 digits keeps every product and sum exact.
    with localcontext(prec=EXACT_DIGITS):
        return {year: sum((scheme.saving(year) * factor for scheme, factor in weighted), ZERO) for year in plan.period}
