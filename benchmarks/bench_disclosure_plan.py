"""Benchmark: the release-wide disclosure plan of the demo's public set.

Usage::

    python benchmarks/bench_disclosure_plan.py [CONFIG] [--no-reference]

Builds and solves the one disclosure plan of the demo's public folder as ``tryggaplatser
demo`` does (:func:`~tryggaplatser.publish.products.areas.plan_public_set`: the area reports,
the lägesbild, the grid cells, the street stretches and the EST overview) and prints its size
and the CPU seconds of :func:`~tryggaplatser.publish.reports.area_plan.plan_area_set` (build
and solve) and of the solve alone, with the number of attacker LPs. The run's statistics are
computed once beforehand, so only the plan is timed. Unless ``--no-reference``, it solves the
same plan a second time with the straightforward suppression as it was before its speed-up
(``tests/publish/disclosure_reference.py``) and checks that every cell gets the same status.

Measured on the bundled demo (2 shared, busy cores; 17 302 cells, 3 140 relations, 7 794
hidden): before, plan_area_set 9.3–9.6 s CPU, of which the solve 7.2–7.9 s and 2 737 LPs;
after, plan_area_set 2.3–2.5 s, the solve 0.95–1.1 s and 2 121 LPs (7–8× on the solve, ~4× on
build and solve), statuses identical. Speed is measured here, never asserted in tests.

Proofs carried across rounds (:class:`~tryggaplatser.publish.disclosure._Memory`), measured
with ``--no-reference`` before and after: the demo's public set (18 383 cells, 3 196
relations), solve 1.07 s and 2 127 LPs, then 0.68 s and 541; a sparse 6 000-incident demo
municipality (15 712 cells, 2 836 relations; pass its configuration), solve 20.9–21.9 s and
12 178 LPs, then 4.0–4.2 s and 900; statuses identical, also to the straightforward
suppression (167 s). The plan solved again for that check carries the plan's ``cover``
relations too (it used to drop them, and a sparse plan then differed by the covered wholes).

Building the plan without recounting (the municipality's months grouped once per analysis,
its walk and dialogue tables computed once, the solve's groups joined round by round): the
demo's public set (18 383 cells, 8 589 hidden), plan_area_set 2.3 s then 0.77–0.97 s (here
the analyses' month counts are already grouped; the build alone, grouping them for the first
time, 1.6 → 0.35 s), solve 0.69–0.80 → 0.57–0.60 s, 541 LPs; statuses identical to the
straightforward suppression.

The solve's LPs and rounds made cheaper (HiGHS's primal simplex for the warm re-solves, which
change only the objective; a large group's LP started from the basis of the previous round;
the derivable check's pushes repeated while they rule out cells; a round that builds no LP no
longer sets one up, nor sorts every hidden cell to find a group's cells): the sparse 6 000-
incident municipality, solve 3.6–4.0 s and 900 LPs, then 0.98–1.1 s and 740; the demo's public
set 0.52–0.66 s and 541 LPs, then 0.41–0.46 s and 534; statuses identical, also to the
straightforward suppression (143 s on the sparse municipality, 7.9 s on the demo).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from tryggaplatser._clock import fixed_today
from tryggaplatser.analysis.run import Run
from tryggaplatser.datasets import demo_config_path, demo_truth_path
from tryggaplatser.layers.load import load_project
from tryggaplatser.publish import disclosure
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.products.areas import lagesbild_period, plan_area_products
from tryggaplatser.publish.reports import area_plan

ROOT = Path(__file__).resolve().parents[1]


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
def timing(found: dict):
    """Record the CPU time of ``plan_area_set`` and of the plan's solve, and the plan as it
    was handed to the solve (``found["plan"]``, to solve it again)."""
    plan_set, solve = area_plan.plan_area_set, disclosure.DisclosurePlan.solve

    def timed_set(*args, **kwargs):
        t0 = time.process_time()
        result = plan_set(*args, **kwargs)
        found["set"] = time.process_time() - t0
        return result

    def timed_solve(self, *args, **kwargs):
        found["plan"] = unsolved_copy(self)
        t0 = time.process_time()
        result = solve(self, *args, **kwargs)
        found["solve"] = time.process_time() - t0
        return result

    area_plan.plan_area_set, disclosure.DisclosurePlan.solve = timed_set, timed_solve
    try:
        yield found
    finally:
        area_plan.plan_area_set, disclosure.DisclosurePlan.solve = plan_set, solve


def unsolved_copy(plan: disclosure.DisclosurePlan) -> disclosure.DisclosurePlan:
    return disclosure.DisclosurePlan(
        values=dict(plan.values),
        relations=list(plan.relations),
        unpublished=set(plan.unpublished),
        coarse=set(plan.coarse),
        nested=list(plan.nested),
        covered=list(plan.covered),
    )


def public_plan(config: Path) -> dict:
    """The demo's public plan, timed (the run's statistics computed beforehand)."""
    truth = json.loads(Path(demo_truth_path()).read_text(encoding="utf-8"))
    data_end = pd.Timestamp(truth["period"]["end"])
    with fixed_today((data_end + pd.Timedelta(days=1)).date()):
        project = load_project(config, quiet=True)
        run = Run(project, "public", quiet=True)
        _, start, end = lagesbild_period(project, int(data_end.year), public=True)

        def plan() -> Gate:
            gate = Gate("public", config=project.config, quiet=True)
            plan_area_products(gate, run, [None], lagesbild=(start, end))
            return gate

        plan()  # computes the run's statistics; then forget the plan and time it alone
        for key in [k for k in run._memo if isinstance(k, tuple) and k[:1] == ("disclosure_plan",)]:
            del run._memo[key]
        with counting() as counts, timing({}) as found:
            gate = plan()
    return {**found, "lp": counts["lp"], "status": dict(gate.plan.status)}


def reference_solve(plan: disclosure.DisclosurePlan) -> tuple[dict, float]:
    """Solve ``plan`` with the suppression as it was before the speed-up."""
    sys.path.insert(0, str(ROOT / "tests" / "publish"))
    import disclosure_reference

    fast = disclosure.suppress, disclosure._derivable
    disclosure.suppress, disclosure._derivable = (
        disclosure_reference.suppress,
        disclosure_reference._derivable,
    )
    try:
        t0 = time.process_time()
        status = plan.solve().status
        return dict(status), time.process_time() - t0
    finally:
        disclosure.suppress, disclosure._derivable = fast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default=demo_config_path(), type=Path)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    found = public_plan(args.config)
    plan, status = found["plan"], found["status"]
    hidden = sum(s != disclosure.PUBLISHED for s in status.values())
    print(
        f"disclosure plan (public set): {len(plan.values)} cells, {len(plan.relations)} "
        f"relations, {hidden} hidden; plan_area_set {found['set']:.2f} s CPU, of which solve "
        f"{found['solve']:.2f} s, {found['lp']} LPs"
    )
    if args.no_reference:
        return
    ref_status, ref_cpu = reference_solve(plan)
    same = ref_status == status
    print(
        f"straightforward solve (as before): {ref_cpu:.2f} s CPU; speed-up of the solve "
        f"{ref_cpu / found['solve']:.1f}×; statuses identical: {same}"
    )
    if not same:
        raise SystemExit("the fast plan differs from the straightforward one")


if __name__ == "__main__":
    main()
