"""One bad value never stops a product (issue 14, item 6).

A small project of three areas: one area's name holds markup, another a right-to-left override
(U+202E), the third starts like a formula; a walk observation holds ``<script>``, U+202E and a
formula-like text. ``plan --all``, ``area --all`` and ``map --all`` write every area; the
internal XLSX opens with the text neutralised; no bidi control reaches any output. One area
forced to fail (a renderer that raises, or a file the gate refuses) is reported with its rule
on stderr and in the exit summary, the others are written, and the exit code is 4.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tryggaplatser.cli import cli
from tryggaplatser.publish.audit import scan_dir

# Unicode's Bidi_Control set (PropList.txt), written out here independently of the package
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

NORR = "<b>Norr</b><script>alert(1)</script>"
SODER = "Söder \u202eredöS\u202c"
VASTER = "=1+2 Väster"
COMMENT = "<script>alert(2)</script> byt lampan \u202eetoh\u202c"
FORMULA = '=HYPERLINK("http://evil.example","x")'
RESPONSIBLE = "@SUM(A1)"
AREAS = ("A1", "A2", "A3")


def write_project(root: Path) -> Path:
    """Three 1 km areas, 300 incidents over 2025, two walks with three observations."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point, box

    root.mkdir(parents=True, exist_ok=True)
    x0, y0 = 674000, 6580000
    gpd.GeoDataFrame(
        {"area_id": list(AREAS), "name": [NORR, SODER, VASTER], "population": [1200, 900, 1500]},
        geometry=[box(x0 + i * 1000, y0, x0 + (i + 1) * 1000, y0 + 1000) for i in range(3)],
        crs=3006,
    ).to_file(root / "omraden.geojson", driver="GeoJSON")
    lines = ["id;tid;kategori;kalla;x;y"]
    cats = ["klotter", "skadegorelse", "nedskrapning"]
    for i in range(300):
        x = x0 + (i % 3) * 1000 + 50 + (i * 37) % 900
        y = y0 + 50 + (i * 53) % 900
        month, day = 1 + (i * 7) % 12, 1 + (i * 3) % 27
        lines.append(f"{i};2025-{month:02d}-{day:02d} 21:{i % 60:02d};{cats[i % 3]};est;{x};{y}")
    (root / "handelser.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gpd.GeoDataFrame(
        {"walk_id": ["W1", "W2"], "date": ["2025-10-01", "2025-10-02"], "area_id": ["A1", "A2"]},
        geometry=[
            LineString([(x0 + 100, y0 + 100), (x0 + 900, y0 + 900)]),
            LineString([(x0 + 1100, y0 + 100), (x0 + 1900, y0 + 900)]),
        ],
        crs=3006,
    ).to_file(root / "vandringar.geojson", driver="GeoJSON")
    gpd.GeoDataFrame(
        {
            "observation_id": ["O1", "O2", "O3"],
            "walk_id": ["W1", "W1", "W2"],
            "perception": ["otrygg"] * 3,
            "problem_category": ["belysning", "belysning", "nedskrapning"],
            "status": ["ny", "ny", "skickad"],
            "responsible": ["<script>alert(3)</script>\u202e", RESPONSIBLE, "Parkenheten"],
            "proposed_measure": [COMMENT, FORMULA, "Mer belysning"],
        },
        geometry=[Point(x0 + 300, y0 + 300), Point(x0 + 600, y0 + 600), Point(x0 + 1500, y0 + 500)],
        crs=3006,
    ).to_file(root / "observationer.geojson", driver="GeoJSON")
    config = root / "tryggaplatser.toml"
    config.write_text(
        '[project]\nname = "Testkommun"\nmunicipality_code = "0000"\ncrs = "EPSG:3006"\n'
        'privacy_mode = "internal"\n'
        '[[layers.areas]]\nfile = "omraden.geojson"\n'
        '[[layers.incidents]]\nfile = "handelser.csv"\ncrs = "EPSG:3006"\n'
        '[[layers.walks]]\nfile = "vandringar.geojson"\n'
        '[[layers.walk_observations]]\nfile = "observationer.geojson"\n',
        encoding="utf-8",
    )
    return config


