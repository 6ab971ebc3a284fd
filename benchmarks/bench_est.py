"""Benchmark: the weekly EST brief for one week (target < 20 s on 1 000 000 incidents).

Run: ``.venv/bin/python benchmarks/bench_est.py [CONFIG ...]``. Without arguments it times the
demo municipality and, when it exists, the large variant in ``/tmp/big`` (create it with
``tryggaplatser generate-demo --size 1000000 --out /tmp/big``). For each project it prints the
time to load the layers (not part of the brief), to compute the brief for the last complete
week of the data (:func:`est_brief`) and to write the internal HTML, GeoPackage and CSVs
(:func:`write_est_brief`).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tryggaplatser.datasets import demo_config_path
from tryggaplatser.layers.load import load_project
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.est_brief import est_brief, write_est_brief


def bench(config: Path) -> None:
    t0 = time.perf_counter()
    project = load_project(config, quiet=True)
    t1 = time.perf_counter()
    brief = est_brief(
        project.incidents,
        project.areas,
        project.layers.get("measures"),
        seed=project.config.seed or None,
        quiet=True,
    )
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_est_brief(brief, out, Gate("internal", quiet=True), municipality=project.config.name)
    t3 = time.perf_counter()
    print(
        f"{config}: {len(project.incidents):,} incidents, week {brief.week}: "
        f"load {t1 - t0:.1f} s; brief {t2 - t1:.1f} s; write {t3 - t2:.1f} s; "
        f"brief + write {t3 - t1:.1f} s (target < 20 s)"
    )


def main() -> None:
    configs = [Path(a) for a in sys.argv[1:]]
    if not configs:
        configs = [demo_config_path()]
        big = Path("/tmp/big/tryggaplatser.toml")
        if big.exists():
            configs.append(big)
    for config in configs:
        bench(config)


if __name__ == "__main__":
    main()
