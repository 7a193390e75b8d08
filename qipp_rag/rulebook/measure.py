"""What a metric is given and returns, and the decorators that name metrics.

A metric is a small pure function.  Single-plan metrics look at one plan;
portfolio metrics look at every plan in the run (cross-plan rules), through a
:class:`~qipp_rag.rulebook.plan_table.PlanTable`, and give their measurements
one plan at a time.
Each carries the name a rule pack's ``metric:`` gives; the registry
(:mod:`qipp_rag.rulebook.registry`) maps those names to the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..plan.models import Plan
from ..vocabulary import Loc
from .params import Check, ParamSpec

if TYPE_CHECKING:
    from .plan_table import PlanTable


@dataclass(frozen=True)
class Share:
    """The money a percentage rule divides, in £000: what its distance to green is computed from.

    ``more_is_better``: an "at least" rule (coverage, shares of value with
    something) when true, an "at most" rule (non-recurrent share, the largest
    scheme's share) when false.  ``year`` is the plan year the money belongs
    to; ``action`` words the money to find, with ``{amount}`` and ``{year}``
    ("identify {amount} more in {year}").
    """

    numerator: Decimal
    denominator: Decimal | Fraction  # DL06's expected-to-date may be a twelfth of a saving: held exactly
    more_is_better: bool
    year: str
    action: str


@dataclass(frozen=True)
class Measurement:
    """One measurement of one plan.

    ``value`` is what the rule's bands are applied to, exactly; ``None``
    means there was nothing to measure and the result is ``n/a``, with
    ``message`` saying why.  ``per_year`` is for rules rated year by year
    (the engine rates each year, the plan gets the worst, and the value
    shown is the earliest year with that rating).
    """

    value: Decimal | None
    message: str
    evidence: tuple[str, ...] = ()
    loc: Loc | None = None
    per_year: tuple[Measurement, ...] = ()
    display: Decimal | None = None  # shown instead of ``value`` where they differ (TR05 shows a count, bands a share)
    share: Share | None = None  # a money rule's numerator and denominator, for the distance to green


@dataclass(frozen=True)
class MetricContext:
    """What a single-plan metric may look at besides the plan itself."""

    plan: Plan
    stage_factors: Mapping[str, Decimal]
    as_of: dt.date  # the run's as-of date; the plan's delivery_as_of wins where a rule says so
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanRef:
    """A successfully loaded plan, whole: what :meth:`PlanTable.of <qipp_rag.rulebook.plan_table.PlanTable.of>`
    builds a table from (a run's engine builds its table from the plans' sketches instead)."""

    index: int  # position in the run, in path order
    file: str
    plan: Plan


PlanMetric = Callable[[MetricContext], Measurement]
PortfolioMetric = Callable[["PlanTable", Mapping[str, Any]], Iterable[tuple[int, Measurement]]]
"""Gives (index in the run, measurement) for every plan the rule applies to, in increasing index
order, one at a time: a rule never holds every plan's measurement at once."""

METRIC_NAME = "metric_name"  # the attribute the decorators below give a metric
METRIC_PARAMS = "metric_params"  # and the one holding its ParamSpec (None: the metric judges its own params)

_TAKES_NONE: Mapping[str, Check] = MappingProxyType({})


def _declare(function: Any, name: str, params: Mapping[str, Check] | None, required: tuple[str, ...]) -> None:
    setattr(function, METRIC_NAME, name)
    setattr(function, METRIC_PARAMS, None if params is None else ParamSpec(dict(params), required))


def plan_metric(
    name: str, params: Mapping[str, Check] | None = _TAKES_NONE, required: tuple[str, ...] = ()
) -> Callable[[PlanMetric], PlanMetric]:
    """Names a single-plan metric and declares its parameters (each with its check; ``required``
    those a rule must give; by default it takes none; ``None``: not checked when a pack is read);
    :mod:`qipp_rag.rulebook.registry` finds both by that name."""

    def named(function: PlanMetric) -> PlanMetric:
        _declare(function, name, params, required)
        return function

    return named


def portfolio_metric(
    name: str, params: Mapping[str, Check] | None = _TAKES_NONE, required: tuple[str, ...] = ()
) -> Callable[[PortfolioMetric], PortfolioMetric]:
    """Names a cross-plan metric and declares its parameters as :func:`plan_metric` does."""

    def named(function: PortfolioMetric) -> PortfolioMetric:
        _declare(function, name, params, required)
        return function

    return named
