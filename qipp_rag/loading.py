"""Discovery, the strict YAML loader and the source map (path -> line, column).

INTERFACE (implementation to follow): every other module relies on exactly
these names and signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from .plan import Loc, Plan
from .results import OrganisationInfo, Problem

M = TypeVar("M", bound=BaseModel)


class SourceMap(Protocol):
    def locate(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the node at ``loc``; the nearest existing
        ancestor where the path does not exist (a missing key)."""
        ...

    def locate_key(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the *key* that ``loc`` ends in (for unknown
        or duplicate keys); falls back to :meth:`locate`."""
        ...


@dataclass(frozen=True)
class LoadedPlan:
    file: str  # the path as it will be shown (relative where the input was)
    plan: Plan
    source: SourceMap


@dataclass(frozen=True)
class FailedPlan:
    file: str
    problems: list[Problem]  # every problem found, each with line and column
    organisation: OrganisationInfo  # what could be salvaged, for grouping in reports


def discover(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """Plan files under ``paths`` (files, or folders walked recursively for
    *.yaml and *.yml), in sorted path order, without duplicates; symlinks never
    lead out of a given tree or round a loop.  Problems (a path that does not
    exist, a folder that cannot be read) come back with ``file`` set."""
    raise NotImplementedError


def load_plan(file: str) -> LoadedPlan | FailedPlan:
    """Read, parse and validate one plan file.  Never raises for bad input."""
    raise NotImplementedError


def load_document(file: str, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Load any YAML input (rule pack, waivers, config) with the same strict
    loader and validate it against ``model``; problems carry file, line and
    column.  Returns (model instance or None, problems)."""
    raise NotImplementedError
