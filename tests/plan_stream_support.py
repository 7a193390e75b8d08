"""A plan sequence that reads like the engine's spilled one, and what rendering over it is checked against.

:class:`FreshPlans` wraps a list of PlanResults and hands out a fresh deep copy
on every access, as a sequence read from a spill file does; it counts the
copies still alive, so a test can tell whether a reporter keeps plans.

The reporter captures (:func:`outputs`) are every format, under several sets
of options, for the example plans and a small generated corpus; their hashes
are kept in ``tests/fixtures/reporter_outputs.json``, taken before the
reporters were made to stream.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import importlib.util
import os
import pickle
import sys
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from qipp_rag.engine import AssessOptions, assess
from qipp_rag.reporters import REPORTERS, RenderOptions, chunked, renderer
from qipp_rag.results import Assessment, PlanResult

REPO = Path(__file__).resolve().parents[1]
HASHES = REPO / "tests" / "fixtures" / "reporter_outputs.json"


class FreshPlans(Sequence[PlanResult]):
    """Each ``plans[i]`` (and each step of iteration) is a new deep copy; ``live`` counts the copies alive."""

    def __init__(self, plans: Sequence[PlanResult], collect_above: int = 0) -> None:
        self._plans = [pickle.dumps(plan) for plan in plans]  # unpickling is a cheap deep copy
        # A new peak above this many copies is counted after collecting garbage; one at or below it is
        # counted as it stands, which can only count too many (a full collection is slow in a large
        # process).  So ``peak <= n`` for any n >= collect_above says what it says when every peak is
        # counted after collecting.
        self.collect_above = collect_above
        self._alive: dict[int, weakref.ref[PlanResult]] = {}  # by id: frozen models hash by value
        self.peak = 0
        self.handed_out = 0

    def __len__(self) -> int:
        return len(self._plans)

    @overload
    def __getitem__(self, index: int) -> PlanResult: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PlanResult]: ...
    def __getitem__(self, index: int | slice) -> PlanResult | Sequence[PlanResult]:
        if isinstance(index, slice):
            raise TypeError("a spilled plan sequence is read a plan at a time, not sliced")
        original = self._plans[index]  # IndexError ends an old-style iteration
        return self._fresh(original)

    def __iter__(self) -> Iterator[PlanResult]:
        for number in range(len(self._plans)):
            yield self._fresh(self._plans[number])

    def _fresh(self, plan: bytes) -> PlanResult:
        copy: PlanResult = pickle.loads(plan)
        self.handed_out += 1
        key = id(copy)
        self._alive[key] = weakref.ref(copy, lambda _, key=key: self._alive.pop(key, None))
        # what is alive now, counting the new copy: copies that are only garbage are collected first
        if len(self._alive) > self.peak:
            if len(self._alive) > self.collect_above:
                gc.collect()
            self.peak = max(self.peak, len(self._alive))
        return copy

    @property
    def live(self) -> int:
        gc.collect()
        return len(self._alive)

    def live_within(self, most: int) -> int:
        """``live`` when it is above ``most``, else a count at most ``most``: copies that are only garbage
        are collected (a full collection, slow in a large process) only when the copies not yet freed are
        more than ``most``, since collecting can only lower the count.  ``live_within(n) <= n`` is
        ``live <= n``."""
        if len(self._alive) <= most:
            return len(self._alive)
        return self.live


def streamed(assessment: Assessment, collect_above: int = 0) -> tuple[Assessment, FreshPlans]:
    """The assessment with its plans behind a :class:`FreshPlans`."""
    plans = FreshPlans(assessment.plans, collect_above)
    return assessment.model_copy(update={"plans": plans}), plans


# ---------------------------------------------------------------- captured outputs


def _bench_generate():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def example_assessment() -> Assessment:
    """The example plans with the example waivers, as of 2014-12-31, named from the repository's folder."""
    here = Path.cwd()
    os.chdir(REPO)  # plan files named as given: the same names wherever the repository is
    try:
        return assess(
            AssessOptions(paths=("plans",), as_of=dt.date(2014, 12, 31), waivers="examples/waivers.yaml", jobs=1)
        )
    finally:
        os.chdir(here)


def corpus_assessment(folder: Path, count: int = 60) -> Assessment:
    """``count`` generated plans (seed 3, one in ten broken) assessed as of 2015-06-30."""
    _bench_generate().write_corpus(folder, count, seed=3, invalid_rate=0.1)
    here = Path.cwd()
    os.chdir(folder.parent)  # plan files named as given: the same names wherever the corpus is made
    try:
        return assess(AssessOptions(paths=(folder.name,), as_of=dt.date(2015, 6, 30), jobs=1))
    finally:
        os.chdir(here)


OPTIONS: dict[str, RenderOptions] = {
    "default": RenderOptions(),
    "region": RenderOptions(group_by="region", fail_on="amber", show_na=True),
    "provider": RenderOptions(group_by="provider", sort="path"),
    "area_team": RenderOptions(group_by="area_team"),
}
TABLE_OPTIONS: dict[str, RenderOptions] = {
    "w80": RenderOptions(width=80),
    "w120-colour": RenderOptions(width=120, color=True),
    "w60": RenderOptions(width=60, show_na=True),
    "w60-region": RenderOptions(width=60, group_by="region", show_na=True),
    "w200-path": RenderOptions(width=200, sort="path", group_by="provider"),
}


def cases() -> list[tuple[str, str, RenderOptions]]:
    """(name, format, options) for every capture of one assessment."""
    found = [(f"{name}.{key}", name, options) for name in REPORTERS for key, options in OPTIONS.items()]
    found += [(f"table.{key}", "table", options) for key, options in TABLE_OPTIONS.items()]
    return found


def outputs(assessment: Assessment, pieces: bool = False) -> dict[str, str]:
    """Every capture's text (joined from the format's pieces when ``pieces``)."""
    return {
        name: "".join(chunked(fmt)(assessment, options)) if pieces else renderer(fmt)(assessment, options)
        for name, fmt, options in cases()
    }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
