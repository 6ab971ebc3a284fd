"""The pipeline as a user runs it: each command's wall time and CPU time on the demo.

Runs every CLI command once on the bundled demo municipality, each in its own process (a fresh
interpreter, as a user would), into a temporary folder, and prints wall time, CPU time of the
process and its children, and the target where the issue states one:

* ``tryggaplatser demo`` (everything, both modes): target ≤ 20 s wall on the 2-core machine;
* ``tryggaplatser area --all``: target ≤ 5 s wall.

Usage: ``python benchmarks/bench_pipeline.py [--only demo,area]``. Wall time depends on what
else the machine is doing; CPU time (user + system of the command and its children) much less,
so both are printed. The CPU time includes Chromium's renderer processes, which print the PDFs:
the browser leaves them to be reaped by whoever adopts them, so on Linux the benchmark adopts
them (a child subreaper) and reaps them after each command. The same commands without PDFs
(``TRYGGAPLATSER_PDF=0``) show what the browser costs: ``--no-pdf``.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated command names to run")
    parser.add_argument("--no-pdf", action="store_true", help="without PDFs (no browser)")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    cli = str(Path(sys.executable).with_name("tryggaplatser"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}
    if args.no_pdf:
        env["TRYGGAPLATSER_PDF"] = "0"
    _adopt_orphans()
    failures = 0
    print(f"{'command':<22}{'wall s':>9}{'cpu s':>9}{'target s':>10}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in commands(tmp):
            if only and name.split()[0] not in only and name not in only:
                continue
            cpu0, t0 = _children_cpu(), time.perf_counter()
            proc = subprocess.run(
                [cli, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            wall = time.perf_counter() - t0
            _reap_orphans()
            cpu = _children_cpu() - cpu0
            target = TARGETS.get(name)
            if proc.returncode != 0:
                verdict = f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
                failures += 1
            elif target is None:
                verdict = "ok"
            else:
                verdict = "within target" if wall <= target else "OVER target"
            shown = "" if target is None else f"{target:.0f}"
            print(f"{name:<22}{wall:>9.1f}{cpu:>9.1f}{shown:>10}  {verdict}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
