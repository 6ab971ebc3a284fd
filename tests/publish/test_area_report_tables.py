"""The area report's wide tables (``first_wide``) equal pandas' ``pivot_table`` with
``aggfunc="first"``, the reference, frame for frame (values, dtypes, row and column order)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tryggaplatser.publish.reports.area_report import first_wide


def _frame(rng: np.random.Generator, kind: int, missing: float) -> pd.DataFrame:
    n = int(rng.integers(1, 25))
    keys = {
        "a": rng.choice(["b", "a", "c", None], n, p=[(1 - missing) / 3] * 3 + [missing]),
        "b": rng.choice(["x1", "x2", "y"], n),
        "year": rng.choice(
            ["2023", "2021", "2022", None], n, p=[(1 - missing) / 3] * 3 + [missing]
        ),
    }
    v = rng.random(n)
    v[rng.random(n) < missing] = np.nan
    if kind == 1:  # released shares: numbers and withheld markers in one object column
        v = pd.Series(v, dtype=object)
        v[rng.random(n) < 0.2] = "<5"
    elif kind == 2:  # text
        v = pd.Series(np.where(rng.random(n) < 0.5, "<5", "x"), dtype="str")
        v[rng.random(n) < missing] = np.nan
    return pd.DataFrame({**keys, "v": v})


@pytest.mark.parametrize("missing", [0.01, 0.3])
def test_first_wide_equals_pivot_table(missing, monkeypatch):
    rng = np.random.default_rng(12)
    pivot = pd.DataFrame.pivot_table
    calls = {"reference": 0, "fallback": 0}

    def counted(self, *args, **kwargs):
        calls["fallback"] += 1
        return pivot(self, *args, **kwargs)

    checked = 0
    for t in range(40):
        frame = _frame(rng, t % 3, missing)
        for index in (["a", "b"], ["a"]):
            for sort in (True, False):
                want = pivot(
                    frame, index=index, columns="year", values="v", aggfunc="first", sort=sort
                ).reset_index()
                monkeypatch.setattr(pd.DataFrame, "pivot_table", counted)
                got = first_wide(frame, index, "year", "v", sort=sort)
                monkeypatch.setattr(pd.DataFrame, "pivot_table", pivot)
                pd.testing.assert_frame_equal(got, want)
                assert list(got.columns) == list(want.columns)
                assert got.columns.name == want.columns.name == "year"
                checked += 1
    # both the own path and the fallback are exercised
    assert 0 < calls["fallback"] < checked
