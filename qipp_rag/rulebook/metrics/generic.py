"""Generic metrics: rules over any field of a plan, written in a pack without code.

- ``field_present`` (``path``, optional ``what``): 1 when the field at the
  dotted ``path`` is given and not blank, else 0.
- ``flag_true`` (``path``, optional ``what``): 1 when the yes/no field is ``true``, else 0.
- ``frequency_at_least`` (``path``, ``at_least`` default ``monthly``, optional
  ``what`` and ``missing`` for the wording): 2 when the frequency is that often or more, 1 when less
  often, 0 when absent.
- ``share_of_value_with`` (``field``: a dotted path inside a scheme, or a list
  of them that must all be given; optional ``min_saving``, ``with``): the share
  of first-year value in live schemes where the field is not blank.
- ``share_of_value_in_stages`` (``stages``, optional ``with``): the share of
  first-year value in live schemes at one of the stages.

``what`` and ``with`` only word the message (``what: senior responsible owner``
gives "senior responsible owner: Jane Doe"; ``with: with a named lead`` gives
"... is in schemes with a named lead").

A path the plan format does not have is a pack mistake: the result is n/a
with the nearest valid key, never a silent "absent".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...plan.models import Frequency, Plan, Scheme, Stage
from ...vocabulary import Loc
from ..measure import Measurement, MetricContext, plan_metric
from ..params import frequency, list_of, non_negative, text
from ._support import (
    PathError,
    check_path,
    check_path_once,
    is_blank,
    money,
    nearest,
    not_applicable,
    parse_path,
    resolve,
    share_of_value,
    shown,
)

FREQUENCY_RANK = {
    Frequency.weekly: 5,
    Frequency.fortnightly: 4,
    Frequency.monthly: 3,
    Frequency.quarterly: 2,
    Frequency.annually: 1,
}
FREQUENCY_WORDS = {
    Frequency.weekly: "weekly",
    Frequency.fortnightly: "fortnightly",
    Frequency.monthly: "monthly",
    Frequency.quarterly: "quarterly",
    Frequency.annually: "annually",
}


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


def _plan_path(ctx: MetricContext) -> tuple[str | int, ...]:
    path = parse_path(ctx.params.get("path"))
    check_path_once((), path)
    return path


def path_param(value: Any) -> None:
    """A pack's ``path`` parameter: a path into the plan."""
    check_path((), parse_path(value))


def describe_absence(plan: Plan, path: tuple[str | int, ...]) -> tuple[str, Loc]:
    """Why the field at ``path`` counts as absent, and where to point."""
    value, written = resolve(plan, path)
    if written == len(path):
        return f"`{_dotted(path)}` is {'blank' if isinstance(value, str) else 'empty'}", path
    missing = _dotted(path[: written + 1])
    holder = _dotted(path[:written]) if written else "the plan"
    return (
        f"`{holder}` gives no `{missing.rsplit('.', 1)[-1]}`" if written else f"the plan has no `{missing}`"
    ), nearest(plan, path)


@plan_metric("field_present", params={"path": path_param, "what": text}, required=("path",))
def field_present(ctx: MetricContext) -> Measurement:
    try:
        path = _plan_path(ctx)
    except PathError as problem:
        return not_applicable(f"the rule cannot be measured: {problem}")
    what = str(ctx.params.get("what") or f"`{_dotted(path)}`")
    value, _ = resolve(ctx.plan, path)
    if not is_blank(value):
        return Measurement(Decimal(1), f"{what}: {shown(value)}", (f"{_dotted(path)}: {shown(value)}",), path)
    reason, loc = describe_absence(ctx.plan, path)
    return Measurement(Decimal(0), f"no {what}: {reason}", (reason,), loc)


@plan_metric("flag_true", params={"path": path_param, "what": text}, required=("path",))
def flag_true(ctx: MetricContext) -> Measurement:
    try:
        path = _plan_path(ctx)
    except PathError as problem:
        return not_applicable(f"the rule cannot be measured: {problem}")
    what = str(ctx.params.get("what") or f"`{_dotted(path)}`")
    value, _ = resolve(ctx.plan, path)
    if value is True:
        return Measurement(Decimal(1), f"{what}: yes", (f"{_dotted(path)}: true",), path)
    if value is False:
        return Measurement(Decimal(0), f"{what}: no (`{_dotted(path)}` is false)", (f"{_dotted(path)}: false",), path)
    reason, loc = describe_absence(ctx.plan, path)
    return Measurement(Decimal(0), f"{what}: not stated ({reason})", (reason,), loc)


def frequency_score(frequency: Frequency | None, at_least: Frequency) -> Decimal:
    """2: ``at_least`` or more often; 1: less often; 0: nothing given."""
    if frequency is None:
        return Decimal(0)
    return Decimal(2) if FREQUENCY_RANK[frequency] >= FREQUENCY_RANK[at_least] else Decimal(1)


