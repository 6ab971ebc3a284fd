"""Near-repeat analysis: the Knox test with Monte Carlo permutation of dates.

A near-repeat pattern means that once an incident has happened, further incidents of the same
kind are more likely than chance nearby and soon after (Townsley, Homel & Chaseling 2003; Bowers &
Johnson 2005). The Knox test (Knox 1964) counts pairs of incidents that are close in both space and
time, per band of distance × time, and compares each count with what is expected when the dates
carry no information about the places: the dates are shuffled among the incidents many times
(Monte Carlo permutation, as in Ratcliffe's Near Repeat Calculator) and the mean count over the
shuffles is the expectation.

Differences from the Near Repeat Calculator (NRC), on purpose:

* bands are labelled exactly as the half-open intervals they are, ``[0, 100) m × [0, 7) d``
  (the NRC labels a band "a to b" that really is ``[a − 1, b)``);
* pairs beyond the last distance or time edge are not counted at all (no "beyond" band): the
  Monte Carlo expectation does not need it;
* pairs at distance 0 (the same coordinates: repeat victimisation of one place) fall in the first
  distance band. To study exact repeats on their own, start the bands with a 1 m band, e.g.
  ``distance_bands=[0, 1, 100, 200]`` gives a ``[0, 1) m`` band of same-place pairs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .._announce import announce
from ..errors import ArgumentError
from ..i18n import get_language, tr
from ..policy import LOCAL_TZ

#: Default distance band edges in metres: 0–500 m in 100 m steps.
DEFAULT_DISTANCE_BANDS: tuple[float, ...] = (0, 100, 200, 300, 400, 500)
#: Default time band edges in days: 0–28 days in 7-day steps.
DEFAULT_TIME_BANDS: tuple[float, ...] = (0, 7, 14, 21, 28)
#: Significance level of a band after the correction across bands (Benjamini–Hochberg).
ALPHA = 0.05
#: Smallest Knox ratio (observed / expected pairs) for a band to count towards the risk window:
#: a significant band with less than 20 % more close pairs than chance is no pattern to act on.
MIN_KNOX_RATIO = 1.2
#: The correction across the bands of one test (one category).
CORRECTION = "benjamini_hochberg"

#: Pinned output columns of :func:`near_repeat`.
NEAR_REPEAT_COLUMNS = [
    "band",
    "distance_from",
    "distance_to",
    "days_from",
    "days_to",
    "observed",
    "expected",
    "knox_ratio",
    "p_value",
    "p_adjusted",
    "significant",
    "raised",
]


@dataclass(frozen=True)
class RiskWindow:
    """The near-repeat risk window: pairs within ``distance_m`` metres and ``days`` days.

    ``distance_m`` and ``days`` are exclusive upper edges (pairs at distance < ``distance_m`` and
    with date difference < ``days``). ``knox_ratio`` and ``p_value`` are for the pooled count of
    all bands inside the window.
    """

    distance_m: float
    days: float
    knox_ratio: float
    p_value: float

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# small shared helpers (also used by est.py and evaluation.py)


def fmt_number(value: float, decimals: int = 1) -> str:
    """Format a number the Swedish way: decimal comma, no trailing ``,0`` for whole numbers.

    >>> fmt_number(2.345), fmt_number(200.0), fmt_number(0.01, 2)
    ('2,3', '200', '0,01')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return _decimal(f"{value:.{decimals}f}")


def fmt_ratio(value: float) -> str:
    """A ratio with the digits it has (at most 3 significant), decimal comma: ``1,2``, ``1,25``.

    >>> fmt_ratio(1.2), fmt_ratio(1.25), fmt_ratio(2)
    ('1,2', '1,25', '2')
    """
    return _decimal(f"{float(value):.3g}")


def fmt_p(p: float) -> str:
    """Format a p-value the Swedish way with two significant decimals (``0,01``, ``0,003``)."""
    return _decimal(f"{p:.2f}" if p >= 0.01 else f"{p:.3f}")


def _decimal(text: str) -> str:
    return text.replace(".", ",") if get_language() == "sv" else text