COMMANDS = {
    "plan": ["plan", "--all", "--date", "2026-01-15"],
    "area": ["area", "--all", "--no-map"],
    "map": ["map", "--all"],
}


def run(config: Path, out: Path, command: str):
    return CliRunner().invoke(cli, [*COMMANDS[command], "--config", str(config), "--out", str(out)])


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("bad_project"))


@pytest.fixture(scope="module")
def written(config, tmp_path_factory) -> Path:
    """Every command over every area into one internal folder."""
    out = tmp_path_factory.mktemp("ut")
    for command in COMMANDS:
        res = run(config, out, command)
        assert res.exit_code == 0, (command, res.output)
        assert "Traceback" not in res.output
    return out / "internt"


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _texts(folder: Path) -> dict[str, str]:
    """Every output's text: files as UTF-8, XLSX (zip) members one by one."""
    out = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    out[f"{path.name}/{member}"] = z.read(member).decode("utf-8", "replace")
        elif path.suffix == ".pdf":  # its text, page by page (the bytes are compressed)
            import pypdfium2

            doc = pypdfium2.PdfDocument(str(path))
            try:
                out[path.name] = "\n".join(page.get_textpage().get_text_range() for page in doc)
            finally:
                doc.close()
        else:
            out[path.name] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_every_area_is_written_by_every_command(written):
    names = _names(written)
    for area in AREAS:
        assert {f"handlingsplan_2025_{area}.{ext}" for ext in ("html", "xlsx", "csv")} <= names
    reports = {n for n in names if n.startswith("omrade_") and n.endswith(".html")}
    maps = {n for n in names if n.startswith("karta_omrade_")}
    assert len(reports) == 3 and len(maps) == 3
    assert {"indikatorer.xlsx", "indikatorer_omraden_kategorier.csv"} <= names
    assert scan_dir(written, mode="internal") == []


def test_no_bidi_control_in_any_output(written):
    texts = _texts(written)
    assert len(texts) > 20
    leaks = {
        name: hex(ord(ch)) for name, text in texts.items() for ch in BIDI_CONTROLS if ch in text
    }
    assert leaks == {}
    # nor as an escape inside a map's JavaScript or JSON
    assert not [n for n, t in texts.items() if "\\u202e" in t.lower() or "&#8238;" in t]
    # the text around them is kept
    maps = "".join(t for n, t in texts.items() if n.startswith("karta_omrade_"))
    assert "byt lampan etoh" in maps and "Söder redöS" in maps


def test_markup_is_escaped_in_html_and_plain_text_in_tables(written):
    texts = _texts(written)
    for name, text in texts.items():
        if name.endswith(".html"):
            assert "<script>alert(" not in text, name
    report = texts[next(n for n in texts if n.startswith("omrade_b-norr"))]
    assert "&lt;b&gt;Norr&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in report
    popup = texts[next(n for n in texts if n.startswith("karta_omrade_b-norr"))]
    assert "alert(2)" in popup and "<script>alert(2)" not in popup
    wb = load_workbook(written / "indikatorer.xlsx")
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert NORR in values and "Söder redöS" in values
    csv = (written / "indikatorer_omraden_kategorier.csv").read_text(encoding="utf-8-sig")
    assert f";{NORR};" in csv


def test_formula_like_text_is_neutralised_alike_in_xlsx_and_csv(written):
    cells = []
    for name in ("indikatorer.xlsx", "handlingsplan_2025_A1.xlsx", "handlingsplan_2025_A3.xlsx"):
        wb = load_workbook(written / name)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (name, ws.title, c.coordinate)
                    cells.append(c.value)
    strings = [v for v in cells if isinstance(v, str)]
    assert f"'{VASTER}" in strings and VASTER not in strings
    assert f"'{RESPONSIBLE}" in strings and RESPONSIBLE not in strings
    assert not [v for v in strings if v[:1] in ("=", "+", "@", "\t", "\r")]
    csv = (written / "indikatorer_omraden_kategorier.csv").read_text(encoding="utf-8-sig")
    assert f";'{VASTER};" in csv


# --------------------------------------------------------------------------- failing area


