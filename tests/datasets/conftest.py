"""Fixtures for the demo-municipality tests: the committed data and a small fresh copy.

The raw files are read here with pandas/pyogrio directly (not through the importers) so these
tests check the generator independently of the import pipeline.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tryggaplatser.datasets import demo_data_dir

SMALL_SIZE = 6000


def read_incidents(root: Path) -> pd.DataFrame:
    """All incidents of a demo folder: incident_id, occurred_at (local naive), category, source,
    x, y (EPSG:3006)."""
    import geopandas as gpd
    import pyogrio
    from pyproj import Transformer

    cfg = tomllib.loads((root / "tryggaplatser.toml").read_text(encoding="utf-8"))
    frames = []
    to3006 = {
        crs: Transformer.from_crs(crs, "EPSG:3006", always_xy=True)
        for crs in ("EPSG:3011", "EPSG:4326")
    }
    for spec in cfg["layers"]["incidents"]:
        path = root / spec["file"]
        cols = spec.get("columns", {})
        cats = spec.get("categories", {})
        inv = {v: k for k, v in cols.items()}
        fmt = spec.get("format")
        if path.suffix == ".csv":
            raw = pd.read_csv(
                path,
                sep=spec.get("separator", ","),
                encoding=spec.get("encoding", "utf-8"),
                dtype=str,
            )
        elif path.suffix == ".xlsx":
            raw = pd.read_excel(path, sheet_name=spec.get("table", 0), dtype=str, engine="calamine")
        elif fmt == "polisen":
            events = json.loads(path.read_text(encoding="utf-8"))
            raw = pd.DataFrame(
                {
                    "incident_id": [str(e["id"]) for e in events],
                    "occurred_at": [e["datetime"][:19] for e in events],
                    "category": [cats[e["type"]] for e in events],
                    "x": [float(e["location"]["gps"].split(",")[1]) for e in events],
                    "y": [float(e["location"]["gps"].split(",")[0]) for e in events],
                }
            )
            x, y = to3006["EPSG:4326"].transform(raw["x"].to_numpy(), raw["y"].to_numpy())
            raw["x"], raw["y"] = x, y
            raw["source"] = spec["defaults"]["source"]
            raw["occurred_at"] = pd.to_datetime(raw["occurred_at"])
            frames.append(raw)
            continue
        else:
            raw = pyogrio.read_dataframe(path, layer=spec.get("table"))
        df = pd.DataFrame(
            {
                "incident_id": raw[inv["incident_id"]].astype(str),
                "occurred_at": pd.to_datetime(
                    raw[inv["occurred_at"]], format=spec.get("date_format", "ISO8601")
                ),
                "category": raw[inv["category"]].map(cats),
                "source": spec["defaults"]["source"],
            }
        )
        if "x" in spec:
            dec = spec.get("decimal", ".")
            xs = pd.to_numeric(raw[spec["x"]].str.replace(dec, ".")).to_numpy()
            ys = pd.to_numeric(raw[spec["y"]].str.replace(dec, ".")).to_numpy()
            x, y = to3006[spec["crs"]].transform(xs, ys)
        else:
            g = gpd.GeoSeries(raw.geometry, crs=raw.crs).to_crs("EPSG:3006")
            x, y = g.x.to_numpy(), g.y.to_numpy()
        df["x"], df["y"] = np.asarray(x), np.asarray(y)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return demo_data_dir()


@pytest.fixture(scope="session")
def truth(demo_dir: Path) -> dict:
    return json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def incidents(demo_dir: Path) -> pd.DataFrame:
    return read_incidents(demo_dir)


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tryggaplatser.datasets.generate import generate_demo

    out = tmp_path_factory.mktemp("demo_small")
    generate_demo(out, size=SMALL_SIZE)
    return out
