"""Measure: near-repeat alerts per week of the weekly EST brief on the demo (issue 13, item 4).

Run::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_near_repeat_alerts.py [--weeks 12] [CONFIG]

Without a config it uses the bundled demo. For each of the last ``--weeks`` ISO weeks of the
data (ending with the last complete week) it computes the brief as ``tryggaplatser est`` does
(the project's seed) and prints one line per week:

* the categories with a near-repeat risk window (distance m / days);
* ``candidates``: the week's events in categories with a risk window (every one of them was an
  alert before the two-event rule);
* ``alerts``: the alerts the brief lists (on code with a cap: those shown, plus ``left out``);
* ``cells``: rows of the brief's alert table (alerts per 250 m cell and category);
* ``single``: of the listed alerts, how many have no earlier event of the same category inside
  their risk window (brute force over all pairs, independent of the code under test) — an alert
  "triggered by a single event".

It runs on any version of the code (``PYTHONPATH=/work/main/src`` for the code before the
change), so the same script gives the before and after numbers.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tryggaplatser.analysis.est import iso_week_bounds, week_label
from tryggaplatser.analysis.est_brief import default_week, est_brief
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.layers.load import load_project


def single_event_alerts(alerts, incidents, windows: dict) -> int:
    """Alerts with no other same-category event at distance < D and 0–(T−1) days before."""
    if not len(alerts):
        return 0
    local = incidents["occurred_at"].dt.tz_convert("Europe/Stockholm").dt.tz_localize(None)
    day = local.dt.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    x, y = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    ids = incidents["incident_id"].astype(str).to_numpy()
    cats = incidents["category"].astype(str).to_numpy()
    single = 0
    for a in alerts.itertuples(index=False):
        w = windows[str(a.category)]
        k = np.flatnonzero(ids == str(a.incident_id))[0]
        dt = day[k] - day
        near = (
            (cats == cats[k])
            & (ids != ids[k])
            & (np.hypot(x - x[k], y - y[k]) < w["distance_m"])
            & (dt >= 0)
            & (dt < w["days"])
        )
        single += not near.any()
    return single


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", nargs="?", type=Path, default=demo_config_path())
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    project = load_project(args.config, quiet=True)
    inc = project.incidents
    seed = project.config.seed or None
    last, _ = default_week(inc, quiet=True)
    monday = iso_week_bounds(last, quiet=True)[0].date()
    weeks = [week_label(monday - pd.Timedelta(days=7 * k)) for k in range(args.weeks)][::-1]
    placed = inc
    if "location_precision" in inc.columns:
        placed = inc[inc["location_precision"].astype("string") != "kommun_centroid"]
    totals = []
    for week in weeks:
        t0 = time.perf_counter()
        brief = est_brief(
            inc, project.areas, project.layers.get("measures"), week, seed=seed, quiet=True
        )
        windows = {
            c: r.attrs["risk_window"]
            for c, r in brief.near_repeat.items()
            if r.attrs.get("risk_window")
        }
        shown = len(brief.alerts)
        left_out = int(brief.alerts.attrs.get("n_left_out", 0))
        candidates = int(brief.alerts.attrs.get("n_candidates", shown))
        single = single_event_alerts(brief.alerts, placed, windows)
        text = ", ".join(
            f"{c} {w['distance_m']:g} m/{w['days']:g} d" for c, w in sorted(windows.items())
        )
        totals.append((shown, left_out, len(brief.alert_cells), single, candidates))
        print(
            f"{week}: candidates {candidates:4d}, alerts {shown:4d} (left out {left_out:3d}), "
            f"cells {len(brief.alert_cells):3d}, single {single:3d}; windows: {text or '–'} "
            f"[{time.perf_counter() - t0:.0f} s]",
            flush=True,
        )
    arr = np.array(totals)
    print(
        f"weeks {len(weeks)}: candidates min/median/max {arr[:, 4].min()}/"
        f"{np.median(arr[:, 4]):g}/{arr[:, 4].max()}; "
        f"alerts shown min/median/max {arr[:, 0].min()}/"
        f"{np.median(arr[:, 0]):g}/{arr[:, 0].max()}, left out total {arr[:, 1].sum()}, "
        f"cells median {np.median(arr[:, 2]):g}, single-event alerts total {arr[:, 3].sum()}"
    )


if __name__ == "__main__":
    main()
