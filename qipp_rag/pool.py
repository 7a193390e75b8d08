"""Worker processes that measure plans in parallel, and stop together when the run is interrupted.

Stopping is race-free:

- SIGINT and SIGTERM are blocked in the main process while the pool starts
  its workers and its threads, so every worker is born with them blocked, and
  a signal that arrives meanwhile waits until the whole pool exists.
- Each worker then ignores SIGINT (a Ctrl-C reaches every process in the
  terminal's foreground group; the main process decides what happens) and
  takes SIGTERM's default action, before it unblocks them.
- :func:`stop_pool`, called from the main process's signal handler, kills
  every worker of the running pool, the list taken once the pool had started
  them all, and waits until each has ended, so none outlives the run or
  holds its standard error open.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_WAIT_SECONDS = 10.0  # for a killed worker to be gone; SIGKILL cannot be caught, so this is only a bound

Item = TypeVar("Item")
Result = TypeVar("Result")

_running: list[BaseProcess] = []  # every worker of the pool now running; empty when none runs


def _context() -> Any:
    """Fork where the platform has it: a forked worker inherits the blocked signals and the run's setup."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _start_worker(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    initializer(*initargs)


def imap_in_pool(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    *,
    workers: int,
    chunksize: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...] = (),
) -> Iterator[Result]:
    """``function(item)`` for each of ``items`` in ``workers`` processes, given back in the items' order as
    they come, so that the caller can write each away and need not hold them all."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_start_worker, initargs=(initializer, initargs)
    )
    try:
        try:
            # map() submits every chunk at once, and the pool starts all its workers and threads on
            # the first submission; none is started later (no max_tasks_per_child), so the list is whole.
            results = pool.map(function, items, chunksize=chunksize)
            _running[:] = multiprocessing.active_children()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _running.clear()


def stop_pool() -> bool:
    """Kill every worker of the running pool and wait for each to end; False when no pool is running.

    For the main process's SIGINT and SIGTERM handler, which then leaves at once: unwinding through
    the pool's threads instead can hang or print their tracebacks.
    """
    workers = list(_running)
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join(_WAIT_SECONDS)
    return bool(workers)
