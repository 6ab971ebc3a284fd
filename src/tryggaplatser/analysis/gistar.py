"""Getis-Ord Gi* with analytic z, on a dense grid (convolution) or any sparse weights.

For values :math:`y_1 … y_n`, binary weights :math:`w_{ij}` that include the cell itself
(:math:`w_{ii} = 1`, the "star"), :math:`W_i = \\sum_j w_{ij}`, :math:`\\bar y` and :math:`s`
(population standard deviation) over all n cells (Getis & Ord 1992; Ord & Getis 1995):

.. math:: G_i^* = \\frac{\\sum_j w_{ij} y_j - \\bar y W_i}
                       {s \\sqrt{(n W_i - W_i^2)/(n - 1)}}

This is exactly ``esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs`` (tested to
1e-9). On a grid, :math:`\\sum_j w_{ij} y_j` and :math:`W_i` are correlations of the value and
of the cell mask with the neighbourhood footprint (:func:`correlate_binary`, zero outside),
so cells on the grid's edge — or next to clipped-away cells — have fewer neighbours, as in esda.

p-values are two-sided from the normal distribution (ArcGIS; esda's ``p_norm`` is one-sided).
:func:`fdr_bins` turns z and p into ArcGIS's −3…+3 confidence bins after the False Discovery Rate
correction (Benjamini & Hochberg 1995), applied at each of the 90/95/99 % levels.

**When the test is valid** (:func:`count_test`, for counts of events). The normal approximation
behind the z is poor when a neighbourhood expects few events: in a sparse window every event's
neighbourhood comes out "significant". So, for counts:

* fewer than :data:`MIN_EVENTS` events in the window (ArcGIS requires 30 features): no test —
  counts only, every cell in bin 0;
* a mean expected count per neighbourhood below :data:`MIN_EXPECTED`: the exact conditional
  test. Given the window's N events spread over the n cells under complete spatial randomness,
  a neighbourhood of W cells holds S ~ Binomial(N, W/n) events; the two-sided p-value is twice
  the smaller tail (capped at 1). It is computed with the same FDR bins;
* otherwise the normal p-value of the z.
"""

from __future__ import annotations

import math

import numpy as np

#: Fewer events than this in a window: no significance test (ArcGIS requires 30 features).
MIN_EVENTS = 30
#: Below this mean expected count per neighbourhood, p-values come from the exact conditional
#: binomial test instead of the normal approximation.
MIN_EXPECTED = 20.0


def footprint(cell_size: float, distance: float) -> np.ndarray:
    """Binary footprint of all cell offsets whose centre lies within ``distance`` (inclusive,
    with a 1e-9 relative tolerance) of a cell's centre. ``distance = c·√2`` gives the 3 × 3
    "queen" neighbourhood (cell + 8 neighbours)."""
    reach = math.floor(distance / cell_size * (1 + 1e-9))
    off = np.arange(-reach, reach + 1) * cell_size
    d2 = off[None, :] ** 2 + off[:, None] ** 2
    return (d2 <= (distance * (1 + 1e-9)) ** 2).astype(float)


def hex_footprint(width: float, distance: float) -> np.ndarray:
    """Binary footprint, in the axial storage of a hexagon grid (``row = r0 − r``,
    ``col = q − q0``, see :mod:`tryggaplatser.analysis.grid`), of all hexagons whose centre lies
    within ``distance`` (inclusive, 1e-9 relative tolerance) of a cell's centre. Centres of
    axial offset ``(dq, dr)`` are ``width·√(dq² + dq·dr + dr²)`` apart (``width`` = distance
    between opposite edges = between neighbouring centres). ``distance = width`` gives the cell
    and its 6 neighbours: ``[[1, 1, 0], [1, 1, 1], [0, 1, 1]]``."""
    k = distance / width * (1 + 1e-9)
    reach = math.floor(k * 2.0 / math.sqrt(3.0))
    off = np.arange(-reach, reach + 1)
    dq = off[None, :]  # columns: dq
    dr = -off[:, None]  # rows: drow = −dr
    d2 = dq * dq + dq * dr + dr * dr
    return (d2 <= k * k).astype(float)


