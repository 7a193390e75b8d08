"""Shared pieces of the metrics: exact arithmetic, wording, and plan paths.

Every ratio is one exact division in a 60-digit context, so a measurement
that lies exactly on a band's edge (90 %, 2.5) comes out exactly on it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from ...plan.models import Plan, Scheme, valid_keys_at
from ...reporters.text import exact as amount
from ...reporters.text import money
from ...results import round_value
from ...vocabulary import Loc
from ..measure import Measurement, Share
from .figures import EXACT_DIGITS, ZERO

T = TypeVar("T")
EVIDENCE_LIMIT = 12  # lines of evidence kept per finding; the rest are counted, so reports stay readable


def ratio(numerator: Decimal, denominator: Decimal, scale: int = 1) -> Decimal:
    """numerator × scale ÷ denominator as one exact division (denominator is never 0 here)."""
    with localcontext(prec=EXACT_DIGITS):
        return numerator * scale / denominator


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return ratio(numerator, denominator, 100)


def total(amounts: Iterable[Decimal]) -> Decimal:
    with localcontext(prec=EXACT_DIGITS):
        return sum(amounts, ZERO)


# ---------------------------------------------------------------- wording


def pct(value: Decimal) -> str:
    """A percentage to 2 places, half-even, as the JSON shows it: ``92.50 %``."""
    return f"{round_value(value)} %"


def two_places(value: Decimal) -> str:
    return str(round_value(value))


def scheme_label(scheme: Scheme) -> str:
    return f"scheme {scheme.id} '{scheme.title}'"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


class Lines:
    """Evidence lines worded only when they are kept: each entry is an item and the function that words it.

    A plan with sixty schemes would otherwise word sixty lines for a finding
    that keeps eleven of them; :func:`capped` words only those it keeps and
    counts the rest.
    """

    __slots__ = ("_entries",)

    def __init__(self, items: Iterable[T] = (), line: Callable[[T], str] | None = None) -> None:
        self._entries: list[tuple[Callable[[Any], str], Any]] = []
        if line is not None:
            self.add(items, line)

    def add(self, items: Iterable[T], line: Callable[[T], str]) -> Lines:
        """The items' lines after those already here, in the items' order."""
        self._entries += [(line, item) for item in items]
        return self

    def __len__(self) -> int:
        return len(self._entries)

    def worded(self, count: int) -> list[str]:
        """The first ``count`` lines."""
        return [line(item) for line, item in self._entries[:count]]


def capped(lines: Sequence[str] | Lines, limit: int = EVIDENCE_LIMIT) -> tuple[str, ...]:
    """At most ``limit`` lines, the rest counted in a last line (and, for :class:`Lines`, never worded)."""
    kept = len(lines) if len(lines) <= limit else limit - 1
    shown = lines.worded(kept) if isinstance(lines, Lines) else lines[:kept]
    if kept == len(lines):
        return tuple(shown)
    return (*shown, f"... and {len(lines) - kept} more")


def not_applicable(message: str, loc: Loc | None = (), evidence: Sequence[str] = ()) -> Measurement:
    return Measurement(value=None, message=message, evidence=tuple(evidence), loc=loc)


# ---------------------------------------------------------------- plan paths


def exists(container: Any, key: str | int) -> bool:
    """Whether ``key`` is written in the plan (so it has a line and column)."""
    if isinstance(container, BaseModel):
        return key in container.model_fields_set
    if isinstance(container, dict):
        return key in container
    if isinstance(container, list):
        return isinstance(key, int) and 0 <= key < len(container)
    return False


def child(container: Any, key: str | int) -> Any:
    if isinstance(container, BaseModel):
        return getattr(container, str(key), None)
    if isinstance(container, dict):
        return container.get(key)
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return container[key]
    return None


def nearest(plan: Plan, loc: Loc) -> Loc:
    """``loc`` itself if the plan writes it, else its nearest written ancestor (``()`` is the root)."""
    node: Any = plan
    for depth, key in enumerate(loc):
        if not exists(node, key):
            return loc[:depth]
        node = child(node, key)
    return loc


def parse_path(dotted: object) -> tuple[str | int, ...]:
    """``governance.pmo.meets`` -> ("governance", "pmo", "meets"); digits are list indices."""
    if not isinstance(dotted, str) or not dotted.strip():
        raise PathError(f"the rule's path must be a dotted path such as `governance.pmo.meets`, got {dotted!r}")
    # ASCII digits only ("²" is a digit to str.isdigit) and a sensible length: an index, not a huge number
    return tuple(
        int(part) if part.isascii() and part.isdigit() and len(part) <= 9 else part
        for part in dotted.strip().split(".")
    )


class PathError(ValueError):
    """A rule names a path the plan format does not have (a pack typo)."""


def check_path(prefix: Loc, path: tuple[str | int, ...]) -> None:
    """Raise :class:`PathError`, with the nearest valid key, unless ``prefix + path`` is a path of the format."""
    for depth, part in enumerate(path):
        if isinstance(part, int):
            continue
        allowed = valid_keys_at((*prefix, *path[: depth + 1]))
        if allowed is None or part not in allowed:
            where = ".".join(str(p) for p in path[:depth]) or "the top level"
            hint = difflib.get_close_matches(str(part), allowed or [], n=1)
            suggestion = f"; did you mean `{hint[0]}`?" if hint else ""
            raise PathError(f"`{part}` is not a key of {where} in the plan format{suggestion}")


def check_path_once(prefix: Loc, path: tuple[str | int, ...]) -> None:
    """:func:`check_path`, worked out once per run for each path: every plan of a run meets the same
    rules, so the answer is kept (a wrong path raises a fresh :class:`PathError` each time)."""
    problem = _path_problem(prefix, path)
    if problem is not None:
        raise PathError(problem)


@lru_cache(maxsize=1024)
def _path_problem(prefix: Loc, path: tuple[str | int, ...]) -> str | None:
    try:
        check_path(prefix, path)
    except PathError as problem:
        return str(problem)
    return None


def is_blank(value: Any) -> bool:
    """Absent, empty, or text of only spaces; ``false`` and ``0`` are given values."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple)):
        return not value
    return False


