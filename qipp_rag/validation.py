"""What `qipp-rag validate` finds: every plan file under the paths given, checked against the plan
format only (no rules), with its outcome.  Written out by :mod:`qipp_rag.reporters.validation`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .load.loading import FailedPlan, discover, load_plan
from .measuring import organisation_info
from .reporters.text import printable_path
from .results import OrganisationInfo, Problem


@dataclass(frozen=True)
class FileOutcome:
    file: str
    organisation: OrganisationInfo
    errors: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


def check(paths: Sequence[str]) -> list[FileOutcome]:
    """Every plan file under ``paths`` with its outcome, and an entry for each path that failed, in path order."""
    files, problems = discover(paths)
    outcomes: dict[str, FileOutcome] = {}
    for problem in problems:
        name = problem.file or ""
        earlier = outcomes.get(name)
        errors = (earlier.errors if earlier else ()) + (problem.model_copy(update={"file": None}),)
        outcomes[name] = FileOutcome(name, OrganisationInfo(), errors)
    for file in files:
        loaded = load_plan(file)
        if isinstance(loaded, FailedPlan):
            outcomes[file] = FileOutcome(printable_path(file), loaded.organisation, tuple(loaded.problems))
        else:
            outcomes[file] = FileOutcome(printable_path(file), organisation_info(loaded.plan), ())
    return [outcomes[name] for name in sorted(outcomes, key=lambda name: PurePath(name).parts)]
