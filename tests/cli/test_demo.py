"""``tryggaplatser demo``: the whole chain on the demo municipality, as a user runs it."""

from __future__ import annotations

import pytest

from tryggaplatser.publish.audit import scan_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_out(demo_run):
    return demo_run


def test_demo_reports_a_clean_public_audit(demo_out):
    out, text = demo_out
    assert "granskning av den publika mängden: inga fynd" in text
    assert "Traceback" not in text
    assert list(scan_dir(out / "publik", mode="public")) == []


@pytest.mark.parametrize(
    "pattern",
    [
        "hotspots.gpkg",
        "hotspots_gi_bin.tif",
        "hotspots_kde_class.tif",
        "hotspots.json",
        "karta_omrade_*.html",
        "karta_hotspots_*.html",
        "omrade_*.html",
        "lagesbild_*.html",
        "indikatorer*.csv",
        "indikatorer*.xlsx",
        "est_*.html",
        "utvardering_*.html",
        "offentliggorande.html",
    ],
)
def test_public_set_has_every_product(demo_out, pattern):
    out, _ = demo_out
    assert list((out / "publik").glob(pattern)), pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "hotspots_gistar.tif",
        "hotspots_kde.tif",
        "hotspots.gpkg",
        "karta_omrade_*.html",
        "karta_hotspots_*.html",
        "karta_est_*.html",
        "omrade_*.html",
        "lagesbild_*.html",
        "est_*.html",
        "est_*.gpkg",
        "*plan*.xlsx",
        "*plan*.html",
        "utvardering_*.html",
        "validering.json",
    ],
)
def test_internal_set_has_every_product(demo_out, pattern):
    out, _ = demo_out
    assert list((out / "internt").glob(pattern)), pattern


def test_one_area_report_and_map_per_demo_area(demo_out):
    out, _ = demo_out
    public = out / "publik"
    assert len(list(public.glob("omrade_*.html"))) == 25
    assert len(list(public.glob("karta_omrade_*.html"))) == 25


def test_internal_set_is_marked_and_quarantine_never_public(demo_out):
    out, _ = demo_out
    internal_findings = [
        f for f in scan_dir(out / "internt", mode="internal") if f.rule == "MARKING_MISSING"
    ]
    assert internal_findings == []
    assert not [p for p in (out / "publik").rglob("*") if "karantan" in p.name]
    assert "INTERNT – ej för spridning" in (out / "internt" / "lagesbild_2026.html").read_text(
        encoding="utf-8"
    )
