"""Context layers of the demo municipality, with planted risk factors (the risk-terrain truth).

Three fictional point layers (``context/kontext.gpkg``): bus stops, restaurants with an alcohol
licence and schools. Planted effects, written to ``truth.json`` under ``risk_factors``:

* within :data:`EFFECT_RADIUS_M` (150 m) of every bus stop and every licensed restaurant,
  extra incidents of the evening categories in the evening (18–24 h local time);
* **no** effect of schools (the null factor).

The features keep :data:`CLEARANCE_M` from every other planted place (hotspots, quiet zones,
the lighting measure's ring …) and schools keep :data:`SCHOOL_CLEARANCE_M` from bus stops and
restaurants, so no other planted pattern lends them an effect. Every draw comes from the
generator's separate stream ``default_rng([seed, 917])``: the other layers' rows stay exactly
as they were; the extra incidents are appended to the EST reports (ids continue the EST
sequence).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: The random stream of the context layers: ``default_rng([seed, CONTEXT_STREAM])``.
CONTEXT_STREAM = 917
#: Radius of the planted effects, metres.
EFFECT_RADIUS_M = 150.0
#: Least distance from a context feature to any other planted place, metres.
CLEARANCE_M = 650.0
#: Least distance from a school to a bus stop or a licensed restaurant, metres.
SCHOOL_CLEARANCE_M = 550.0
#: Evening hours of the planted incidents (local, inclusive).
EVENING = (18, 23)
EVENING_CATEGORIES = {
    "ordningsstorning": 3.0,
    "samlingar": 2.0,
    "skadegorelse": 2.0,
    "hot_vald": 1.0,
}
#: type code -> (file table, factor name, number of features, extra incidents per feature at
#: the default size of 50 000, spacing between features of the type in metres)
LAYERS = {
    "busshallplats": ("busshallplatser", "Busshållplatser", 32, 30, 400.0),
    "restaurang_alkohol": ("restauranger", "Restauranger med serveringstillstånd", 16, 45, 350.0),
    "skola": ("skolor", "Skolor", 12, 0, 600.0),
}
LABEL = {"busshallplats": "Hållplats", "restaurang_alkohol": "Restaurang", "skola": "Skola"}
FILE = "context/kontext.gpkg"


def _sites(plan: Any) -> np.ndarray:
    """Coordinates of every other planted place."""
    sites = [*plan.stable, plan.emerging, plan.fading, *plan.quiet, plan.near_repeat]
    sites += [plan.gap_unsafe, plan.lighting]
    return np.array([(s.x, s.y) for s in sites])


def _place(rng, region, n: int, avoid: list[tuple[np.ndarray, float]], spacing: float):
    """Greedy placement of ``n`` points in ``region`` away from ``avoid`` [(points, distance)]
    and ``spacing`` apart."""
    from .generate import sample_in_polygon

    cx, cy = sample_in_polygon(rng, region, 40 * n, margin=300.0)
    chosen: list[tuple[float, float]] = []
    for x, y in zip(cx, cy):
        ok = all(
            len(pts) == 0 or np.min(np.hypot(pts[:, 0] - x, pts[:, 1] - y)) >= d for pts, d in avoid
        )
        if ok and chosen:
            c = np.array(chosen)
            ok = np.min(np.hypot(c[:, 0] - x, c[:, 1] - y)) >= spacing
        if ok:
            chosen.append((round(float(x), 1), round(float(y), 1)))
        if len(chosen) == n:
            break
    return np.array(chosen).reshape(-1, 2)


def make_context(muni: Any, plan: Any, rng: np.random.Generator) -> Any:
    """The three context layers as one GeoDataFrame ``objekt_id, benamning, typ, geometry``
    (restaurants in the eight central neighbourhoods, the others anywhere)."""
    import geopandas as gpd
    import shapely

    sites = _sites(plan)
    central = shapely.union_all(muni.areas.geometry.to_numpy()[:8])
    placed: dict[str, np.ndarray] = {}
    for kind, region in (
        ("restaurang_alkohol", central),
        ("busshallplats", muni.boundary),
        ("skola", muni.boundary),
    ):
        _, _, n, _, spacing = LAYERS[kind]
        avoid = [(sites, CLEARANCE_M)]
        others = [p for p in placed.values()]
        gap = SCHOOL_CLEARANCE_M if kind == "skola" else 2 * EFFECT_RADIUS_M + 100.0
        avoid += [(p, gap) for p in others]
        placed[kind] = _place(rng, region, n, avoid, spacing)
    rows = []
    for kind in LAYERS:
        for k, (x, y) in enumerate(placed[kind]):
            rows.append(
                (f"{LAYERS[kind][0][:3].upper()}{k + 1:03d}", f"{LABEL[kind]} {k + 1}", kind, x, y)
            )
    df = pd.DataFrame(rows, columns=["objekt_id", "benamning", "typ", "x", "y"])
    return gpd.GeoDataFrame(
        df.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(df["x"], df["y"]),
        crs=muni.areas.crs,
    )


def context_incidents(
    context: Any, plan: Any, rng: np.random.Generator, grid: Any, f: float, inc: pd.DataFrame
) -> pd.DataFrame:
    """The planted extra incidents near bus stops and licensed restaurants, in the canonical
    incident columns, EST ids continuing ``inc``'s EST sequence."""
    from . import generate as g

    evening = ((grid.hod >= EVENING[0]) & (grid.hod <= EVENING[1])).astype(float)
    parts = []
    for kind, (_, _, _, per_site, _) in LAYERS.items():
        n = round(per_site * f)
        if n == 0:
            continue
        for point in context.geometry[context["typ"] == kind]:
            cats = g._choose(rng, EVENING_CATEGORIES, n)
            ts = g._times_by_category(rng, grid, cats, evening)
            x, y = g._disk(rng, point.x, point.y, 0.0, EFFECT_RADIUS_M, n)
            parts.append(g._part(x, y, ts, cats, np.full(n, "est", dtype=object), ""))
    if not parts:
        return inc.iloc[0:0].copy()
    df = g._assemble_incidents(parts, plan)
    _avoid_existing(df, inc)
    g._add_time_precision(df, rng)
    g._add_reporter_and_severity(df, rng)
    g._add_place_columns(df, rng)
    g._add_police_and_description(df, rng)
    start = int((inc["source"] == "est").sum())
    years = df["occurred_at"].dt.year.to_numpy()
    df.insert(0, "incident_id", [f"EST-{y}-{start + k + 1:06d}" for k, y in enumerate(years)])
    return df[list(inc.columns)]


