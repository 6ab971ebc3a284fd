"""Benchmark: the release-wide disclosure plan of the demo's public area set.

Usage::

    python benchmarks/bench_disclosure_plan.py [CONFIG] [--no-reference]

Times :func:`~tryggaplatser.publish.reports.area_plan.plan_area_set` (the plan behind
``tryggaplatser area --all --mode public``) in CPU seconds, with the number of attacker LPs it
solves. Unless ``--no-reference``, it solves the same plan a second time the straightforward
way (as before the speed-up: every group certified again each round, one fresh
:func:`scipy.optimize.linprog` per LP) and checks that every cell gets the same status.

Measured on the bundled demo (2 shared, busy cores): 17.9–18.9 s CPU and 8 044 LPs before,
1.2–1.7 s and 2 295 LPs after (11–15×), statuses identical (target ≤ 3 s). Speed is
measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from pathlib import Path

from tryggaplatser.analysis.run import Run
from tryggaplatser.layers.load import load_project
from tryggaplatser.publish import disclosure
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.area_plan import plan_area_set


@contextmanager
def counting() -> dict:
    """Count the attacker LPs solved inside the block (either way of solving them)."""
    counts = {"lp": 0}
    group_solve, extreme = disclosure._GroupLP.solve, disclosure._extreme

    def counted_solve(self, *args, **kwargs):
        if self.highs is not None:
            counts["lp"] += 1
        return group_solve(self, *args, **kwargs)

    def counted_extreme(*args, **kwargs):
        counts["lp"] += 1
        return extreme(*args, **kwargs)

    disclosure._GroupLP.solve, disclosure._extreme = counted_solve, counted_extreme
    try:
        yield counts
    finally:
        disclosure._GroupLP.solve, disclosure._extreme = group_solve, extreme


@contextmanager
def straightforward():
    """Solve as before the speed-up: no group cache, one ``linprog`` call per LP."""
    certify, core = disclosure._certify, disclosure._highs_core

    def uncached(table, status, min_count, need_low, need_high, seen=None):
        certify(table, status, min_count, need_low, need_high, None)

    disclosure._certify, disclosure._highs_core = uncached, lambda: None
    try:
        yield
    finally:
        disclosure._certify, disclosure._highs_core = certify, core


def timed_plan(analyses: list, gate: Gate) -> tuple[dict, float, int]:
    with counting() as counts:
        t0 = time.process_time()
        plan = plan_area_set(analyses, gate)
        cpu = time.process_time() - t0
    return dict(plan.status), cpu, counts["lp"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default="data/tryggaplatser.toml", type=Path)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    project = load_project(args.config, quiet=True)
    gate = Gate("public", config=project.config, quiet=True)
    run = Run(project, gate.mode, quiet=True)
    analyses = [run.area_analysis(None)]
    status, cpu, lps = timed_plan(analyses, gate)
    print(
        f"disclosure plan (public area set, {len(status)} cells): {cpu:.2f} s CPU, "
        f"{lps} LPs (target ≤ 3 s)"
    )
    if args.no_reference:
        return
    with straightforward():
        ref_status, ref_cpu, ref_lps = timed_plan(analyses, gate)
    same = ref_status == status
    print(
        f"straightforward solve (as before): {ref_cpu:.2f} s CPU, {ref_lps} LPs; "
        f"speed-up {ref_cpu / cpu:.1f}×; statuses identical: {same}"
    )
    if not same:
        raise SystemExit("the fast plan differs from the straightforward one")


if __name__ == "__main__":
    main()