def _force_failure(monkeypatch, command: str) -> None:
    """Make area A2 fail in the command's per-area renderer (inherited by forked workers)."""
    from tryggaplatser.publish.maps import interactive
    from tryggaplatser.publish.reports import area_report, plan_report

    def failing(module, name, area_of):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            if area_of(*args) == "A2":
                raise RuntimeError("forced failure")
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    if command == "area":
        failing(area_report, "area_report", lambda analysis, aid, *a: aid)
    elif command == "plan":
        failing(plan_report, "write_plan", lambda plan, *a: plan.attrs.get("area_id"))
    else:
        failing(interactive, "neighbourhood_map", lambda target, *a: target)


@pytest.mark.usefixtures("no_pdf")  # which files are written, not how they print
@pytest.mark.parametrize("command", ["area", "plan", "map"])
def test_one_failing_area_is_reported_and_the_others_written(
    config, tmp_path, monkeypatch, command
):
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")  # area reports: the forked workers
    _force_failure(monkeypatch, command)
    res = run(config, tmp_path, command)
    assert res.exit_code == 4, res.output
    assert "Traceback" not in res.output
    # on stderr: the area at once, and the exit line with the summary rule
    assert "A2" in res.stderr and "[AREA_FAILED]" in res.stderr
    assert "RuntimeError: forced failure" in res.stderr
    assert "[SOME_AREAS_FAILED]" in res.stderr and "1 av 3" in res.stderr
    # in the exit summary on stdout
    assert "Ej skrivna: A2 [AREA_FAILED]" in res.stdout
    names = _names(tmp_path / "internt")
    if command == "plan":
        assert {f"handlingsplan_2025_{a}.xlsx" for a in ("A1", "A3")} <= names
        assert not [n for n in names if "A2" in n]
    else:
        prefix = "omrade_" if command == "area" else "karta_omrade_"
        written = {n for n in names if n.startswith(prefix) and n.endswith(".html")}
        assert len(written) == 2 and not [n for n in written if "soder" in n]
    assert scan_dir(tmp_path / "internt", mode="internal") == []


@pytest.mark.usefixtures("no_pdf")
def test_file_refused_by_the_gate_is_removed_and_the_others_written(config, tmp_path, monkeypatch):
    from tryggaplatser.publish import gate as gate_module
    from tryggaplatser.publish.audit import Finding

    original = gate_module.scan_file

    def refusing(path, *args, **kwargs):
        found = original(path, *args, **kwargs)
        if Path(path).name == "handlingsplan_2025_A2.xlsx":
            found.append(Finding(Path(path).name, "PERSONAL_DATA", "forced", "19••••••-••••"))
        return found

    monkeypatch.setattr(gate_module, "scan_file", refusing)
    res = run(config, tmp_path, "plan")
    assert res.exit_code == 4, res.output
    assert "A2: [AUDIT_FINDINGS]" in res.stderr and "Ej skrivna: A2 [AUDIT_FINDINGS]" in res.stdout
    folder = tmp_path / "internt"
    assert not (folder / "handlingsplan_2025_A2.xlsx").exists()
    manifest = json.loads((folder / "utgivning.json").read_text(encoding="utf-8"))["files"]
    assert "handlingsplan_2025_A2.xlsx" not in manifest
    assert {f"handlingsplan_2025_{a}.{e}" for a in ("A1", "A3") for e in ("xlsx", "csv")} <= set(
        manifest
    )


@pytest.mark.usefixtures("no_pdf")
def test_library_raises_areas_failed_with_what_was_written(config, tmp_path, monkeypatch):
    from tryggaplatser.errors import AreasFailed
    from tryggaplatser.publish.products import write_area_reports

    _force_failure(monkeypatch, "area")
    with pytest.raises(AreasFailed) as caught:
        write_area_reports(config, tmp_path, "internal", with_map=False)
    exc = caught.value
    assert exc.exit_code == 4 and exc.rule == "SOME_AREAS_FAILED"
    assert [(f.area_id, f.rule) for f in exc.failures] == [("A2", "AREA_FAILED")]
    assert all(p.exists() for p in exc.written)
    assert len([p for p in exc.written if p.name.startswith("omrade_")]) == 2
