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
