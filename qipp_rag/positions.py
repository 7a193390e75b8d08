"""Where the top levels of a plan file sit, recorded in the worker that read it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .plan.models import Plan
from .vocabulary import Loc


class Positions:
    """Where the top levels of one plan file sit, taken while its parse tree is at hand.

    Cross-plan rules are placed in the main process after every plan was
    read; asking each plan's source map there would parse every file again,
    one after another.  A worker instead records, for every path up to
    ``depth`` levels deep, where it is (a few dozen small tuples), and sends
    that back.  Cross-plan findings point at an organisation's fields or at a
    scheme (``schemes[3]``), within two levels; a deeper path is placed at
    its nearest recorded ancestor, as a source map places a path that does
    not exist.
    """

    __slots__ = ("table",)

    def __init__(self, table: dict[Loc, tuple[int, int]]) -> None:
        self.table = table

    @classmethod
    def record(cls, plan: Plan, source: Any, depth: int = 2) -> Positions:
        table: dict[Loc, tuple[int, int]] = {}

        def walk(value: Any, loc: Loc) -> None:
            table[loc] = source.locate(loc)
            if len(loc) >= depth:
                return
            if isinstance(value, BaseModel):
                for name in sorted(value.model_fields_set):
                    walk(getattr(value, name), (*loc, name))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, (*loc, index))
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(item, (*loc, str(key)))

        walk(plan, ())
        return cls(table)

    def locate(self, loc: Loc) -> tuple[int, int]:
        for end in range(len(loc), -1, -1):
            found = self.table.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1, 1
