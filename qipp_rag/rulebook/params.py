"""Rule pack numbers and metric parameters, checked when the pack is read.

A pack is untrusted input: every number in it is bounded (no ``1e999999999``
that takes gigabytes to write out), and every parameter a rule gives its
metric is checked against what the metric takes, so that a typo
(``minscore``) is an error at its own line with the nearest valid name,
never a rule quietly measuring every plan as n/a, and never a crash.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..plan.models import Assumptions, Frequency, Stage
from ..reporters.text import visible
from .metrics._support import check_path, parse_path
from .metrics.generic import scheme_fields
from .metrics.quality import KPI_DOMAINS

MAX_MAGNITUDE = 12  # no pack number reaches 10**13 (£000: ten quadrillion pounds)
MAX_DIGITS = 30
MAX_PARAM_TEXT = 500
MAX_NESTING = 4


def bounded_number(value: Decimal | float, what: str = "a number") -> Decimal:
    """``value`` as a Decimal, or ``ValueError`` when it is not finite, too large or too precise."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} must be a number") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, got {number}")
    if number and (number.adjusted() > MAX_MAGNITUDE or len(number.as_tuple().digits) > MAX_DIGITS):
        raise ValueError(f"{what} must be below 10^{MAX_MAGNITUDE + 1} with at most {MAX_DIGITS} digits")
    if number and number.adjusted() < -MAX_DIGITS:
        raise ValueError(f"{what} is too small to mean anything (below 10^-{MAX_DIGITS})")
    return number


def _bounded(value: Any, depth: int = 0) -> None:
    """Every number and text inside a parameter value within bounds."""
    if depth > MAX_NESTING:
        raise ValueError("the value is nested too deeply")
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float, Decimal)):
        bounded_number(value)
    elif isinstance(value, str):
        if len(value) > MAX_PARAM_TEXT:
            raise ValueError(f"text is at most {MAX_PARAM_TEXT} characters long")
        if visible(value.replace("\n", " ")) != value.replace("\n", " "):
            raise ValueError("text cannot hold control characters")
    elif isinstance(value, list):
        for item in value:
            _bounded(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _bounded(key, depth + 1)
            _bounded(item, depth + 1)


# ---------------------------------------------------------------- what each metric takes


def _text(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected text, got {value!r}")


def _plan_path(value: Any) -> None:
    check_path((), parse_path(value))


def _scheme_fields(value: Any) -> None:
    scheme_fields({"field": value})


def _frequency(value: Any) -> None:
    choices = [frequency.value for frequency in Frequency]
    if value not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")


def _amount(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"expected a number, got {value!r}")  # noqa: TRY004 - pydantic reports ValueError
    if bounded_number(value) < 0:
        raise ValueError(f"expected a number 0 or more, got {value}")


def _one_of_list(choices: Callable[[], tuple[str, ...]], what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        allowed = choices()
        if not isinstance(value, list) or not value or any(item not in allowed for item in value):
            raise ValueError(f"expected a list of {what} ({', '.join(allowed)}), got {value!r}")

    return check


def _stages() -> tuple[str, ...]:
    return tuple(stage.value for stage in Stage)


def _kpi_domains() -> tuple[str, ...]:
    return tuple(KPI_DOMAINS)


def _assumption_keys() -> tuple[str, ...]:
    return tuple(Assumptions.model_fields)


# metric -> parameter -> check; a metric not listed here is not checked (its own code judges its params)
METRIC_PARAMS: dict[str, dict[str, Callable[[Any], None]]] = {
    "field_present": {"path": _plan_path, "what": _text},
    "flag_true": {"path": _plan_path, "what": _text},
    "frequency_at_least": {"path": _plan_path, "at_least": _frequency, "what": _text, "missing": _text},
    "pmo_meets": {"at_least": _frequency},
    "share_of_value_with": {"field": _scheme_fields, "min_saving": _amount, "with": _text},
    "share_of_value_in_stages": {"stages": _one_of_list(_stages, "stages"), "with": _text},
    "share_of_value_with_kpis": {
        "all_of": _one_of_list(_kpi_domains, "KPI domains"),
        "any_of": _one_of_list(_kpi_domains, "KPI domains"),
    },
    "unmitigated_high_risks": {"min_score": _amount},
    "assumption_years": {"keys": _one_of_list(_assumption_keys, "assumption keys")},
    **{
        name: {}
        for name in (
            "live_scheme_count", "identified_coverage", "risk_adjusted_coverage", "approved_on_time",
            "contingency_share", "target_share_of_allocation", "hockey_stick", "q4_profile_share",
            "non_recurrent_share", "largest_scheme_share",
            "negative_impact_share", "delivery_to_date", "forecast_against_target", "overdue_milestones",
            "duplicate_plans", "area_team_ccgs", "shared_provider_baseline", "unknown_area_team",
        )
    },
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "field_present": ("path",),
    "flag_true": ("path",),
    "frequency_at_least": ("path",),
    "share_of_value_with": ("field",),
    "share_of_value_in_stages": ("stages",),
}


def _error(key: str | None, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("rule_param", "{message}", {"message": message}),
        loc=(key,) if key is not None else (),
        input=value,
    )


def check_params(metric: str | None, params: Mapping[str, Any]) -> None:
    """Raise a ``ValidationError`` located at each bad parameter (so the loader reports its line)."""
    errors: list[InitErrorDetails] = []
    takes = METRIC_PARAMS.get(metric) if isinstance(metric, str) else None
    for key, value in params.items():
        try:
            _bounded(value)
        except ValueError as problem:
            errors.append(_error(key, f"`{key}`: {problem}", value))
            continue
        if takes is None:
            continue
        check = takes.get(key)
        if check is None:
            near = difflib.get_close_matches(str(key), list(takes), n=1, cutoff=0.5)
            if near:
                hint = f"; did you mean `{near[0]}`?"
            else:
                hint = f"; it takes {', '.join(f'`{name}`' for name in takes)}" if takes else "; it takes none"
            errors.append(_error(key, f"unknown parameter `{key}` for metric `{metric}`{hint}", value))
            continue
        try:
            check(value)
        except ValueError as problem:
            errors.append(_error(key, f"`{key}`: {problem}", value))
    for key in REQUIRED.get(metric or "", ()) if takes is not None else ():
        if key not in params:
            errors.append(_error(None, f"metric `{metric}` needs the parameter `{key}`", dict(params)))
    if errors:
        raise ValidationError.from_exception_data("params", errors)
