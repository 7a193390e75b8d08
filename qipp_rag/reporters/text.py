"""Shared text helpers for reporters: what a human-readable output may show of untrusted text.

Plan files, rule packs, waivers and file names are written by people the
tool does not trust.  A line break in a key or a name must not start a new
line in a terminal or a CI log (GitHub Actions reads a line starting ``::``
as a command), an ANSI escape must not recolour or rewrite the terminal, and
a file name that is not UTF-8 must not crash a report.  :func:`visible`
shows such characters as escapes (``\\n``, ``\\x1b``); :func:`printable_path`
shows a file name's undecodable bytes as ``\\xe9``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..results import PlanResult

# C0 and C1 controls, DEL, Unicode line and paragraph separators, and lone surrogates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte a file name could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character, line break and lone surrogate shown as an escape."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def printable_path(path: str) -> str:
    """A file name as every output can carry it: bytes that are not UTF-8 shown as ``\\xe9``."""
    return _SURROGATE.sub(_escape, path) if _SURROGATE.search(path) else path


class Bounds(Protocol):
    """A band's bounds: ``min``/``max`` include their edge, ``above``/``below`` exclude it."""

    @property
    def min(self) -> Decimal | None: ...
    @property
    def max(self) -> Decimal | None: ...
    @property
    def above(self) -> Decimal | None: ...
    @property
    def below(self) -> Decimal | None: ...


def bounds_text(band: Bounds, number: Callable[[Decimal], str] = str, suffix: str = "", gap: str = " ") -> str:
    """A band as people read it: ``≥ 90 %``, ``1 to 5 %``, ``> 0 and < 7``, ``any value``.

    ``number`` writes each bound, ``suffix`` (the unit) follows the whole band,
    and ``gap`` separates a comparison from its bound (a no-break space in HTML).
    """
    low = f"≥{gap}{number(band.min)}" if band.min is not None else None
    if low is None and band.above is not None:
        low = f">{gap}{number(band.above)}"
    high = f"≤{gap}{number(band.max)}" if band.max is not None else None
    if high is None and band.below is not None:
        high = f"<{gap}{number(band.below)}"
    if band.min is not None and band.max is not None:
        return f"{number(band.min)} to {number(band.max)}{suffix}"
    if low and high:
        return f"{low} and {high}{suffix}"
    if low or high:
        return f"{low or high}{suffix}"
    return "any value"


# ---------------------------------------------------------------- delivery confidence, waived results, distance

CONFIDENCE_LABELS = {
    "green": "GREEN",
    "amber/green": "AMBER/GREEN",
    "amber": "AMBER",
    "amber/red": "AMBER/RED",
    "red": "RED",
}
CONFIDENCE_LEGEND = (
    "Confidence: delivery confidence on the five-point Gateway scale (GREEN, AMBER/GREEN, AMBER, AMBER/RED, RED), "
    "read from the plan's counted results; n/a and waived results do not count."
)


def waived_note(plan: PlanResult) -> str:
    """`` (1 waived)`` when a plan has waived results, else nothing: said wherever its rating is shown."""
    return f" ({plan.waived} waived)" if plan.waived else ""


def rating_text(plan: PlanResult) -> str:
    """The plan's rating as people read it: ``GREEN (1 waived)``."""
    return plan.rating.upper() + waived_note(plan)


def confidence_text(plan: PlanResult) -> str:
    """``AMBER/RED``, or nothing for a plan rated error (it has no confidence)."""
    return CONFIDENCE_LABELS.get(plan.confidence or "", "")


def rating_and_confidence(plan: PlanResult) -> str:
    """``RED (1 waived), confidence AMBER/RED``; a plan rated error is ``ERROR``."""
    confidence = confidence_text(plan)
    return rating_text(plan) + (f", confidence {confidence}" if confidence else "")
