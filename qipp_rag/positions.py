"""Where the top levels of a plan file sit, recorded in the worker that read it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .plan.models import Plan
from .vocabulary import Loc


class Positions:
    """Where the parts of one plan file that cross-plan findings point at sit, taken while its parse
    tree is at hand.

    Cross-plan rules are placed in the main process after every plan was
    read; asking each plan's source map there would parse every file again,
    one after another.  A worker instead records where the document, its
    organisation and each organisation field sit, and each scheme a
    cross-plan rule can point at (``schemes[3]``), and sends that back with
    the plan's detail (:class:`~qipp_rag.rulebook.plan_table.PlanDetail`),
    which waits in a spill file until the plan's findings are placed.  A
    path not recorded is placed at its nearest recorded ancestor, as a
    source map places a path that does not exist.
    """

    __slots__ = ("table",)

    def __init__(self, table: dict[Loc, tuple[int, int]]) -> None:
        self.table = table

    @classmethod
    def record(cls, plan: Plan, source: Any, schemes: Iterable[int] = ()) -> Positions:
        """Where ``plan``'s document, organisation and its fields, and its ``schemes`` (by position) sit."""
        wanted: list[Loc] = [(), ("organisation",)]
        wanted += [("organisation", name) for name in sorted(plan.organisation.model_fields_set)]
        compared = list(schemes)
        if compared:
            wanted += [("schemes",), *(("schemes", position) for position in compared)]
        return cls({loc: source.locate(loc) for loc in wanted})

    def locate(self, loc: Loc) -> tuple[int, int]:
        for end in range(len(loc), -1, -1):
            found = self.table.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1, 1
