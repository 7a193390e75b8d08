"""The worker pool: workers are born with the stop signals blocked and set, and stopping ends every one of them."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from qipp_rag import pool

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


def _nothing() -> None:
    return None


def _signal_state(_: int) -> tuple[str, str, tuple[int, ...], int]:
    return (
        str(signal.getsignal(signal.SIGINT)),
        str(signal.getsignal(signal.SIGTERM)),
        tuple(sorted(int(number) for number in signal.pthread_sigmask(signal.SIG_BLOCK, []))),
        os.getpid(),
    )


def _slow(item: int) -> int:
    time.sleep(0.05)
    return item


def test_results_come_back_in_order_from_several_workers() -> None:
    assert list(pool.imap_in_pool(_slow, range(20), workers=3, chunksize=2, initializer=_nothing)) == list(range(20))
    assert pool._running == []  # nothing is left to stop once the pool is done


def test_workers_ignore_sigint_take_sigterm_and_block_neither() -> None:
    """A Ctrl-C reaches every process of the terminal's group: the workers leave it to the main process."""
    states = list(pool.imap_in_pool(_signal_state, range(12), workers=3, chunksize=1, initializer=_nothing))
    assert {state[:3] for state in states} == {(str(signal.SIG_IGN), str(signal.SIG_DFL), ())}
    assert os.getpid() not in {state[3] for state in states}
    # and the main process has its own mask back
    assert int(signal.SIGTERM) not in {int(number) for number in signal.pthread_sigmask(signal.SIG_BLOCK, [])}


def test_the_initializer_runs_in_each_worker_after_the_signals_are_set() -> None:
    states = list(pool.imap_in_pool(_signal_state, range(4), workers=2, chunksize=1, initializer=_check_set, initargs=("ok",)))
    assert len(states) == 4


def _check_set(expected: str) -> None:
    assert expected == "ok"
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, [])


class _Stopped(Exception):
    pass


def test_a_signal_while_the_pool_starts_waits_for_every_worker_then_stops_them_all() -> None:
    """SIGTERM arrives after the first chunk is handed out, while the pool is starting its workers.

    The handler must run only once the pool holds all of them, and stop_pool must kill and reap each:
    a stop that runs in the middle, or kills a list taken too early, leaves a worker behind.
    """
    seen: list[tuple[bool, list[object]]] = []

    def on_sigterm(signum: int, frame: object) -> None:
        workers = list(pool._running)
        seen.append((pool.stop_pool(), workers))
        raise _Stopped

    def items() -> Iterator[int]:
        yield 0
        os.kill(os.getpid(), signal.SIGTERM)
        yield from range(1, 30)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with pytest.raises(_Stopped):
            list(pool.imap_in_pool(_slow, items(), workers=3, chunksize=1, initializer=_nothing))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(seen) == 1
    stopped, workers = seen[0]
    assert stopped
    assert len(workers) == 3
    assert not any(worker.is_alive() for worker in workers)  # type: ignore[attr-defined]
    assert pool._running == []


def test_stop_pool_with_no_pool_running_does_nothing() -> None:
    assert pool.stop_pool() is False


def test_the_signal_handler_looks_for_the_pool_where_it_is() -> None:
    from qipp_rag import cli

    assert cli.POOL_MODULE == pool.__name__
