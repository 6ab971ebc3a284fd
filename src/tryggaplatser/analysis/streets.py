"""Street stretches: incidents, walk observations and dialogue pins on the road network.

Which stretch of which street needs lighting, cleaning or a guard route? The road network (the
``[basemap]`` roads, :mod:`tryggaplatser.layers.basemap`) is cut into **stretches** of about
``stretch_length`` metres (``[risk] stretch_length``, default 100 m): a road part of length
``L`` becomes ``k = max(1, round(L / stretch_length))`` stretches of length ``L / k``, each
with its position along the road (``from_m``–``to_m``).

Points are **snapped** to the nearest stretch within ``snap_distance`` (``[risk]
snap_distance``, default 50 m; shapely 2 ``STRtree.query_nearest``, ties to the first stretch
in the index). A point farther from every road, or without a geometry, is **not snapped**: it
is counted and reported per layer (``snapped + unsnapped = input``), never dropped silently.

**Gi\\*** on the stretches uses the network's adjacency: two stretches are neighbours when
they share an endpoint (consecutive stretches of a road, and roads meeting at a junction),
each stretch its own neighbour (the star). The z is :func:`~tryggaplatser.analysis.gistar.
gistar_sparse`; the p-values come from the valid test of
:func:`~tryggaplatser.analysis.gistar.count_pvalues_sparse` (exact binomial weighted by length
when stretches differ in length, no test below 30 events) and the bins from
:func:`~tryggaplatser.analysis.gistar.fdr_bins` (FDR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr

__all__ = [
    "DEFAULT_SNAP_DISTANCE",
    "DEFAULT_STRETCH_LENGTH",
    "PlaceReasons",
    "StreetResult",
    "snap_points",
    "split_roads",
    "street_stretches",
    "stretch_adjacency",
    "stretch_label",
]

DEFAULT_STRETCH_LENGTH = 100.0
DEFAULT_SNAP_DISTANCE = 50.0
#: Endpoints closer than this (metres) are the same node of the network.
NODE_TOLERANCE = 0.01
#: Count columns of the stretches, by input layer.
COUNT_COLUMNS = {"incidents": "n", "walk_observations": "n_observations", "dialogue": "n_dialogue"}


@dataclass
class StreetResult:
    """Stretches with counts and Gi*, and the snapping report.

    Attributes
    ----------
    stretches : GeoDataFrame
        ``stretch_id, name, from_m, to_m, length, n, n_observations, n_dialogue, gistar,
        pvalue, gi_bin, geometry`` (count columns for the layers given).
    snapping : DataFrame
        One row per layer: ``layer, input, snapped, unsnapped`` (``snapped + unsnapped =
        input``).
    test : str
        The Gi* test used (``none``, ``exact``, ``exact_length`` or ``normal``).
    params : dict
        Provenance ``{name: {"value", "auto", "rule"}}``.
    """

    stretches: Any
    snapping: pd.DataFrame
    test: str
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def top(self, k: int = 10, column: str = "n") -> Any:
        """The ``k`` stretches with the most of ``column`` (ties by Gi*, then id)."""
        s = self.stretches.sort_values(
            [column, "gistar", "stretch_id"], ascending=[False, False, True], na_position="last"
        )
        return s[s[column] > 0].head(k)

    def hot_stretches(self, cell_ids: Any) -> list[str]:
        """For each square grid cell (by id, ``"250mE648250N6555750"``), the significant hot
        stretch (``gi_bin`` > 0) crossing the cell with the most incidents (ties by Gi*, then
        id) as ``"Storgatan 120–220 m"``; ``""`` when none crosses it or the id is not a
        square cell's."""
        import shapely

        from .places import _CELL

        ids = [str(c) for c in cell_ids]
        hot = self.stretches[self.stretches["gi_bin"] > 0]
        if len(hot) == 0:
            return [""] * len(ids)
        hot = hot.sort_values(["n", "gistar", "stretch_id"], ascending=[False, False, True])
        tree = shapely.STRtree(hot.geometry.to_numpy())
        out = []
        for cell in ids:
            m = _CELL.match(cell)
            if m is None:
                out.append("")
                continue
            size, x, y = (float(g) for g in m.groups())
            idx = tree.query(shapely.box(x, y, x + size, y + size), predicate="intersects")
            out.append(stretch_label(hot.iloc[int(idx.min())]) if len(idx) else "")
        return out


