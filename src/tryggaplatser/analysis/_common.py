"""Shared validation and bookkeeping for the analysis verbs (internal).

Validation happens once, up front, here; every message names the argument, the rule, what was
found and the fix (STYLE.md habit 4). Automatic choices are announced through
:func:`tryggaplatser._announce.announce` and recorded in ``result.attrs["tryggaplatser"]``,
read-only once attached (:func:`attach`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._announce import announce
from ..errors import ArgumentError
from ..i18n import tr
from ..provenance import KEY as ATTRS_KEY
from ..provenance import freeze


def check_points(data: Any, name: str = "data") -> tuple[np.ndarray, np.ndarray]:
    """Validate a point GeoDataFrame and return its x and y coordinates as float arrays.

    Rules: a GeoDataFrame with a projected CRS in metres, only non-empty Point geometries with
    finite coordinates, at least one row.
    """
    import geopandas as gpd

    if not isinstance(data, gpd.GeoDataFrame):
        raise ArgumentError(
            tr(
                "`{name}` måste vara en GeoDataFrame, fick {t}.",
                "`{name}` must be a GeoDataFrame, got {t}.",
                name=name,
                t=type(data).__name__,
            ),
            rule="ARGUMENT_TYPE",
            fix=tr(
                "läs in lagret med tryggaplatser.load_layer eller geopandas.read_file",
                "read the layer with tryggaplatser.load_layer or geopandas.read_file",
            ),
        )
    if len(data) == 0:
        raise ArgumentError(
            tr("`{name}` har inga rader.", "`{name}` has no rows.", name=name),
            rule="INCIDENTS_EMPTY",
            fix=tr("kontrollera filtret (kategori, datum)", "check the filter (category, dates)"),
        )
    check_projected(data.crs, name)
    import shapely

    geoms = data.geometry.to_numpy()
    type_id = shapely.get_type_id(geoms)  # -1 missing, 0 Point
    bad = (type_id != 0) | shapely.is_empty(geoms)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        types = data.geometry.geom_type.to_numpy()
        raise ArgumentError(
            tr(
                "`{name}` ska bara innehålla punkter; rad {row} (index {idx!r}) är {found}.",
                "`{name}` must contain points only; row {row} (index {idx!r}) is {found}.",
                name=name,
                row=first,
                idx=data.index[first],
                found=types[first] or "tom/saknas",
            ),
            rule="GEOM_TYPE_UNEXPECTED",
            fix=tr(
                "validera lagret först (tryggaplatser validate) eller ta bort raden",
                "validate the layer first (tryggaplatser validate) or drop the row",
            ),
        )
    xy = shapely.get_coordinates(geoms)
    x = np.ascontiguousarray(xy[:, 0], dtype=float)
    y = np.ascontiguousarray(xy[:, 1], dtype=float)
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.all():
        first = int(np.flatnonzero(~finite)[0])
        raise ArgumentError(
            tr(
                "`{name}` rad {row} har ogiltiga koordinater ({x}, {y}).",
                "`{name}` row {row} has invalid coordinates ({x}, {y}).",
                name=name,
                row=first,
                x=x[first],
                y=y[first],
            ),
            rule="COORD_NONFINITE",
            fix=tr("rätta eller ta bort raden", "fix or drop the row"),
        )
    return x, y


def check_projected(crs: Any, name: str) -> None:
    """A CRS must be set and projected in metres (the lattice and bandwidths are in metres)."""
    if crs is None:
        raise ArgumentError(
            tr("`{name}` saknar koordinatsystem.", "`{name}` has no CRS.", name=name),
            rule="CRS_MISSING",
            fix=tr(
                "ange CRS vid import (normalt EPSG:3006, SWEREF 99 TM)",
                "set the CRS at import (normally EPSG:3006, SWEREF 99 TM)",
            ),
        )
    unit = crs.axis_info[0].unit_name if crs.axis_info else None
    if not crs.is_projected or unit not in ("metre", "meter"):
        raise ArgumentError(
            tr(
                "`{name}` har koordinatsystemet {crs}, som inte är projicerat i meter.",
                "`{name}` has CRS {crs}, which is not projected in metres.",
                name=name,
                crs=crs.to_string(),
            ),
            rule="CRS_NOT_METRIC",
            fix=tr("projicera om: data.to_crs(3006)", "reproject: data.to_crs(3006)"),
        )


def check_same_crs(a: Any, b: Any, name_a: str, name_b: str) -> None:
    """A CRS mismatch is an error that shows both CRSs (STYLE.md habit 6)."""
    if a is None or b is None or not a.equals(b):
        sa = a.to_string() if a is not None else "inget"
        sb = b.to_string() if b is not None else "inget"
        raise ArgumentError(
            tr(
                "Olika koordinatsystem: `{na}` har {a}, `{nb}` har {b}.",
                "CRS mismatch: `{na}` has {a}, `{nb}` has {b}.",
                na=name_a,
                a=sa,
                nb=name_b,
                b=sb,
            ),
            rule="CRS_MISMATCH",
            fix=tr(
                "projicera om det ena lagret: {nb}.to_crs({na}.crs)",
                "reproject one layer: {nb}.to_crs({na}.crs)",
                na=name_a,
                nb=name_b,
            ),
        )


def check_positive(value: Any, name: str, *, allow_none: bool = True) -> float | None:
    """A strictly positive finite number (or ``None`` when allowed)."""
    if value is None and allow_none:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not np.isfinite(v) or v <= 0:
        raise ArgumentError(
            tr(
                "`{name}` måste vara ett positivt tal, fick {v!r}.",
                "`{name}` must be a positive number, got {v!r}.",
                name=name,
                v=value,
            ),
            rule="NOT_POSITIVE",
        )
    return v


def weights_array(data: Any, weights: str | None) -> np.ndarray | None:
    """The values of the ``weights`` column as floats (finite, non-negative), or ``None``."""
    if weights is None:
        return None
    if weights not in data.columns:
        raise ArgumentError(
            tr(
                "Viktkolumnen `{w}` finns inte; kolumner: {cols}.",
                "Weights column `{w}` does not exist; columns: {cols}.",
                w=weights,
                cols=", ".join(map(str, data.columns)),
            ),
            rule="COLUMNS_MISSING",
        )
    w = np.asarray(data[weights], dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ArgumentError(
            tr(
                "Viktkolumnen `{w}` har ett ogiltigt värde {v!r} på rad {row}.",
                "Weights column `{w}` has an invalid value {v!r} on row {row}.",
                w=weights,
                v=data[weights].iloc[first],
                row=first,
            ),
            rule="WEIGHTS_VALUE",
            fix=tr("vikter ska vara ändliga och ≥ 0", "weights must be finite and ≥ 0"),
        )
    return w


def new_record() -> dict[str, Any]:
    """An empty provenance record for ``result.attrs["tryggaplatser"]``."""
    return {"params": {}, "units": {}, "notes": []}


def record_param(
    record: dict[str, Any],
    name: str,
    value: Any,
    *,
    auto: bool,
    rule: str | None = None,
    message: str | None = None,
    quiet: bool = False,
) -> None:
    """Record a parameter; announce it when it was chosen automatically."""
    entry: dict[str, Any] = {"value": value, "auto": bool(auto)}
    if rule:
        entry["rule"] = rule
    record["params"][name] = entry
    if auto and message:
        announce(message, quiet=quiet)


def public_grid_rule() -> str:
    """The rule by which ``cell_size=None`` picks SCB's 250 m grid (perception gap, area
    analysis), in the current language."""
    return tr(
        "SCB:s 250-metersrutnät, den finaste publika rutstorleken",
        "SCB's 250 m grid, the finest public cell size",
    )


def record_public_cell_size(
    record: dict[str, Any], cell_size: float | None, *, quiet: bool = False
) -> float:
    """Record the cell size of a verb whose ``None`` means SCB's 250 m grid; return it.

    ``None`` chooses :data:`~tryggaplatser.policy.PUBLIC_MIN_CELL_SIZE` and records and
    announces it with :func:`public_grid_rule`; a given size is checked and recorded as given.
    """
    from ..policy import PUBLIC_MIN_CELL_SIZE

    if cell_size is not None:
        size = check_positive(cell_size, "cell_size", allow_none=False)
        record_param(record, "cell_size", size, auto=False)
        return size
    size = float(PUBLIC_MIN_CELL_SIZE)
    rule = public_grid_rule()
    record_param(
        record,
        "cell_size",
        size,
        auto=True,
        rule=rule,
        quiet=quiet,
        message=tr(
            "Cellstorlek {c} m vald automatiskt ({rule}).",
            "Cell size set to {c} m automatically ({rule}).",
            c=fmt_m(size),
            rule=rule,
        ),
    )
    return size


def attach(result: Any, record: dict[str, Any], grid_spec: dict[str, Any] | None = None) -> Any:
    """Store a read-only copy of the provenance record (and grid description) on
    ``result.attrs`` (see :func:`tryggaplatser.provenance.freeze`): every frame derived from
    ``result`` shares it, and a later change builds a new record (copy-on-write)."""
    rec = {**record, "grid": dict(grid_spec)} if grid_spec is not None else record
    result.attrs[ATTRS_KEY] = freeze(rec)
    return result


def fmt_m(v: float) -> str:
    """Metres for messages: integers without decimals."""
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def cell_labels(xll, yll, cell_size: float) -> list[str]:
    """Ids of square cells from their lower-left corners: ``"{c}mE{x}N{y}"``, e.g.
    ``"250mE650000N6560000"`` — the one id format of every grid in the product (hotspot grid,
    perception gap, EST places), so tables and layers join on it."""
    size = fmt_m(cell_size)
    return [f"{size}mE{a:.0f}N{b:.0f}" for a, b in zip(list(xll), list(yll))]


def check_area_layer(areas: Any, incidents: Any, *, column_allowed: bool = False) -> None:
    """``areas`` is a GeoDataFrame with ``area_id`` in the incidents' CRS, else a clear error.

    ``column_allowed`` says in the message that the caller also accepts the name of an
    incidents column instead of an area layer.
    """
    import geopandas as gpd

    if not isinstance(areas, gpd.GeoDataFrame) or "area_id" not in areas.columns:
        raise ArgumentError(
            tr(
                "areas måste vara en GeoDataFrame med kolumnen area_id eller namnet på en kolumn",
                "areas must be a GeoDataFrame with an area_id column, or the name of a column",
            )
            if column_allowed
            else tr(
                "areas måste vara en GeoDataFrame med kolumnen area_id",
                "areas must be a GeoDataFrame with an area_id column",
            ),
            rule="ARGUMENT_TYPE",
        )
    check_areas_crs(areas, incidents)


def check_areas_crs(areas: Any, incidents: Any) -> None:
    """The areas must be in the incidents' CRS: else an error showing both CRSs and the fix."""
    if areas.crs != incidents.crs:
        raise ArgumentError(
            tr(
                "olika koordinatsystem: händelser {a}, områden {b}",
                "different CRSs: incidents {a}, areas {b}",
                a=incidents.crs,
                b=areas.crs,
            ),
            rule="CRS_MISMATCH",
            fix=tr(
                "transformera områdena: areas.to_crs(incidents.crs)",
                "transform the areas: areas.to_crs(incidents.crs)",
            ),
        )


def check_mode(mode: Any) -> str:
    """Return ``mode`` if it is one of :data:`~tryggaplatser.policy.MODES`, else a clear error."""
    from ..policy import MODES

    if mode not in MODES:
        raise ArgumentError(
            tr("okänt läge {m!r}", "unknown mode {m!r}", m=mode),
            rule="ARGUMENT_INVALID",
            fix=tr("välj 'public' eller 'internal'", "choose 'public' or 'internal'"),
        )
    return mode


def split_code_lists(values: Any) -> np.ndarray:
    """``values.astype("string").str.replace(",", ";").str.split(";")`` as an object array
    (a list of codes per row, missing where the value is), split once per distinct value:
    a column of a few hundred code combinations in thousands of rows (dialogue reasons)."""
    import pandas as pd

    text = values.astype("string")
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    split = pd.Series(uniques, dtype=text.dtype).str.replace(",", ";").str.split(";").to_numpy()
    return split.take(codes) if len(codes) else np.empty(0, dtype=object)
