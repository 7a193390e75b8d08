"""The plan format's checks that tie one field to another (years against ``period``, unique scheme
ids, profiles that add up), each reported with the path it belongs to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..vocabulary import Loc, OrgType
from .objects import Assumptions, Plan


def year_start(year: str) -> dt.date:
    """1 April of a financial year: ``2014/15`` starts 2014-04-01."""
    return dt.date(int(year[:4]), 4, 1)


def year_end(year: str) -> dt.date:
    """31 March closing a financial year: ``2014/15`` ends 2015-03-31."""
    return dt.date(int(year[:4]) + 1, 3, 31)


def consistency_problems(plan: Plan) -> list[tuple[Loc, str]]:
    """Every rule of the format that ties one field to another, as (path, message)."""
    problems: list[tuple[Loc, str]] = []
    period = plan.period
    in_period = set(period)

    for index, year in enumerate(period):
        if index and int(year[:4]) != int(period[index - 1][:4]) + 1:
            problems.append(
                (
                    ("period", index),
                    f"`period` must list consecutive financial years; {year} does not follow {period[index - 1]}",
                )
            )

    for key in ("allocation", "target"):
        per_year: dict[str, Decimal] = getattr(plan, key)
        missing = [year for year in period if year not in per_year]
        if missing:
            problems.append(
                ((key,), f"`{key}` gives no value for {', '.join(missing)}; it must cover every year of `period`")
            )
        for year in per_year:
            if year not in in_period:
                problems.append(((key, year), f"`{key}` gives {year}, which is not in `period` ({', '.join(period)})"))
    for year, amount in plan.allocation.items():
        if amount <= 0:
            problems.append((("allocation", year), f"the allocation for {year} must be above 0"))

    if plan.assumptions is not None:
        for key in Assumptions.model_fields:
            for year in getattr(plan.assumptions, key) or {}:
                if year not in in_period:
                    problems.append(
                        (("assumptions", key, year), f"`assumptions.{key}` gives {year}, which is not in `period`")
                    )

    org = plan.organisation
    if org.type is OrgType.ccg and org.area_team is None:
        problems.append(
            (
                ("organisation",),
                "a CCG's `organisation` must give `area_team`, the code of the area team that assures it",
            )
        )
    if org.type is OrgType.ccg and org.ccgs is not None:
        problems.append((("organisation", "ccgs"), "only an area team plan lists `ccgs`"))

    seen: dict[str, int] = {}
    for index, scheme in enumerate(plan.schemes):
        where: Loc = ("schemes", index)
        if scheme.id in seen:
            problems.append(
                (
                    (*where, "id"),
                    (
                        f"scheme id `{scheme.id}` is used twice (first by scheme {seen[scheme.id] + 1}); ids must be "
                        "unique within a plan"
                    ),
                )
            )
        else:
            seen[scheme.id] = index
        for year in scheme.savings:
            if year not in in_period:
                problems.append(
                    ((*where, "savings", year), f"scheme `{scheme.id}` saves in {year}, which is not in `period`")
                )
        if scheme.monthly_profile is not None:
            profiled = sum(scheme.monthly_profile, Decimal(0))
            first = scheme.saving(plan.first_year)
            if profiled != first:
                problems.append(
                    (
                        (*where, "monthly_profile"),
                        (
                            f"scheme `{scheme.id}`'s `monthly_profile` sums to {profiled}, but its {plan.first_year} "
                            f"saving is {first}"
                        ),
                    )
                )
        if scheme.delivery is not None and plan.delivery_as_of is None:
            problems.append(
                (
                    (*where, "delivery"),
                    f"scheme `{scheme.id}` has `delivery` figures, so the plan must give `delivery_as_of`",
                )
            )

    if plan.delivery_as_of is not None:
        if not any(scheme.delivery is not None for scheme in plan.schemes):
            problems.append((("delivery_as_of",), "`delivery_as_of` is given but no scheme has `delivery` figures"))
        if not year_start(plan.first_year) <= plan.delivery_as_of <= year_end(plan.first_year):
            problems.append(
                (
                    ("delivery_as_of",),
                    (
                        f"`delivery_as_of` ({plan.delivery_as_of.isoformat()}) must fall within the first plan year, "
                        f"{plan.first_year}"
                    ),
                )
            )
    return problems
