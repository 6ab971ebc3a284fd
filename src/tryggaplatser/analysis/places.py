"""Place names: a place described by its nearest named streets ("Storgatan vid Parkvägen").

A planner finds a place by its street, not by a grid code such as ``250mE648250N6555750``.
Focus places, hotspot tables, plan items and near-repeat alerts are described here, once per
run, from the ``[basemap]`` roads (:mod:`tryggaplatser.layers.basemap`); the products print the
description beside the cell id, which stays as the reference.

**Rule** (:func:`place_rule`, recorded as the parameter ``place_names``):

1. a polygon (a grid cell) is described by its centroid, a point by itself — so a public
   250 m cell is described by its centre, never by the events inside it;
2. the *street* is the named road nearest to that point, if it lies within ``max_street_m``
   (default :data:`MAX_STREET_M` = 250 m); otherwise there is no description (``""``) and the
   cell id alone names the place;
3. the *cross street* is the nearest road with **another** name within ``near_m`` (default
   :data:`NEAR_M` = 150 m) of the point: "Storgatan vid Parkvägen"; without one just
   "Storgatan";
4. ties in distance go to the alphabetically first name, so the description is reproducible.

Distances are Euclidean in the (metric) CRS of the layers.

Examples
--------
>>> import geopandas as gpd, shapely
>>> roads = gpd.GeoDataFrame({"name": ["Storgatan", "Parkvägen", "Skolgatan"]}, geometry=[
...     shapely.LineString([(0, 0), (1000, 0)]), shapely.LineString([(300, -500), (300, 500)]),
...     shapely.LineString([(900, 400), (900, 900)])], crs=3006)
>>> describe_places([shapely.Point(340, 10), shapely.Point(700, 30), shapely.Point(0, 900)],
...                 roads)
['Storgatan vid Parkvägen', 'Storgatan', '']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import tr

__all__ = [
    "MAX_STREET_M",
    "NEAR_M",
    "describe_cells",
    "describe_places",
    "place_rule",
]

#: The farthest a named street may be from a place to describe it (metres).
MAX_STREET_M = 250.0
#: The farthest a second, crossing or nearby street may be from the place (metres).
NEAR_M = 150.0

_CELL = re.compile(r"^(\d+(?:\.\d+)?)mE(-?\d+(?:\.\d+)?)N(-?\d+(?:\.\d+)?)$")


def place_rule(max_street_m: float = MAX_STREET_M, near_m: float = NEAR_M) -> str:
    """The rule of :func:`describe_places` in words, with its distances."""
    return tr(
        "närmaste namngivna gata inom {a} m från platsens mittpunkt (rutans mitt), och den "
        'närmaste gatan med ett annat namn inom {b} m: "Storgatan vid Parkvägen"',
        "nearest named street within {a} m of the place's centre (the cell's centre), and the "
        'nearest street with another name within {b} m: "Storgatan at Parkvägen"',
        a=f"{max_street_m:g}",
        b=f"{near_m:g}",
    )


def _points(points_or_geoms: Any) -> np.ndarray:
    """Shapely points: each geometry's centroid (a point stays itself)."""
    import shapely

    geoms = getattr(points_or_geoms, "geometry", points_or_geoms)
    arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    if len(arr) == 0:
        return arr
    return shapely.centroid(arr)


def describe_places(
    points_or_geoms: Any,
    roads: Any,
    *,
    max_street_m: float = MAX_STREET_M,
    near_m: float = NEAR_M,
) -> list[str]:
    """Describe places by their nearest named streets ("Storgatan vid Parkvägen").

    Parameters
    ----------
    points_or_geoms : GeoSeries, GeoDataFrame or sequence of shapely geometries
        The places, in the CRS of ``roads`` (metres). Polygons are described by their centroid.
    roads : GeoDataFrame or None
        Streets with ``name`` (e.g. :attr:`Basemap.roads
        <tryggaplatser.layers.basemap.Basemap>`); unnamed roads are ignored.
    max_street_m, near_m : float
        See the module's rule.

    Returns
    -------
    list of str
        One description per place, in input order; ``""`` when no named street lies within
        ``max_street_m`` (or there are no roads).
    """
    import shapely

    points = _points(points_or_geoms)
    out = [""] * len(points)
    if roads is None or len(points) == 0:
        return out
    named = roads[roads["name"].notna()]
    if len(named) == 0:
        return out
    geoms = named.geometry.to_numpy()
    names = named["name"].astype(str).to_numpy()
    valid = np.flatnonzero(~shapely.is_missing(points) & ~shapely.is_empty(points))
    tree = shapely.STRtree(geoms)
    ip, ir = tree.query(points[valid], predicate="dwithin", distance=max_street_m)
    if len(ip) == 0:
        return out
    pairs = pd.DataFrame(
        {
            "p": valid[ip],
            "name": names[ir],
            "d": shapely.distance(points[valid[ip]], geoms[ir]),
        }
    )
    # per place and street name the nearest part; then streets by distance, ties by name
    best = (
        pairs.groupby(["p", "name"], sort=False)["d"]
        .min()
        .reset_index()
        .sort_values(["p", "d", "name"], kind="stable")
    )
    rank = best.groupby("p").cumcount()
    first = best[rank == 0].set_index("p")["name"]
    second = best[(rank == 1) & (best["d"] <= near_m)].set_index("p")["name"]
    for p, street in first.items():
        cross = second.get(p)
        out[int(p)] = (
            tr("{a} vid {b}", "{a} at {b}", a=street, b=cross) if cross is not None else street
        )
    return out


def cell_centres(cell_ids: Iterable[Any]) -> np.ndarray:
    """Centres of square cells from their ids (``"250mE648250N6555750"`` → (648375, 6555875));
    ``None`` for an id that is not a square cell's."""
    import shapely

    out = []
    for cell in cell_ids:
        m = _CELL.match(str(cell)) if cell is not None and not pd.isna(cell) else None
        if m is None:
            out.append(None)
            continue
        size, x, y = (float(g) for g in m.groups())
        out.append(shapely.Point(x + size / 2, y + size / 2))
    return np.asarray(out, dtype=object)


def describe_cells(cell_ids: Iterable[Any], roads: Any, **kwargs: Any) -> list[str]:
    """:func:`describe_places` of square grid cells given by id (each cell's centre)."""
    return describe_places(cell_centres(cell_ids), roads, **kwargs)
