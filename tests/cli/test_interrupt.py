"""Interrupted runs: ``tryggaplatser area --all`` killed at seeded points never damages the set.

A previous public set (the area reports of 2024) is in ``<out>/publik``. The same command for
2025 — every file has the same name, other bytes — runs as its own child process (its own
process group, with forked workers) and is killed with SIGTERM or SIGKILL once its staging
folder holds ``k`` files sealed by the run, ``k`` drawn with a fixed seed. Afterwards
``publik`` must be either the previous set byte for byte or the whole new set byte for byte,
never a mix; its audit is clean; whatever the killed run left behind is flagged by the audit;
no process of the run is left; and the next run cleans up and publishes the whole new set.

The runs use the tiny project of tests/cli/bare_project.py (four areas, twelve files per set):
the staging, sealing and publishing are the same code for any set, and each run takes a few
seconds instead of the demo's ten, so the eight runs fit in the suite's time. Each run is a
process of its own forked from one launcher that imported the package once (:data:`LAUNCHER`):
it runs the command as ``python -c "…main()"`` would, from its own session to its normal
interpreter exit, without paying the imports eight times.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tryggaplatser.policy import MANIFEST
from tryggaplatser.publish.audit import scan_dir, set_findings
from tryggaplatser.publish.staging import Staging

from .bare_project import write_project

pytestmark = pytest.mark.slow

SEED = 20261127
RUNS = 5
EPOCH = "1767225600"  # 2026-01-01
PREVIOUS, NEW = 2024, 2025  # the years of the two sets (the project covers 2024–2025)


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def command(config: Path, out: Path, year: int) -> list[str]:
    return [
        "area",
        "--all",
        "--mode",
        "public",
        "--no-map",
        "--year",
        str(year),
        "--config",
        str(config),
        "--out",
        str(out),
    ]


def environment() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "SOURCE_DATE_EPOCH": EPOCH,
        "TRYGGAPLATSER_PROCESSES": "2",  # the reports are rendered in forked workers
        "TRYGGAPLATSER_PDF": "0",  # the sets' atomicity is tested here, not their printing
    }


# Reads one JSON line per run (the command's arguments and a log file), forks, prints the
# child's pid and then its exit code (as ``subprocess``: ``-N`` when killed by signal N). The
# child leaves the loop and runs the command at the top level in its own session, with its
# output in the log, and ends through the normal interpreter exit (``SystemExit``, atexit).
LAUNCHER = """
import importlib, json, os, pkgutil, sys
import tryggaplatser
for module in pkgutil.walk_packages(tryggaplatser.__path__, "tryggaplatser."):
    importlib.import_module(module.name)
while True:
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    argv, log = json.loads(line)
    pid = os.fork()
    if pid == 0:
        break
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
os.setsid()
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
os.dup2(fd, 1)
os.dup2(fd, 2)
sys.argv = ["tryggaplatser", *argv]
from tryggaplatser.cli import main
main()
"""


class Launcher:
    """The launcher process: ``start`` a run, ``ended`` (its exit code or None), ``wait``."""

    def __init__(self, logs: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER],
            env=environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.logs, self.runs, self.buffer = logs, 0, b""

    def _line(self, timeout: float | None) -> str | None:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            if not select.select([fd], [], [], timeout)[0]:
                return None
            chunk = os.read(fd, 4096)
            assert chunk, "the launcher ended"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def start(self, argv: list[str]) -> int:
        self.runs += 1
        self.log = self.logs / f"run{self.runs}.log"
        self.proc.stdin.write(json.dumps([argv, str(self.log)]).encode() + b"\n")
        self.proc.stdin.flush()
        return int(self._line(None))

    def ended(self) -> int | None:
        line = self._line(0)
        return None if line is None else int(line)

    def wait(self) -> int:
        return int(self._line(None))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture
def launcher(tmp_path):
    started = Launcher(tmp_path)
    yield started
    started.close()


def run(launcher: Launcher, config: Path, out: Path, year: int) -> None:
    launcher.start(command(config, out, year))
    code = launcher.wait()
    assert code == 0, launcher.log.read_text(encoding="utf-8")


def sealed_by_run(staging: Path, previous: dict[str, str]) -> int:
    """Files the run has sealed into its staging folder so far (new bytes in the manifest)."""
    try:
        files = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return 0
    return sum(1 for name, e in files.items() if e.get("sha256") != previous.get(name))


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def interrupt(
    launcher: Launcher, config: Path, out: Path, k: int, sig: int, previous: dict[str, str]
) -> dict:
    """Start the 2025 run, kill its process group once ``k`` files are sealed, wait for it."""
    pid = launcher.start(command(config, out, NEW))
    run = Staging(out)
    run.owner = pid  # the staging folder the run writes, named by the staging module
    staging = run.staging_path("public")
    seen = -1
    code = launcher.ended()
    while code is None:
        if staging.is_dir():
            seen = sealed_by_run(staging, previous)
            if seen >= k:
                os.killpg(pid, sig)
                break
        time.sleep(0.005)
        code = launcher.ended()
    if code is None:
        code = launcher.wait()
    for _ in range(1000):  # the forked workers end with the run (bounded wait, not a timing)
        if not group_alive(pid):
            break
        time.sleep(0.01)
    return {"code": code, "sealed": seen, "orphans": group_alive(pid)}


def test_killed_runs_leave_the_previous_set_or_the_whole_new_one(tmp_path, launcher):
    project = tmp_path / "projekt"
    project.mkdir()
    config = write_project(project)
    base = tmp_path / "base"
    run(launcher, config, base, PREVIOUS)
    previous = tree(base / "publik")
    previous_sha = json.loads((base / "publik" / MANIFEST).read_text(encoding="utf-8"))["files"]
    previous_sha = {name: e["sha256"] for name, e in previous_sha.items()}
    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    run(launcher, config, reference, NEW)
    new = tree(reference / "publik")
    changed = sum(1 for name in new if name != MANIFEST and new[name] != previous.get(name))
    assert new != previous and changed == len(new) - 1 >= 10  # every file but the manifest

    rng = random.Random(SEED)
    rows = []
    for i in range(RUNS):
        out = tmp_path / f"run{i}"
        shutil.copytree(base, out)
        k = rng.randint(0, changed)
        sig = signal.SIGTERM if i % 2 == 0 else signal.SIGKILL
        result = interrupt(launcher, config, out, k, sig, previous_sha)
        now = tree(out / "publik")
        state = "previous" if now == previous else "new" if now == new else "MIXED"
        leftovers = sorted(p.name for p in out.iterdir() if p.name != "publik")
        flagged = {f.file for f in set_findings(out) if f.rule == "SET_INCOMPLETE"}
        rows.append((i, sig.name, k, result["sealed"], result["code"], state, leftovers))
        assert state != "MIXED", rows[-1]
        assert scan_dir(out / "publik") == [], rows[-1]
        assert set(leftovers) <= flagged, rows[-1]  # anything left is flagged by the audit
        assert not result["orphans"], rows[-1]
        if sig == signal.SIGTERM and state == "previous":
            assert leftovers == [], rows[-1]  # a terminated run removes its staging folder
    print("\nrun signal k sealed exit state leftovers")
    for row in rows:
        print(*row)
    assert any(state == "previous" for *_, state, _ in rows)  # the kills hit a running run

    # the next run into a folder a killed run left behind cleans up and publishes it all
    killed = tmp_path / "run1"
    run(launcher, config, killed, NEW)
    assert tree(killed / "publik") == new
    assert sorted(p.name for p in killed.iterdir()) == ["publik"]
