"""Property: every load accounts for every row read."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggaplatser.errors import FileProblem
from tryggaplatser.layers.load import load_layer

HEADER = "id;tid;kategori;kalla;x;y;beskrivning"
ROW_KINDS = {
    "good": "{i};2024-01-{d:02d} 12:00;klotter;est;{x};6580000;ok",
    "dup_source": None,  # exact copy of an earlier row
    "bad_date": "{i};inte ett datum;klotter;est;{x};6580000;",
    "dst_gap": "{i};2024-03-31 02:15;klotter;est;{x};6580000;",
    "dst_twice": "{i};2024-10-27 02:15;klotter;est;{x};6580000;",
    "bad_cat": "{i};2024-01-{d:02d} 12:00;hittepå;est;{x};6580000;",
    "no_coord": "{i};2024-01-{d:02d} 12:00;brand;est;;;",
    "nan_coord": "{i};2024-01-{d:02d} 12:00;brand;est;NaN;6580000;",
    "outside": "{i};2024-01-{d:02d} 12:00;brand;est;5000;6580000;",
    "swapped": "{i};2024-01-{d:02d} 12:00;brand;est;6580000;{x};",
    "pii": "{i};2024-01-{d:02d} 12:00;brand;est;{x};6580000;ring 070-123 45 67",
    "same_id": "1;2024-02-{d:02d} 13:00;fordon;est;{x};6580000;",
    "no_id": ";2024-01-{d:02d} 12:00;brand;est;{x};6580000;",
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(sorted(ROW_KINDS)), min_size=1, max_size=25), st.integers(0, 10_000)
)
def test_read_equals_accepted_plus_quarantined_plus_duplicates(tmp_path, kinds, seed):
    lines, made = [HEADER], []
    for i, kind in enumerate(kinds, start=1):
        template = ROW_KINDS[kind]
        if template is None:
            line = (
                made[seed % len(made)]
                if made
                else ROW_KINDS["good"].format(i=i, d=1 + i % 28, x=674000 + 100 * i)
            )
        else:
            line = template.format(i=i, d=1 + (i + seed) % 28, x=674000 + 100 * i)
        made.append(line)
        lines.append(line)
    path = tmp_path / f"p{seed}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        res = load_layer(path, "incidents", crs="EPSG:3006", quarantine_dir=False)
        report = res.report
        assert len(res.data) == report.accepted
        assert len(res.quarantine) == report.quarantined
    except FileProblem as exc:
        assert exc.rule in (
            "NO_VALID_ROWS",
            "CRS_BOUNDS_MISMATCH",
            "COORD_SWAPPED_SUSPECT",
            "CRS_MISSING",
        )
        report = exc.report
        if report is None:
            return
    assert report.read == len(kinds)
    assert report.read == report.accepted + report.quarantined + report.duplicates_dropped
    # every quarantined row has at least one quarantine problem
    q = report.problems_frame
    assert q.loc[q["severity"] == "quarantine", "row"].nunique() == report.quarantined
