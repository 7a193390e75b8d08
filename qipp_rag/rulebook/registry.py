"""Every metric by the name a rule pack's ``metric:`` gives: the one place metrics are registered.

The modules below hold the metrics; each metric carries its name (see
:func:`~qipp_rag.rulebook.measure.plan_metric`).  Importing this module builds
both maps completely, whatever else has or has not been imported.  A new
metric in one of these modules needs nothing more (it declares its parameters
in its decorator); a new metrics module is added to the lists here.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

from .measure import METRIC_NAME, METRIC_PARAMS, PlanMetric, PortfolioMetric
from .metrics import (
    credibility,
    delivery,
    generic,
    governance,
    portfolio,
    quality,
    savings,
    trajectory,
)
from .params import ParamSpec

PLAN_METRIC_MODULES: tuple[ModuleType, ...] = (credibility, delivery, generic, governance, quality, savings, trajectory)
PORTFOLIO_METRIC_MODULES: tuple[ModuleType, ...] = (portfolio,)


def _named_in(modules: Iterable[ModuleType]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in modules:
        for value in vars(module).values():
            name = getattr(value, METRIC_NAME, None)
            if name is None or getattr(value, "__module__", None) != module.__name__:
                continue
            if name in found:
                raise ValueError(f"metric {name!r} is named twice ({found[name].__module__} and {module.__name__})")
            found[name] = value
    return found


PLAN_METRICS: dict[str, PlanMetric] = _named_in(PLAN_METRIC_MODULES)
PORTFOLIO_METRICS: dict[str, PortfolioMetric] = _named_in(PORTFOLIO_METRIC_MODULES)
if PLAN_METRICS.keys() & PORTFOLIO_METRICS.keys():
    raise ValueError(
        f"metrics named both single-plan and cross-plan: {sorted(PLAN_METRICS.keys() & PORTFOLIO_METRICS.keys())}"
    )


def _add(registry: dict[str, Any], name: str, function: Any) -> None:
    if name in PLAN_METRICS or name in PORTFOLIO_METRICS:
        raise ValueError(f"metric {name!r} is registered twice")
    registry[name] = function


def register_plan_metric(name: str, function: PlanMetric) -> None:
    """Adds a single-plan metric from outside the package (a plug-in, a test)."""
    _add(PLAN_METRICS, name, function)


def register_portfolio_metric(name: str, function: PortfolioMetric) -> None:
    """Adds a cross-plan metric from outside the package (a plug-in, a test)."""
    _add(PORTFOLIO_METRICS, name, function)


def metric_names() -> list[str]:
    """Every registered metric's name, sorted."""
    return sorted([*PLAN_METRICS, *PORTFOLIO_METRICS])


def metric_params(name: str) -> ParamSpec | None:
    """What the metric called ``name`` takes, as its decorator declared it; ``None`` for an unknown
    metric or one that judges its own parameters (a plug-in registered without a declaration)."""
    function = PLAN_METRICS.get(name) or PORTFOLIO_METRICS.get(name)
    spec = getattr(function, METRIC_PARAMS, None)
    return spec if isinstance(spec, ParamSpec) else None
