"""Benchmark: ``tryggaplatser area --all`` (every area report + indicator tables).

Run::

    .venv/bin/python benchmarks/bench_area_reports.py [CONFIG ...] [--no-map] [--mode MODE]

Without a config it times the bundled demo (``data/tryggaplatser.toml``) and, when it exists,
the 1 000 000-incident variant at ``/tmp/big/tryggaplatser.toml`` (create it with
``tryggaplatser generate-demo --size 1000000 --out /tmp/big``). For each project it prints the
time to load the layers, to compute the analysis (profiles of all areas, Gi*, perception gap,
data quality), to write the area reports (with static maps unless ``--no-map``) and the
indicator tables, and the total — the figure the issue's "under 60 s for all areas" target
refers to is the total without loading (``area --all`` on an already loaded project; the CLI
adds the load time shown on the first line).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tryggaplatser.datasets import demo_config_path
from tryggaplatser.layers.load import load_project
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.area_report import (
    prepare_area_analysis,
    write_area_reports,
    write_indicator_tables,
)

BIG = Path("/tmp/big/tryggaplatser.toml")


def bench(config: Path, *, mode: str, with_map: bool) -> dict[str, float]:
    """Time one ``area --all`` run; returns seconds per step."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    project = load_project(config, quiet=True)
    times["load"] = time.perf_counter() - t0
    t = time.perf_counter()
    analysis = prepare_area_analysis(project, quiet=True)
    times["analysis"] = time.perf_counter() - t
    gate = Gate(mode, config=project.config, quiet=True)
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        paths = write_area_reports(analysis, out, gate, with_map=with_map)
        times["reports"] = time.perf_counter() - t
        t = time.perf_counter()
        paths += write_indicator_tables(analysis, out, gate)
        paths += gate.finish(out)
        times["tables"] = time.perf_counter() - t
    times["total_without_load"] = times["analysis"] + times["reports"] + times["tables"]
    times["total"] = time.perf_counter() - t0
    times["n_areas"] = len(analysis.profiles)
    times["n_incidents"] = len(project.incidents)
    times["n_files"] = len(paths)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--no-map", action="store_true")
    parser.add_argument("--mode", default="public", choices=["public", "internal"])
    args = parser.parse_args()
    configs = args.configs or [demo_config_path(), *([BIG] if BIG.exists() else [])]
    for config in configs:
        r = bench(config, mode=args.mode, with_map=not args.no_map)
        print(
            f"{config}: {int(r['n_incidents']):,} incidents, {int(r['n_areas'])} areas, "
            f"{int(r['n_files'])} files ({args.mode}, maps {'off' if args.no_map else 'on'})"
        )
        for key in ("load", "analysis", "reports", "tables", "total_without_load", "total"):
            print(f"  {key:<20} {r[key]:7.1f} s")


if __name__ == "__main__":
    main()
