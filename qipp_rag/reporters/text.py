"""Shared text helpers for every output: untrusted text made safe, numbers, money, bands and ratings.

Each idea is written here once: the reporters, the diff and rules output and
the metrics' messages take their escaping, their numbers and money and their
band wording from this module rather than keeping a copy.

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


# ---------------------------------------------------------------- markdown
#
# Three readers, three escapings.  A markdown report (and a pull request
# comment) is read in many viewers, so its cells use Markdown's own backslash
# escapes.  GitHub's step summary and the diff's markdown show entities as
# characters, and an entity can also defuse a mention (``@``) or a heading
# (``#``), so they use numeric entities.  SARIF viewers render a subset of
# Markdown that passes raw HTML through: angle brackets become entities,
# backslashes and pipes are escaped.

# inline markup, HTML and entities (nothing in a cell starts a line)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~<>&])")
_MARKDOWN_ENTITIES = str.maketrans({char: f"&#{ord(char)};" for char in "&<>|\\`*_[]@#~!"})


def markdown_escape(text: str) -> str:
    """Plain text safe in a Markdown table cell, on one line: markup, HTML tags and entities escaped
    with backslashes (Markdown's own escaping), so the text reads as written wherever it is rendered;
    control characters and line breaks shown as escapes."""
    text = " ".join(visible(str(text)).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_entities(text: str, show: Callable[[str], str] = visible) -> str:
    """Text on one line with every character that could open markup, a link, a mention or a table cell
    written as a numeric HTML entity; ``show`` first makes control characters visible."""
    return " ".join(show(text).translate(_MARKDOWN_ENTITIES).split())


def markdown_no_html(text: str) -> str:
    """Text safe in a Markdown viewer that passes raw HTML through (SARIF): no tags, no broken cells."""
    return (
        text.replace("\\", "\\\\")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


# ---------------------------------------------------------------- numbers and money


def exact(value: Decimal, grouped: bool = False) -> str:
    """A number with its exact digits: no exponent, no trailing zeros after the point, ``0`` for zero
    (``6720``, ``1200.5``); ``grouped`` adds thousands separators (``1,200.5``)."""
    text = format(value, ",f" if grouped else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money(value: Decimal, zero: str | None = None) -> str:
    """Money held in £000 as a reader sees it, exactly: ``£4,625k``, ``£1,200.5k``; ``zero``, where
    given, is said for none (``£0``)."""
    if zero is not None and value == 0:
        return zero
    return f"£{exact(value, grouped=True)}k"


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
