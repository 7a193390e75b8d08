"""Waivers: accepting one rule's result for one plan, for a while, with a reason.

A waiver names a rule id and a plan (an organisation code, or a plan file's
path), and must give a reason, an approver and the last day it applies.
Against the run's as-of date:

- a waiver whose ``expires`` is before the as-of date is **expired**: it is
  reported and waives nothing;
- otherwise it turns a matching **red or amber** finding into ``waived``,
  keeping the rating it would have had; it is **applied**, and
  ``applied_to`` lists the plan files whose finding it waived;
- a waiver that matches a plan and a rule whose result is green or n/a
  leaves the finding as it is (there is nothing to accept, and a good result
  must not be hidden behind "waived"), but it is in force and matched, so it
  is reported as **applied** with an empty ``applied_to``;
- a waiver whose rule and plan match no finding in the run is **unmatched**;
- a waiver of a **critical** rule whose ``approver_organisation`` is missing,
  or is the plan's own organisation, is **refused** with the reason: an
  organisation cannot excuse itself from a red that makes its plan red, so
  the finding keeps its rating.

A waivers file with any invalid waiver is rejected whole: a run never waives
on the strength of a file it could not fully read (stricter ratings, exit 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .load.loading import load_document
from .plan.models import Date, Text
from .results import Finding, Problem, WaiverApplied, WaiverRecord, empty_list

WAIVABLE = ("red", "amber")


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Text
    plan: Text
    reason: Text
    approved_by: Text
    approver_organisation: Text | None = None  # the ODS code of the approver's organisation
    expires: Date

    @field_validator("rule", "plan", "reason", "approved_by")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("approver_organisation")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return value.strip().upper() or None if value is not None else None


class WaiversFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    waivers: list[Waiver] = Field(default_factory=empty_list, max_length=10_000)


def load_waivers(file: str) -> tuple[list[Waiver], list[Problem]]:
    """The waivers in ``file``; any problem (with line and column) rejects the whole file."""
    if not Path(file).is_file():
        return [], [Problem(message="no such waivers file", line=0, column=0, file=file)]
    document, problems = load_document(file, WaiversFile)
    if problems or document is None:
        return [], problems
    return list(document.waivers), []


@dataclass(frozen=True)
class PlanKey:
    """What a waiver's ``plan`` can match in one plan of the run."""

    file: str
    code: str | None


class WaiverMatcher:
    """Matches waivers to plans: by organisation code, the file as given, or the same file on disk.

    A waiver's path is tried as given (relative to the current folder) and
    relative to the waivers file's folder, so a waivers file kept beside the
    plans can name them either way.
    """

    def __init__(self, waivers: Sequence[Waiver], waivers_file: str | None) -> None:
        self.waivers = list(waivers)
        self.base = Path(waivers_file).resolve().parent if waivers_file else None
        # Indexes, so that a plan finds its waivers by lookup, not by trying every waiver.
        self._by_text: dict[str, list[int]] = {}
        self._by_path: dict[Path, list[int]] = {}
        for index, waiver in enumerate(self.waivers):
            self._by_text.setdefault(waiver.plan, []).append(index)
            for path in self._candidates(waiver.plan):
                self._by_path.setdefault(path, []).append(index)

    def candidates(self, plan: PlanKey) -> list[int]:
        """The waivers matching ``plan`` (its code, its file as given, or the same file on disk), in file order."""
        found = set(self._by_text.get(plan.file, ()))
        if plan.code is not None:
            found.update(self._by_text.get(plan.code, ()))
        found.update(self._by_path.get(Path(plan.file).resolve(), ()))
        return sorted(found)

    def _candidates(self, text: str) -> set[Path]:
        paths = {Path(text).resolve()}
        if self.base is not None and not Path(text).is_absolute():
            paths.add((self.base / text).resolve())
        return paths

def refusal(waiver: Waiver, plan: PlanKey, critical: bool) -> str | None:
    """Why ``waiver`` may not waive its rule for ``plan``, or None: a critical rule's waiver must be
    approved by another organisation than the plan's own."""
    if not critical:
        return None
    if waiver.approver_organisation is None:
        return (
            f"{waiver.rule} is a critical rule: its waiver must name an `approver_organisation` "
            "other than the plan's own, and this one names none"
        )
    if plan.code is not None and waiver.approver_organisation == plan.code.strip().upper():
        return (
            f"{waiver.rule} is a critical rule: its waiver is approved by the plan's own organisation "
            f"({plan.code}), and an organisation cannot excuse itself"
        )
    return None


