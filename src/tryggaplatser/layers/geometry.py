"""Geometry checks at import: presence, type, validity and repair, complexity, CRS and bounds.

Rules:

* missing / empty geometry → ``GEOM_MISSING`` / ``GEOM_EMPTY`` (quarantine where the layer needs
  a geometry);
* NaN or infinite coordinates, before or after the transform → ``COORD_NONFINITE``;
* a type the layer does not allow → ``GEOM_TYPE_UNEXPECTED`` (Polygon and MultiPolygon may be
  mixed in one file and are kept as they are);
* more than ``MAX_VERTICES`` vertices → ``GEOM_TOO_COMPLEX`` (checked before any repair);
* invalid geometries are repaired with ``shapely.make_valid`` (never ``buffer(0)``, which can
  silently delete parts): ``GEOM_REPAIRED``; if the repaired area differs from the original by
  more than ``REPAIR_TOLERANCE`` (1 %) the row is quarantined instead (``GEOM_REPAIR_LOSSY``);
* coordinates must fall in Sweden once in the working CRS (SWEREF 99 TM: E 260 000–920 000,
  N 6 130 000–7 680 000). When most of a file falls outside, the file is stopped with a diagnosis
  (``CRS_BOUNDS_MISMATCH`` "looks like WGS84/RT90", or ``COORD_SWAPPED_SUSPECT``); single rows
  outside are quarantined with the same rule IDs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..i18n import tr
from ..limits import excerpt
from .validate import Problems, file_problem

MAX_VERTICES = 100_000
REPAIR_TOLERANCE = 0.01
SWEREF99TM_BOUNDS = (260_000.0, 6_130_000.0, 920_000.0, 7_680_000.0)
# CRSs tried when coordinates do not fit the declared CRS, in this order
CANDIDATE_CRS = {
    "EPSG:4326": "WGS84 (EPSG:4326)",
    "EPSG:3021": "RT90 2.5 gon V (EPSG:3021)",
    "EPSG:3006": "SWEREF 99 TM (EPSG:3006)",
    "EPSG:3011": "SWEREF 99 18 00 (EPSG:3011)",
}
_TYPE_IDS = {
    "Point": 0,
    "LineString": 1,
    "LinearRing": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
}
_TYPE_NAMES = {v: k for k, v in _TYPE_IDS.items()}


@cache
def plausible_bounds(crs: str) -> tuple[float, float, float, float]:
    """Sweden's plausible extent (SWEREF 99 TM box) expressed in ``crs``."""
    from pyproj import CRS, Transformer

    target = CRS.from_user_input(crs)
    if target.equals(CRS.from_epsg(3006)):
        return SWEREF99TM_BOUNDS
    t = Transformer.from_crs(3006, target, always_xy=True)
    return tuple(t.transform_bounds(*SWEREF99TM_BOUNDS, densify_pts=51))


def crs_name(crs) -> str:
    """A short readable name for a CRS (``"SWEREF99 TM (EPSG:3006)"``)."""
    from pyproj import CRS

    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"{c.name} (EPSG:{epsg})" if epsg else c.name


def check_crs(crs, *, what: str) -> str:
    """Normalise a CRS to ``EPSG:NNNN`` (or WKT) and check it is usable.

    Raises ``ArgumentError`` with the fix when it cannot be understood.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    from ..errors import ArgumentError

    try:
        c = CRS.from_user_input(crs)
    except CRSError:
        raise ArgumentError(
            tr(
                "{w}: okänt koordinatsystem {c!r}",
                "{w}: unknown CRS {c!r}",
                w=what,
                c=excerpt(crs),
            ),
            rule="CRS_UNKNOWN",
            fix=tr("skriv t.ex. EPSG:3006", "write e.g. EPSG:3006"),
        ) from None
    epsg = c.to_epsg()
    return f"EPSG:{epsg}" if epsg else c.to_wkt()


def _fmt(value: float) -> str:
    """A coordinate as the user wrote it: whole metres, or up to 6 digits for degrees."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.6g}"