def how_often(frequency: Frequency, at_least: Frequency) -> str:
    if FREQUENCY_RANK[frequency] >= FREQUENCY_RANK[at_least]:
        return f"{FREQUENCY_WORDS[at_least]} or more often"
    return f"less often than {FREQUENCY_WORDS[at_least]}"


def at_least_param(ctx: MetricContext) -> Frequency:
    raw = ctx.params.get("at_least", "monthly")
    try:
        return Frequency(raw)
    except ValueError:
        raise PathError(f"`at_least` must be one of {', '.join(f.value for f in Frequency)}, got {raw!r}") from None


@plan_metric(
    "frequency_at_least",
    params={"path": path_param, "at_least": frequency, "what": text, "missing": text},
    required=("path",),
)
def frequency_at_least(ctx: MetricContext) -> Measurement:
    try:
        path = _plan_path(ctx)
        at_least = at_least_param(ctx)
    except PathError as problem:
        return not_applicable(f"the rule cannot be measured: {problem}")
    what = str(ctx.params.get("what") or f"`{_dotted(path)}`")
    value, _ = resolve(ctx.plan, path)
    if isinstance(value, Frequency):
        score = frequency_score(value, at_least)
        return Measurement(
            score,
            f"{what} {FREQUENCY_WORDS[value]}: {how_often(value, at_least)}",
            (f"{_dotted(path)}: {value.value}",),
            path,
        )
    reason, loc = describe_absence(ctx.plan, path)
    missing = str(ctx.params.get("missing") or f"{what}: not given")
    return Measurement(Decimal(0), f"{missing} ({reason})", (reason,), loc)


# ---------------------------------------------------------------- shares of value


def scheme_fields(params: dict[str, Any] | Any) -> list[tuple[str | int, ...]]:
    raw = params.get("field")
    fields = raw if isinstance(raw, list) and raw else [raw]
    paths = [parse_path(field) for field in fields]
    for path in paths:
        check_path_once(("schemes", 0), path)
    return paths


def fields_param(value: Any) -> None:
    """A pack's ``field`` parameter: a scheme's field, or a list of them."""
    scheme_fields({"field": value})


def _min_saving(ctx: MetricContext) -> Decimal | None:
    raw = ctx.params.get("min_saving")
    if raw is None:
        return None
    floor = number_param(raw)
    if floor is None:
        raise PathError(f"`min_saving` must be an amount in £000, got {raw!r}")
    return floor


def number_param(raw: object) -> Decimal | None:
    """A pack parameter as an exact Decimal (from its text, never via binary), or None if it is not a number."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        return None
    try:
        number = Decimal(str(raw).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


@plan_metric(
    "share_of_value_with",
    params={"field": fields_param, "min_saving": non_negative, "with": text},
    required=("field",),
)
def share_of_value_with(ctx: MetricContext) -> Measurement:
    try:
        paths = scheme_fields(ctx.params)
        floor = _min_saving(ctx)
    except PathError as problem:
        return not_applicable(f"the rule cannot be measured: {problem}")
    names = " and ".join(f"`{_dotted(path)}`" for path in paths)
    with_what = str(ctx.params.get("with") or f"giving {names}")
    year = ctx.plan.first_year

    def has(scheme: Scheme) -> bool:
        return all(not is_blank(resolve(scheme, path)[0]) for path in paths)

    def lacking(scheme: Scheme) -> str:
        gaps = [f"`{_dotted(path)}`" for path in paths if is_blank(resolve(scheme, path)[0])]
        return f"no {' or '.join(gaps)}"

    if floor is None:
        return share_of_value(ctx.plan, has, with_what, lacking)
    return share_of_value(
        ctx.plan,
        has,
        with_what,
        lacking,
        include=lambda scheme: scheme.saving(year) >= floor,
        among=f"live schemes saving {money(floor)} or more",
        none_measured=f"no live scheme saves {money(floor)} or more in {year}, so none is measured",
    )


@plan_metric(
    "share_of_value_in_stages",
    params={"stages": list_of(tuple(stage.value for stage in Stage), "stages"), "with": text},
    required=("stages",),
)
def share_of_value_in_stages(ctx: MetricContext) -> Measurement:
    raw = ctx.params.get("stages")
    try:
        stages = {Stage(stage) for stage in raw} if isinstance(raw, list) and raw else None
    except ValueError:
        stages = None
    if not stages:
        return not_applicable(
            f"the rule cannot be measured: `stages` must list stages ({', '.join(s.value for s in Stage)}), got {raw!r}"
        )
    names = ", ".join(stage.value for stage in Stage if stage in stages)
    at_stage = lambda scheme: f"at stage {scheme.stage.value}"  # noqa: E731
    with_what = str(ctx.params.get("with") or f"at stage {names}")
    return share_of_value(ctx.plan, lambda scheme: scheme.stage in stages, with_what, at_stage, found=at_stage)
