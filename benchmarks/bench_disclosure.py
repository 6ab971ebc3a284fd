"""Benchmark: the publishing gate on a 60 categories × 18 months table with margins, and the
1 000 000-incident demo generator.

Usage::

    python benchmarks/bench_disclosure.py

Prints the seconds for each step. These figures were timing assertions in the test suite once;
speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def category_month_table(n_cat: int, n_month: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        [
            {"category": f"k{c:02d}", "month": f"2026-{m + 1:02d}", "n": int(v)}
            for c in range(n_cat)
            for m, v in enumerate(rng.poisson(rng.uniform(1, 40), n_month))
        ]
    )


def main() -> None:
    from tryggaplatser.datasets.generate import generate_demo
    from tryggaplatser.publish.gate import Gate

    df = pd.concat(
        [
            category_month_table(60, 12, 7),
            category_month_table(60, 6, 8).assign(
                month=lambda d: d.month.str.replace("2026", "2027")
            ),
        ],
        ignore_index=True,
    )
    Gate("public", quiet=True).release(df.head(4), "area_category_table", margins=True)
    t0 = time.perf_counter()
    Gate("public", quiet=True).release(
        df, "area_category_table", by=["category", "month"], margins=True
    )
    print(f"gate.release 60 × 18 with margins: {time.perf_counter() - t0:.2f} s (target < 2 s)")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        generate_demo(Path(tmp) / "stor", size=1_000_000)
        seconds = time.perf_counter() - t0
        print(f"generate_demo 1 000 000 incidents: {seconds:.1f} s (target < 60 s)")


if __name__ == "__main__":
    main()
