"""Jobs on the cores (publish/_parallel.py): what runs beside the forked workers, and when."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tryggaplatser.publish._parallel import fork_map

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork")

WAIT_S = 60.0  # a bound on a job's wait for a file, never reached when the code is right


def _wait_for(folder: Path, name: str) -> bool:
    """A job that waits until ``folder/name`` exists; False if it never came (bounded wait)."""
    path = folder / name
    end = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def test_beside_runs_while_the_workers_run(tmp_path, monkeypatch):
    """The jobs wait for files that only ``beside`` writes: they finish only if it runs while
    they run, and ``running()`` is true until the last job has finished."""
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    seen = []

    def beside(running):
        seen.append(running())
        for i in range(3):
            (tmp_path / f"go{i}").touch()
        while running():
            time.sleep(0.01)
        seen.append(running())

    got = fork_map(_wait_for, [(f"go{i}",) for i in range(3)], tmp_path, beside=beside)
    assert got == [True, True, True]
    assert seen == [True, False]


def _record(order: list, name: str) -> str:
    order.append(name)
    return name


def test_with_one_process_beside_runs_after_the_jobs(monkeypatch):
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "1")
    order: list = []

    def beside(running):
        order.append(("beside", running()))

    got = fork_map(_record, [("a",), ("b",)], order, beside=beside)
    assert got == ["a", "b"]
    assert order == ["a", "b", ("beside", False)]


def _fail_or_wait(folder: Path, what: str) -> bool:
    if what == "fail":
        raise ValueError("a job failed")
    done = _wait_for(folder, "release")
    (folder / "long-finished").touch()
    return done


def test_a_failed_job_ends_beside_and_raises_before_the_others_finish(tmp_path, monkeypatch):
    """``running()`` turns false as soon as one job has failed, while another still waits;
    the failure is raised and the waiting worker is ended (it never finishes its job)."""
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    seen = []

    def beside(running):
        while running():
            time.sleep(0.01)
        seen.append((tmp_path / "long-finished").exists())

    with pytest.raises(ValueError, match="a job failed"):
        fork_map(_fail_or_wait, [("wait",), ("fail",)], tmp_path, beside=beside)
    (tmp_path / "release").touch()
    time.sleep(0.5)  # a worker that was not ended would finish now (not a timing assertion)
    assert seen == [False]
    assert not (tmp_path / "long-finished").exists()