def stretch_label(row: Any) -> str:
    """``"Storgatan 120–220 m"`` (an unnamed road is "namnlös väg")."""
    name = str(row["name"] or "") or tr("namnlös väg", "unnamed road")
    return f"{name} {float(row['from_m']):.0f}–{float(row['to_m']):.0f} m"


def split_roads(roads: Any, stretch_length: float = DEFAULT_STRETCH_LENGTH) -> Any:
    """Cut every road (part) into stretches of about ``stretch_length`` metres.

    Returns a GeoDataFrame ``stretch_id, name, from_m, to_m, length, geometry`` (stretch ids
    ``S000001…`` in road order; ``name`` from the roads' ``name`` column, else empty).
    """
    import geopandas as gpd
    import shapely
    from shapely.ops import substring

    if stretch_length <= 0:
        raise ArgumentError(
            tr(
                "stretch_length måste vara positiv, inte {v}",
                "stretch_length must be positive, not {v}",
                v=stretch_length,
            ),
            rule="ARGUMENT_INVALID",
        )
    parts = roads.explode(index_parts=False)
    parts = parts[~(parts.geometry.is_empty | parts.geometry.isna())]
    parts = parts[parts.geometry.geom_type == "LineString"]
    names = parts["name"].astype("string").fillna("").tolist() if "name" in parts else None
    lines = parts.geometry.to_numpy()
    lengths = shapely.length(lines)
    flat = not shapely.has_z(lines).any()
    rows, geoms = [], []
    for i, line in enumerate(lines):
        length = float(lengths[i])
        if length <= 0:
            continue
        k = max(1, round(length / stretch_length))
        step = length / k
        name = "" if names is None else str(names[i])
        cuts = [(j * step, length if j == k - 1 else (j + 1) * step) for j in range(k)]
        if k == 1:
            geoms.append(line)
        elif flat:
            geoms.extend(_substrings(line, cuts))
        else:
            geoms.extend(substring(line, a, b) for a, b in cuts)
        rows.extend((name, a, b, b - a) for a, b in cuts)
    frame = pd.DataFrame(rows, columns=["name", "from_m", "to_m", "length"])
    frame.insert(0, "stretch_id", [f"S{i + 1:06d}" for i in range(len(frame))])
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=roads.crs)


def _substrings(line: Any, cuts: list[tuple[float, float]]) -> list:
    """``shapely.ops.substring(line, a, b)`` for every ``(a, b)`` of ``cuts`` (``0 ≤ a < b ≤``
    the length of a 2-D ``line``), vectorised: the same end points (GEOS interpolation), the
    same vertices in between (those whose distance along the line, summed segment by segment
    as substring sums it, lies strictly between ``a`` and ``b``), the same coordinates."""
    import shapely

    xy = shapely.get_coordinates(line)
    d = np.diff(xy, axis=0)
    seg = [(dx**2 + dy**2) ** 0.5 for dx, dy in d.tolist()]  # in Python floats, as substring
    along = np.concatenate([[0.0], np.cumsum(seg)[:-1]])  # before vertex i (i < n − 1)
    a = np.array([c[0] for c in cuts])
    b = np.array([c[1] for c in cuts])
    start = shapely.get_coordinates(shapely.line_interpolate_point(line, a))
    end = shapely.get_coordinates(shapely.line_interpolate_point(line, b))
    lo = np.searchsorted(along, a, side="right")
    inner = np.maximum(np.searchsorted(along, b, side="left") - lo, 0)
    # piece j is start[j], xy[lo[j] : lo[j] + inner[j]], end[j]: rows of one stacked source
    k, n = len(cuts), len(xy)
    size = inner + 2
    first = np.cumsum(size) - size
    rows = np.empty(int(size.sum()), dtype=np.intp)
    rows[first] = np.arange(k)
    rows[first + size - 1] = k + n + np.arange(k)
    step = np.arange(int(inner.sum())) - np.repeat(np.cumsum(inner) - inner, inner)
    rows[np.repeat(first + 1, inner) + step] = k + np.repeat(lo, inner) + step
    coords = np.vstack([start, xy, end])[rows]
    return list(shapely.linestrings(coords, indices=np.repeat(np.arange(k), size)))


