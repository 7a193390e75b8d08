"""Plan files measured in parallel: how many workers, what each is given, and what each runs.

The processes themselves (starting them, stopping them on a signal) are
:mod:`qipp_rag.pool`'s; one worker measures in the calling process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .measuring import Outcome, Setup, measure_file

_WORKER_SETUP: Setup | None = None


def _start_worker(setup: Setup) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _work(item: tuple[int, str]) -> Outcome:
    assert _WORKER_SETUP is not None, "worker used before its initializer ran"
    return measure_file(_WORKER_SETUP, *item)


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(jobs: int | None, files: int) -> int:
    """``jobs`` worker processes (default: the cores available), never more than the cores available
    nor than there are files: ``--jobs 200`` on two cores starts two, not 200 processes."""
    cores = available_cores()
    wanted = jobs if jobs is not None else cores
    return max(1, min(wanted, cores, files))


def measure_all(files: Sequence[str], setup: Setup, jobs: int | None) -> list[Outcome]:
    from .load.discovery import STDIN

    items = list(enumerate(files))
    workers = worker_count(jobs, len(items))
    if workers == 1:
        return [measure_file(setup, index, file) for index, file in items]
    local = [measure_file(setup, index, file) for index, file in items if file == STDIN]  # only here is stdin read
    items = [(index, file) for index, file in items if file != STDIN]
    chunk = max(1, -(-len(items) // (workers * 4)))  # a few chunks per worker evens out uneven plans
    from .pool import map_in_pool  # with its process pool and multiprocessing machinery: only for several workers

    pooled = map_in_pool(_work, items, workers=workers, chunksize=chunk, initializer=_start_worker, initargs=(setup,))
    return sorted([*local, *pooled], key=lambda outcome: outcome.index) if local else pooled
