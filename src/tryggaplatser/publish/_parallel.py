"""Independent jobs on the machine's cores, in forked processes.

A product set renders many files from one computed run. The rendering of one file does not
depend on another's, so the jobs can run in forked worker processes: a fork inherits the run's
results without copying or pickling them. Only the jobs' return values travel back.

One rule for the number of processes: ``TRYGGAPLATSER_PROCESSES`` when set (``1`` runs the
jobs one after the other, e.g. to profile), else the number of cores; never more than the
jobs; and never nested — a job running in a worker runs its own jobs one after the other, so
``tryggaplatser demo`` (whose sets are jobs) does not oversubscribe the cores. The demo's three
jobs (the public set, the draft plans, the internal set) each get a process of their own when
there is more than one core (:class:`Forked`): the public set starts before the internal run is
computed, and the cores are shared by the operating system, so no job waits for a worker.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from typing import Any

_STATE: Any = None  # the shared state, inherited by the forked workers
_IN_WORKER = False


def processes(n_jobs: int) -> int:
    """How many processes ``n_jobs`` jobs get (see the module docstring)."""
    import multiprocessing as mp

    if _IN_WORKER or n_jobs < 2 or "fork" not in mp.get_all_start_methods():
        return 1
    asked = os.environ.get("TRYGGAPLATSER_PROCESSES", "")
    return max(1, min(n_jobs, int(asked) if asked.isdigit() else (os.cpu_count() or 1)))


def in_worker() -> bool:
    """Whether this process is a worker started by :func:`fork_map` or :class:`Forked`."""
    return _IN_WORKER


def fork_map(func: Callable[..., Any], jobs: Sequence[tuple], state: Any = None) -> list:
    """``[func(state, *args) for args in jobs]``, in forked worker processes when there is more
    than one core (:func:`processes`). Results come back in the order of ``jobs``; errors are
    raised as they are."""
    workers = processes(len(jobs))
    if workers < 2:
        return [func(state, *args) for args in jobs]
    return Forked(func, jobs, state, workers).results()


class Forked:
    """Jobs started now in ``workers`` forked processes; :meth:`results` waits for them.

    The caller goes on working while they run (``tryggaplatser demo`` starts the public set
    before it computes what the internal set's jobs share); each worker inherits the state as
    it was when the jobs were started. Use :func:`fork_map` unless the caller has work of its
    own to do meanwhile; on any error the caller calls :meth:`stop`.
    """

    def __init__(
        self, func: Callable[..., Any], jobs: Sequence[tuple], state: Any, workers: int
    ) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        global _STATE
        _STATE = state
        # what the workers inherit (the project, the run, the imported modules) lives as long
        # as they do: out of the garbage collector's sight, its full collections do not walk it
        # again and again (about 1 s of CPU per demo set) and do not touch its pages
        # (copy-on-write). The workers are forked at the first submit.
        gc.freeze()
        self._pool = ProcessPoolExecutor(
            workers, mp_context=mp.get_context("fork"), initializer=_enter_worker
        )
        try:
            self._futures = [self._pool.submit(_call, func, args) for args in jobs]
        except BaseException:
            self.stop()
            raise
        finally:
            _STATE = None

    def results(self) -> list:
        """The jobs' results in their order; errors are raised as they are (and the other
        jobs stopped)."""
        try:
            results = [f.result() for f in self._futures]
        except BaseException:
            self.stop()  # a failed or interrupted run (SIGTERM, Ctrl-C) does not wait for the rest
            raise
        gc.unfreeze()  # the caller's objects are collected as before
        self._pool.shutdown()
        return results

    def stop(self) -> None:
        """End the jobs now: cancel those not started, end the workers (not after their
        current job)."""
        gc.unfreeze()
        _stop(self._pool)


def _stop(pool: Any) -> None:
    """Cancel the jobs not started and end the workers now (not after their current job)."""
    # taken before the shutdown, which forgets them; no public way before Python 3.14
    # (terminate_workers)
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()


def _enter_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True


def _call(func: Callable[..., Any], args: tuple) -> Any:
    return func(_STATE, *args)
