"""Waiver typos: a waiver that matches nothing because its rule or plan is misspelt gets a warning
naming the nearest rule in force or plan in the run (``SP2``: did you mean SP02?)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from .results import WaiverRecord
from .waivers import Waiver


def _nearest(text: str, choices: Sequence[str]) -> str | None:
    near = difflib.get_close_matches(text, choices, n=1, cutoff=0.5) or difflib.get_close_matches(
        text.upper(), [choice.upper() for choice in choices], n=1, cutoff=0.5
    )
    if not near:
        return None
    return next((choice for choice in choices if choice.upper() == near[0].upper()), near[0])


def with_typo_warnings(
    records: Sequence[WaiverRecord],
    waivers: Sequence[Waiver],
    rule_ids: Sequence[str],
    found: Sequence[bool],
    plan_names: Iterable[str],
) -> list[WaiverRecord]:
    """``records`` with a ``warning`` on each unmatched waiver whose rule is not in force or whose plan
    matches no plan of the run (``found[i]``: waiver i's plan is one of the run's), naming the nearest
    match when there is one (``plan_names``: the run's organisation codes and files)."""
    unmatched = [index for index, record in enumerate(records) if record.status == "unmatched"]
    if not unmatched:
        return list(records)
    in_force = set(rule_ids)
    names = sorted(set(plan_names))
    out = list(records)
    for index in unmatched:
        waiver = waivers[index]
        notes = []
        if waiver.rule not in in_force:
            near = _nearest(waiver.rule, list(rule_ids))
            notes.append(f"rule {waiver.rule} is not in force" + (f"; did you mean {near}?" if near else ""))
        if not found[index]:
            near = _nearest(waiver.plan, names)
            notes.append(f"plan {waiver.plan} matches no plan in the run" + (f"; did you mean {near}?" if near else ""))
        if notes:
            out[index] = records[index].model_copy(update={"warning": "; ".join(notes)})
    return out
