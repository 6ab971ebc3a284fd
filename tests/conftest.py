"""Shared fixtures: the demo project, its truth file, one demo run and one headless Chromium.

The bundled demo municipality is in the repository, so tests that need it **fail** (never skip)
when it cannot be loaded. It is loaded once per test session (per worker under pytest-xdist) and
every test module gets its own copy, so no test can change what another test sees; a check at
the end of the session proves the loaded original was never modified. ``tryggaplatser demo`` runs
once per session (``demo_run``), shared by the xdist workers through a file lock; the tests that
inspect its outputs share it and must not write into it (checked at the end of the session).

Debian's ``chromium-headless-shell`` (else ``chromium``) is driven by Playwright; no browser is
ever downloaded. Only one Playwright instance may run at a time, so every browser test uses the
``browser`` fixture. A missing Chromium is an error with the command that installs it, not a
skip. The same holds for
LibreOffice (``libreoffice-calc-nogui``) and poppler-utils, which the spreadsheet tests use
through the ``libreoffice`` fixture (both installed by ``.ci/system-deps``).
"""

from __future__ import annotations

import copy
import gc
import hashlib
import json
import shutil
from dataclasses import replace

import pandas as pd
import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

DEMO_EPOCH = "1795392000"  # 2026-11-23, the Monday the demo pretends to run on


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright: Debian's ``chromium-headless-shell`` (Chromium's
    headless mode as a program of its own, the one Playwright itself uses headless and the one
    that prints the PDFs; the same Blink and V8, for about 40 % less CPU than the full
    browser), else ``chromium``."""
    executable = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian-paketet chromium-headless-shell saknas: kör `make test` som root "
            "(installerar det) eller `sudo apt-get install chromium-headless-shell chromium`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def no_pdf(monkeypatch):
    """No PDF beside the reports (``TRYGGAPLATSER_PDF=0``), for test modules about what the
    reports and tables say, not how they print: each report printed through Chromium costs
    seconds. Only for reports whose kind is printed and its PDF checked elsewhere: every kind
    the demo writes in tests/cli/test_demo.py and tests/publish/test_pdf.py (the demo run), the
    tiny project's reports in tests/cli/test_missing_fields.py."""
    monkeypatch.setenv("TRYGGAPLATSER_PDF", "0")


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    """``convert(files, to, out_dir)``: LibreOffice Calc headless converts the files (one
    process, a private profile, so parallel workers never share one) and returns the paths.

    A missing ``soffice``, ``pdfinfo`` or ``pdftotext`` fails the test with the command that
    installs it (never a skip).
    """
    import subprocess
    from pathlib import Path

    missing = [p for p in ("soffice", "pdfinfo", "pdftotext") if shutil.which(p) is None]
    if missing:
        pytest.fail(
            "Debian-paketen libreoffice-calc-nogui och poppler-utils behövs (saknas: "
            f"{', '.join(missing)}): kör `make test` som root (installerar dem) eller "
            "`sudo apt-get install libreoffice-calc-nogui poppler-utils`",
            pytrace=False,
        )
    profile = tmp_path_factory.mktemp("lo-profil").as_uri()

    def convert(files, to: str, out_dir) -> list[Path]:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        files = [Path(f) for f in files]
        subprocess.run(
            [
                shutil.which("soffice"),
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        ext = to.split(":")[0]
        converted = [out_dir / f"{f.stem}.{ext}" for f in files]
        assert all(p.exists() for p in converted), [p for p in converted if not p.exists()]
        return converted

    return convert


# --------------------------------------------------------------------------- demo data


def _frame_digest(frame) -> str:
    data = frame.to_wkb(hex=True) if hasattr(frame, "to_wkb") else frame
    hashed = pd.util.hash_pandas_object(pd.DataFrame(data).astype(str), index=True)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()


def copy_project(project):
    """A deep copy of a loaded project: fresh frames, the same (frozen) configuration."""
    return replace(
        project,
        layers={name: frame.copy(deep=True) for name, frame in project.layers.items()},
        reports=copy.deepcopy(project.reports),
        results=list(project.results),
    )


def _load_unchanged(config, tmp_path_factory, what: str):
    """Yield the project of ``config``, loaded once, and check at the end that no test
    modified it (each module works on its own copy)."""
    from tryggaplatser.layers.load import load_project

    project = load_project(config, quarantine_dir=tmp_path_factory.mktemp("karantan"), quiet=True)
    before = {name: _frame_digest(frame) for name, frame in project.layers.items()}
    yield project
    after = {name: _frame_digest(frame) for name, frame in project.layers.items()}
    assert after == before, f"a test modified the shared {what} project instead of its copy"


@pytest.fixture(scope="session")
def _demo_project_original(tmp_path_factory):
    from tryggaplatser.datasets import demo_config_path

    yield from _load_unchanged(demo_config_path(), tmp_path_factory, "demo")


@pytest.fixture(scope="module")
def demo_project(_demo_project_original):
    """The bundled demo project (all layers in the working CRS): this module's own copy."""
    return copy_project(_demo_project_original)


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> str:
    """The configuration file of the tiny project of tests/cli/bare_project.py, written once
    per session (commands read it; none writes into its folder)."""
    from cli.bare_project import write_project

    return str(write_project(tmp_path_factory.mktemp("liten")))


@pytest.fixture(scope="session")
def _tiny_project_original(tiny_config, tmp_path_factory):
    yield from _load_unchanged(tiny_config, tmp_path_factory, "tiny")


@pytest.fixture(scope="module")
def tiny_project(_tiny_project_original):
    """The tiny project of tests/cli/bare_project.py (four areas, 1 200 incidents, no optional
    column or layer), loaded: this module's own copy. For tests of a property that holds for
    any project (the gate, the plan, the staging), in seconds instead of the demo's minute."""
    return copy_project(_tiny_project_original)


@pytest.fixture(scope="session")
def _demo_truth_text() -> str:
    from tryggaplatser.datasets import demo_truth_path

    return demo_truth_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_truth(_demo_truth_text) -> dict:
    """The planted ground truth of the demo (``data/truth.json``), a fresh dict per module."""
    return json.loads(_demo_truth_text)


def _tree_digest(folder) -> str:
    """One SHA-256 over every file's relative path and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _run_demo(out) -> dict:
    """``tryggaplatser demo --out out``: its exit code, printed text and the files' digest."""
    from click.testing import CliRunner

    from tryggaplatser.cli import cli

    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out)], env={"SOURCE_DATE_EPOCH": DEMO_EPOCH}
    )
    return {"exit_code": result.exit_code, "output": result.output, "digest": _tree_digest(out)}


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, request):
    """One ``tryggaplatser demo`` run for the whole session: ``(out folder, printed text)``.

    Under pytest-xdist the workers share it (the pattern of the pytest-xdist documentation): the
    first worker that needs it runs the demo into the session's common temporary folder while
    holding a file lock; the others wait for the lock and read what it recorded. Tests inspect
    the files; none may write into the folder: every worker checks at its end that the files
    are still the bytes the run wrote. Without pytest-xdist (``-p no:xdist``, e.g. to measure
    one module's CPU) this process is the whole session.
    """
    import fcntl

    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    if worker_id == "master":  # no xdist, or -n 0: this process is the whole session
        out = tmp_path_factory.mktemp("demo")
        record = _run_demo(out)
    else:
        shared = tmp_path_factory.getbasetemp().parent  # common to the workers of this session
        out, done = shared / "demo", shared / "demo.json"
        with open(shared / "demo.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if done.is_file():
                record = json.loads(done.read_text(encoding="utf-8"))
            else:
                out.mkdir()
                record = _run_demo(out)
                done.write_text(json.dumps(record), encoding="utf-8")
    assert record["exit_code"] == 0, record["output"]
    yield out, record["output"]
    assert _tree_digest(out) == record["digest"], "a test wrote into the shared demo folder"


# --------------------------------------------------------------------------- order

# The heaviest modules and what each costs one worker, in seconds of CPU (its own and its
# child processes'), measured on a whole run (2026-12-07; test_interrupt.py and
# test_release_plan.py, and the CLI modules later moved to the tiny project, then scaled by
# their own before/after CPU; test_properties.py, measured alone at about 2 s, is no longer
# listed). Only their order depends on it: under ``--dist loadfile`` (``make test``) the
# workers take whole modules in the order below, longest first, and the short ones fill the
# end (pytest-xdist's own order, by number of tests, started the long end-to-end modules with
# few tests last). Modules not listed cost a few seconds and come last, in their collection
# order. The demo run's cost is that of its shared fixture (``demo_run``).
COSTS = {
    "tests/cli/test_demo.py": 160,
    "tests/test_reproducible.py": 42,
    "tests/publish/test_release_plan.py": 40,
    "tests/publish/test_est_brief.py": 27,
    "tests/cli/test_missing_fields.py": 21,
    "tests/test_notebooks.py": 20,
    "tests/publish/test_disclosure_fast.py": 18,
    "tests/cli/test_interrupt.py": 17,
    "tests/cli/test_hotspots.py": 10,
    "tests/publish/test_area_report.py": 14,
    "tests/publish/test_maps.py": 12,
    "tests/cli/test_one_bad_value.py": 12,
    "tests/publish/test_pdf.py": 12,
    "tests/cli/test_riskfaktorer.py": 9,
    "tests/datasets/test_generate.py": 9,
    "tests/publish/test_disclosure.py": 9,
    "tests/browser/test_maps_browser.py": 8,
    "tests/cli/test_area.py": 7,
    "tests/cli/test_est.py": 7,
    "tests/cli/test_prognos.py": 7,
    "tests/cli/test_plan.py": 7,
    "tests/analysis/test_hexgrid.py": 7,
    "tests/publish/test_figures.py": 6,
    "tests/publish/test_qgis.py": 5,
    "tests/publish/test_est_street_names.py": 5,
    "tests/layers/test_bad_input.py": 5,
    "tests/cli/test_map_command.py": 4,
    "tests/publish/test_gate.py": 4,
    "tests/publish/test_plan_report.py": 4,
    "tests/analysis/test_perception_csr.py": 3,
    "tests/test_policy.py": 2,
    "tests/test_rules.py": 2,
}
DEMO_SECONDS = 90  # the demo run's wall time, while the other worker works through its modules


#: Python's cycle collector in the test processes: a collection of the youngest objects after
#: 10 000 new ones, not 700 (Python's default). A test process holds what its modules and the
#: session keep (imported modules, the loaded demo project with a shapely object per incident,
#: module fixtures): 300 000–800 000 objects, which every full collection walks, 0.1–0.5 s
#: each. With the default about 55 full collections ran per worker, 11–12 s of CPU each; with
#: this one 4 (measured with ``gc.callbacks`` over the whole suite). Garbage collection frees
#: memory and computes nothing, so no test sees a difference; the products keep Python's
#: default (their writers keep what they were given out of the collections instead:
#: ``publish/products/_heap.py``), and a higher threshold measured no faster for ``demo``.
GC_THRESHOLD = (10_000, 10, 10)


def pytest_configure(config):
    """Under ``--dist loadfile`` the workers take the modules in the order below, also when
    pytest-xdist is run without ``--no-loadscope-reorder`` (its default reorders the modules
    by their number of tests, which put the long modules with few tests last). The cycle
    collector runs less often (``GC_THRESHOLD``)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    gc.set_threshold(*GC_THRESHOLD)


def pytest_collection_modifyitems(config, items):
    """Modules in the order that keeps both workers busy to the end (each module kept whole,
    in its own order): the costliest module that uses the demo run goes first, so one worker
    starts the demo at once; the other worker takes the modules longest first (``COSTS``);
    the other modules that use the demo run come once the modules before them cost about the
    demo's time (no worker waits for the demo's lock); the short modules come last."""
    modules: dict = {}
    for item in items:
        modules.setdefault(getattr(item, "module", None), []).append(item)

    def path(module) -> str:
        file = getattr(module, "__file__", "") or ""
        return file[len(str(config.rootpath)) + 1 :].replace("\\", "/")

    users = [
        m
        for m, its in modules.items()
        if any("demo_run" in getattr(i, "fixturenames", ()) for i in its)
    ]
    users.sort(key=lambda m: -COSTS.get(path(m), 0))  # the demo's own tests first
    others = sorted(
        (m for m in modules if m not in users), key=lambda m: -COSTS.get(path(m), 0)
    )  # stable: modules of equal cost keep their collection order
    cut, spent = 0, 0
    while cut < len(others) and spent < DEMO_SECONDS:
        spent += COSTS.get(path(others[cut]), 0)
        cut += 1
    order = users[:1] + others[:cut] + users[1:] + others[cut:]
    items[:] = [item for module in order for item in modules[module]]


# --------------------------------------------------------------------------- skip summary


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line at the end of every run: what was skipped and why (or that nothing was)."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        terminalreporter.write_line("Överhoppade tester: inga.")
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    listed = "; ".join(f"{n} × {r}" for r, n in reasons.items())
    terminalreporter.write_line(f"Överhoppade tester: {len(skipped)} ({listed}).", yellow=True)
