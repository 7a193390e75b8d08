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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..plan.models import Frequency
from ..reporters.text import visible

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


# ---------------------------------------------------------------- what a metric takes

Check = Callable[[Any], None]
"""Checks one parameter's value: ``ValueError`` saying what is wrong, else nothing."""


@dataclass(frozen=True)
class ParamSpec:
    """The parameters a metric takes, each with its check, and those a rule must give.

    A metric declares it where it is defined (``@plan_metric(name, params=..., required=...)``);
    the registry (:func:`~qipp_rag.rulebook.registry.metric_params`) finds it by the metric's name.
    """

    checks: Mapping[str, Check] = field(default_factory=dict)
    required: tuple[str, ...] = ()


def text(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected text, got {value!r}")


def frequency(value: Any) -> None:
    choices = [each.value for each in Frequency]
    if value not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")


def non_negative(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"expected a number, got {value!r}")  # noqa: TRY004 - pydantic reports ValueError
    if bounded_number(value) < 0:
        raise ValueError(f"expected a number 0 or more, got {value}")


def list_of(allowed: tuple[str, ...], what: str) -> Check:
    """A check for a non-empty list whose every item is one of ``allowed`` (``what`` names them)."""

    def check(value: Any) -> None:
        if not isinstance(value, list) or not value or any(item not in allowed for item in value):
            raise ValueError(f"expected a list of {what} ({', '.join(allowed)}), got {value!r}")

    return check


def _error(key: str | None, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("rule_param", "{message}", {"message": message}),
        loc=(key,) if key is not None else (),
        input=value,
    )


def check_params(metric: str | None, params: Mapping[str, Any], spec: ParamSpec | None) -> None:
    """Raise a ``ValidationError`` located at each bad parameter (so the loader reports its line).

    ``spec`` is what ``metric`` takes; with none (an unknown metric, or one that judges its own
    parameters) only the bounds of the values are checked.
    """
    errors: list[InitErrorDetails] = []
    takes = spec.checks if isinstance(metric, str) and spec is not None else None
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
    for key in spec.required if takes is not None and spec is not None else ():
        if key not in params:
            errors.append(_error(None, f"metric `{metric}` needs the parameter `{key}`", dict(params)))
    if errors:
        raise ValidationError.from_exception_data("params", errors)
