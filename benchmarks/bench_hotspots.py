"""Benchmark of the hotspot engine, side by side with the reference tools, in one run.

    .venv/bin/python benchmarks/bench_hotspots.py [--e2e-config DIR/tryggaplatser.toml]
                                                  [--skip-esda] [--skip-e2e]

Prints one line per figure:

1. Gi* on a 100 000-cell grid (316 × 316): tryggaplatser (scipy convolution) vs esda
   (libpysal ``Graph.build_distance_band`` on the cell centres, threshold c·√2, binary, plus
   ``esda.G_Local(star=True, transform="B", permutations=0)``), same z checked; also esda with
   the fastest pysal weights for a lattice (``lat2W(rook=False)``) for fairness.
2. Gi* on 1 000 000 cells.
3. KDE of 1 000 000 points onto 300 × 300 cells: time, and max error vs the exact quartic sum
   as a share of the peak.
4. KDE at 100 000 points vs scikit-learn ``KernelDensity``: sklearn has no quartic kernel, so it
   evaluates the Epanechnikov kernel (same compact support radius h, same 90 000 cell centres,
   ``rtol=0`` = exact); ours evaluates the quartic with the same h. Both are exact-sum
   densities with the same support, so the work is comparable.
5. ``tryggaplatser hotspots --classify`` end to end on 1 000 000 incidents (read, grid, KDE,
   Gi*, classify, write GPKG + COGs), wall time and peak memory (``/usr/bin/time -v``, or
   ``resource.getrusage`` of the child). Uses ``--e2e-config`` (``tryggaplatser generate-demo
   --size 1000000 --out DIR``) or, without it, a 1 000 000-point GeoPackage written here.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tryggaplatser.analysis import gistar as gi  # noqa: E402
from tryggaplatser.analysis import kde  # noqa: E402
from tryggaplatser.analysis.grid import GridSpec  # noqa: E402


def best_of(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench_gistar(skip_esda: bool) -> None:
    rng = np.random.default_rng(0)
    side = 316
    c = 100.0
    values = rng.poisson(rng.gamma(0.5, 2.0, (side, side))).astype(float)
    fp = gi.footprint(c, c * math.sqrt(2))
    ours, z = best_of(lambda: gi.gistar_dense(values, None, fp))
    print(f"Gi* {side * side:,} celler: tryggaplatser {ours * 1000:.1f} ms")
    if not skip_esda:
        import esda
        from libpysal.graph import Graph
        from libpysal.weights import lat2W

        rr, cc = np.mgrid[0:side, 0:side]
        import geopandas as gpd

        pts = gpd.GeoSeries(gpd.points_from_xy(cc.ravel() * c, -rr.ravel() * c))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            g = Graph.build_distance_band(pts, c * math.sqrt(2) * 1.0001, binary=True)
            ref = esda.G_Local(values.ravel(), g, star=True, transform="B", permutations=0)
            t_esda = time.perf_counter() - t0
            t0 = time.perf_counter()
            w = lat2W(side, side, rook=False)
            ref2 = esda.G_Local(values.ravel(), w, star=True, transform="B", permutations=0)
            t_lat = time.perf_counter() - t0
        dz = np.nanmax(np.abs(z.ravel() - ref.Zs))
        dz2 = np.nanmax(np.abs(z.ravel() - ref2.Zs))
        print(
            f"  esda + libpysal Graph.build_distance_band: {t_esda:.2f} s -> "
            f"{t_esda / ours:.0f}× långsammare; max |Δz| = {dz:.1e}"
        )
        print(
            f"  esda + lat2W (snabbaste pysal-vikter): {t_lat:.2f} s -> "
            f"{t_lat / ours:.0f}× långsammare; max |Δz| = {dz2:.1e}"
        )
    big = rng.poisson(1.0, (1000, 1000)).astype(float)
    t_big, _ = best_of(lambda: gi.gistar_dense(big, None, fp))
    print(f"Gi* 1 000 000 celler: {t_big:.3f} s")


def _points(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = n // 5
    x = np.r_[
        rng.uniform(0, 30000, n - 3 * k),
        rng.normal(9000, 400, k),
        rng.normal(20000, 800, k),
        rng.normal(15000, 3000, k),
    ]
    y = np.r_[
        rng.uniform(0, 30000, n - 3 * k),
        rng.normal(21000, 400, k),
        rng.normal(8000, 800, k),
        rng.normal(15000, 3000, k),
    ]
    return x, y


def bench_kde() -> None:
    spec = GridSpec(0.0, 0.0, 100.0, 300, 300, "EPSG:3006")
    x, y = _points(1_000_000)
    h = kde.auto_bandwidth(x, y)
    method, _m = kde.choose_method(len(x), spec, h)
    t_fft, dens = best_of(lambda: kde.kde_dense(x, y, spec, h, method="fft")[0])
    t0 = time.perf_counter()
    exact = kde.quartic_exact(x, y, spec, h)
    t_exact = time.perf_counter() - t0
    err = np.abs(dens - exact).max() / exact.max()
    print(
        f"KDE 1 000 000 punkter -> 300×300, h = {h:.0f} m (auto), fin faktor m = "
        f"{kde.fine_factor(100.0, h)}: {t_fft:.3f} s (linjär binning + FFT); "
        f"fel {err * 100:.2f} % av toppen; exakt summa {t_exact:.1f} s; "
        f"automatiskt val: {method}"
    )
    from sklearn.neighbors import KernelDensity

    xs = (np.arange(300) + 0.5) * 100.0
    gx, gy = np.meshgrid(xs, xs[::-1])
    grid_pts = np.column_stack([gx.ravel(), gy.ravel()])
    x1, y1 = _points(100_000, 2)
    for label, h1 in (("auto", kde.auto_bandwidth(x1, y1)), ("fast", 250.0)):
        t_ours, _ = best_of(lambda h1=h1: kde.kde_dense(x1, y1, spec, h1)[0])
        t0 = time.perf_counter()
        skl = KernelDensity(kernel="epanechnikov", bandwidth=h1, rtol=0.0).fit(
            np.column_stack([x1, y1])
        )
        _ = np.exp(skl.score_samples(grid_pts))
        t_skl = time.perf_counter() - t0
        print(
            f"KDE 100 000 punkter -> 300×300, h = {h1:.0f} m ({label}): tryggaplatser "
            f"{t_ours * 1000:.1f} ms ({kde.choose_method(len(x1), spec, h1)[0]}); "
            f"scikit-learn KernelDensity (epanechnikov, samma stöd h, rtol=0) {t_skl:.2f} s "
            f"-> {t_skl / t_ours:.0f}× långsammare"
        )


def _make_points_gpkg(path: Path, n: int = 1_000_000) -> None:
    import geopandas as gpd
    import pandas as pd

    rng = np.random.default_rng(3)
    x, y = _points(n, 3)
    t = pd.Timestamp("2023-12-01", tz="UTC") + pd.to_timedelta(rng.uniform(0, 1092, n), unit="D")
    gdf = gpd.GeoDataFrame(
        {"occurred_at": t, "category": "skadegorelse"},
        geometry=gpd.points_from_xy(x + 6.4e5, y + 6.55e6),
        crs=3006,
    )
    gdf.to_file(path, engine="pyogrio", layer="incidents")


def bench_e2e(config: str | None) -> None:
    exe = str(Path(sys.executable).with_name("tryggaplatser"))
    with tempfile.TemporaryDirectory() as tmp:
        if config:
            source = ["--config", config]
            label = config
        else:
            gpkg = Path(tmp) / "handelser.gpkg"
            _make_points_gpkg(gpkg)
            source = ["--incidents", str(gpkg)]
            label = "egen GeoPackage, 1 000 000 punkter"
        cmd = [exe, "-q", "hotspots", *source, "--classify", "--out", str(Path(tmp) / "ut")]
        timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
        t0 = time.perf_counter()
        proc = subprocess.run([*timer, *cmd], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        for line in proc.stderr.splitlines():
            if "Maximum resident set size" in line:
                peak_mb = int(line.split(":")[1]) / 1024
        print(
            f"tryggaplatser hotspots --classify end to end ({label}): {wall:.1f} s, "
            f"toppminne {peak_mb:.0f} MB, slutkod {proc.returncode}"
        )
        if proc.returncode:
            print(proc.stderr[-2000:])
        else:
            print("  " + proc.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--e2e-config", default=None)
    ap.add_argument("--skip-esda", action="store_true")
    ap.add_argument("--skip-e2e", action="store_true")
    args = ap.parse_args()
    print(f"maskin: {os.cpu_count()} kärnor, belastning {os.getloadavg()[0]:.2f}")
    bench_gistar(args.skip_esda)
    bench_kde()
    if not args.skip_e2e:
        bench_e2e(args.e2e_config)


if __name__ == "__main__":
    main()
