"""`qipp-rag diff` output: a computed :class:`~qipp_rag.diffing.AssessmentDiff` as a plain table,
Markdown or JSON (the JSON's numbers exact, as in the assessment itself).

Each format is a ``render_<format>(diff) -> str`` here and one line of
:data:`qipp_rag.reporters.DIFF_REPORTERS`, where the command takes its choices from."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..results import exact_numbers, mark_exact
from .text import markdown_entities, money, visible

if TYPE_CHECKING:
    from ..diffing import AssessmentDiff, PlanChange, ShortfallChange


def _rating_text(rating: str | None, value: Decimal | None) -> str:
    if rating is None:
        return "(not assessed)"
    return f"{rating} ({value})" if value is not None else rating


def _counts_line(diff: AssessmentDiff) -> str:
    same = diff.matched - len(diff.worse) - len(diff.better)
    return (
        f"{diff.matched} plans matched: {len(diff.worse)} worse, {len(diff.better)} better, {same} with the same "
        "rating; "
        f"{len(diff.added)} added, {len(diff.gone)} gone"
    )


def _money(value: Decimal | None) -> str:
    return "none" if value is None else money(value)


def _shortfall_text(change: ShortfallChange) -> str:
    return (
        f"shortfall {change.year}: identified {_money(change.old_identified)} -> {_money(change.new_identified)}, "
        f"risk-adjusted {_money(change.old_risk_adjusted)} -> {_money(change.new_risk_adjusted)}"
    )


def _confidence_text(change: PlanChange) -> str:
    """", confidence amber/green -> amber/red" where it moved, else nothing."""
    if change.old_confidence is None or change.new_confidence is None or change.old_confidence == change.new_confidence:
        return ""
    return f", confidence {change.old_confidence} -> {change.new_confidence}"


def render_table(diff: AssessmentDiff) -> str:
    out = [f"qipp-rag diff: {diff.old_as_of} -> {diff.new_as_of}", _counts_line(diff), ""]
    for change in diff.changed:
        moved = (
            f"{change.old_rating} -> {change.new_rating}"
            if change.old_rating != change.new_rating
            else f"{change.new_rating} (rating unchanged)"
        )
        out.append(f"{change.direction.upper():<6}  {change.label}: {moved}{_confidence_text(change)}")
        if change.old_file != change.new_file:
            out.append(f"        file: {change.old_file} -> {change.new_file}")
        for rule in change.rules:
            out.append(
                f"        {rule.rule:<6} {rule.title}: {_rating_text(rule.old_rating, rule.old_value)} -> "
                f"{_rating_text(rule.new_rating, rule.new_value)}"
            )
            if rule.new_message:
                out.append(f"               now: {rule.new_message}")
        out += [f"        {_shortfall_text(gap)}" for gap in change.shortfall]
    for entry in diff.added:
        out.append(f"ADDED   {entry.label}: {entry.rating}")
    for entry in diff.gone:
        out.append(f"GONE    {entry.label}: was {entry.rating}")
    if diff.shortfall_totals:
        out += ["", "Shortfall totals (summed plan by plan):"]
        out += [f"        {_shortfall_text(gap)}" for gap in diff.shortfall_totals]
    if not diff.changed and not diff.added and not diff.gone:
        out.append("No plan's rating or rule results changed.")
    return "\n".join(_one_line(line) for line in out) + "\n"


def _md(text: str) -> str:
    return markdown_entities(text)


def render_markdown(diff: AssessmentDiff) -> str:
    out = [f"## qipp-rag diff: {diff.old_as_of} → {diff.new_as_of}", "", _md(_counts_line(diff)), ""]
    if diff.changed:
        out += ["| plan | was | now | direction | confidence was | confidence now |", "|---|---|---|---|---|---|"]
        out += [
            f"| {_md(c.label)} | {c.old_rating} | {c.new_rating} | {c.direction} | "
            f"{c.old_confidence or ''} | {c.new_confidence or ''} |"
            for c in diff.changed
        ]
        out.append("")
        for change in diff.changed:
            if change.rules or change.shortfall:
                out += [f"### {_md(change.label)}", ""]
            if change.rules:
                out += ["| rule | was | now | finding now |", "|---|---|---|---|"]
                out += [
                    f"| {_md(r.rule)} {_md(r.title)} | {_md(_rating_text(r.old_rating, r.old_value))} | "
                    f"{_md(_rating_text(r.new_rating, r.new_value))} | {_md(r.new_message or '')} |"
                    for r in change.rules
                ]
                out.append("")
            if change.shortfall:
                out += [_md(_shortfall_text(gap)).join(("- ", "")) for gap in change.shortfall] + [""]
    if diff.shortfall_totals:
        out += ["### Shortfall totals (summed plan by plan)", ""]
        out += [_md(_shortfall_text(gap)).join(("- ", "")) for gap in diff.shortfall_totals] + [""]
    if diff.added:
        out += ["### Added", ""] + [f"- {_md(e.label)}: {e.rating}" for e in diff.added] + [""]
    if diff.gone:
        out += ["### Gone", ""] + [f"- {_md(e.label)}: was {e.rating}" for e in diff.gone] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def diff_to_data(diff: AssessmentDiff) -> dict[str, Any]:
    return {
        "old_as_of": diff.old_as_of,
        "new_as_of": diff.new_as_of,
        "summary": {
            "matched": diff.matched,
            "worse": len(diff.worse),
            "better": len(diff.better),
            "added": len(diff.added),
            "gone": len(diff.gone),
        },
        "changed": [
            {
                "key": c.key,
                "old_file": c.old_file,
                "new_file": c.new_file,
                "label": c.label,
                "old_rating": c.old_rating,
                "new_rating": c.new_rating,
                "direction": c.direction,
                "old_confidence": c.old_confidence,
                "new_confidence": c.new_confidence,
                "confidence_direction": c.confidence_direction,
                "shortfall": [_shortfall_data(gap) for gap in c.shortfall],
                "rules": [
                    {
                        "rule": r.rule,
                        "title": r.title,
                        "old_rating": r.old_rating,
                        "new_rating": r.new_rating,
                        "direction": r.direction,
                        "old_value": r.old_value,
                        "new_value": r.new_value,
                        "old_message": r.old_message,
                        "new_message": r.new_message,
                    }
                    for r in c.rules
                ],
            }
            for c in diff.changed
        ],
        "added": [
            {"file": e.file, "label": e.label, "rating": e.rating, "confidence": e.confidence} for e in diff.added
        ],
        "gone": [{"file": e.file, "label": e.label, "rating": e.rating, "confidence": e.confidence} for e in diff.gone],
        "shortfall_totals": [_shortfall_data(gap) for gap in diff.shortfall_totals],
    }


def _shortfall_data(gap: ShortfallChange) -> dict[str, Any]:
    return {
        "year": gap.year,
        "old": {"identified": gap.old_identified, "risk_adjusted": gap.old_risk_adjusted},
        "new": {"identified": gap.new_identified, "risk_adjusted": gap.new_risk_adjusted},
    }


def render_json(diff: AssessmentDiff) -> str:
    """Values as exact JSON numbers, as in the assessment itself."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return mark_exact(value)  # the assessment's own unforgeable mark
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    text = json.dumps(plain(diff_to_data(diff)), indent=2, ensure_ascii=False)
    return exact_numbers(text) + "\n"


def _one_line(text: str) -> str:
    """Plan text in the plain table: control characters and line breaks cannot reshape the output."""
    return visible(text)