def gistar_dense(
    values: np.ndarray, mask: np.ndarray | None = None, fp: np.ndarray | None = None
) -> np.ndarray:
    """Gi* z for a 2-D array; ``mask`` marks the cells that exist (others are neither counted
    in n nor neighbours); ``fp`` is the binary neighbourhood footprint (default 3 × 3).

    Returns z with NaN outside the mask (and everywhere if the values are constant).
    """
    v = np.asarray(values, dtype=float)
    m = np.ones(v.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    fp = np.ones((3, 3)) if fp is None else fp
    vz = np.where(m, v, 0.0)
    n = int(m.sum())
    z = np.full(v.shape, np.nan)
    if n < 2:
        return z
    mean = vz.sum() / n
    s = math.sqrt(float(((vz - mean) ** 2)[m].sum()) / n)
    if not s > 0:
        return z
    local = correlate_binary(vz, fp)
    card = correlate_binary(m.astype(float), fp)
    den = s * np.sqrt((n * card - card * card) / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        zz = (local - mean * card) / den
    z[m] = zz[m]
    return z


def correlate_binary(a: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Sum of ``a`` over the binary footprint ``fp`` (odd-sized, centred) around every cell,
    zero outside the array — ``scipy.ndimage.correlate(a, fp, mode="constant")`` for 0/1
    footprints, as a sum of shifted views (no scipy.ndimage import; exact for integer data)."""
    ry, rx = fp.shape[0] // 2, fp.shape[1] // 2
    ny, nx = a.shape
    padded = np.zeros((ny + 2 * ry, nx + 2 * rx))
    padded[ry : ry + ny, rx : rx + nx] = a
    out = np.zeros(a.shape, dtype=float)
    for dy, dx in np.argwhere(fp).tolist():  # row-major order, as np.nonzero
        out += padded[dy : dy + ny, dx : dx + nx]
    return out


def gistar_sparse(values: np.ndarray, weights) -> np.ndarray:
    """Gi* z for any binary weights given as a scipy sparse ``(n, n)`` matrix. The diagonal is
    set to 1 (the star) whatever it held, as ``esda`` does with ``star=True``."""
    from scipy import sparse

    y = np.asarray(values, dtype=float)
    n = len(y)
    w = sparse.csr_matrix(weights, dtype=float, copy=True)
    w.setdiag(1.0)
    w.eliminate_zeros()
    mean = y.mean()
    s = math.sqrt(float(((y - mean) ** 2).mean()))
    if n < 2 or not s > 0:
        return np.full(n, np.nan)
    local = w @ y
    card = np.asarray(w.sum(axis=1)).ravel()
    den = s * np.sqrt((n * card - card * card) / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (local - mean * card) / den


def distance_band(x: np.ndarray, y: np.ndarray, distance: float):
    """Binary distance-band weights (pairs within ``distance``, inclusive) as a sparse matrix
    without the diagonal, built with a k-d tree."""
    from scipy import sparse
    from scipy.spatial import cKDTree

    pts = np.column_stack([x, y])
    tree = cKDTree(pts)
    pairs = tree.query_pairs(distance * (1 + 1e-12), output_type="ndarray")
    n = len(pts)
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return sparse.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))


def gistar_points(x: np.ndarray, y: np.ndarray, values: np.ndarray, distance: float) -> np.ndarray:
    """Gi* z for values at arbitrary locations with a binary distance band (e.g. esda's toy
    example: six points, band 15)."""
    return gistar_sparse(
        values, distance_band(np.asarray(x, float), np.asarray(y, float), distance)
    )


def pvalue_two_sided(z: np.ndarray) -> np.ndarray:
    """Two-sided normal p-value ``2·(1 − Φ(|z|))`` (NaN stays NaN)."""
    from scipy.special import ndtr

    return 2.0 * ndtr(-np.abs(z))


def bh_threshold(p: np.ndarray, alpha: float) -> float:
    """Benjamini–Hochberg cut-off: the largest ``p_(k)`` with ``p_(k) ≤ k·alpha/m`` (−1 if
    none), over the finite p-values."""
    return _bh_thresholds(p, (alpha,))[0]


def _bh_thresholds(p: np.ndarray, alphas: tuple[float, ...]) -> list[float]:
    """:func:`bh_threshold` at several levels, sorting the p-values once."""
    ps = np.sort(p[np.isfinite(p)])
    m = len(ps)
    if m == 0:
        return [-1.0] * len(alphas)
    ranks = np.arange(1, m + 1)
    cuts = []
    for alpha in alphas:
        ok = np.flatnonzero(ps <= alpha * ranks / m)
        cuts.append(float(ps[ok[-1]]) if len(ok) else -1.0)
    return cuts


def fdr_bins(z: np.ndarray, p: np.ndarray, fdr: bool = True) -> np.ndarray:
    """ArcGIS confidence bins −3…+3 (99/95/90 %) as int8.

    With ``fdr=True`` (ArcGIS "Apply False Discovery Rate correction") a cell is in bin ±k when
    its p-value is at or below the Benjamini–Hochberg cut-off at level ``alpha_k`` (0.10, 0.05,
    0.01), computed over all cells; otherwise when ``p ≤ alpha_k``. The sign is that of z.
    """
    p = np.asarray(p, dtype=float)
    z = np.asarray(z, dtype=float)
    out = np.zeros(p.shape, dtype=np.int8)
    finite = np.isfinite(p) & np.isfinite(z)
    alphas = (0.10, 0.05, 0.01)
    cuts = _bh_thresholds(p, alphas) if fdr else alphas
    for level, cut in zip((1, 2, 3), cuts):
        out[finite & (p <= cut)] = level
    return (out * np.sign(np.where(finite, z, 0.0))).astype(np.int8)


def exact_count_pvalues(
    counts: np.ndarray, mask: np.ndarray, fp: np.ndarray, inside: np.ndarray | None = None
) -> np.ndarray:
    """Two-sided exact p-values of each neighbourhood's count under complete spatial
    randomness, conditional on the total: ``S_i ~ Binomial(N, W_i / n)`` with N the events and
    n the cells of the mask, ``W_i`` the cells of i's neighbourhood (itself included);
    ``p = min(1, 2·min(P(S ≥ s), P(S ≤ s)))``. With ``inside`` (each cell's share of its area
    inside the study area) the cells are weighted by it: ``W_i`` and ``n`` are inside areas,
    so a cell cut by the boundary is expected to hold fewer events. NaN outside the mask."""
    return _exact_pvalues(counts, np.asarray(mask, dtype=bool), fp, inside)


def _exact_pvalues(
    counts: np.ndarray,
    m: np.ndarray,
    fp: np.ndarray,
    inside: np.ndarray | None,
    card: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`exact_count_pvalues` for a boolean mask; ``card`` (the neighbourhood cell counts
    of the mask, when ``inside`` is None) is reused rather than summed again."""
    c = np.where(m, np.asarray(counts, dtype=float), 0.0)
    weight = np.where(m, 1.0 if inside is None else np.asarray(inside, dtype=float), 0.0)
    n, total = float(weight.sum()), round(float(c.sum()))
    p = np.full(c.shape, np.nan)
    if n == 0 or total == 0:
        return p
    local = np.rint(correlate_binary(c, fp))
    if card is None or inside is not None:
        card = correlate_binary(weight, fp)
    share = np.minimum(card / n, 1.0)
    p[m] = binomial_two_sided(local[m], total, share[m])
    return p


def binomial_two_sided(local: np.ndarray, total, share: np.ndarray) -> np.ndarray:
    """``min(1, 2·min(P(S ≥ s), P(S ≤ s)))`` for ``S ~ Binomial(total, share)`` and observed
    neighbourhood counts ``s = local`` (the exact conditional test of the module docstring).
    ``total`` is an integer or an array of them (one trial count per value).

    Many cells share one ``(s, total, share)`` (a grid has a handful of neighbourhood sizes and
    small counts), so each distinct case is computed once: the tails are those of
    ``scipy.stats.binom.sf(s − 1, …)`` and ``binom.cdf(s, …)``, value for value
    (:func:`_binom_tails`)."""
    s, n, q = np.broadcast_arrays(
        np.asarray(local, dtype=float), np.asarray(total), np.asarray(share, dtype=float)
    )
    shape = s.shape
    s, n, q = s.ravel(), n.ravel(), q.ravel()
    if s.size == 0:
        return np.zeros(shape)
    rep, group = _distinct(s, n, q)
    upper, lower = _binom_tails(s[rep], n[rep], q[rep])
    return np.minimum(1.0, 2.0 * np.minimum(upper, lower))[group].reshape(shape)


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of equal 1-D ``columns`` grouped by their bits (so ``-0.0`` and ``0.0``, or NaNs
    with different payloads, are never merged): ``(rep, group)`` with ``rep`` one row index
    per group and ``group`` each row's group number."""
    keys = [np.ascontiguousarray(c).view(np.int64) if c.dtype.kind == "f" else c for c in columns]
    order = np.lexsort(keys)
    same = np.ones(len(order), dtype=bool)
    for key in keys:
        ks = key[order]
        same[1:] &= ks[1:] == ks[:-1]
    same[0] = False
    first = ~same
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(first) - 1
    return order[first], group


def _binom_tails(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(binom.sf(k − 1, n, p), binom.cdf(k, n, p))`` for 1-D arrays, bit for bit as
    ``scipy.stats.binom`` computes them: the same support and argument rules
    (``rv_discrete.sf``/``cdf``) around the same Boost functions (``scipy.special``), without
    the generic machinery's overhead per call. Falls back to ``scipy.stats.binom`` where those
    functions are not exposed (scipy < 1.15)."""
    try:
        from scipy.special._ufuncs import _binom_cdf, _binom_sf
    except ImportError:  # pragma: no cover - older scipy
        from scipy.stats import binom

        return binom.sf(k - 1, n, p), binom.cdf(k, n, p)
    valid = (n >= 0) & (np.round(n) == n) & (p >= 0) & (p <= 1)
    bad = ~valid | np.isnan(k)
    j = k - 1  # sf(j): 1 below the support, 0 at or above its top n
    upper = np.zeros(len(k))
    upper[bad] = np.nan
    upper[((j < 0) | np.isneginf(j)) & valid] = 1.0
    on = valid & (j >= 0) & (j < n) & np.isfinite(j)
    if on.any():
        upper[on] = np.clip(_binom_sf(np.floor(j[on]), n[on], p[on]), 0, 1)
    lower = np.zeros(len(k))  # cdf(k): 1 at or above n, 0 below the support
    lower[k >= n] = 1.0
    lower[np.isneginf(k)] = 0.0
    lower[bad] = np.nan
    on = valid & (k >= 0) & (k < n) & np.isfinite(k)
    if on.any():
        lower[on] = np.clip(_binom_cdf(np.floor(k[on]), n[on], p[on]), 0, 1)
    return upper, lower


def count_pvalues_sparse(
    counts: np.ndarray, weights, z: np.ndarray, unit_weight: np.ndarray | None = None
) -> tuple[np.ndarray, str, float]:
    """:func:`count_pvalues` for any binary weights (e.g. street stretches that share an
    endpoint), the diagonal included as in :func:`gistar_sparse`. ``unit_weight`` (e.g. each
    stretch's length) weights the units under complete spatial randomness; when the units are
    unequal every unit gets the exact test weighted by it (``"exact_length"``), as cut cells do
    on a grid. Returns ``(p, test, expected)``."""
    from scipy import sparse

    c = np.asarray(counts, dtype=float)
    n = len(c)
    w = sparse.csr_matrix(weights, dtype=float, copy=True)
    w.setdiag(1.0)
    w.eliminate_zeros()
    w.data[:] = 1.0
    unit = np.ones(n) if unit_weight is None else np.asarray(unit_weight, dtype=float)
    total = round(float(c.sum()))
    share = np.minimum((w @ unit) / unit.sum(), 1.0) if n else np.zeros(0)
    expected = float(total * share.mean()) if n else 0.0
    if n == 0 or total < MIN_EVENTS:
        return np.full(n, np.nan), "none", expected
    unequal = unit_weight is not None and np.ptp(unit) > 1e-9 * max(float(unit.max()), 1.0)
    if unequal or expected < MIN_EXPECTED:
        p = binomial_two_sided(np.rint(w @ c), total, share)
        return p, ("exact_length" if unequal else "exact"), expected
    return pvalue_two_sided(np.asarray(z, dtype=float)), "normal", expected


def count_test(counts: np.ndarray, mask: np.ndarray, fp: np.ndarray) -> tuple[str, float]:
    """Which test is valid for these counts: ``("none" | "exact" | "normal", expected)``, with
    ``expected`` the mean expected count per neighbourhood (see the module docstring)."""
    m = np.asarray(mask, dtype=bool)
    return _count_test(counts, m, correlate_binary(m.astype(float), fp))


def _count_test(counts: np.ndarray, m: np.ndarray, card: np.ndarray) -> tuple[str, float]:
    """:func:`count_test` given the neighbourhood cell counts ``card`` of the mask ``m``."""
    total = float(np.where(m, counts, 0).sum())
    n = int(m.sum())
    if n == 0:
        return "none", 0.0
    expected = float(total * card[m].mean() / n)
    if total < MIN_EVENTS:
        return "none", expected
    return ("exact" if expected < MIN_EXPECTED else "normal"), expected


def count_pvalues(
    counts: np.ndarray,
    mask: np.ndarray,
    fp: np.ndarray,
    z: np.ndarray,
    inside: np.ndarray | None = None,
):
    """Two-sided p-values for a dense grid of counts by the valid test (:func:`count_test`):
    NaN when there are too few events, exact binomial when sparse, else normal from ``z``.
    When the study area cuts cells (``inside`` < 1 somewhere in the mask) the normal test's
    equal-cells assumption fails at the boundary (cut cells hold fewer events: false cold
    spots), so every cell gets the exact test weighted by its inside area (``"exact_area"``).
    Returns ``(p, test, expected)``; ``p`` and ``z`` are dense arrays of the grid's shape."""
    m = np.asarray(mask, dtype=bool)
    card = correlate_binary(m.astype(float), fp)
    test, expected = _count_test(counts, m, card)
    if test == "none":
        return np.full(np.shape(z), np.nan), test, expected
    if inside is not None and (np.asarray(inside)[m] < 1.0 - 1e-9).any():
        return _exact_pvalues(counts, m, fp, inside), "exact_area", expected
    if test == "exact":
        return _exact_pvalues(counts, m, fp, None, card), test, expected
    return pvalue_two_sided(z), test, expected
