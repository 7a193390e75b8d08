"""Plan files measured in parallel: how many workers, what each is given, and what each runs.

The processes themselves (starting them, stopping them on a signal) are
:mod:`qipp_rag.pool`'s; one worker measures in the calling process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from .measuring import Measured, Setup, measure_file

_WORKER_SETUP: Setup | None = None


def _start_worker(setup: Setup) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _work(item: tuple[int, str]) -> Measured:
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


MAX_CHUNK = 16  # plans a worker sends back at once: results wait in the main process until their turn


def measure_each(files: Sequence[str], setup: Setup, jobs: int | None) -> Iterator[Measured]:
    """Each file measured, given back in the files' order as soon as its turn comes."""
    from .load.discovery import STDIN

    items = list(enumerate(files))
    workers = worker_count(jobs, len(items))
    if workers == 1:
        for index, file in items:
            yield measure_file(setup, index, file)
        return
    # Standard input can be read only here, in the main process.
    local = {index: measure_file(setup, index, file) for index, file in items if file == STDIN}
    items = [(index, file) for index, file in items if file != STDIN]
    # A few chunks per worker evens out uneven plans; a bounded chunk keeps results waiting for their turn few.
    chunk = max(1, min(MAX_CHUNK, -(-len(items) // (workers * 4))))
    from .pool import imap_in_pool  # with its process pool and multiprocessing machinery: only for several workers

    for measured in imap_in_pool(
        _work, items, workers=workers, chunksize=chunk, initializer=_start_worker, initargs=(setup,)
    ):
        while local and min(local) < measured.index:
            yield local.pop(min(local))
        yield measured
    for index in sorted(local):
        yield local[index]
