"""Joining points to areas.

Boundary rule: a point lying inside or on the boundary of several areas (exactly on a shared
edge, or where areas overlap) is assigned **once**, to the area with the smallest ``area_id``
(compared as text). Points whose ``location_precision`` is ``kommun_centroid`` (Polisen's events:
the coordinate is the municipality's centre, not the place) get no area (missing), as do points
in no area.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr


def assign_areas(points, areas, *, id_column: str = "area_id") -> pd.Series:
    """The ``area_id`` of the area each point lies in.

    Parameters
    ----------
    points
        GeoDataFrame of points (e.g. incidents), in the same CRS as ``areas``.
    areas
        GeoDataFrame of polygons with an ``area_id`` column.
    id_column
        Name of the areas' id column.

    Returns
    -------
    pandas.Series
        Named ``area_id``, aligned to ``points.index``; missing for points in no area and for
        ``kommun_centroid`` points. Ties (boundaries, overlaps) go to the smallest ``area_id``.

    Raises
    ------
    ArgumentError
        When the CRSs differ or are missing (never a silent empty join).
    """
    import shapely

    if points.crs is None or areas.crs is None or not points.crs.equals(areas.crs):
        raise ArgumentError(
            tr(
                "punkterna ({a}) och områdena ({b}) har olika eller saknade koordinatsystem",
                "the points ({a}) and the areas ({b}) have different or missing CRSs",
                a=points.crs.to_string() if points.crs else tr("inget", "none"),
                b=areas.crs.to_string() if areas.crs else tr("inget", "none"),
            ),
            rule="CRS_MISMATCH",
            fix=tr("räkna om det ena lagret med .to_crs()", "reproject one layer with .to_crs()"),
        )
    if id_column not in areas:
        raise ArgumentError(
            tr("områdena saknar kolumnen {c!r}", "the areas lack column {c!r}", c=id_column),
            rule="COLUMNS_MISSING",
        )
    out = pd.Series(index=points.index, dtype="str", name="area_id")
    geoms = points.geometry.to_numpy()
    usable = ~pd.isna(geoms)
    if "location_precision" in points:
        usable &= (points["location_precision"] != "kommun_centroid").fillna(True).to_numpy()
    idx = np.flatnonzero(usable)
    if idx.size == 0 or len(areas) == 0:
        return out
    order = np.argsort(areas[id_column].astype(str).to_numpy(), kind="stable")
    area_geoms = areas.geometry.to_numpy()[order]
    area_ids = areas[id_column].astype(str).to_numpy()[order]
    tree = shapely.STRtree(area_geoms)
    pt_pos, area_pos = tree.query(geoms[idx], predicate="intersects")
    if pt_pos.size == 0:
        return out
    # smallest area_id = smallest position in the sorted order
    best = pd.Series(area_pos).groupby(pt_pos).min()
    out.iloc[idx[best.index.to_numpy()]] = area_ids[best.to_numpy()]
    return out
