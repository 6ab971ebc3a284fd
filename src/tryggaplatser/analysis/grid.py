"""Square (default) or hexagonal grids anchored to SWEREF 99 TM, and fast point-to-cell assignment.

Cells are squares whose corners fall on multiples of the cell size in the layer's projected CRS
(normally EPSG:3006, SWEREF 99 TM). That is the lattice of SCB's national statistical grid, so a
250 m or 1 000 m grid joins SCB grid statistics cell for cell, and every "nice" size chosen here
(10, 20, 25, 50, 100, 125, 200, 250, 500 m…) nests inside SCB's 1 km squares.

Points are assigned to cells by integer floor division of their coordinates (half-open cells
``[x, x + c) × [y, y + c)``: a point on a shared edge belongs to the cell east/north of it, so it is
counted exactly once) and counted with :func:`numpy.bincount` — about 150× faster than a spatial
join (REFERENCE.md §3).

**Hexagons** (``shape="hexagon"``) are *pointy-top* (two vertical edges, rows of hexagons run
east–west) and **area-equivalent**: a hexagon of ``cell_size`` c has the area c² of the square
of the same size, so counts, densities and the ≥ 250 m publishing rule compare with a square
grid of the same ``cell_size``. Its circumradius is ``R = c·√(2/(3√3)) ≈ 0.6204·c`` and its
width between opposite (vertical) edges ``w = √3·R ≈ 1.0746·c`` (250 m → w = 268.6 m, height
2R = 310.2 m). The lattice is anchored at the SWEREF 99 TM origin: the hexagon with axial
coordinates ``(q, r)`` has its centre at ``(w·(q + r/2), 1.5·R·r)``, so the same ``cell_size``
always gives the same hexagons. Points are assigned by axial (cube) rounding followed by a check
of the six neighbouring centres: a point belongs to the hexagon with the nearest centre; a point
on a shared edge or vertex (equidistant within 1e-9·R²) goes to the *northern* hexagon (larger
r), and on a vertical edge to the *eastern* one (larger q) — the same "north/east" rule as the
squares — so it is counted exactly once.

Hexagons are stored on a dense axial array so the square-grid machinery (counting with
:func:`numpy.bincount`, Gi* by footprint correlation, periods for classification) is reused:
``row = r0 − r`` (0 = northernmost hexagon row) and ``col = q − q0``, with ``q0``/``r0`` in
``attrs["tryggaplatser"]["grid"]``. In this storage the six neighbours of a cell are the 3 × 3
block minus the (−1, +1) and (+1, −1) corners.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._announce import announce, logger
from ..errors import ArgumentError
from ..i18n import tr
from ..provenance import thaw
from ._common import (
    ATTRS_KEY,
    attach,
    cell_labels,
    check_points,
    check_positive,
    check_projected,
    check_same_crs,
    fmt_m,
    new_record,
    record_param,
)

#: Cell sizes the automatic rule may choose (metres). Each divides 1 000 m or is a multiple of it,
#: so cells nest in SCB's 1 km squares; 250 and 1 000 m are SCB's own grid sizes.
NICE_CELL_SIZES = (10, 20, 25, 50, 100, 125, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)

#: Largest grid built without complaint (a stray far-away point makes runaway grids).
MAX_CELLS = 5_000_000

#: Supported cell shapes (the first is the default).
SHAPES = ("square", "hexagon")

#: Circumradius of an area-equivalent hexagon per unit of cell size: 3√3/2·R² = c².
HEX_RADIUS_PER_CELL = math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))

HEX_RULE = (
    "spetsiga sexhörningar (pointy-top) med samma area som en kvadrat med sidan c; "
    "radie R = 0,6204·c, bredd mellan motstående sidor √3·R = 1,0746·c; förankrade i "
    "SWEREF 99 TM:s origo (centrum (√3·R·(q + r/2), 1,5·R·r)); punkter på en gemensam kant "
    "hör till sexhörningen norr om (eller öster om) kanten"
)

CELL_SIZE_RULE = (
    "c = s/50 avrundat nedåt till närmaste jämna rutstorlek (10, 20, 25, 50, 100, 125, 200, 250, "
    "500, 1000 … m), där s = min(bredd, höjd) av punkternas robusta utbredning (1:a–99:e "
    "percentilen) — sfhotspots regel, robust mot enstaka avvikande punkter"
)


@dataclass(frozen=True)
class GridSpec:
    """A grid: ``nrows`` × ``ncols`` cells of ``cell_size`` in a dense array.

    Squares (``shape="square"``): lower-left corner ``(x0, y0)``; row 0 is the northernmost row
    (raster order), column 0 the westernmost, so the dense array ``a[row, col]`` is the GeoTIFF
    band as is.

    Hexagons (``shape="hexagon"``): axial storage, ``row = r0 − r`` and ``col = q − q0`` (see the
    module docstring); ``(x0, y0)`` is the lower-left corner of the cells' bounding box
    (informative only). Not every array position is a cell: the cell frame says which are.
    """

    x0: float
    y0: float
    cell_size: float
    nrows: int
    ncols: int
    crs: str
    shape: str = "square"
    q0: int = 0
    r0: int = 0

    @property
    def n_cells(self) -> int:
        return self.nrows * self.ncols

    @property
    def is_hexagon(self) -> bool:
        return self.shape == "hexagon"

    @property
    def hex_radius(self) -> float:
        """Circumradius R of a hexagon (centre to vertex), ``cell_size · 0.6204``."""
        return self.cell_size * HEX_RADIUS_PER_CELL

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        c = self.cell_size
        if self.is_hexagon:
            rows, cols = np.divmod(np.arange(self.n_cells, dtype=np.int64), self.ncols)
            cx, cy = self.cell_centres(rows, cols)
            hw, rr = math.sqrt(3.0) * self.hex_radius / 2, self.hex_radius
            return (cx.min() - hw, cy.min() - rr, cx.max() + hw, cy.max() + rr)
        return (self.x0, self.y0, self.x0 + self.ncols * c, self.y0 + self.nrows * c)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GridSpec:
        return cls(
            float(d["x0"]),
            float(d["y0"]),
            float(d["cell_size"]),
            int(d["nrows"]),
            int(d["ncols"]),
            str(d["crs"]),
            str(d.get("shape", "square")),
            int(d.get("q0", 0)),
            int(d.get("r0", 0)),
        )

    def flat_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Row-major flat index ``row * ncols + col`` of each point; −1 outside the grid."""
        if self.is_hexagon:
            q, r = hex_axial(x, y, self.cell_size)
            row = self.r0 - r
            col = q - self.q0
            inside = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows)
            return np.where(inside, row * self.ncols + col, -1).astype(np.int64)
        c = self.cell_size
        col = np.floor((x - self.x0) / c)
        iy = np.floor((y - self.y0) / c)
        inside = (col >= 0) & (col < self.ncols) & (iy >= 0) & (iy < self.nrows)
        row = (self.nrows - 1) - iy
        flat = np.where(inside, row * self.ncols + col, -1)
        return flat.astype(np.int64)

    def cell_centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the centres of the cells at ``(rows, cols)`` (either shape)."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        if self.is_hexagon:
            return hex_centres(self.q0 + cols, self.r0 - rows, self.cell_size)
        c = self.cell_size
        return self.x0 + (cols + 0.5) * c, self.y0 + (self.nrows - rows - 0.5) * c

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x (per column) and y (per row) of the cell centres (squares only)."""
        if self.is_hexagon:
            raise ArgumentError(
                tr(
                    "Sexhörningsrutnät har inga gemensamma kolumn-/radcentrum; använd "
                    "cell_centres.",
                    "Hexagon grids have no shared column/row centres; use cell_centres.",
                ),
                rule="GRID_SHAPE",
            )
        c = self.cell_size
        xs = self.x0 + (np.arange(self.ncols) + 0.5) * c
        ys = self.y0 + (self.nrows - np.arange(self.nrows) - 0.5) * c
        return xs, ys


def check_shape(shape: Any) -> str:
    """``shape`` must be one of :data:`SHAPES`; the message lists them."""
    if shape not in SHAPES:
        raise ArgumentError(
            tr(
                "`shape` måste vara 'square' eller 'hexagon', fick {v!r}.",
                "`shape` must be 'square' or 'hexagon', got {v!r}.",
                v=shape,
            ),
            rule="GRID_SHAPE",
        )
    return str(shape)


#: Axial offsets (dq, dr) of a hexagon and its six neighbours.
_HEX_NEIGHBOURS = np.array([(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)])


def hex_centres(q: np.ndarray, r: np.ndarray, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the area-equivalent pointy-top hexagons ``(q, r)``:
    ``x = (2q + r)·w/2``, ``y = 3r·R/2`` with ``R = 0.6204·cell_size``, ``w = √3·R``."""
    rr = cell_size * HEX_RADIUS_PER_CELL
    hw = math.sqrt(3.0) * rr / 2.0
    q = np.asarray(q, dtype=np.int64)
    r = np.asarray(r, dtype=np.int64)
    return (2 * q + r) * hw, (3 * r) * (rr / 2.0)


