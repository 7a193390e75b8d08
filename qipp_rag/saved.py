"""Reading a saved assessment plan by plan, so that rendering a national one again stays small.

``assess --format json`` writes its own layout (see :func:`qipp_rag.results.json_chunks`):
the header's keys, then ``"plans": [`` with each plan on its own lines,
indented by four spaces, then the rest.  :func:`read_saved` reads a file in
that layout one line at a time, keeps the byte offsets of each plan and
parses only the header; its ``plans`` are a :class:`SavedPlans` sequence,
which parses and validates a plan from its bytes each time it is asked for.
Every plan is parsed and validated once on the way in, so a file with any
problem is refused before anything is written, as before.

A file in any other layout (reformatted by ``jq``, say), or with any
problem at all, is read whole by :func:`qipp_rag.results.from_json`, which
gives exactly the messages and the values it always gave: the pieces are
parsed as the whole file is (the same number, text and bounds checks), so a
file read here is the assessment that reading it whole gives.
"""

from __future__ import annotations

from array import array
from typing import BinaryIO

from .lazy import LazySequence
from .results import Assessment, PlanResult, from_json, json_value

PLANS_OPEN = b'  "plans": [\n'
NO_PLANS = b'  "plans": [],\n'
PLANS_CLOSE = b"  ],\n"
PLAN_OPEN = b"    {\n"
PLAN_CLOSE = b"    }\n"
PLAN_CLOSE_MORE = b"    },\n"


class NotOwnLayout(Exception):
    """The file is not laid out as ``assess --format json`` writes it (or has a problem): read it whole."""


class SavedPlans(LazySequence[PlanResult]):
    """The plans of a saved assessment, each parsed and validated from its bytes when asked for
    (a fresh object each time), so that going through them holds one at a time."""

    def __init__(self, handle: BinaryIO, starts: array[int], ends: array[int]) -> None:
        self._handle = handle
        self._starts = starts
        self._ends = ends

    def __len__(self) -> int:
        return len(self._starts)

    def _load(self, index: int) -> PlanResult:
        start = self._starts[index]
        self._handle.seek(start)
        return _plan(self._handle.read(self._ends[index] - start))

    def __repr__(self) -> str:
        return f"<{len(self)} plans read from {getattr(self._handle, 'name', 'a saved assessment')}>"

    def close(self) -> None:
        self._handle.close()


def _plan(data: bytes) -> PlanResult:
    return PlanResult.model_validate(json_value(data))


def read_saved(file: str) -> Assessment:
    """The saved assessment in ``file``: plan by plan when it is in the tool's own layout, else whole.

    Raises what :func:`~qipp_rag.results.from_json` raises for a file that is
    not an assessment, and ``OSError`` when the file cannot be read.
    """
    handle = open(file, "rb")  # held open by the plans, which read from it
    try:
        return _read_own_layout(handle)
    except NotOwnLayout:
        pass
    except BaseException:
        handle.close()
        raise
    try:
        handle.seek(0)
        data = handle.read()
    finally:
        handle.close()
    return from_json(data)


def _read_own_layout(handle: BinaryIO) -> Assessment:
    header = bytearray()
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    offset = 0
    lines = iter(handle.readline, b"")
    for line in lines:  # the header, up to the plans
        offset += len(line)
        if line == NO_PLANS:
            raise NotOwnLayout  # no plans: the file is small, read it whole
        if line == PLANS_OPEN:
            break
        header += line
    else:
        raise NotOwnLayout
    if not header.startswith(b"{\n"):
        raise NotOwnLayout
    more = True
    while more:  # each plan: "    {" ... "    }" or "    },"; nothing between them
        line = next(lines, b"")
        if line != PLAN_OPEN:
            raise NotOwnLayout
        starts.append(offset)
        offset += len(line)
        plan = [line]
        for line in lines:
            offset += len(line)
            if line.startswith(b"    }"):
                break
            plan.append(line)
        else:
            raise NotOwnLayout
        if line not in (PLAN_CLOSE, PLAN_CLOSE_MORE):
            raise NotOwnLayout
        plan.append(b"    }")
        ends.append(offset - len(line) + len(PLAN_CLOSE) - 1)  # the closing brace, not the comma or line break
        more = line == PLAN_CLOSE_MORE
        try:
            _plan(b"".join(plan))  # every plan is checked before anything is written
        except (ValueError, RecursionError) as error:  # ValidationError and JSONDecodeError are ValueErrors
            raise NotOwnLayout from error
    if next(lines, b"") != PLANS_CLOSE:
        raise NotOwnLayout
    header += NO_PLANS
    for line in lines:
        header += line
    try:
        frame = Assessment.model_validate(json_value(bytes(header)))
    except (ValueError, RecursionError) as error:
        raise NotOwnLayout from error
    if frame.plans:
        raise NotOwnLayout
    return frame.model_copy(update={"plans": SavedPlans(handle, starts, ends)})
