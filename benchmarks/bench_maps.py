"""Benchmark: interactive maps with 1 000 000 incidents.

Targets (issue 5): HTML under 5 MB, written in under 10 s, fully rendered in headless Chromium
in under 3 s. Prints one line per map with size, time to build + write, and render time.

Usage::

    .venv/bin/python benchmarks/bench_maps.py [--n 1000000] [--config data/.../tryggaplatser.toml]
                                              [--out /tmp/bench_maps] [--no-browser]

Without ``--config`` a synthetic town (20 × 14 km, 35 areas) is generated in memory; with it,
the project's layers are loaded (e.g. the output of ``tryggaplatser generate-demo --size
1000000``). The hot-spot analysis runs once beforehand (its time is printed separately, it is
not part of the map time).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np

X0, Y0 = 640_000.0, 6_550_000.0
W, H = 20_000.0, 14_000.0


def synthetic_town(n: int, seed: int = 7):
    """Areas (7 × 5 blocks), n incidents (20 clusters + 40 % background), walks and dialogue."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    bw, bh = W / 7, H / 5
    boxes = [
        shapely.box(X0 + i * bw, Y0 + j * bh, X0 + (i + 1) * bw, Y0 + (j + 1) * bh)
        for j in range(5)
        for i in range(7)
    ]
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"O{i:02d}" for i in range(35)],
            "name": [f"Område {i}" for i in range(35)],
            "otrygghet": rng.uniform(8, 45, 35).round(1),
        },
        geometry=boxes,
        crs="EPSG:3006",
    )
    centres = np.column_stack(
        [X0 + rng.uniform(1000, W - 1000, 20), Y0 + rng.uniform(1000, H - 1000, 20)]
    )
    k = rng.integers(0, 20, n)
    clustered = rng.random(n) < 0.6
    xy = np.where(
        clustered[:, None],
        centres[k] + rng.normal(0, 300, (n, 2)),
        np.column_stack([X0 + rng.uniform(0, W, n), Y0 + rng.uniform(0, H, n)]),
    )
    xy[:, 0] = np.clip(xy[:, 0], X0, X0 + W - 1)
    xy[:, 1] = np.clip(xy[:, 1], Y0, Y0 + H - 1)
    t0 = pd.Timestamp("2025-11-24", tz="UTC")
    incidents = gpd.GeoDataFrame(
        {
            "incident_id": np.arange(n).astype(str),
            "occurred_at": t0 + pd.to_timedelta(rng.uniform(0, 364 * 86400, n), unit="s"),
            "category": "skadegorelse",
            "source": "est",
        },
        geometry=shapely.points(xy),
        crs="EPSG:3006",
    )
    m = 400
    walks = gpd.GeoDataFrame(
        {
            "observation_id": [f"W{i}" for i in range(m)],
            "walk_id": "V1",
            "perception": "otrygg",
            "problem_category": "belysning",
            "responsible": "Gatukontoret",
            "status": rng.choice(["ny", "planerad", "pagaende", "atgardad"], m),
        },
        geometry=shapely.points(
            np.column_stack([X0 + rng.uniform(0, W, m), Y0 + rng.uniform(0, H, m)])
        ),
        crs="EPSG:3006",
    )
    q = 2000
    dialogue = gpd.GeoDataFrame(
        {
            "response_id": [f"D{i}" for i in range(q)],
            "campaign_id": "K1",
            "perception": rng.choice(["otrygg", "trygg"], q),
            "reasons": "belysning",
        },
        geometry=shapely.points(
            np.column_stack([X0 + rng.uniform(0, W, q), Y0 + rng.uniform(0, H, q)])
        ),
        crs="EPSG:3006",
    )
    return areas, incidents, walks, dialogue


def load_config_layers(config: str):
    from tryggaplatser.layers.load import load_project

    project = load_project(config, quiet=True)

    def nonempty(layer):
        return layer if layer is not None and len(layer) else None

    return (
        project.areas,
        project.incidents,
        nonempty(project.walk_observations),
        nonempty(project.dialogue),
    )


def render_times(paths: list[Path]) -> list[float]:
    """Seconds from navigation to a fully drawn map (ready flag + two animation frames)."""
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ]
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        for path in paths:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
            )
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("html[data-tp-ready='1']", timeout=60_000)
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            out.append(time.perf_counter() - start)
            page.screenshot(path=str(path.with_suffix(".png")))
            page.close()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--config", default=None)
    parser.add_argument("--out", default="/tmp/bench_maps")
    parser.add_argument("--no-browser", action="store_true")
    opts = parser.parse_args(argv)

    from tryggaplatser.analysis.hotspots import hotspot_gistar
    from tryggaplatser.publish.maps.interactive import hotspot_map, neighbourhood_map, save_map

    t = time.perf_counter()
    if opts.config:
        areas, incidents, walks, dialogue = load_config_layers(opts.config)
    else:
        areas, incidents, walks, dialogue = synthetic_town(opts.n)
    print(
        f"data: {len(incidents):,} incidents, {len(areas)} areas ({time.perf_counter() - t:.1f} s)"
    )
    t = time.perf_counter()
    cells = hotspot_gistar(incidents, cell_size=250.0, kde=True, quiet=True)
    print(
        f"analysis (Gi* + KDE, 250 m, {len(cells):,} cells): {time.perf_counter() - t:.1f} s "
        "(not part of the map time)"
    )

    out = Path(opts.out)
    jobs = {
        "public_all_areas": lambda: neighbourhood_map(
            None,
            areas=areas,
            cells=cells,
            kde=cells,
            incidents=incidents,
            walk_observations=walks,
            dialogue=dialogue,
            indicator="otrygghet" if "otrygghet" in areas.columns else None,
            mode="public",
            quiet=True,
        ),
        "internal_all_areas": lambda: neighbourhood_map(
            None,
            areas=areas,
            cells=cells,
            kde=cells,
            incidents=incidents,
            walk_observations=walks,
            dialogue=dialogue,
            indicator="otrygghet" if "otrygghet" in areas.columns else None,
            mode="internal",
            quiet=True,
        ),
        "internal_one_area": lambda: neighbourhood_map(
            str(areas["area_id"].iloc[len(areas) // 2]),
            areas=areas,
            cells=cells,
            kde=cells,
            incidents=incidents,
            walk_observations=walks,
            dialogue=dialogue,
            mode="internal",
            quiet=True,
        ),
        "hotspots_public": lambda: hotspot_map(
            areas=areas, cells=cells, week="2026-W47", mode="public"
        ),
    }
    paths, rows = [], []
    for name, build in jobs.items():
        start = time.perf_counter()
        path = save_map(build(), out / name / f"karta_{name}.html")
        seconds = time.perf_counter() - start
        size = path.stat().st_size / 1e6
        paths.append(path)
        rows.append((name, size, seconds))
    renders = [float("nan")] * len(rows) if opts.no_browser else render_times(paths)
    ok = True
    print(f"{'map':<22}{'HTML MB':>9}{'write s':>9}{'render s':>10}")
    for (name, size, seconds), render in zip(rows, renders):
        good = size < 5 and seconds < 10 and (opts.no_browser or render < 3)
        ok &= good
        print(f"{name:<22}{size:>9.2f}{seconds:>9.2f}{render:>10.2f}  {'ok' if good else 'SLOW'}")
    print("targets: HTML < 5 MB, written < 10 s, rendered < 3 s:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
