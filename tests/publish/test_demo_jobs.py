"""The demo's jobs (publish/products/demo.py): the public set is written in its own process
while the internal run is computed; when the internal side fails, the public job is ended at
once and nothing of the run is left, the previous outputs untouched."""

from __future__ import annotations

import json
import os
import time

import pytest

from tryggaplatser.datasets.generate import generate_demo

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked jobs need fork")


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_a_failing_internal_side_ends_the_running_public_job(tmp_path, monkeypatch):
    """The internal run fails in the parent after the public job has started: the error is
    raised, the public worker is ended (no process writes into the output folder afterwards)
    and the folder holds only what it held before."""
    import multiprocessing

    import pandas as pd

    from tryggaplatser._clock import fixed_today
    from tryggaplatser.analysis.run import Run
    from tryggaplatser.publish.products.demo import demo_pipeline
    from tryggaplatser.publish.staging import staged

    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    monkeypatch.setenv("TRYGGAPLATSER_PDF", "0")
    truth = generate_demo(tmp_path / "data", size=3000)
    truth = json.loads(json.dumps(truth, default=str))
    out = tmp_path / "out"
    (out / "publik").mkdir(parents=True)
    (out / "publik" / "previous.txt").write_text("the previous set\n", encoding="utf-8")
    before = _files(out)
    parent = os.getpid()
    real = Run.place_reasons

    def fail_in_parent(self, *args, **kwargs):
        if os.getpid() == parent:
            time.sleep(0.5)  # the public job is writing by now
            raise RuntimeError("the internal run failed")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Run, "place_reasons", fail_in_parent)
    end = pd.Timestamp(truth["period"]["end"]) + pd.Timedelta(days=1)
    config = tmp_path / "data" / "tryggaplatser.toml"
    with (
        fixed_today(end.date()),
        pytest.raises(RuntimeError, match="internal run failed"),
        staged(out, fresh=True),
    ):
        demo_pipeline(config, out, truth, lambda _: None)
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)  # ended workers are reaped
    assert not multiprocessing.active_children()
    time.sleep(0.5)  # a worker still running would write now (not a timing assertion)
    assert _files(out) == before