def _coords_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One representative x/y per geometry (the point itself, or the bounds centre)."""
    import shapely

    b = shapely.bounds(geoms)
    return (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2


def _inside(x, y, bounds) -> np.ndarray:
    x0, y0, x1, y1 = bounds
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def _nonfinite(geoms: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """True where a geometry has a NaN/inf coordinate (only checked where ``mask``)."""
    import shapely

    out = np.zeros(len(geoms), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    coords, which = shapely.get_coordinates(geoms[idx], return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        out[idx[np.unique(which[bad])]] = True
    return out


def check_geometries(
    geoms: np.ndarray,
    *,
    allowed: tuple[str, ...],
    required: bool,
    problems: Problems,
    field: str = "geometry",
    already_flagged: np.ndarray | None = None,
) -> np.ndarray:
    """Presence, type, finiteness, complexity and validity (with repair) of ``geoms``.

    ``already_flagged`` marks rows whose geometry problem the reader already recorded.
    Returns a new object array where quarantined geometries are kept unchanged and repaired ones
    replaced. Flags go to ``problems``.
    """
    geoms = np.array(geoms, dtype=object, copy=True)
    n = len(geoms)
    skip = already_flagged if already_flagged is not None else np.zeros(n, dtype=bool)
    work = _flag_missing_or_empty(geoms, required, problems, field, skip)
    allowed_ids = [_TYPE_IDS[t] for t in allowed]
    work = _flag_nonfinite_and_type(geoms, work, allowed, allowed_ids, problems, field)
    if allowed == ("Point",):
        return geoms
    work &= ~_flag_too_complex(geoms, work, problems, field)
    return _repair_invalid(geoms, work, allowed, allowed_ids, problems, field)


def _flag_missing_or_empty(
    geoms: np.ndarray, required: bool, problems: Problems, field: str, skip: np.ndarray
) -> np.ndarray:
    """Flag missing and empty geometries (optional empty ones become ``None`` in place).

    Returns the rows still worth checking.
    """
    import shapely

    n = len(geoms)
    missing = pd.isna(geoms)
    sev = "quarantine" if required else "warning"
    problems.flag(
        missing & ~skip,
        "GEOM_MISSING",
        field,
        tr("geometri saknas", "geometry missing"),
        severity=sev,
    )
    present = ~missing
    empty = np.zeros(n, dtype=bool)
    empty[present] = shapely.is_empty(geoms[present])
    problems.flag(
        empty,
        "GEOM_EMPTY",
        field,
        tr("geometrin är tom", "the geometry is empty")
        if required
        else tr(
            "geometrin är tom; behandlas som saknad (tillåtet i lagret)",
            "the geometry is empty; treated as absent (allowed in this layer)",
        ),
        severity=sev,
    )
    if not required:  # an optional geometry that is empty is simply absent
        geoms[empty] = None
        present &= ~empty
        empty[:] = False
    return present & ~empty & ~problems.quarantined


def _flag_nonfinite_and_type(
    geoms: np.ndarray,
    work: np.ndarray,
    allowed: tuple[str, ...],
    allowed_ids: list[int],
    problems: Problems,
    field: str,
) -> np.ndarray:
    """Flag non-finite coordinates and disallowed geometry types; returns the rows left."""
    import shapely

    n = len(geoms)
    nonfinite = _nonfinite(geoms, work)
    problems.flag(
        nonfinite,
        "COORD_NONFINITE",
        field,
        tr(
            "geometrin har koordinater som inte är ändliga tal (NaN/inf)",
            "the geometry has coordinates that are not finite (NaN/inf)",
        ),
        only_new=True,
    )
    work = work & ~nonfinite
    types = np.full(n, -1)
    types[work] = shapely.get_type_id(geoms[work])
    wrong = work & ~np.isin(types, allowed_ids)
    if wrong.any():
        names = pd.Series([_TYPE_NAMES.get(int(t), "?") for t in types])
        problems.flag(
            wrong,
            "GEOM_TYPE_UNEXPECTED",
            field,
            tr(
                "geometritypen är inte tillåten i lagret (tillåtet: {a})",
                "geometry type not allowed in this layer (allowed: {a})",
                a=", ".join(allowed),
            ),
            names,
            only_new=True,
        )
    return work & ~wrong


def _flag_too_complex(
    geoms: np.ndarray, work: np.ndarray, problems: Problems, field: str
) -> np.ndarray:
    """Flag geometries with more than ``MAX_VERTICES`` vertices; returns their mask."""
    import shapely

    nverts = np.zeros(len(geoms), dtype="int64")
    nverts[work] = shapely.get_num_coordinates(geoms[work])
    complex_ = work & (nverts > MAX_VERTICES)
    problems.flag(
        complex_,
        "GEOM_TOO_COMPLEX",
        field,
        tr(
            "geometrin har fler än {m} hörn; förenkla den i GIS-programmet (t.ex. Förenkla 1 m)",
            "the geometry has more than {m} vertices; simplify it in the GIS (e.g. Simplify 1 m)",
            m=f"{MAX_VERTICES:_}".replace("_", " "),
        ),
        pd.Series(nverts),
        only_new=True,
    )
    return complex_


def _repair_invalid(
    geoms: np.ndarray,
    work: np.ndarray,
    allowed: tuple[str, ...],
    allowed_ids: list[int],
    problems: Problems,
    field: str,
) -> np.ndarray:
    """Repair invalid geometries with ``make_valid`` (in place) unless the area changes > 1 %."""
    import shapely

    n = len(geoms)
    invalid = np.zeros(n, dtype=bool)
    invalid[work] = ~shapely.is_valid(geoms[work])
    if not invalid.any():
        return geoms
    idx = np.flatnonzero(invalid)
    reasons = shapely.is_valid_reason(geoms[idx])
    repaired = shapely.make_valid(geoms[idx])
    polygonal = set(allowed) <= {"Polygon", "MultiPolygon"}
    lossy = np.zeros(n, dtype=bool)
    ok = np.zeros(n, dtype=bool)
    change = np.zeros(n)
    for j, i in enumerate(idx):
        fixed = repaired[j]
        if polygonal:
            fixed = _polygonal_part(fixed)
        before = abs(shapely.area(geoms[i]))
        after = shapely.area(fixed) if fixed is not None else 0.0
        rel = abs(after - before) / before if before > 0 else (0.0 if after == 0 else np.inf)
        change[i] = rel
        fixed_type = shapely.get_type_id(fixed) if fixed is not None else -1
        if fixed is None or fixed_type not in allowed_ids or (polygonal and rel > REPAIR_TOLERANCE):
            lossy[i] = True
        else:
            geoms[i] = fixed
            ok[i] = True
    reason = pd.Series(np.full(n, "", dtype=object))
    reason[idx] = reasons
    pct = pd.Series(np.where(np.isfinite(change), np.round(change * 100, 2), np.inf))
    problems.flag(
        lossy,
        "GEOM_REPAIR_LOSSY",
        field,
        tr("ogiltig geometri (", "invalid geometry (")
        + reason
        + tr(
            ") som inte kan lagas utan att ytan ändras mer än 1 %; rätta den i GIS-programmet",
            ") that cannot be repaired without changing the area by more than 1 %; "
            "fix it in the GIS",
        ),
        pct.astype(str) + " %",
        only_new=True,
    )
    problems.flag(
        ok,
        "GEOM_REPAIRED",
        field,
        tr("ogiltig geometri (", "invalid geometry (")
        + reason
        + tr(") lagad med make_valid; ytan ändrades ", ") repaired with make_valid; area changed ")
        + pct.astype(str)
        + " %",
        reason,
        severity="warning",
    )
    return geoms


def _polygonal_part(geom):
    """The Polygon/MultiPolygon part of a repaired geometry (``None`` if there is none)."""
    import shapely

    tid = shapely.get_type_id(geom)
    if tid in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if shapely.get_type_id(merged) in (3, 6) else None


@cache
def _transformer(source: str, target: str):
    """The pyproj transformer ``source`` → ``target`` (x/y order), made once per pair: the
    files of a project share a few pairs, and making one costs milliseconds."""
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _transform(geoms: np.ndarray, source: str, target: str) -> np.ndarray:
    import shapely

    t = _transformer(source, target)

    def fn(coords):
        x, y = t.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def _swap(geoms: np.ndarray) -> np.ndarray:
    import shapely

    return shapely.transform(geoms, lambda c: c[:, ::-1])


def diagnose_crs(geoms: np.ndarray, target: str, *, exclude: str | None = None) -> str | None:
    """Which candidate CRS (or ``"swapped"``) makes ``geoms`` (a sample) fall in Sweden."""
    bounds = plausible_bounds(target)
    for cand in CANDIDATE_CRS:
        if exclude and cand == exclude:
            continue
        with np.errstate(all="ignore"):
            try:
                moved = _transform(geoms, cand, target)
            except Exception:  # noqa: S112 - out-of-domain coordinates
                continue
            x, y = _coords_xy(moved)
        if _inside(x, y, bounds).mean() > 0.9:
            return cand
    if exclude:
        with np.errstate(all="ignore"):
            x, y = _coords_xy(_transform(_swap(geoms), exclude, target))
        if _inside(x, y, bounds).mean() > 0.9:
            return "swapped"
    return None


def project(
    geoms: np.ndarray,
    *,
    source: str | None,
    target: str,
    problems: Problems,
    file: str | Path,
    field: str = "geometry",
) -> np.ndarray:
    """Transform ``geoms`` from ``source`` to the working CRS ``target`` and check the bounds.

    Raises
    ------
    FileProblem
        ``CRS_MISSING`` when ``source`` is unknown; ``CRS_BOUNDS_MISMATCH`` or
        ``COORD_SWAPPED_SUSPECT`` when most coordinates fall outside Sweden.
    """
    work = ~problems.quarantined & ~pd.isna(geoms)
    idx = np.flatnonzero(work)
    if source is None:
        _raise_crs_missing(geoms, idx, target, file)
    out, work = _transform_checked(geoms, work, source, target, problems, field)
    idx = np.flatnonzero(work)
    if idx.size == 0:
        return out
    bounds = plausible_bounds(target)
    x, y = _coords_xy(out[idx])
    inside = _inside(x, y, bounds)
    if inside.all():
        return out
    outside_idx = idx[~inside]
    if inside.mean() < 0.5:
        _raise_mostly_outside(geoms, idx, outside_idx, source, target, file)
    _flag_few_outside(out, geoms, outside_idx, source, target, bounds, problems, field)
    return out


def _raise_crs_missing(geoms: np.ndarray, idx: np.ndarray, target: str, file: str | Path) -> None:
    """Raise ``CRS_MISSING``, with a guess at the CRS when the coordinates suggest one."""
    guess = diagnose_crs(geoms[idx[:1000]], target) if idx.size else None
    hint = (
        tr(
            " – koordinaterna ser ut som {g}",
            " – the coordinates look like {g}",
            g=CANDIDATE_CRS[guess],
        )
        if guess and guess != "swapped"
        else ""
    )
    raise file_problem(
        file,
        "CRS_MISSING",
        tr(
            "filen anger inget koordinatsystem{h}",
            "the file has no coordinate reference system{h}",
            h=hint,
        ),
        tr(
            'ange det med --crs EPSG:NNNN eller crs = "EPSG:NNNN" under lagret i '
            "tryggaplatser.toml",
            'give it with --crs EPSG:NNNN or crs = "EPSG:NNNN" under the '
            "layer in tryggaplatser.toml",
        ),
    )


def _transform_checked(
    geoms: np.ndarray,
    work: np.ndarray,
    source: str,
    target: str,
    problems: Problems,
    field: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Transform to ``target`` and flag coordinates that become non-finite; returns out, work."""
    from pyproj import CRS

    idx = np.flatnonzero(work)
    out = np.array(geoms, dtype=object, copy=True)
    same = CRS.from_user_input(source).equals(CRS.from_user_input(target))
    if idx.size and not same:
        with np.errstate(all="ignore"):
            out[idx] = _transform(geoms[idx], source, target)
        nonfinite = _nonfinite(out, work)
        problems.flag(
            nonfinite,
            "COORD_NONFINITE",
            field,
            tr(
                "koordinaten blev ogiltig (inf/NaN) vid omräkning från {s} till {t}",
                "the coordinate became invalid (inf/NaN) when transformed from {s} to {t}",
                s=source,
                t=target,
            ),
            only_new=True,
        )
        work &= ~nonfinite
    return out, work


