"""Benchmark: read, validate and project 1 000 000 incidents from GeoPackage and from CSV.

Usage::

    python benchmarks/bench_load.py            # 1 000 000 rows in a temporary folder
    python benchmarks/bench_load.py --rows 200000 --dir bench-data

The data are synthetic and seeded (the same every run): points in SWEREF 99 TM around a fictional
town, three years of timestamps, a realistic mix of categories, a few free-text descriptions with
personal data to redact, and a sprinkling of bad rows (invalid dates, unknown categories, missing
coordinates). The CSV is ``;``-separated with decimal commas and local times, as EST exports are;
the GeoPackage stores UTC timestamps. Prints the time of each step and the load report counts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = [
    "skadegorelse",
    "klotter",
    "brand",
    "nedskrapning",
    "ordningsstorning",
    "samlingar",
    "narkotika",
    "hot_vald",
    "inbrott",
    "stold",
    "fordon",
]


def make_frame(rows: int, seed: int = 20261127) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00:00")
    seconds = rng.integers(0, 3 * 365 * 86400, rows)
    times = pd.Series(start + seconds.astype("timedelta64[s]"))
    desc = np.full(rows, None, dtype=object)
    some = rng.random(rows) < 0.05
    desc[some] = "Klotter vid entrén"
    pii = rng.random(rows) < 0.002
    desc[pii] = "Anmälare nås på 070-123 45 67"
    cat = np.asarray(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), rows)]
    cat[rng.random(rows) < 0.001] = "okänd_typ"
    return pd.DataFrame(
        {
            "handelse_id": np.char.add("E", np.arange(rows).astype(str)),
            "tid": times.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "kategori": cat,
            "kalla": np.where(rng.random(rows) < 0.7, "est", "vaktare"),
            "x": np.round(674_000 + rng.normal(0, 3000, rows), 1),
            "y": np.round(6_580_000 + rng.normal(0, 3000, rows), 1),
            "beskrivning": desc,
        }
    )


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    import geopandas as gpd

    frame = make_frame(rows)
    csv = folder / "bench_incidents.csv"
    gpkg = folder / "bench_incidents.gpkg"
    if not csv.exists():
        out = frame.copy()
        bad = np.arange(0, rows, 997)
        out.loc[bad, "tid"] = "31/02/2024"
        out.loc[np.arange(5, rows, 1999), ["x", "y"]] = np.nan
        out["x"] = out["x"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}".replace(".", ","))
        out["y"] = out["y"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}".replace(".", ","))
        out.to_csv(csv, sep=";", index=False)
    if not gpkg.exists():
        g = gpd.GeoDataFrame(
            frame.drop(columns=["x", "y"]).assign(
                tid=pd.to_datetime(frame["tid"])
                .dt.tz_localize("Europe/Stockholm", ambiguous=True, nonexistent="shift_forward")
                .dt.tz_convert("UTC")
            ),
            geometry=gpd.points_from_xy(frame["x"], frame["y"]),
            crs=3006,
        )
        g.to_file(gpkg, layer="incidents", engine="pyogrio")
    return gpkg, csv


def bench(path: Path, crs: str | None) -> None:
    from tryggaplatser.layers.load import load_layer

    t0, c0 = time.perf_counter(), time.process_time()
    res = load_layer(path, "incidents", crs=crs, quarantine_dir=False, quiet=True)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    r = res.report
    steps = "  ".join(f"{k} {v:.2f}" for k, v in r.timings.items())
    print(
        f"{path.name:26s} total {total:6.2f} s (cpu {cpu:.2f} s)  [{steps}]\n"
        f"{'':26s} read={r.read} accepted={r.accepted} quarantined={r.quarantined} "
        f"duplicates={r.duplicates_dropped} rules={r.rule_counts()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="keep the files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tryggaplatser-bench-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        gpkg, csv = write_files(folder, args.rows)
        print(f"generated {args.rows} rows in {time.perf_counter() - t0:.1f} s ({folder})")
        import geopandas  # noqa: F401 - import time is not load time

        bench(gpkg, None)
        bench(csv, "EPSG:3006")


if __name__ == "__main__":
    main()