def _avoid_existing(df: pd.DataFrame, inc: pd.DataFrame) -> None:
    """Move an appended incident a minute on (in place) while its ``(occurred_at,
    category)`` is taken, by the existing incidents or another appended one, so the pair
    stays unique across the whole layer."""
    from .generate import fix_times

    taken = set(
        zip(
            inc["occurred_at"].to_numpy().astype("datetime64[s]").astype(np.int64),
            inc["category"].astype(str),
        )
    )
    t = df["occurred_at"].to_numpy().astype("datetime64[s]")
    cats = df["category"].astype(str).to_numpy()
    for i in range(len(df)):
        while (int(t[i].astype(np.int64)), cats[i]) in taken:
            t[i] = fix_times(np.array([t[i] + np.timedelta64(60, "s")]))[0]
        taken.add((int(t[i].astype(np.int64)), cats[i]))
    df["occurred_at"] = t


def write_context(out: Any, context: Any) -> dict[str, int]:
    """Write one GeoPackage table per layer; the number of features per type."""
    from .generate import _write_gpkg

    counts = {}
    for i, (kind, (table, _, _, _, _)) in enumerate(LAYERS.items()):
        part = context[context["typ"] == kind].drop(columns="typ")
        _write_gpkg(part, out / FILE, table, append=i > 0)
        counts[f"context_{table}"] = len(part)
    return counts


def context_config() -> str:
    """The ``[[layers.context]]`` entries of the demo configuration."""
    text = (
        "\n# --- kontextlager (riskfaktorer) ---------------------------------------------------\n"
    )
    for kind, (table, name, _, _, _) in LAYERS.items():
        text += (
            f'[[layers.context]]\nfile = "{FILE}"\ntable = "{table}"\nname = "{name}"\n'
            f'type = "{kind}"\n'
            'columns = { "objekt_id" = "feature_id", "benamning" = "label" }\n\n'
        )
    return text + "[risk]\ndistances = [100, 150, 300]\nsnap_distance = 50\nstretch_length = 100\n"


def context_truth(context: Any, added: int, f: float) -> dict[str, Any]:
    """The ``risk_factors`` entry of ``truth.json``."""
    factors = []
    for kind, (table, name, _n, per_site, _) in LAYERS.items():
        factors.append(
            {
                "factor": name,
                "type": kind,
                "table": table,
                "features": int((context["typ"] == kind).sum()),
                "effect": per_site > 0,
                "extra_incidents_per_feature": round(per_site * f),
                "radius_m": EFFECT_RADIUS_M if per_site else None,
            }
        )
    return {
        "description": "extra incidents (ordningsstorning, samlingar, skadegorelse, hot_vald) "
        f"within {EFFECT_RADIUS_M:g} m of every bus stop and licensed restaurant, 18-24 h local "
        "time, appended to the EST reports; no effect of schools; features keep "
        f"{CLEARANCE_M:g} m from every other planted place",
        "file": FILE,
        "evening_hours": list(EVENING),
        "factors": factors,
        "added_incidents": int(added),
    }