class WaiverApplier:
    """Applies the waivers to one plan's findings at a time, in the run's plan order; once every plan
    has been through, :meth:`records` reports every waiver read.

    Where two waivers match the same finding, the first in the file that is
    not refused waives it and both count as applied.  ``critical`` says which
    rules in force are critical (their waivers may be refused).
    """

    def __init__(
        self,
        waivers: Sequence[Waiver],
        as_of: dt.date,
        waivers_file: str | None = None,
        critical: Mapping[str, bool] | None = None,
    ) -> None:
        self.waivers = list(waivers)
        self.critical = critical or {}
        self.matcher = WaiverMatcher(waivers, waivers_file)
        self.matched = [False] * len(waivers)  # matched a finding of a plan, its waiver in force
        self.found = [False] * len(waivers)  # its plan is one of the run's, in force or not
        self.refused: list[str | None] = [None] * len(waivers)
        self.applied_to: list[list[str]] = [[] for _ in waivers]
        self.live = [waiver.expires >= as_of for waiver in waivers]

    def apply(self, key: PlanKey, findings: Sequence[Finding]) -> list[Finding]:
        """The findings of the plan ``key`` names, with the waivers applied."""
        waivers = self.waivers
        by_rule: dict[str, list[int]] = {}
        for index in self.matcher.candidates(key):
            self.found[index] = True
            if self.live[index]:
                by_rule.setdefault(waivers[index].rule, []).append(index)
        out: list[Finding] = []
        for finding in findings:
            usable = []
            for index in by_rule.get(finding.rule, []):
                self.matched[index] = True
                why = refusal(waivers[index], key, self.critical.get(finding.rule, False))
                if why is None:
                    usable.append(index)
                else:
                    self.refused[index] = self.refused[index] or why
                    finding = finding.model_copy(update={"evidence": [*finding.evidence, f"waiver refused: {why}"]})
            if usable and finding.rating in WAIVABLE:
                finding = _waive(finding, waivers[usable[0]])
                self.applied_to[usable[0]].append(key.file)
            out.append(finding)
        return out

    def records(self) -> list[WaiverRecord]:
        """A record of every waiver read, in file order."""
        return [
            _record(waiver, self.live[index], self.matched[index], self.refused[index], self.applied_to[index])
            for index, waiver in enumerate(self.waivers)
        ]


def apply_waivers(
    plans: Sequence[tuple[PlanKey, list[Finding]]],
    waivers: Sequence[Waiver],
    as_of: dt.date,
    waivers_file: str | None = None,
    critical: Mapping[str, bool] | None = None,
) -> tuple[list[list[Finding]], list[WaiverRecord]]:
    """Each plan's findings with the waivers applied, and a record of every waiver read (see :class:`WaiverApplier`)."""
    applier = WaiverApplier(waivers, as_of, waivers_file, critical)
    out = [applier.apply(key, findings) for key, findings in plans]
    return out, applier.records()


def _record(waiver: Waiver, live: bool, matched: bool, refused: str | None, applied_to: list[str]) -> WaiverRecord:
    if not live:
        status = "expired"
    elif refused is not None:
        status = "refused"
    else:
        status = "applied" if matched else "unmatched"
    return WaiverRecord(
        rule=waiver.rule,
        plan=waiver.plan,
        reason=waiver.reason,
        approved_by=waiver.approved_by,
        expires=waiver.expires,
        status=status,
        applied_to=[] if status == "refused" else applied_to,
        approver_organisation=waiver.approver_organisation,
        refused_because=refused,
    )


def _waive(finding: Finding, waiver: Waiver) -> Finding:
    return finding.model_copy(
        update={
            "rating": "waived",
            "waiver": WaiverApplied(
                reason=waiver.reason,
                approved_by=waiver.approved_by,
                expires=waiver.expires,
                rating=finding.rating,  # red or amber: checked by the caller
            ),
        }
    )