def check_points(data, name: str = "data", columns: Sequence[str] = ("occurred_at",)) -> None:
    """Refuse anything that is not a GeoDataFrame of points in a metric CRS with ``columns``."""
    import geopandas as gpd

    if not isinstance(data, gpd.GeoDataFrame):
        raise ArgumentError(
            tr(
                "{n} måste vara en GeoDataFrame, fick {t}",
                "{n} must be a GeoDataFrame, got {t}",
                n=name,
                t=type(data).__name__,
            ),
            rule="ARGUMENT_TYPE",
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ArgumentError(
            tr(
                "{n} saknar kolumnerna {m}",
                "{n} lacks the columns {m}",
                n=name,
                m=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
            fix=tr(
                "läs in lagret med tryggaplatser.load_layer",
                "load the layer with tryggaplatser.load_layer",
            ),
        )
    if data.crs is None or not data.crs.is_projected:
        raise ArgumentError(
            tr(
                "{n} måste ha ett metriskt koordinatsystem, har {c}",
                "{n} must have a metric CRS, has {c}",
                n=name,
                c=data.crs,
            ),
            rule="CRS_NOT_METRIC",
            fix=tr(
                "transformera till SWEREF 99 TM: data.to_crs(3006)",
                "transform to SWEREF 99 TM: data.to_crs(3006)",
            ),
        )
    if len(data):
        _check_point_geometry(data, name)
    if "occurred_at" in columns:
        _check_occurred_at(data, name)


def _check_point_geometry(data, name: str) -> None:
    """Refuse rows without a point geometry or with non-finite coordinates."""
    import shapely

    geom = np.asarray(data.geometry.array)  # the shapely objects (None where missing)
    bad = (shapely.get_type_id(geom) != shapely.GeometryType.POINT) | shapely.is_empty(geom)
    if bad.any():
        first = data.index[bad][0]
        raise ArgumentError(
            tr(
                "{n}: {k} rader saknar punktgeometri (första: index {f})",
                "{n}: {k} rows have no point geometry (first: index {f})",
                n=name,
                k=int(bad.sum()),
                f=first,
            ),
            rule="GEOM_TYPE_UNEXPECTED",
            fix=tr("ta bort eller rätta raderna", "drop or fix those rows"),
        )
    finite = np.isfinite(shapely.get_x(geom)) & np.isfinite(shapely.get_y(geom))
    if not finite.all():
        first = data.index[~finite][0]
        raise ArgumentError(
            tr(
                "{n}: {k} punkter har ogiltiga koordinater (NaN/inf; första: index {f})",
                "{n}: {k} points have invalid coordinates (NaN/inf; first: index {f})",
                n=name,
                k=int((~finite).sum()),
                f=first,
            ),
            rule="COORD_NONFINITE",
        )


def _check_occurred_at(data, name: str) -> None:
    """Refuse an ``occurred_at`` that is not timezone-aware or has missing values."""
    t = data["occurred_at"]
    if not isinstance(t.dtype, pd.DatetimeTZDtype):
        raise ArgumentError(
            tr(
                "{n}.occurred_at måste vara tidszonsmedveten datetime, är {d}",
                "{n}.occurred_at must be a timezone-aware datetime, is {d}",
                n=name,
                d=t.dtype,
            ),
            rule="TIME_NAIVE",
            fix=tr(
                "använd t.ex. pd.to_datetime(..., utc=True)",
                "use e.g. pd.to_datetime(..., utc=True)",
            ),
        )
    if t.isna().any():
        first = data.index[t.isna().to_numpy()][0]
        raise ArgumentError(
            tr(
                "{n}.occurred_at saknas på {k} rader (första: index {f})",
                "{n}.occurred_at is missing on {k} rows (first: index {f})",
                n=name,
                k=int(t.isna().sum()),
                f=first,
            ),
            rule="TIME_MISSING",
        )


def local_days(occurred_at: pd.Series) -> np.ndarray:
    """Calendar day numbers (days since 1970-01-01) of timestamps in Europe/Stockholm."""
    local = occurred_at.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.normalize()
    return local.to_numpy().astype("datetime64[D]").astype(np.int64)


def _check_edges(edges, name: str, unit: str) -> np.ndarray:
    arr = np.asarray(edges, dtype=float)
    if (
        arr.ndim != 1
        or arr.size < 2
        or not np.all(np.isfinite(arr))
        or arr[0] < 0
        or np.any(np.diff(arr) <= 0)
    ):
        raise ArgumentError(
            tr(
                "{n} måste vara minst två strikt växande gränser ≥ 0 ({u}), fick {v!r}",
                "{n} must be at least two strictly increasing edges ≥ 0 ({u}), got {v!r}",
                n=name,
                u=unit,
                v=list(edges) if np.ndim(edges) else edges,
            ),
            rule="BANDS_INVALID",
            fix=tr("t.ex. {n}=[0, 100, 200]", "e.g. {n}=[0, 100, 200]", n=name),
        )
    return arr


def band_label(d0: float, d1: float, t0: float, t1: float) -> str:
    """The exact label of a band: ``"[0, 100) m × [0, 7) d"``."""
    return f"[{fmt_number(d0)}, {fmt_number(d1)}) m × [{fmt_number(t0)}, {fmt_number(t1)}) d"


# ---------------------------------------------------------------------------------------------
# pair counting


def spatial_pairs(xy: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All unordered pairs ``i < j`` closer than ``max_distance`` (strictly), with distances.

    Uses a k-d tree (``scipy.spatial.cKDTree.query_pairs``), so the cost grows with the number of
    close pairs, not with n².
    """
    from scipy.spatial import cKDTree

    if len(xy) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    tree = cKDTree(xy)
    pairs = tree.query_pairs(r=max_distance, output_type="ndarray")
    if pairs.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    i = pairs[:, 0].astype(np.int64)
    j = pairs[:, 1].astype(np.int64)
    dist = np.hypot(xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1])
    keep = dist < max_distance
    return i[keep], j[keep], dist[keep]


#: Rows summed at once in one byte of a ``uint64`` word: 255 flags of 0 or 1 cannot overflow it.
_LANE_ROWS = 255
#: Bytes of permuted dates (one batch) and of pair differences (one block of pairs) held at once
#: by :class:`_PairCounter`.
_BATCH_BYTES = 4 * 2**20
_BLOCK_BYTES = 2**19


class _PairCounter:
    """Counts the fixed close pairs per (distance band, time band) for many assignments of days
    at once.

    The assignments are the columns of a matrix with one row per incident, so the pairs' rows are
    gathered once per batch and every step after that is a whole-array operation: the absolute
    day differences of a block of pairs for all assignments, one comparison per time edge
    (``|v| < ceil(edge)`` for whole days ``v``), and a column sum of the flags done eight columns
    at a time (the flags of 255 pairs are summed as the bytes of ``uint64`` words, which cannot
    carry over). The pairs are sorted by distance band and every band is padded to whole blocks
    of 255 with a dummy pair whose difference is beyond every edge, so a block never spans two
    distance bands.
    """

    def __init__(self, i, j, dist_bin, span: int, t_edges: np.ndarray, n_dist: int, n: int):
        self.n, self.n_dist, self.n_time = n, n_dist, t_edges.size - 1
        self.dtype = np.int16 if span + 1 <= np.iinfo(np.int16).max else np.int32
        self.span = span
        # |v| < ceil(edge) <=> |v| < edge for whole days; edges beyond the span count every pair
        cut = np.minimum(np.ceil(t_edges), span + 1).astype(np.int64)
        self.skip_first = bool(cut[0] == 0)  # no pair is closer than 0 days
        self.cut = cut[1:] if self.skip_first else cut
        order = np.argsort(dist_bin, kind="stable")
        per_band = np.bincount(dist_bin, minlength=n_dist)
        blocks = -(-per_band // _LANE_ROWS)
        self.group_end = np.cumsum(blocks)  # end (in blocks of 255 pairs) of each distance band
        rows = int(self.group_end[-1]) * _LANE_ROWS if n_dist else 0
        self.i = np.full(rows, n, dtype=np.intp)  # the dummy pair: row n (span + 1) − row n + 1 (0)
        self.j = np.full(rows, n + 1, dtype=np.intp)
        start = np.r_[0, self.group_end[:-1]] * _LANE_ROWS
        src = np.r_[0, np.cumsum(per_band)[:-1]]
        for d in range(n_dist):
            take = order[src[d] : src[d] + per_band[d]]
            self.i[start[d] : start[d] + per_band[d]] = i[take]
            self.j[start[d] : start[d] + per_band[d]] = j[take]

    def batch_size(self) -> int:
        """Assignments per batch: a multiple of 8 within the memory budget."""
        item = np.dtype(self.dtype).itemsize
        return max(8, _BATCH_BYTES // (item * (self.n + 2)) // 8 * 8)

    def __call__(self, days: np.ndarray) -> np.ndarray:
        """Counts per (distance band, time band) of every row of ``days`` (assignments × incidents),
        as an (assignments × bands) array, bands flattened distance-major."""
        b = days.shape[0]
        width = -(-b // 8) * 8
        cols = np.zeros((self.n + 2, width), dtype=self.dtype)
        cols[: self.n, :b] = days.T
        cols[self.n] = self.span + 1
        flags = self._flag_sums(cols)  # (edges, groups, width)
        cum = np.zeros((b, self.n_dist, self.n_time + 1), dtype=np.int64)
        start = 0
        for d, end in enumerate(self.group_end.tolist()):
            if end > start:
                cum[:, d, self.skip_first :] = flags[:, start:end, :b].sum(axis=1, dtype=np.int64).T
            start = end
        return np.diff(cum, axis=2).reshape(b, -1)

    def _flag_sums(self, cols: np.ndarray) -> np.ndarray:
        """Per edge and block of 255 pairs, how many pairs are closer in days than the edge, for
        every column of ``cols`` (as bytes: each at most 255)."""
        width = cols.shape[1]
        n_groups = self.i.size // _LANE_ROWS
        words = np.zeros((self.cut.size, n_groups, width // 8), dtype=np.uint64)
        per_block = max(1, _BLOCK_BYTES // (_LANE_ROWS * width * cols.itemsize))
        flags = np.empty((self.cut.size, per_block * _LANE_ROWS, width), dtype=bool)
        cut = self.cut.astype(self.dtype)
        for g0 in range(0, n_groups, per_block):
            g1 = min(g0 + per_block, n_groups)
            rows = slice(g0 * _LANE_ROWS, g1 * _LANE_ROWS)
            diff = np.take(cols, self.i[rows], axis=0)
            diff -= np.take(cols, self.j[rows], axis=0)
            np.abs(diff, out=diff)
            m = (g1 - g0) * _LANE_ROWS
            for k, c in enumerate(cut):
                np.less(diff, c, out=flags[k, :m])
            lanes = flags[:, :m].view(np.uint64).reshape(self.cut.size, g1 - g0, _LANE_ROWS, -1)
            words[:, g0:g1] = lanes.sum(axis=2, dtype=np.uint64)
        return words.view(np.uint8)


# ---------------------------------------------------------------------------------------------
# the verb


def near_repeat(
    data,
    *,
    distance_bands: Sequence[float] | None = None,
    time_bands: Sequence[float] | None = None,
    permutations: int = 999,
    seed: int | None = None,
    min_knox_ratio: float = MIN_KNOX_RATIO,
    quiet: bool = False,
) -> pd.DataFrame:
    """Knox test for near repeats, with Monte Carlo permutation of the dates.

    Every unordered pair of incidents closer than the last distance edge and fewer days apart than
    the last time edge is counted in its band of distance × time. The expected count of each band
    is the mean over ``permutations`` random shuffles of the dates among the incidents (the places
    stay fixed), following Knox (1964) and Ratcliffe's Near Repeat Calculator.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Incidents (one category, usually): Point geometry in a metric CRS (SWEREF 99 TM) and a
        timezone-aware ``occurred_at``. Time is the **calendar date of ``occurred_at``** (the start
        of the event) in Europe/Stockholm; ``occurred_end`` is not used. Filter the category (and
        drop ``location_precision = kommun_centroid`` rows) before calling.
    distance_bands : sequence of float, optional
        Band edges in metres, strictly increasing from ≥ 0. Bands are half-open ``[a, b)``.
        ``None`` chooses ``0, 100, …, 500`` (100 m steps) and announces it.
        Pairs at distance 0 fall in the first band (see the module notes).
    time_bands : sequence of float, optional
        Band edges in days between the two calendar dates, half-open ``[a, b)``, so ``[0, 7)``
        holds pairs 0–6 days apart. ``None`` chooses ``0, 7, 14, 21, 28`` and announces it.
    permutations : int, default 999
        Number of Monte Carlo shuffles of the dates. The smallest attainable p-value is
        ``1 / (permutations + 1)``: 19 for 0.05, 99 for 0.01, 999 for 0.001 (NRC guidance).
        After the correction across ``m`` bands a single band needs ``1 / (permutations + 1)
        ≤ 0.05 / m`` (399 for the 20 default bands); fewer permutations are announced and
        noted in ``attrs["notes"]``.
    seed : int, optional
        Seed of the numpy random generator. ``None`` draws a fresh seed, which is recorded in
        ``attrs["seed"]`` so the run can be repeated exactly.
    min_knox_ratio : float, default 1.2 (:data:`MIN_KNOX_RATIO`)
        Smallest Knox ratio of a band that counts towards the risk window (besides being
        significant after the correction): a band with a tiny but significant excess of close
        pairs is no pattern a meeting can act on.
    quiet : bool, default False
        Silence the announcement of automatic choices (they are still recorded in ``attrs``).

    Returns
    -------
    pandas.DataFrame
        One row per band, distance-major (all time bands of the first distance band first), with
        the columns ``band`` (exact label such as ``"[0, 100) m × [0, 7) d"``), ``distance_from``,
        ``distance_to`` (m), ``days_from``, ``days_to`` (d), ``observed`` (pairs),
        ``expected`` (mean over the permutations), ``knox_ratio`` (observed / expected; NaN when
        expected is 0), ``p_value`` = (1 + #permutations with count ≥ observed) /
        (permutations + 1), ``p_adjusted`` (Benjamini–Hochberg over all bands of the table),
        ``significant`` (``p_adjusted ≤ 0.05`` and ``knox_ratio > 1``) and ``raised``
        (significant and ``knox_ratio ≥ min_knox_ratio``: the band counts).

        ``attrs`` holds ``method``, ``distance_bands``, ``time_bands``, ``permutations``,
        ``seed``, ``time_basis``, ``alpha``, ``correction``, ``n_tested_bands``,
        ``min_knox_ratio``, ``rule`` (the band rule in words), ``notes``, ``n_incidents``,
        ``n_spatial_pairs``,
        ``risk_window`` (a :class:`RiskWindow` as a dict, or ``None``), ``summary`` (one
        plain-language Swedish/English sentence) and ``choices`` (the automatic choices).

    Notes
    -----
    **Which bands count.** Every band is a test, so the p-values are corrected across the bands
    of the table by Benjamini–Hochberg (false discovery rate 5 %; valid for the positively
    dependent band counts of one permutation set). A band counts (``raised``) when its adjusted
    p-value is at most 0.05 and its Knox ratio is at least ``min_knox_ratio``. With ``m`` bands
    the strongest band on its own reaches the corrected level only when
    ``1 / (permutations + 1) ≤ 0.05 / m``: with the 20 default bands that needs 399
    permutations or more; with 99 a pattern has to show in at least four bands.

    The **risk window** is the rectangle of bands anchored at the origin band (shortest distance,
    fewest days) in which every band counts; among all such rectangles the one covering
    the most bands is chosen (ties: the longer distance). Its ratio is pooled (sum of observed /
    sum of expected over its bands) and its p-value is the permutation p-value of that pooled
    count. No risk window when the origin band itself does not count.

    Pair counting uses a k-d tree to find the spatial pairs once; each permutation only recomputes
    the date differences of that fixed pair list, many permutations in one vectorised pass, so
    the cost is O(pairs × permutations) rather than O(n² × permutations). The ``k``-th shuffle is
    ``rng.permutation(days)`` of ``numpy.random.default_rng(seed)``: a seed fixes the shuffles and
    the p-values.

    References
    ----------
    Knox, E. G. (1964). The detection of space-time interactions. *Applied Statistics* 13, 25–29.
    Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3). Temple University.
    Johnson, S. D. et al. (2007). Space–time patterns of risk: a cross national assessment of
    residential burglary victimization. *Journal of Quantitative Criminology* 23, 201–219.

    Examples
    --------
    60 burglaries spread over a year and 3 km, plus a series of 20 within about 50 m over ten days:

    >>> import geopandas as gpd
    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = np.r_[rng.uniform(0, 3000, 60), 1500 + rng.normal(0, 40, 20)] + 650000
    >>> y = np.r_[rng.uniform(0, 3000, 60), 1500 + rng.normal(0, 40, 20)] + 6560000
    >>> days = np.r_[rng.uniform(0, 365, 60), 100 + np.arange(20) * 0.5]
    >>> t = pd.Timestamp("2026-01-01", tz="Europe/Stockholm") + pd.to_timedelta(days, unit="D")
    >>> burglaries = gpd.GeoDataFrame({"occurred_at": t, "category": "inbrott"},
    ...                               geometry=gpd.points_from_xy(x, y), crs=3006)
    >>> result = near_repeat(burglaries, permutations=99, seed=1, quiet=True)
    >>> result.attrs["summary"]
    'Förhöjd risk inom 200 m och 7 dagar efter en händelse (inbrott) (kvot 8,4, p = 0,01)'
    """
    check_points(data)
    choices: list[str] = []
    d_edges, t_edges = _resolve_bands(distance_bands, time_bands, choices, quiet)
    _check_permutations(permutations)
    _check_min_ratio(min_knox_ratio)
    if len(data) < 2:
        raise ArgumentError(
            tr(
                "near_repeat behöver minst 2 händelser, fick {n}",
                "near_repeat needs at least 2 incidents, got {n}",
                n=len(data),
            ),
            rule="TOO_FEW_INCIDENTS",
        )
    seed = _resolve_seed(seed, choices, quiet)

    observed, perm_counts, n_pairs = _knox_counts(data, d_edges, t_edges, permutations, seed)
    result = _band_table(
        observed, perm_counts, d_edges, t_edges, permutations, float(min_knox_ratio)
    )
    n_dist, n_time = d_edges.size - 1, t_edges.size - 1
    notes = _resolution_notes(permutations, n_dist * n_time, quiet)
    raised = result["raised"].to_numpy()
    window = _risk_window(raised.reshape(n_dist, n_time), observed, perm_counts, d_edges, t_edges)
    what = _event_phrase(data)
    summary = _summary(window, what, float(min_knox_ratio))
    result.attrs.update(
        {
            "method": "knox_monte_carlo",
            "distance_bands": [float(x) for x in d_edges],
            "time_bands": [float(x) for x in t_edges],
            "permutations": int(permutations),
            "seed": int(seed),
            "time_basis": tr(
                "kalenderdatum för occurred_at (händelsens start), Europe/Stockholm",
                "calendar date of occurred_at (event start), Europe/Stockholm",
            ),
            "alpha": ALPHA,
            "correction": CORRECTION,
            "n_tested_bands": int(result["p_adjusted"].notna().sum()),
            "min_knox_ratio": float(min_knox_ratio),
            "rule": band_rule(float(min_knox_ratio)),
            "notes": notes,
            "n_incidents": len(data),
            "n_spatial_pairs": n_pairs,
            "risk_window": window.as_dict() if window else None,
            "summary": summary,
            "choices": choices,
        }
    )
    return result


def _resolve_bands(
    distance_bands, time_bands, choices: list[str], quiet: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Choose (and announce) default bands where ``None``, then validate both edge lists."""
    if distance_bands is None:
        distance_bands = DEFAULT_DISTANCE_BANDS
        msg = tr(
            "Avståndsband 0–500 m i steg om 100 m valda automatiskt (standard).",
            "Distance bands 0–500 m in 100 m steps chosen automatically (default).",
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    if time_bands is None:
        time_bands = DEFAULT_TIME_BANDS
        msg = tr(
            "Tidsband 0–28 dagar i steg om 7 dagar valda automatiskt (standard).",
            "Time bands 0–28 days in 7-day steps chosen automatically (default).",
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    d_edges = _check_edges(distance_bands, "distance_bands", "m")
    t_edges = _check_edges(time_bands, "time_bands", "d")
    return d_edges, t_edges


def _check_permutations(permutations) -> None:
    """Refuse a number of permutations that is not an integer ≥ 1."""
    if (
        isinstance(permutations, bool)
        or not isinstance(permutations, (int, np.integer))
        or permutations < 1
    ):
        raise ArgumentError(
            tr(
                "permutations måste vara ett heltal ≥ 1, fick {v!r}",
                "permutations must be an integer ≥ 1, got {v!r}",
                v=permutations,
            ),
            rule="NOT_POSITIVE",
            fix=tr("t.ex. permutations=99", "e.g. permutations=99"),
        )


def _check_min_ratio(min_knox_ratio) -> None:
    """Refuse a minimum Knox ratio that is not a finite number ≥ 1."""
    ok = isinstance(min_knox_ratio, (int, float, np.integer, np.floating)) and not isinstance(
        min_knox_ratio, bool
    )
    if not ok or not math.isfinite(float(min_knox_ratio)) or float(min_knox_ratio) < 1:
        raise ArgumentError(
            tr(
                "min_knox_ratio måste vara ett tal ≥ 1, fick {v!r}",
                "min_knox_ratio must be a number ≥ 1, got {v!r}",
                v=min_knox_ratio,
            ),
            rule="ARGUMENT_INVALID",
            fix=tr("t.ex. min_knox_ratio=1.2", "e.g. min_knox_ratio=1.2"),
        )


def _resolution_notes(permutations: int, n_bands: int, quiet: bool) -> list[str]:
    """A note (announced) when no single band can reach the corrected level with these
    permutations: ``1 / (permutations + 1) > ALPHA / n_bands``."""
    if (permutations + 1) * ALPHA >= n_bands:
        return []
    msg = tr(
        "{p} permutationer räcker inte för att ett ensamt band ska bli signifikant efter "
        "korrigering över {m} band (minst {k} behövs); ett mönster måste synas i flera band.",
        "{p} permutations are too few for a single band to be significant after correction "
        "across {m} bands (at least {k} are needed); a pattern has to show in several bands.",
        p=permutations,
        m=n_bands,
        k=math.ceil(n_bands / ALPHA) - 1,
    )
    announce(msg, quiet=quiet)
    return [msg]


def band_rule(min_knox_ratio: float = MIN_KNOX_RATIO) -> str:
    """The rule by which a Knox band counts, in words (for methods boxes)."""
    return tr(
        "Ett band räknas när det är signifikant efter Benjamini–Hochberg-korrigering över "
        "banden (5 % falsk upptäcktsandel) och dess Knox-kvot är minst {r}.",
        "A band counts when it is significant after Benjamini–Hochberg correction across the "
        "bands (5 % false discovery rate) and its Knox ratio is at least {r}.",
        r=fmt_ratio(min_knox_ratio),
    )


def bh_adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN and is not counted among the tests).

    ``p_adj_(k) = min over j ≥ k of m · p_(j) / j``, capped at 1, for the sorted finite
    p-values ``p_(1) ≤ … ≤ p_(m)``; a test is significant at false discovery rate ``q`` when
    ``p_adj ≤ q`` (Benjamini & Hochberg 1995).

    >>> bh_adjust(np.array([0.01, 0.04, 0.03, 0.5])).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    m = int(finite.sum())
    if m == 0:
        return out
    ps = p[finite]
    order = np.argsort(ps, kind="stable")
    scaled = ps[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    back = np.empty(m)
    back[order] = adjusted
    out[finite] = back
    return out


def _resolve_seed(seed: int | None, choices: list[str], quiet: bool) -> int:
    """Draw (and announce) a fresh random seed when ``seed`` is ``None``."""
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**32))
        msg = tr(
            "Slumpfrö {s} valt automatiskt (ange seed={s} för att upprepa körningen).",
            "Random seed {s} chosen automatically (pass seed={s} to repeat the run).",
            s=seed,
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    return seed


def _knox_counts(
    data, d_edges: np.ndarray, t_edges: np.ndarray, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Observed pair counts per band, the counts of every permutation, and the number of pairs."""
    xy = np.column_stack([data.geometry.x.to_numpy(), data.geometry.y.to_numpy()])
    days = local_days(data["occurred_at"])
    i, j, dist = spatial_pairs(xy, float(d_edges[-1]))
    n_dist, n_time = d_edges.size - 1, t_edges.size - 1
    dist_bin = np.searchsorted(d_edges, dist, side="right") - 1
    in_range = dist_bin >= 0  # pairs closer than the first edge (if it is > 0) are not counted
    i, j, dist_bin = i[in_range], j[in_range], dist_bin[in_range]

    # dates are whole days and the pair list is fixed: the permutations are counted in batches
    # (:class:`_PairCounter`); each is ``rng.permutation(days)`` of one seeded stream, drawn as
    # ``days[rng.permutation(n)]`` (the same shuffle)
    days = (days - days.min()).astype(np.int32) if days.size else days.astype(np.int32)
    n = days.size
    count = _PairCounter(i, j, dist_bin, int(days.max(initial=0)), t_edges, n_dist, n)
    days = days.astype(count.dtype)
    observed = count(days[None, :])[0]
    rng = np.random.default_rng(seed)
    perm_counts = np.empty((permutations, n_dist * n_time), dtype=np.int64)
    step = count.batch_size()
    for k0 in range(0, permutations, step):
        rows = np.empty((min(step, permutations - k0), n), dtype=count.dtype)
        for k in range(rows.shape[0]):
            rows[k] = days[rng.permutation(n)]
        perm_counts[k0 : k0 + rows.shape[0]] = count(rows)
    return observed, perm_counts, int(i.size)


def _band_table(
    observed: np.ndarray,
    perm_counts: np.ndarray,
    d_edges: np.ndarray,
    t_edges: np.ndarray,
    permutations: int,
    min_knox_ratio: float,
) -> pd.DataFrame:
    """The per-band result frame (pinned columns) with the corrected band flags."""
    n_dist, n_time = d_edges.size - 1, t_edges.size - 1
    expected = perm_counts.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    p_value = (1 + (perm_counts >= observed).sum(axis=0)) / (permutations + 1)
    p_adjusted = bh_adjust(p_value)
    significant = (p_adjusted <= ALPHA) & (ratio > 1)
    raised = significant & (ratio >= min_knox_ratio)

    dd0 = np.repeat(d_edges[:-1], n_time)
    dd1 = np.repeat(d_edges[1:], n_time)
    tt0 = np.tile(t_edges[:-1], n_dist)
    tt1 = np.tile(t_edges[1:], n_dist)
    result = pd.DataFrame(
        {
            "band": [band_label(a, b, c, d) for a, b, c, d in zip(dd0, dd1, tt0, tt1)],
            "distance_from": dd0,
            "distance_to": dd1,
            "days_from": tt0,
            "days_to": tt1,
            "observed": observed.astype(np.int64),
            "expected": expected,
            "knox_ratio": ratio,
            "p_value": p_value,
            "p_adjusted": p_adjusted,
            "significant": significant,
            "raised": raised,
        },
        columns=NEAR_REPEAT_COLUMNS,
    )
    return result


def _risk_window(
    sig: np.ndarray,
    observed: np.ndarray,
    perm_counts: np.ndarray,
    d_edges: np.ndarray,
    t_edges: np.ndarray,
) -> RiskWindow | None:
    n_dist, n_time = sig.shape
    if not sig[0, 0]:
        return None
    best: tuple[int, int, int] | None = None  # (n_cells, a, b)
    for a in range(n_dist):
        for b in range(n_time):
            if sig[: a + 1, : b + 1].all():
                cand = ((a + 1) * (b + 1), a, b)
                if best is None or cand[:2] > best[:2]:
                    best = cand
    assert best is not None
    _, a, b = best
    cells = (np.arange(n_dist)[:, None] <= a) & (np.arange(n_time)[None, :] <= b)
    cells = cells.ravel()
    obs = observed[cells].sum()
    perm = perm_counts[:, cells].sum(axis=1)
    expected = perm.mean()
    ratio = float(obs / expected) if expected > 0 else math.inf
    p = float((1 + (perm >= obs).sum()) / (perm.size + 1))
    return RiskWindow(float(d_edges[a + 1]), float(t_edges[b + 1]), ratio, p)


def _event_phrase(data) -> str:
    if "category" in data.columns:
        cats = pd.unique(data["category"].dropna())
        if len(cats) == 1:
            from ..layers.vocab import label

            name = label("category", cats[0]).lower()
            return tr("en händelse ({c})", "an incident ({c})", c=name)
    return tr("en händelse", "an incident")


def _summary(window: RiskWindow | None, what: str, min_knox_ratio: float) -> str:
    if window is None:
        return tr(
            "Inget near-repeat-mönster: risken är inte signifikant förhöjd nära i tid och rum "
            "efter {w} (Knox-test: första bandet inte signifikant efter korrigering över banden "
            "eller kvot under {r}).",
            "No near-repeat pattern: risk is not significantly raised close in space and time "
            "after {w} (Knox test: first band not significant after correction across the bands "
            "or ratio below {r}).",
            w=what,
            r=fmt_ratio(min_knox_ratio),
        )
    return tr(
        "Förhöjd risk inom {d} m och {t} dagar efter {w} (kvot {r}, p = {p})",
        "Raised risk within {d} m and {t} days after {w} (ratio {r}, p = {p})",
        d=fmt_number(window.distance_m),
        t=fmt_number(window.days),
        w=what,
        r=fmt_number(window.knox_ratio),
        p=fmt_p(window.p_value),
    )