def hex_axial(x: np.ndarray, y: np.ndarray, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial coordinates ``(q, r)`` of the hexagon holding each point (vectorised).

    Rule: cube rounding of the fractional axial coordinates gives a candidate; of it and its six
    neighbours the hexagon with the nearest centre wins. Points equidistant from two or three
    centres (within 1e-9·R², i.e. on a shared edge or vertex) go to the candidate with the
    largest ``r`` (north), then the largest ``q`` (east), so every point is assigned once and
    the result does not depend on the order of the points.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rr = cell_size * HEX_RADIUS_PER_CELL
    qf = (x * (math.sqrt(3.0) / 3.0) - y / 3.0) / rr
    rf = (y * (2.0 / 3.0)) / rr
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    q = q.astype(np.int64)
    r = r.astype(np.int64)
    best_d = None
    best_key = None
    best_q = q.copy()
    best_r = r.copy()
    tol = 1e-9 * rr * rr
    for oq, orr in _HEX_NEIGHBOURS:
        cq, cr = q + oq, r + orr
        cx, cy = hex_centres(cq, cr, cell_size)
        d = (x - cx) ** 2 + (y - cy) ** 2
        key = 3 * orr + oq  # larger = further north, then further east
        if best_d is None:
            best_d, best_key = d, np.full(len(d), key)
            continue
        better = (d < best_d - tol) | ((np.abs(d - best_d) <= tol) & (key > best_key))
        best_q = np.where(better, cq, best_q)
        best_r = np.where(better, cr, best_r)
        best_key = np.where(better, key, best_key)
        best_d = np.where(better, d, best_d)
    return best_q, best_r


def hex_polygons(q: np.ndarray, r: np.ndarray, cell_size: float) -> np.ndarray:
    """Shapely polygons of the hexagons ``(q, r)``. Vertices are computed from integer
    multiples of ``w/2`` and ``R/2``, so neighbours share bit-identical vertices (topology
    tools such as libpysal's contiguity weights see the shared edges)."""
    import shapely

    rr = cell_size * HEX_RADIUS_PER_CELL
    hw = math.sqrt(3.0) * rr / 2.0
    q = np.asarray(q, dtype=np.int64)[:, None]
    r = np.asarray(r, dtype=np.int64)[:, None]
    # counter-clockwise from the upper-right vertex (30°), closed
    sx = np.array([1, 0, -1, -1, 0, 1, 1])
    ty = np.array([1, 2, 1, -1, -2, -1, 1])
    vx = (2 * q + r + sx) * hw
    vy = (3 * r + ty) * (rr / 2.0)
    return shapely.polygons(np.stack([vx, vy], axis=-1))


def nice_cell_size(raw: float) -> float:
    """The largest size in :data:`NICE_CELL_SIZES` that is ≤ ``raw`` (at least the smallest)."""
    chosen = NICE_CELL_SIZES[0]
    for s in NICE_CELL_SIZES:
        if s <= raw:
            chosen = s
    return float(chosen)


def auto_cell_size(x: np.ndarray, y: np.ndarray) -> float:
    """Automatic cell size.

    Rule: ``s = min(P99(x) − P1(x), P99(y) − P1(y))``, ``c = s / 50``, rounded *down* to a size
    in :data:`NICE_CELL_SIZES`. This is sfhotspot's rule (``set_cell_size.R``: min of bounding box
    width and height over 50, rounded down to 100 m) with two changes: the extent is the 1st–99th
    percentile range, so one stray point cannot change the cell size, and the rounding goes to
    lattice sizes that nest in SCB's 1 km grid (so 125 m and 250 m are possible).

    The ArcGIS Optimized Hot Spot rule (cell from mean/median nearest-neighbour distance) was not
    chosen: incident data are geocoded to addresses, so many points coincide, the median
    nearest-neighbour distance is often 0 m and the rule then yields tiny cells and huge grids.
    """
    if len(x) < 2:
        raise ArgumentError(
            tr(
                "Kan inte välja cellstorlek automatiskt från {n} punkt.",
                "Cannot choose a cell size automatically from {n} point.",
                n=len(x),
            ),
            rule="CELL_SIZE_AUTO",
            fix=tr("ange cell_size", "give cell_size"),
        )
    w = float(np.percentile(x, 99) - np.percentile(x, 1))
    h = float(np.percentile(y, 99) - np.percentile(y, 1))
    s = min(w, h)
    if not s > 0:
        s = max(w, h)
    if not s > 0:
        raise ArgumentError(
            tr(
                "Kan inte välja cellstorlek automatiskt: punkterna ligger (nästan) på samma plats.",
                "Cannot choose a cell size automatically: the points are (almost) at one place.",
            ),
            rule="CELL_SIZE_AUTO",
            fix=tr("ange cell_size", "give cell_size"),
        )
    return nice_cell_size(s / 50.0)


def _grid_spec_for(
    bounds: tuple[float, float, float, float],
    cell_size: float,
    crs: Any,
    max_cells: int,
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
) -> GridSpec:
    xmin, ymin, xmax, ymax = bounds
    c = cell_size
    ox, oy = float(offset[0]), float(offset[1])
    x0 = math.floor((xmin - ox) / c) * c + ox
    y0 = math.floor((ymin - oy) / c) * c + oy
    ncols = math.floor((xmax - x0) / c) + 1
    nrows = math.floor((ymax - y0) / c) + 1
    n = ncols * nrows
    if n > max_cells:
        hint = ""
        if x is not None and y is not None and len(x):
            mx, my = np.median(x), np.median(y)
            far = int(np.argmax(np.hypot(x - mx, y - my)))
            hint = tr(
                " Punkten längst bort ligger på ({px:.0f}, {py:.0f}), rad {row}.",
                " The farthest point is at ({px:.0f}, {py:.0f}), row {row}.",
                px=x[far],
                py=y[far],
                row=far,
            )
        raise ArgumentError(
            tr(
                "Rutnätet skulle få {n:,} celler ({nc} × {nr} à {c} m), mer än gränsen {m:,}."
                "{hint}",
                "The grid would have {n:,} cells ({nc} × {nr} of {c} m), more than the limit "
                "{m:,}.{hint}",
                n=n,
                nc=ncols,
                nr=nrows,
                c=fmt_m(c),
                m=max_cells,
                hint=hint,
            ),
            rule="GRID_TOO_LARGE",
            fix=tr(
                "ta bort avvikande punkter, klipp till studieområdet (area=) eller välj en "
                "större cellstorlek",
                "remove stray points, clip to the study area (area=) or choose a larger cell size",
            ),
        )
    crs_text = crs.to_string() if crs is not None else ""
    return GridSpec(float(x0), float(y0), float(c), nrows, ncols, crs_text)


def make_grid(
    data: Any,
    cell_size: float | None = None,
    *,
    shape: str = "square",
    area: Any = None,
    max_cells: int = MAX_CELLS,
    offset: tuple[float, float] = (0.0, 0.0),
    quiet: bool = False,
) -> Any:
    """Build a grid of square (default) or hexagonal cells covering ``data`` (or ``area``),
    anchored to the SWEREF 99 TM origin.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Points (usually incidents) in a projected CRS in metres (EPSG:3006).
    cell_size : float, optional
        Side of a square cell in metres; a hexagon of this ``cell_size`` has the same area
        (c², see the module docstring). ``None`` chooses it with :func:`auto_cell_size` (for
        both shapes) and announces the choice ("Cellstorlek 100 m vald automatiskt …").
    shape : {"square", "hexagon"}
        Cell shape. Squares (default) lie on SCB's statistical grid lattice. Hexagons are
        pointy-top, area-equivalent to the square of ``cell_size``, anchored at the origin;
        the choice and its geometry are announced and recorded in ``attrs`` (``params.shape``).
    area : geopandas.GeoDataFrame or GeoSeries or shapely geometry, optional
        Clip the grid to this polygon (study area or a part of it): the grid covers its bounds
        and only cells intersecting it are kept. Same CRS as ``data``.
    max_cells : int
        Refuse grids with more cells than this (default 5 000 000) with a message naming the
        farthest point — a stray point far away is the usual cause.
    offset : (dx, dy)
        Shift the square lattice by this many metres east and north (default none: corners on
        multiples of the cell size, SCB's lattice). Used to test whether hotspots depend on
        where the grid lies (``hotspot_stability``); a shifted grid no longer joins SCB's
        squares. Squares only; recorded when not zero.
    quiet : bool
        Do not announce automatic choices (they are still recorded in ``attrs``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell with columns ``cell_id`` (``"{c}mE{x}N{y}"`` from the lower-left
        corner, in the style of INSPIRE grid codes, so it names the SCB square), ``row``
        (0 = northernmost), ``col`` (0 = westernmost) and square ``geometry``; rows in
        row-major order. With ``area``, also ``inside``: the share of the cell's area inside
        the study area (cells cut by the boundary; the significance tests weigh them by it).
        The grid description is in ``attrs["tryggaplatser"]["grid"]``.
        Hexagons: ``cell_id`` is ``"hex{c}m_q{q}_r{r}"`` (axial coordinates from the origin,
        stable between runs), ``row = r0 − r`` (0 = northernmost hexagon row) and
        ``col = q − q0`` (positions in the axial storage, not west-to-east order); the cells are
        every hexagon intersecting the points' bounding box (or ``area``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([100, 990], [50, 420]), crs=3006)
    >>> make_grid(pts, 250, quiet=True)[["cell_id", "row", "col"]].head(2)
            cell_id  row  col
    0    250mE0N250    0    0
    1  250mE250N250    0    1
    """
    x, y = check_points(data)
    shape = check_shape(shape)
    record = new_record()
    size = check_positive(cell_size, "cell_size")
    if size is None:
        size = auto_cell_size(x, y)
        record_param(
            record,
            "cell_size",
            size,
            auto=True,
            rule=CELL_SIZE_RULE,
            quiet=quiet,
            message=tr(
                "Cellstorlek {c} m vald automatiskt ({rule}).",
                "Cell size set to {c} m automatically ({rule}).",
                c=fmt_m(size),
                rule=CELL_SIZE_RULE,
            ),
        )
    else:
        record_param(record, "cell_size", size, auto=False)
    if shape == "hexagon":
        rr = size * HEX_RADIUS_PER_CELL
        record_param(record, "shape", shape, auto=False, rule=HEX_RULE)
        announce(
            tr(
                "Sexhörningar med samma area som rutor à {c} m: bredd mellan sidor {w} m, "
                "höjd {h} m ({rule}).",
                "Hexagons with the area of {c} m squares: width between edges {w} m, "
                "height {h} m ({rule}).",
                c=fmt_m(size),
                w=f"{math.sqrt(3.0) * rr:.1f}",
                h=f"{2 * rr:.1f}",
                rule=HEX_RULE,
            ),
            quiet=quiet,
        )
    else:
        record_param(record, "shape", shape, auto=False)
    clip_geom = None
    if area is not None:
        clip_geom, area_crs = _area_geometry(area)
        check_same_crs(data.crs, area_crs, "data", "area")
        bounds = tuple(clip_geom.bounds)
        px = py = None
    else:
        px, py = _without_strays(x, y, record, quiet)
        bounds = (float(px.min()), float(py.min()), float(px.max()), float(py.max()))
    if shape == "hexagon":
        spec, cells = _hex_grid(bounds, size, data.crs, max_cells, clip_geom, px, py)
    else:
        spec = _grid_spec_for(bounds, size, data.crs, max_cells, px, py, offset)
        cells = cells_from_spec(spec, clip_geom)
    if tuple(offset) != (0.0, 0.0):
        if shape == "hexagon":
            raise ArgumentError(
                tr(
                    "`offset` gäller bara kvadratiska rutnät.",
                    "`offset` applies to square grids only.",
                ),
                rule="GRID_SHAPE",
            )
        record_param(record, "offset", [float(offset[0]), float(offset[1])], auto=False)
    if clip_geom is not None:
        cells["inside"] = inside_share(cells.geometry.to_numpy(), clip_geom)
    record_param(record, "area", area is not None, auto=False)
    return attach(cells, record, spec.to_dict())


def inside_share(geoms: np.ndarray, clip_geom: Any) -> np.ndarray:
    """The share of each cell's area that lies inside ``clip_geom`` (1 for cells wholly
    inside). Under complete spatial randomness within the study area a cell's expected count
    is proportional to it, which the significance test needs at the boundary."""
    import shapely

    shapely.prepare(clip_geom)
    share = np.ones(len(geoms))
    part = ~shapely.contains(clip_geom, geoms)
    if part.any():
        cut = shapely.area(shapely.intersection(geoms[part], clip_geom))
        share[part] = np.clip(cut / shapely.area(geoms[part]), 0.0, 1.0)
    return share


#: A point is a stray when it lies farther than this many robust widths (1st–99th percentile
#: range) outside the robust extent of the points; strays never stretch a grid.
STRAY_FACTOR = 2.0


def _without_strays(x: np.ndarray, y: np.ndarray, record: dict, quiet: bool):
    """The points that span the grid: all but the strays far outside the rest (announced).

    With at least 20 points, a point is a stray when it lies more than :data:`STRAY_FACTOR`
    robust widths (or heights) outside the 1st–99th percentile range of x (or y): one point at
    (0, 0) among a municipality's incidents would otherwise build a grid of millions of cells.
    The strays stay in the data and are counted as outside the grid.
    """
    if len(x) < 20:
        return x, y
    lo_x, hi_x = np.percentile(x, [1, 99])
    lo_y, hi_y = np.percentile(y, [1, 99])
    mx = STRAY_FACTOR * max(hi_x - lo_x, hi_y - lo_y, 1.0)
    keep = (x >= lo_x - mx) & (x <= hi_x + mx) & (y >= lo_y - mx) & (y <= hi_y + mx)
    n_out = int((~keep).sum())
    if n_out:
        first = int(np.flatnonzero(~keep)[0])
        msg = tr(
            "{k} punkter ligger långt utanför övriga (t.ex. ({px:.0f}, {py:.0f}), rad {r}) och "
            "får inte styra rutnätets utbredning; de räknas som utanför rutnätet.",
            "{k} points lie far outside the others (e.g. ({px:.0f}, {py:.0f}), row {r}) and do "
            "not stretch the grid; they count as outside the grid.",
            k=n_out,
            px=x[first],
            py=y[first],
            r=first,
        )
        record["notes"].append(msg)
        record["n_strays"] = n_out
        if not quiet:
            logger.warning(msg)
    return x[keep], y[keep]


def _too_large(n: int, detail: str, c: float, max_cells: int, x: Any, y: Any) -> ArgumentError:
    hint = ""
    if x is not None and y is not None and len(x):
        mx, my = np.median(x), np.median(y)
        far = int(np.argmax(np.hypot(x - mx, y - my)))
        hint = tr(
            " Punkten längst bort ligger på ({px:.0f}, {py:.0f}), rad {row}.",
            " The farthest point is at ({px:.0f}, {py:.0f}), row {row}.",
            px=x[far],
            py=y[far],
            row=far,
        )
    return ArgumentError(
        tr(
            "Rutnätet skulle få {n:,} celler ({d} à {c} m), mer än gränsen {m:,}.{hint}",
            "The grid would have {n:,} cells ({d} of {c} m), more than the limit {m:,}.{hint}",
            n=n,
            d=detail,
            c=fmt_m(c),
            m=max_cells,
            hint=hint,
        ),
        rule="GRID_TOO_LARGE",
        fix=tr(
            "ta bort avvikande punkter, klipp till studieområdet (area=) eller välj en "
            "större cellstorlek",
            "remove stray points, clip to the study area (area=) or choose a larger cell size",
        ),
    )


def _hex_grid(
    bounds: tuple[float, float, float, float],
    cell_size: float,
    crs: Any,
    max_cells: int,
    clip_geom: Any = None,
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
) -> tuple[GridSpec, Any]:
    """Spec and cell frame of the hexagons intersecting ``bounds`` (and ``clip_geom``)."""
    import geopandas as gpd
    import shapely

    xmin, ymin, xmax, ymax = bounds
    rr = cell_size * HEX_RADIUS_PER_CELL
    w = math.sqrt(3.0) * rr
    r_lo = math.ceil((ymin - rr) / (1.5 * rr)) - 1
    r_hi = math.floor((ymax + rr) / (1.5 * rr)) + 1
    per_row = (xmax - xmin) / w + 3
    n_est = (r_hi - r_lo + 1) * per_row
    # axial storage: each row's q range shifts by −r/2, so the array is wider than a row
    dense_est = (r_hi - r_lo + 1) * (per_row + (r_hi - r_lo) / 2 + 2)
    if n_est > max_cells or dense_est > 4 * max_cells:
        raise _too_large(int(n_est), tr("sexhörningar", "hexagons"), cell_size, max_cells, x, y)
    r_all = np.arange(r_lo, r_hi + 1, dtype=np.int64)
    q_lo = np.floor((xmin - w / 2) / w - r_all / 2.0).astype(np.int64) - 1
    q_hi = np.floor((xmax + w / 2) / w - r_all / 2.0).astype(np.int64) + 1
    lens = q_hi - q_lo + 1
    r = np.repeat(r_all, lens)
    q = np.repeat(q_lo, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
    geoms = hex_polygons(q, r, cell_size)
    target = shapely.box(xmin, ymin, xmax, ymax) if clip_geom is None else clip_geom
    shapely.prepare(target)
    keep = shapely.intersects(target, geoms)
    q, r, geoms = q[keep], r[keep], geoms[keep]
    if len(q) == 0:
        raise ArgumentError(
            tr("Inga sexhörningar skär området.", "No hexagons intersect the area."),
            rule="GRID_EMPTY",
        )
    if len(q) > max_cells:
        raise _too_large(len(q), tr("sexhörningar", "hexagons"), cell_size, max_cells, x, y)
    q0, r0 = int(q.min()), int(r.max())
    rows = (r0 - r).astype(np.int64)
    cols = (q - q0).astype(np.int64)
    nrows, ncols = int(rows.max()) + 1, int(cols.max()) + 1
    order = np.lexsort((cols, rows))
    q, r, rows, cols, geoms = q[order], r[order], rows[order], cols[order], geoms[order]
    gx0, gy0, _, _ = shapely.total_bounds(geoms)
    crs_text = crs.to_string() if crs is not None else ""
    spec = GridSpec(
        float(gx0), float(gy0), float(cell_size), nrows, ncols, crs_text, "hexagon", q0, r0
    )
    size = fmt_m(cell_size)
    ids = [f"hex{size}m_q{a}_r{b}" for a, b in zip(q.tolist(), r.tolist())]
    cells = gpd.GeoDataFrame(
        {"cell_id": ids, "row": rows.astype(np.int32), "col": cols.astype(np.int32)},
        geometry=geoms,
        crs=crs_text or None,
    )
    return spec, cells


def _area_geometry(area: Any) -> tuple[Any, Any]:
    import geopandas as gpd
    import shapely

    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        if len(area) == 0:
            raise ArgumentError(tr("`area` är tom.", "`area` is empty."), rule="AREAS_EMPTY")
        check_projected(area.crs, "area")
        geom = shapely.union_all(area.geometry.to_numpy())
        return geom, area.crs
    if isinstance(area, shapely.Geometry):
        return area, None
    raise ArgumentError(
        tr(
            "`area` måste vara en GeoDataFrame, GeoSeries eller shapely-geometri, fick {t}.",
            "`area` must be a GeoDataFrame, GeoSeries or shapely geometry, got {t}.",
            t=type(area).__name__,
        ),
        rule="ARGUMENT_TYPE",
    )


def cells_from_spec(spec: GridSpec, clip_geom: Any = None) -> Any:
    """The cell GeoDataFrame of a :class:`GridSpec`, optionally keeping only cells that
    intersect ``clip_geom`` (vectorised, prepared geometry; each box is built once)."""
    import geopandas as gpd
    import shapely

    rows, cols = np.divmod(np.arange(spec.n_cells, dtype=np.int64), spec.ncols)
    c = spec.cell_size
    xll = spec.x0 + cols * c
    yll = spec.y0 + (spec.nrows - 1 - rows) * c
    geoms = shapely.box(xll, yll, xll + c, yll + c)
    if clip_geom is not None:
        shapely.prepare(clip_geom)
        keep = np.flatnonzero(shapely.intersects(clip_geom, geoms))
        rows, cols, xll, yll, geoms = rows[keep], cols[keep], xll[keep], yll[keep], geoms[keep]
    ids = cell_labels(xll.tolist(), yll.tolist(), c)
    cells = gpd.GeoDataFrame(
        {"cell_id": ids, "row": rows.astype(np.int32), "col": cols.astype(np.int32)},
        geometry=geoms,
        crs=spec.crs or None,
    )
    return cells


# --- grid handling shared by the verbs --------------------------------------------------------


def grid_spec_of(cells: Any) -> GridSpec:
    """The :class:`GridSpec` recorded on a cell GeoDataFrame made by :func:`make_grid`."""
    try:
        return GridSpec.from_dict(cells.attrs[ATTRS_KEY]["grid"])
    except (AttributeError, KeyError, TypeError):
        raise ArgumentError(
            tr(
                "`grid` saknar rutnätsbeskrivning (attrs['tryggaplatser']['grid']).",
                "`grid` has no grid description (attrs['tryggaplatser']['grid']).",
            ),
            rule="GRID_NOT_OURS",
            fix=tr(
                "skapa rutnätet med tryggaplatser.make_grid",
                "make the grid with tryggaplatser.make_grid",
            ),
        ) from None


def flat_of_cells(cells: Any, spec: GridSpec) -> np.ndarray:
    """Row-major flat index of every cell row in ``cells``."""
    return cells["row"].to_numpy(np.int64) * spec.ncols + cells["col"].to_numpy(np.int64)


def resolve_grid(
    data: Any,
    grid: Any,
    cell_size: float | None,
    area: Any,
    quiet: bool,
    shape: str | None = None,
) -> tuple[Any, GridSpec, dict[str, Any]]:
    """Use ``grid`` if given (checking its CRS against ``data``), else :func:`make_grid`.

    ``shape`` (``None`` = the grid's shape, or square for a new grid) must match a given grid.
    Returns the cell frame (a copy, never the caller's object), its spec and a provenance
    record started with the grid's parameters.
    """
    import copy

    if shape is not None:
        check_shape(shape)
    if grid is None:
        cells = make_grid(data, cell_size, shape=shape or "square", area=area, quiet=quiet)
    else:
        if shape is not None and grid_spec_of(grid).shape != shape:
            raise ArgumentError(
                tr(
                    "`shape` är {s!r} men `grid` har formen {g!r}.",
                    "`shape` is {s!r} but `grid` has shape {g!r}.",
                    s=shape,
                    g=grid_spec_of(grid).shape,
                ),
                rule="GRID_SHAPE",
                fix=tr("utelämna shape när grid anges", "leave out shape when grid is given"),
            )
        if cell_size is not None:
            raise ArgumentError(
                tr(
                    "Ange antingen `grid` eller `cell_size`, inte båda.",
                    "Give either `grid` or `cell_size`, not both.",
                ),
                rule="ARGUMENTS_CONFLICT",
            )
        check_same_crs(data.crs, grid.crs, "data", "grid")
        keep = ["cell_id", "row", "col", *(["inside"] if "inside" in grid.columns else [])]
        cells = grid[[*keep, "geometry"]].copy()
        cells.attrs = copy.deepcopy(grid.attrs)
    spec = grid_spec_of(cells)
    record = thaw(cells.attrs[ATTRS_KEY])  # a mutable copy; attach freezes it again
    record.setdefault("params", {})
    record.setdefault("units", {})
    record.setdefault("notes", [])
    record.pop("grid", None)
    return cells, spec, record


def dense_mask(cells: Any, spec: GridSpec) -> np.ndarray:
    """Boolean ``(nrows, ncols)`` array: True where the grid has a cell (clipping removes some)."""
    mask = np.zeros(spec.n_cells, dtype=bool)
    mask[flat_of_cells(cells, spec)] = True
    return mask.reshape(spec.nrows, spec.ncols)


def count_dense(
    spec: GridSpec, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Counts (or weight sums) per cell as a dense ``(nrows, ncols)`` array, and the number of
    points outside the grid rectangle."""
    flat = spec.flat_index(x, y)
    inside = flat >= 0
    w = None if weights is None else weights[inside]
    dense = np.bincount(flat[inside], weights=w, minlength=spec.n_cells)
    return dense.reshape(spec.nrows, spec.ncols), int((~inside).sum())