def _raise_mostly_outside(
    geoms: np.ndarray,
    idx: np.ndarray,
    outside_idx: np.ndarray,
    source: str,
    target: str,
    file: str | Path,
) -> None:
    """Most coordinates fall outside Sweden: raise ``COORD_SWAPPED_SUSPECT`` or a bounds error."""
    src_name = crs_name(source)
    sample = geoms[outside_idx[:1000]]
    guess = diagnose_crs(sample, target, exclude=source)
    x0, y0 = _coords_xy(geoms[outside_idx[:1]])
    found = f"x={_fmt(x0[0])}, y={_fmt(y0[0])}"
    if guess == "swapped":
        raise file_problem(
            file,
            "COORD_SWAPPED_SUSPECT",
            tr(
                "{k} av {n} koordinater hamnar utanför Sverige men passar med x och y "
                "omkastade (första: {f})",
                "{k} of {n} coordinates fall outside Sweden but fit with x and y "
                "swapped (first: {f})",
                k=len(outside_idx),
                n=idx.size,
                f=found,
            ),
            tr(
                "byt plats på kolumnerna (x = öst/longitud, y = nord/latitud), t.ex. med "
                'x = "..." och y = "..." i konfigurationen',
                "swap the columns (x = east/"
                'longitude, y = north/latitude), e.g. with x = "..." and y = "..." in the '
                "config",
            ),
        )
    if guess:
        hint = tr("de ser ut som {g}", "they look like {g}", g=CANDIDATE_CRS[guess])
        fix = tr(
            'ange rätt koordinatsystem: --crs {g} eller crs = "{g}" i konfigurationen',
            'give the right CRS: --crs {g} or crs = "{g}" in the config',
            g=guess,
        )
    else:
        hint = tr("inget känt svenskt koordinatsystem passar", "no known Swedish CRS fits")
        fix = tr(
            "kontrollera koordinatsystemet i källsystemet och ange det med --crs",
            "check the CRS in the source system and give it with --crs",
        )
    raise file_problem(
        file,
        "CRS_BOUNDS_MISMATCH",
        tr(
            "{k} av {n} koordinater hamnar utanför Sverige när de läses som {s} (första: {f}); {h}",
            "{k} of {n} coordinates fall outside Sweden when read as {s} (first: {f}); {h}",
            k=len(outside_idx),
            n=idx.size,
            s=src_name,
            f=found,
            h=hint,
        ),
        fix,
    )


