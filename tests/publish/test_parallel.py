"""Jobs on the cores (publish/_parallel.py): a failed job ends the other workers at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tryggaplatser.publish._parallel import fork_map

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork")

WAIT_S = 60.0  # a bound on a job's wait for a file, never reached when the code is right


def _fail_or_wait(folder: Path, what: str) -> bool:
    """Fail at once, or wait until ``folder/release`` exists and then say so in a file."""
    if what == "fail":
        raise ValueError("a job failed")
    end = time.monotonic() + WAIT_S
    while not (folder / "release").exists() and time.monotonic() < end:
        time.sleep(0.01)
    (folder / "long-finished").touch()
    return True


def test_a_failed_job_raises_and_ends_the_other_workers_at_once(tmp_path, monkeypatch):
    """The failure is raised while another job still waits, and that job's worker is ended:
    it never finishes its job, even once it is released."""
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    with pytest.raises(ValueError, match="a job failed"):
        fork_map(_fail_or_wait, [("fail",), ("wait",)], tmp_path)
    (tmp_path / "release").touch()
    time.sleep(0.5)  # a worker that was not ended would finish now (not a timing assertion)
    assert not (tmp_path / "long-finished").exists()


def _frozen(state, _: int) -> int:
    import gc

    return gc.get_freeze_count()


def test_workers_inherit_the_parents_objects_frozen_and_the_parent_gets_them_back(monkeypatch):
    """What the workers inherit is out of the collector's sight in the workers (their full
    collections do not walk it), and the caller's objects are collected again afterwards."""
    import gc

    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    assert gc.get_freeze_count() == 0
    counts = fork_map(_frozen, [(1,), (2,)])
    assert all(n > 1000 for n in counts), counts
    assert gc.get_freeze_count() == 0


def _state_and_pid(state, _: int) -> tuple:
    return state["value"], os.getpid()


def test_started_jobs_see_the_state_as_it_was_while_the_caller_goes_on(monkeypatch):
    """Jobs started with :class:`Forked` inherit the state as it was when they started, run in
    processes of their own, and the caller may change its objects meanwhile (the demo computes
    the internal run while the public set is written)."""
    import gc

    from tryggaplatser.publish._parallel import Forked

    state = {"value": "at start"}
    first = Forked(_state_and_pid, [(1,)], state, 1)
    state["value"] = "changed later"
    second = Forked(_state_and_pid, [(2,), (3,)], state, 2)
    later = second.results()
    (before,) = first.results()
    assert before[0] == "at start"
    assert [v for v, _ in later] == ["changed later"] * 2
    later_pids = {p for _, p in later}
    assert os.getpid() not in later_pids | {before[1]} and before[1] not in later_pids
    assert gc.get_freeze_count() == 0


def test_a_started_job_is_ended_by_stop(tmp_path):
    """:meth:`Forked.stop` ends a running job at once (the demo stops the public set when the
    internal jobs fail or the run is interrupted)."""
    from tryggaplatser.publish._parallel import Forked

    running = Forked(_fail_or_wait, [("wait",)], tmp_path, 1)
    running.stop()
    (tmp_path / "release").touch()
    time.sleep(0.5)  # a worker that was not ended would finish now (not a timing assertion)
    assert not (tmp_path / "long-finished").exists()