def resolve(root: Any, path: tuple[str | int, ...]) -> tuple[Any, int]:
    """The value at ``path`` under ``root`` (None if missing) and how many parts of it are written."""
    node = root
    for depth, key in enumerate(path):
        if not exists(node, key):
            return None, depth
        node = child(node, key)
    return node, len(path)


SHOWN_LIMIT = 80  # characters of a found value quoted in a message


def shown(value: Any) -> str:
    """A found value as a message quotes it: short, and never a model's internals."""
    if isinstance(value, BaseModel):
        return "given"
    if isinstance(value, (list, tuple, dict)):
        return plural(len(value), "entry", "entries")
    if isinstance(value, str):
        value = " ".join(value.split())
        return value if len(value) <= SHOWN_LIMIT else value[: SHOWN_LIMIT - 1] + "…"
    if isinstance(value, Decimal):
        return amount(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an Enum
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# ---------------------------------------------------------------- shares of value


def share_of_value(
    plan: Plan,
    has: Callable[[Scheme], bool],
    with_what: str,
    lacking: str | Callable[[Scheme], str],
    include: Callable[[Scheme], bool] = lambda scheme: True,
    among: str = "live schemes",
    found: Callable[[Scheme], str] | None = None,
    none_measured: str | None = None,
) -> Measurement:
    """"Share of value with X": first-year savings of live schemes with X ÷ those of all live schemes × 100.

    ``include`` narrows the schemes measured (GV08: those saving £50k or
    more); ``among`` names them in messages, and ``none_measured`` says why
    the result is n/a when there are none; ``lacking`` and ``found`` say
    what each scheme lacks or has, for the evidence.
    """
    year = plan.first_year
    measured = [(index, scheme) for index, scheme in enumerate(plan.schemes) if scheme.live and include(scheme)]
    if not measured:
        return not_applicable(none_measured or f"there are no {among} to measure", nearest(plan, ("schemes",)))
    denominator = total(scheme.saving(year) for _, scheme in measured)
    if denominator == 0:
        return not_applicable(
            (
                f"{among} save nothing in {year}, so there is no value to share out "
                f"({plural(len(measured), 'scheme')}, all £0k)"
            ),
            nearest(plan, ("schemes",)),
        )
    with_x = [(index, scheme) for index, scheme in measured if has(scheme)]
    without = [(index, scheme) for index, scheme in measured if not has(scheme)]
    numerator = total(scheme.saving(year) for _, scheme in with_x)
    value = percent(numerator, denominator)
    # The biggest gaps first: they move the share most.
    without.sort(key=lambda item: (-item[1].saving(year), item[0]))
    with_x.sort(key=lambda item: (-item[1].saving(year), item[0]))
    reason = lacking if callable(lacking) else (lambda scheme: lacking)
    has_text = found or (lambda scheme: with_what)

    def saves(scheme: Scheme) -> str:
        return f"{scheme_label(scheme)} saves {amount(scheme.saving(year))} in {year}"

    evidence = Lines(without, lambda item: f"{saves(item[1])}: {reason(item[1])}")
    evidence.add(with_x, lambda item: f"{saves(item[1])}: {has_text(item[1])}")
    message = (
        f"{pct(value)} of the {year} value of {among} ({money(numerator)} of {money(denominator)}) is in "
        f"schemes {with_what}"
    )
    if without:
        largest = without[0][1]
        verb = "is" if len(without) == 1 else "are"
        message += (
            f"; {plural(len(without), 'scheme')} {verb} not, the largest {scheme_label(largest)} saving "
            f"{money(largest.saving(year))}"
        )
    loc = ("schemes", without[0][0]) if without else nearest(plan, ("schemes",))
    share = Share(
        numerator,
        denominator,
        True,
        year,
        f"bring {{amount}} more of the {year} value into schemes {with_what}",
    )
    return Measurement(value=value, message=message, evidence=capped(evidence), loc=loc, share=share)
