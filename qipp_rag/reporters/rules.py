"""`qipp-rag rules` output: the rules in force as a list, or everything about one rule."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ..vocabulary import CRITERION_LABELS
from .text import bounds_text, exact

if TYPE_CHECKING:
    from ..results import Band, RuleInfo

UNIT_WORDS = {"percent": "%", "ratio": "", "count": "", "check": ""}


def band_words(band: Band | None, unit: str) -> str:
    """A band as a reader says it: ``≥ 90 %``, ``1 to 5 %``, ``> 0``, ``any value``."""
    if band is None:
        return "—"
    suffix = f" {UNIT_WORDS.get(unit, '')}".rstrip()
    return bounds_text(band, exact, suffix)


def thresholds(rule: RuleInfo) -> list[str]:
    green = band_words(rule.green, rule.unit)
    lines = [f"green: {green}"]
    if rule.amber is None:
        lines.append("amber: — (anything not green is red)")
        lines.append("red: anything else")
    else:
        lines.append(f"amber: {band_words(rule.amber, rule.unit)}, when not green")
        lines.append(
            "red: anything else"
            if band_words(rule.amber, rule.unit) != "any value"
            else "red: — (never; anything not green is amber)"
        )
    if rule.unit == "check":
        lines.append("(a yes/no or frequency check: banded on a score; findings show no value, and say what was found)")
    return lines


def listing(infos: list[RuleInfo], packs: list[str]) -> list[str]:
    """The rules in force, one a line under the packs they come from."""
    rows = [("ID", "Criterion", "Critical", "Green", "Amber", "Title")]
    for info in infos:
        amber = band_words(info.amber, info.unit) if info.amber is not None else "—"
        rows.append(
            (
                info.id,
                CRITERION_LABELS.get(info.criterion, info.criterion),
                "yes" if info.critical else "",
                band_words(info.green, info.unit),
                amber,
                info.title,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = [f"Rule packs in force: {'; '.join(packs) or 'none'}", ""]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=False)) + "  " + row[5]
        for row in rows
    ]
    lines += ["", f"{len(infos)} rules; `qipp-rag rules ID` explains one. Red is anything outside green and amber."]
    return lines


def explain(info: RuleInfo, pack: str) -> str:
    applies = " and ".join("CCGs" if kind == "ccg" else "area teams" for kind in info.applies_to)
    lines = [
        f"{info.id}: {info.title}",
        "",
        "Criterion:   "
        f"{CRITERION_LABELS.get(info.criterion, info.criterion)}"
        f"{' (critical: a red result makes the plan red)' if info.critical else ''}",
        f"Applies to:  {applies}",
        f"Measures:    {info.measures}",
        f"Unit:        {info.unit}",
        "Thresholds:  " + "\n             ".join(thresholds(info)),
        f"Pack:        {pack or info.pack}",
        "",
        "Why it matters:",
        _indent(info.rationale),
        "",
        "How to put it right:",
        _indent(info.remediation),
    ]
    if info.basis:
        lines += ["", "Basis:", _indent(info.basis)]
    return "\n".join(lines)


def _indent(text: str) -> str:
    paragraphs = [" ".join(paragraph.split()) for paragraph in text.strip().split("\n\n")]
    return "\n\n".join(
        textwrap.fill(paragraph, width=88, initial_indent="  ", subsequent_indent="  ") for paragraph in paragraphs
    )
