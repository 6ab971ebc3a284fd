"""The pipeline as a user runs it: each command's wall time and CPU time on the demo.

Runs every CLI command once on the bundled demo municipality, each in its own process (a fresh
interpreter, as a user would), each run into a new empty folder (as a first run, or a run on new
data: a rerun on unchanged data keeps the PDFs of the reports that did not change, and is
faster), and prints wall time, CPU time of the process and its children, and the target where the
issue states one:

* ``tryggaplatser demo`` (everything, both modes): target ≤ 20 s wall on the 2-core machine;
* ``tryggaplatser area --all``: target ≤ 5 s wall.

Usage: ``python benchmarks/bench_pipeline.py [--only demo,area] [--repeat N]``. Wall time
depends on what else the machine is doing; CPU time (user + system of the command and its
children) much less, so both are printed; with ``--repeat`` each command runs N times, one line
per run and a line with the medians. The CPU time includes Chromium's renderer processes, which
print the PDFs: the browser leaves them to be reaped by whoever adopts them, so on Linux the
benchmark adopts them (a child subreaper) and reaps them after each command. The same commands
without PDFs (``TRYGGAPLATSER_PDF=0``) show what the browser costs: ``--no-pdf``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "data" / "tryggaplatser.toml")
TARGETS = {"demo": 20.0, "area --all": 5.0}


def commands(out: str) -> list[tuple[str, list[str]]]:
    """The commands, in pipeline order (name, arguments after ``tryggaplatser``)."""
    cfg = ["--config", CONFIG]
    return [
        ("demo", ["demo", "--out", out]),
        ("validate", ["validate", *cfg]),
        ("hotspots --classify", ["hotspots", *cfg, "--classify", "--out", out]),
        ("map --all", ["map", "--all", *cfg, "--out", out]),
        ("map --hotspots", ["map", "--hotspots", *cfg, "--out", out]),
        ("area --all", ["area", "--all", *cfg, "--out", out]),
        ("lagesbild", ["lagesbild", *cfg, "--out", out]),
        ("est", ["est", *cfg, "--out", out]),
        ("plan --all", ["plan", "--all", *cfg, "--out", out]),
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _adopt_orphans() -> None:
    """Become the child subreaper (Linux): the descendants a command leaves behind (Chromium's
    renderers) are re-parented to this process, so their CPU time can be counted."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans(timeout: float = 10.0) -> None:
    """Wait for the adopted descendants (they end soon after their browser)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def _run(cli: str, argv: list[str], env: dict) -> tuple[float, float, str | None]:
    """One run of a command: wall seconds, CPU seconds (with its descendants), and the error."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [cli, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    _reap_orphans()
    cpu = _children_cpu() - cpu0
    if proc.returncode != 0:
        return wall, cpu, f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
    return wall, cpu, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated command names to run")
    parser.add_argument("--no-pdf", action="store_true", help="without PDFs (no browser)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    cli = str(Path(sys.executable).with_name("tryggaplatser"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}
    if args.no_pdf:
        env["TRYGGAPLATSER_PDF"] = "0"
    _adopt_orphans()
    failures = 0
    print(f"{'command':<22}{'wall s':>9}{'cpu s':>9}{'target s':>10}  result")
    for name, _ in commands("OUT"):
        if only and name.split()[0] not in only and name not in only:
            continue
        target = TARGETS.get(name)
        shown = "" if target is None else f"{target:.0f}"
        runs = []
        for _ in range(max(1, args.repeat)):
            with tempfile.TemporaryDirectory() as tmp:  # a new folder: nothing to keep
                wall, cpu, error = _run(cli, dict(commands(tmp))[name], env)
            runs.append((wall, cpu))
            failures += error is not None
            if error is not None:
                verdict = error
            elif target is None:
                verdict = "ok"
            else:
                verdict = "within target" if wall <= target else "OVER target"
            print(f"{name:<22}{wall:>9.1f}{cpu:>9.1f}{shown:>10}  {verdict}", flush=True)
        if len(runs) > 1:
            wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
            print(f"{'  median':<22}{wall:>9.1f}{cpu:>9.1f}{shown:>10}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