def _flag_few_outside(
    out: np.ndarray,
    geoms: np.ndarray,
    outside_idx: np.ndarray,
    source: str,
    target: str,
    bounds: tuple[float, float, float, float],
    problems: Problems,
    field: str,
) -> None:
    """A few rows fall outside Sweden: quarantine them, telling swapped ones apart."""
    src_name = crs_name(source)
    swapped = np.zeros(len(out), dtype=bool)
    with np.errstate(all="ignore"):
        sx, sy = _coords_xy(_transform(_swap(geoms[outside_idx]), source, target))
    swapped[outside_idx[_inside(sx, sy, bounds)]] = True
    outside = np.zeros(len(out), dtype=bool)
    outside[outside_idx] = True
    bx, by = _coords_xy(geoms[outside_idx])
    shown = pd.Series(np.full(len(out), None, dtype=object))
    shown[outside_idx] = [f"{_fmt(a)} {_fmt(b)}" for a, b in zip(bx, by)]
    problems.flag(
        swapped,
        "COORD_SWAPPED_SUSPECT",
        field,
        tr(
            "koordinaten hamnar utanför Sverige men passar med x och y omkastade; rätta raden",
            "the coordinate falls outside Sweden but fits with x and y swapped; fix the row",
        ),
        shown,
        only_new=True,
    )
    problems.flag(
        outside & ~swapped,
        "CRS_BOUNDS_MISMATCH",
        field,
        tr(
            "koordinaten hamnar utanför Sverige när den läses som {s}; rätta raden",
            "the coordinate falls outside Sweden when read as {s}; fix the row",
            s=src_name,
        ),
        shown,
        only_new=True,
    )