def snap_points(
    stretches: Any, points: Any, snap_distance: float = DEFAULT_SNAP_DISTANCE, tree: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The position (0…len−1) of the nearest stretch within ``snap_distance`` of every point,
    −1 when none is (or the point has no geometry), and the distance (NaN when unsnapped).
    ``points`` is a GeoSeries/GeoDataFrame or an array of shapely geometries."""
    import shapely

    geoms = getattr(points, "geometry", points)
    geoms = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    tree = tree or shapely.STRtree(stretches.geometry.to_numpy())
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    which = np.full(len(geoms), -1, dtype=np.int64)
    dist = np.full(len(geoms), np.nan)
    if not ok.any():
        return which, dist
    # the stretches within reach of every point and their distances, vectorised; a point
    # whose nearest distance is shared by several stretches (e.g. at a shared end) is given
    # to the one the tree's nearest-neighbour search picks, as before
    pts = np.flatnonzero(ok)
    pair = tree.query(geoms[pts], predicate="dwithin", distance=float(snap_distance))
    d = shapely.distance(geoms[pts][pair[0]], tree.geometries.take(pair[1]))
    order = np.lexsort((d, pair[0]))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair[0][order][1:] != pair[0][order][:-1]
    best = order[first]
    near_p, near_s, near_d = pair[0][best], pair[1][best], d[best]
    min_of = np.full(len(pts), np.inf)
    min_of[near_p] = near_d
    n_at_min = np.bincount(pair[0][d == min_of[pair[0]]], minlength=len(pts))
    tied = n_at_min > 1
    which[pts[near_p]] = near_s
    dist[pts[near_p]] = near_d
    if tied.any():
        idx, dd = tree.query_nearest(
            geoms[pts[tied]],
            max_distance=float(snap_distance),
            return_distance=True,
            all_matches=False,
        )
        pos = pts[np.flatnonzero(tied)[idx[0]]]
        which[pos] = idx[1]
        dist[pos] = dd
    return which, dist


def stretch_adjacency(stretches: Any):
    """Binary sparse ``(n, n)`` weights: stretches sharing an endpoint (within
    :data:`NODE_TOLERANCE`), without the diagonal."""
    import shapely
    from scipy import sparse

    g = stretches.geometry.to_numpy()
    n = len(g)
    ends = np.vstack(
        [
            shapely.get_coordinates(shapely.get_point(g, 0)),
            shapely.get_coordinates(shapely.get_point(g, -1)),
        ]
    )
    keys = np.round(ends / NODE_TOLERANCE).astype(np.int64)
    _, node = np.unique(keys, axis=0, return_inverse=True)
    node = node.ravel()
    rows = np.concatenate([np.arange(n), np.arange(n)])
    incidence = sparse.csr_matrix((np.ones(2 * n), (rows, node)), shape=(n, int(node.max()) + 1))
    incidence.data[:] = 1.0
    w = (incidence @ incidence.T).tocsr()
    w.setdiag(0.0)
    w.eliminate_zeros()
    w.data[:] = 1.0
    return w


def street_stretches(
    roads: Any,
    data: Any,
    *,
    walk_observations: Any = None,
    dialogue: Any = None,
    stretch_length: float | None = None,
    snap_distance: float | None = None,
) -> StreetResult:
    """Counts per street stretch and Gi* along the network.

    Parameters
    ----------
    roads : GeoDataFrame
        Road lines (``name`` column optional) in a metric CRS.
    data : GeoDataFrame
        Incident points in the roads' CRS.
    walk_observations, dialogue : GeoDataFrame, optional
        Also snapped and counted (``n_observations``, ``n_dialogue``).
    stretch_length, snap_distance : float, optional
        Metres; ``None`` = :data:`DEFAULT_STRETCH_LENGTH` / :data:`DEFAULT_SNAP_DISTANCE`
        (recorded as automatic in ``params``).

    Returns
    -------
    StreetResult
    """
    import shapely

    from ._common import check_same_crs
    from .gistar import count_pvalues_sparse, fdr_bins, gistar_sparse

    params = _params(stretch_length, snap_distance)
    stretch_length = stretch_length or DEFAULT_STRETCH_LENGTH
    snap_distance = snap_distance or DEFAULT_SNAP_DISTANCE
    stretches = split_roads(roads, stretch_length)
    if len(stretches) == 0:
        raise ArgumentError(
            tr("Vägnätet har inga linjer.", "The road network has no lines."),
            rule="ROADS_EMPTY",
        )
    tree = shapely.STRtree(stretches.geometry.to_numpy())
    rows = []
    for layer, frame in (
        ("incidents", data),
        ("walk_observations", walk_observations),
        ("dialogue", dialogue),
    ):
        if frame is None:
            continue
        check_same_crs(frame.crs, stretches.crs, layer, "roads")
        which, _ = snap_points(stretches, frame, snap_distance, tree)
        snapped = which >= 0
        counts = np.bincount(which[snapped], minlength=len(stretches))
        stretches[COUNT_COLUMNS[layer]] = counts.astype(np.int64)
        rows.append((layer, len(which), int(snapped.sum()), int((~snapped).sum())))
    snapping = pd.DataFrame(rows, columns=["layer", "input", "snapped", "unsnapped"])
    w = stretch_adjacency(stretches)
    y = stretches["n"].to_numpy(float)
    z = gistar_sparse(y, w)
    p, test, _ = count_pvalues_sparse(y, w, z, stretches["length"].to_numpy(float))
    stretches["gistar"] = z
    stretches["pvalue"] = p
    stretches["gi_bin"] = fdr_bins(z, p)
    cols = [c for c in stretches.columns if c != "geometry"] + ["geometry"]
    return StreetResult(stretches[cols], snapping, test, params)


def _params(stretch_length: float | None, snap_distance: float | None) -> dict[str, dict]:
    return {
        "stretch_length": {
            "value": f"{stretch_length or DEFAULT_STRETCH_LENGTH:g} m",
            "auto": stretch_length is None,
            "rule": tr(
                "vägdel om L m delas i max(1, round(L/längd)) lika långa sträckor",
                "a road part of L m is cut into max(1, round(L/length)) equal stretches",
            ),
        },
        "snap_distance": {
            "value": f"{snap_distance or DEFAULT_SNAP_DISTANCE:g} m",
            "auto": snap_distance is None,
            "rule": tr(
                "punkter längre bort än så från alla vägar knyts inte och redovisas",
                "points farther than this from every road are not snapped and are reported",
            ),
        },
    }


@dataclass
class PlaceReasons:
    """The street stretch and the nearby risk factors of a group of points, as a reason for an
    action-plan item ("Storgatan 120–220 m: 14 händelser, nära Busshållplatser").

    Attributes
    ----------
    streets : StreetResult
        The run's stretches with counts.
    near : GeoDataFrame or None
        Features of the significant raising risk factors (``factor``, ``distance`` = the
        distance of the factor's selected variable, geometry).
    """

    streets: StreetResult
    near: Any = None

    def reason(self, points: Any) -> str | None:
        """The stretch most of ``points`` snap to, its incidents, and the risk factors whose
        features lie within their distance of it; ``None`` when no point snaps."""
        import shapely

        snap = str(self.streets.params["snap_distance"]["value"]).split()[0]
        which, _ = snap_points(self.streets.stretches, points, float(snap))
        which = which[which >= 0]
        if len(which) == 0:
            return None
        row = self.streets.stretches.iloc[int(np.bincount(which).argmax())]
        name = str(row["name"] or "") or tr("namnlös väg", "unnamed road")
        text = tr(
            "{s} {a:.0f}–{b:.0f} m: {n} händelser",
            "{s} {a:.0f}–{b:.0f} m: {n} incidents",
            s=name,
            a=row["from_m"],
            b=row["to_m"],
            n=int(row["n"]),
        )
        if self.near is not None and len(self.near):
            d = shapely.distance(self.near.geometry.to_numpy(), row.geometry)
            hits = sorted(set(self.near.loc[d <= self.near["distance"].to_numpy(), "factor"]))
            if hits:
                text += tr(", nära {f}", ", near {f}", f=", ".join(map(str, hits)).lower())
        return text
