"""Run every benchmark in one go and print their figures (``make bench``).

Generates the 1 000 000-incident demo variant once into ``bench-data/stor`` (not committed),
then runs each ``bench_*.py`` in its own process, one after the other, so timings do not
disturb each other. Each script prints its own figures against its target and named peer.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIG = ROOT / "bench-data" / "stor"


def run(args: list[str]) -> int:
    print(f"\n$ {' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    rc = subprocess.call(args, cwd=ROOT)
    print(f"({time.perf_counter() - t0:.1f} s, exit {rc})", flush=True)
    return rc


def main() -> int:
    py = sys.executable
    cli = str(Path(py).with_name("tryggaplatser"))
    if not (BIG / "tryggaplatser.toml").exists():
        run([cli, "generate-demo", "--size", "1000000", "--out", str(BIG)])
    config = str(BIG / "tryggaplatser.toml")
    failures = 0
    for args in (
        [py, "benchmarks/bench_load.py"],
        [py, "benchmarks/bench_hotspots.py", "--e2e-config", config],
        [py, "benchmarks/bench_maps.py", "--config", config],
        [py, "benchmarks/bench_area_reports.py", "data/tryggaplatser.toml", config],
        [py, "benchmarks/bench_areas.py"],
        [py, "benchmarks/bench_est.py", "data/tryggaplatser.toml", config],
        [py, "benchmarks/bench_near_repeat.py", "20000", "99"],
        [py, "benchmarks/bench_disclosure.py"],
        [py, "benchmarks/bench_disclosure_plan.py"],
        [py, "benchmarks/bench_risk.py"],
        [py, "benchmarks/bench_pipeline.py"],
    ):
        failures += run(args) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
