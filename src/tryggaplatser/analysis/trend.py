"""Mann-Kendall trend test, vectorised over many series (one per cell).

Mann (1945), Kendall (1975): :math:`S = \\sum_{i<j} \\operatorname{sign}(x_j - x_i)`, variance
with the tie correction :math:`\\operatorname{Var}(S) = [n(n-1)(2n+5) - \\sum_t t(t-1)(2t+5)]/18`,
continuity-corrected :math:`Z = (S - \\operatorname{sign}(S))/\\sqrt{\\operatorname{Var}(S)}`,
two-sided normal p-value. This is ``pymannkendall.original_test`` (tested equal), computed for
all cells at once.
"""

from __future__ import annotations

import numpy as np


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall ``S``, ``z`` and two-sided ``p`` for each row of a ``(cells, periods)``
    array. Rows whose variance is zero (all values tied) get ``z = 0``, ``p = 1``."""
    from scipy.special import ndtr

    x = np.asarray(series, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    _, n = x.shape
    s = np.zeros(x.shape[0])
    for i in range(n - 1):
        s += np.sign(x[:, i + 1 :] - x[:, i : i + 1]).sum(axis=1)
    # tie correction: each element of a tie group of size t contributes g(t)/t
    ties = np.zeros(x.shape[0])
    for k in range(n):
        t = (x == x[:, k : k + 1]).sum(axis=1).astype(float)
        ties += t * (t - 1) * (2 * t + 5) / t
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    z = np.zeros_like(s)
    pos = var > 0
    z[pos] = (s[pos] - np.sign(s[pos])) / np.sqrt(var[pos])
    p = 2.0 * ndtr(-np.abs(z))
    return s, z, p
