"""The start page of an output folder: ``index.html`` lists every product the folder holds.

An output folder (``<out>/publik`` or ``<out>/internt``) collects what several commands wrote
into it: hotspot layers, maps, area reports, the lägesbild, the EST brief, action plans, the
evaluation, tables. :func:`write_index` lists them in one page, grouped by kind, with who each
product is for, its period and mode, relative links to every file and a thumbnail where a map
has a PNG. It is built from the folder's manifest (``utgivning.json``, written by
:meth:`~tryggaplatser.publish.gate.Gate.seal`: kind, mode and what the writer said about the
file — title, period, area) and the file names, so it lists exactly the files the gate released
into the folder, whichever command wrote them. Each product writer rewrites it when it finishes
(:func:`tryggaplatser.publish.products._common.finish_set`).

The cross-links live here: one row per area joins its report, its map and its action plan (by
the slug of the area's name, :func:`~tryggaplatser.publish.maps.interactive.slugify`), and the
area reports link to that row (``index.html#omrade-<slug>``). A report therefore never links to a
file that another command may not have written yet; the page is rewritten whenever one is.

The page is a report of the gate like any other: written with
:meth:`~tryggaplatser.publish.gate.Gate.write_html` (internal marking on internal pages, the
public audit rules on public ones), every text escaped by the report templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ... import _clock
from ...i18n import get_language, tr
from ..gate import INDEX_PAGE, MANIFEST, Gate, folder_lock, mode_text, read_manifest

__all__ = ["INDEX_PAGE", "Product", "folder_products", "write_index"]

_TABLE_READERS = ("analysts", "planners")
#: (file name pattern, section, audiences); the first match decides, ``key`` names the product
#: (files with the same key are one product in several formats, e.g. a plan's HTML/XLSX/CSV)
_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"(?P<key>omrade_.+)\.(?:html|pdf)", "areas", ("planners",)),
    (r"(?P<key>karta_omrade_.+)\.(?:html|png)", "areas", ("planners",)),
    (r"(?P<key>handlingsplan_.+)\.\w+", "areas", ("planners",)),
    (r"(?P<key>karta_(?:hotspots|est)_.+)\.(?:html|png)", "maps", ("est", "analysts")),
    (r"(?P<key>lagesbild_.+_indikatorer)(?:_.+)?\.(?:csv|xlsx)", "tables", _TABLE_READERS),
    (r"(?P<key>lagesbild_.+)\.(?:html|pdf)", "lagesbild", ("planners",)),
    (r"(?P<key>indikatorer)(?:_.+)?\.(?:csv|xlsx)", "tables", _TABLE_READERS),
    (r"(?P<key>est_\d{4}-W\d\d)(?:_.+)?\.\w+", "est", ("est",)),
    (r"(?P<key>est_\d{4}-\d\d)(?:_.+)?\.\w+", "est", ("est",)),
    (r"(?P<key>utvardering_.+)\.\w+", "evaluation", ("planners", "analysts")),
    (r"(?P<key>hotspots(?:_.+)?)\.(?:gpkg|tif|qml|json)", "layers", ("analysts",)),
    (r"(?P<key>qgis_projekt|omraden|bakgrund)\.(?:qgz|gpkg)", "layers", ("analysts",)),
    (r"(?P<key>riskfaktorer)\.(?:html|pdf)", "risk", ("planners", "analysts")),
    (r"(?P<key>riskyta|gatustrackor)\.(?:html|gpkg|tif|qml|png)", "risk", ("planners", "analysts")),
    (r"(?P<key>offentliggorande)\.(?:html|json)", "disclosure", ("analysts",)),
    (r"(?P<key>validering)\.json", "validation", ("analysts",)),
    (r"(?P<key>.+?)\.\w+", "other", ("analysts",)),
)

_SECTIONS = {
    "areas": ("Områden: rapporter, kartor och handlingsplaner", "Areas: reports, maps and plans"),
    "lagesbild": ("Lägesbild", "Lägesbild (situation picture)"),
    "est": ("EST-veckobrev och månadsöversikt", "EST brief and monthly overview"),
    "maps": ("Kartor", "Maps"),
    "evaluation": ("Utvärdering av åtgärder", "Evaluation of measures"),
    "layers": ("Hotspotlager, raster och GeoPackage", "Hot-spot layers, rasters and GeoPackage"),
    "tables": ("Tabeller", "Tables"),
    "risk": ("Riskfaktorer och gatusträckor", "Risk factors and street stretches"),
    "disclosure": ("Offentliggörandeprotokoll", "Disclosure report"),
    "validation": ("Validering av indata", "Input validation"),
    "other": ("Övriga filer", "Other files"),
}

_AUDIENCES = {
    "planners": ("planerare", "planners"),
    "est": ("EST-mötet", "the EST meeting"),
    "analysts": ("analytiker och GIS", "analysts and GIS"),
    "public": ("allmänheten", "the public"),
}

#: what a product is when no writer recorded a title (by product key, then by key prefix)
_TITLES = {
    "hotspots": ("Hotspotlager (alla lager) och sammanfattning", "Hot-spot layers and summary"),
    "hotspots_gi_bin": ("Hotspotklasser (Gi*), raster", "Hot-spot classes (Gi*), raster"),
    "hotspots_gistar": ("Gi*-värden (z), raster", "Gi* values (z), raster"),
    "hotspots_kde": ("Täthet (KDE), raster", "Density (KDE), raster"),
    "hotspots_kde_class": ("Täthetsklasser (KDE), raster", "Density classes (KDE), raster"),
    "qgis_projekt": (
        "QGIS-projekt med alla lager, grupperade och färdiga att öppna",
        "QGIS project with every layer, grouped and ready to open",
    ),
    "omraden": ("Områden och kommungräns (GeoPackage)", "Areas and municipal boundary"),
    "bakgrund": (
        "Bakgrundskarta: gator, vatten (och byggnader internt) för QGIS-projektet",
        "Background map: streets, water (and buildings internally) for the QGIS project",
    ),
    "indikatorer": ("Indikatortabeller för alla områden", "Indicator tables for every area"),
    "offentliggorande": (
        "Vad som undertrycktes eller grovgjordes i den publika mängden",
        "What was suppressed or coarsened in the public set",
    ),
    "validering": ("Valideringsrapport för indata", "Validation report of the inputs"),
    "karta_hotspots": ("Hotspotkarta", "Hot-spot map"),
    "karta_est": ("EST-karta med fokusplatser", "EST map with focus places"),
    "karta_omrade": ("Områdeskarta", "Area map"),
    "lagesbild": ("Lägesbild, tabeller", "Lägesbild, tables"),
    "riskyta": ("Riskyta (relativ risk per ruta)", "Risk surface (relative risk per cell)"),
    "riskyta_raster": ("Riskyta, raster (riskklasser)", "Risk surface, raster (risk classes)"),
    "gatustrackor": (
        "Gatusträckor: händelser och Gi* per sträcka",
        "Street stretches: incidents and Gi* per stretch",
    ),
}

_FORMATS = {
    ".html": ("Öppna", "Open"),
    ".png": ("Bild (PNG)", "Image (PNG)"),
    ".csv": ("CSV", "CSV"),
    ".xlsx": ("Excel", "Excel"),
    ".gpkg": ("GeoPackage", "GeoPackage"),
    ".tif": ("GeoTIFF", "GeoTIFF"),
    ".json": ("JSON", "JSON"),
    ".pdf": ("PDF", "PDF"),
    ".qgz": ("QGIS-projekt", "QGIS project"),
    ".qml": ("QGIS-stil", "QGIS style"),
}
_FORMAT_ORDER = (".html", ".pdf", ".xlsx", ".csv", ".qgz", ".gpkg", ".tif", ".qml", ".png", ".json")


def product_title(key: str) -> str:
    """What a product is (its title on the start page), or ``""`` for an unknown key."""
    return tr(*_TITLES[key]) if key in _TITLES else ""


@dataclass
class Product:
    """One product of a folder: the files sharing a key, and what the page says about them."""

    key: str
    section: str
    audiences: tuple[str, ...]
    files: list[str] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)

    def about(self, name: str) -> str:
        """The first recorded ``name`` (title, period, area…) of the product's files, HTML first."""
        ordered = sorted(
            zip(self.files, self.entries), key=lambda fe: (not fe[0].endswith(".html"), fe[0])
        )
        return next((str(e[name]) for _, e in ordered if e.get(name)), "")

    @property
    def modes(self) -> list[str]:
        return sorted({str(e.get("mode", "")) for e in self.entries})


def _classify(name: str) -> tuple[str, str, tuple[str, ...]]:
    for pattern, section, audiences in _RULES:
        m = re.fullmatch(pattern, name)
        if m:
            return m.group("key"), section, audiences
    return name, "other", ("analysts",)  # pragma: no cover - the last rule matches any name


def folder_products(folder: str | Path) -> list[Product]:
    """The products of an output folder, from its manifest: every released file that is still
    there (except the start page itself), grouped into products by :data:`_RULES`."""
    folder = Path(folder)
    products: dict[str, Product] = {}
    for name, entry in sorted(read_manifest(folder).items()):
        if name in (INDEX_PAGE, MANIFEST) or not (folder / name).is_file():
            continue
        key, section, audiences = _classify(name)
        product = products.setdefault(key, Product(key, section, audiences))
        product.files.append(name)
        product.entries.append(dict(entry) if isinstance(entry, dict) else {})
    return list(products.values())


# ---------------------------------------------------------------------------------------------
# what each row says


def _title(p: Product) -> str:
    recorded = p.about("title")
    if recorded:
        return recorded
    prefix = next((k for k in sorted(_TITLES, key=len, reverse=True) if p.key.startswith(k)), "")
    text = tr(*_TITLES[p.key if p.key in _TITLES else prefix]) if prefix else p.key
    area = p.about("area")
    return f"{text}: {area}" if area else text


def _period(p: Product) -> str:
    """The recorded period, else one read from the product's name (week, month, year)."""
    recorded = p.about("period")
    if recorded:
        return recorded
    week = re.search(r"\d{4}-W\d\d", p.key)
    if week:
        return tr("vecka {w}", "week {w}", w=week.group(0))
    month = re.search(r"(?<!\d)\d{4}-\d\d(?![\d-])", p.key)
    if month:
        return tr("månad {m}", "month {m}", m=month.group(0))
    year = re.search(r"(?<![\d-])(20\d\d)(?![\d-])", p.key)
    if year:
        return tr("år {y}", "year {y}", y=year.group(1))
    return ""


def _audience(p: Product, public: bool) -> str:
    keys = list(p.audiences) + (["public"] if public and "public" not in p.audiences else [])
    return ", ".join(tr(*_AUDIENCES[k]) for k in keys)


def _links(p: Product) -> list[dict[str, str]]:
    """One link per file, in a fixed format order; several files of one format are told apart
    by the rest of their name (``CSV · kategorier``)."""
    files = sorted(
        p.files,
        key=lambda n: (
            _FORMAT_ORDER.index(Path(n).suffix) if Path(n).suffix in _FORMAT_ORDER else 99,
            n,
        ),
    )
    links = []
    for name in files:
        suffix = Path(name).suffix.lower()
        label = tr(*_FORMATS[suffix]) if suffix in _FORMATS else suffix.lstrip(".").upper()
        rest = Path(name).stem[len(p.key) :].strip("_")
        same = sum(1 for n in p.files if Path(n).suffix.lower() == suffix)
        if rest and same > 1:
            label = f"{label} · {rest}"
        links.append({"href": quote(name), "label": label, "name": name})
    return links


def _thumbnail(p: Product) -> dict[str, str] | None:
    png = next((n for n in sorted(p.files) if n.endswith(".png")), None)
    if png is None:
        return None
    return {"src": quote(png), "alt": tr("Miniatyr: {t}", "Thumbnail: {t}", t=_title(p))}


def _row(p: Product, public: bool) -> dict[str, Any]:
    return {
        "title": _title(p),
        "audience": _audience(p, public),
        "period": _period(p) or "–",
        "mode": ", ".join(mode_text(m) for m in p.modes),
        "links": _links(p),
        "thumbnail": _thumbnail(p),
    }


def _area_slug(p: Product) -> str:
    from ..maps.interactive import slugify

    area = p.about("area")
    if area:
        return slugify(area)
    m = re.fullmatch(r"(?:karta_)?omrade_(.+)", p.key)
    return m.group(1) if m else slugify(p.key)


def _area_rows(products: list[Product], public: bool) -> list[dict[str, Any]]:
    """One row per area: its report(s), map and plan side by side, anchored ``omrade-<slug>``."""
    rows: dict[str, dict[str, Any]] = {}
    for p in products:
        slug = _area_slug(p)
        row = rows.setdefault(
            slug, {"id": f"omrade-{slug}", "name": "", "report": [], "map": [], "plan": []}
        )
        row["name"] = row["name"] or p.about("area")
        column = (
            "map"
            if p.key.startswith("karta_")
            else "plan"
            if p.key.startswith("handlingsplan_")
            else "report"
        )
        row[column].append(_row(p, public))
    for slug, row in rows.items():
        row["name"] = row["name"] or slug
        row["period"] = next((r["period"] for r in row["report"] + row["map"]), "–")
    return sorted(rows.values(), key=lambda r: (r["name"].casefold(), r["id"]))


# ---------------------------------------------------------------------------------------------
# the page


def render_index(folder: str | Path, gate: Gate) -> str:
    """The start page of ``folder`` as HTML (before the gate's finalisation)."""
    from .report import _environment

    products = folder_products(folder)
    public = gate.public
    sections = []
    for key, (sv, en) in _SECTIONS.items():
        members = [p for p in products if p.section == key]
        if not members:
            continue
        section = {"key": key, "title": tr(sv, en), "n": sum(len(p.files) for p in members)}
        if key == "areas":
            section["areas"] = _area_rows(members, public)
            # draft plans are internal only (INTERNAL_ONLY): a public set has no plan column
            section["plans"] = not public or any(row["plan"] for row in section["areas"])
            if not section["plans"]:
                section["title"] = tr("Områden: rapporter och kartor", "Areas: reports and maps")
            tables = [p for p in products if p.key == "indikatorer"]
            section["tables"] = _row(tables[0], public) if tables else None
        else:
            section["rows"] = [_row(p, public) for p in members]
        sections.append(section)
    n_files = sum(len(p.files) for p in products)
    municipality = next((m for m in sorted({p.about("municipality") for p in products}) if m), "")
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            lang=get_language(),
            public=public,
            municipality=municipality,
            mode_label=mode_text(gate.mode),
            sections=sections,
            manifest=MANIFEST,
            t=_texts(n_files, public),
            issued=_clock.today().isoformat(),
        )
    )


def _texts(n_files: int, public: bool) -> dict[str, str]:
    return {
        "title": tr("Utdata – översikt", "Outputs – overview"),
        "intro": tr(
            "Den här mappen innehåller {n} filer. Här finns alla, ordnade efter slag, med vem de "
            "är till för, vilken period de gäller och länkar till varje format. Länkarna är "
            "relativa: flytta eller kopiera hela mappen så fungerar de ändå.",
            "This folder holds {n} files. They are all listed here, grouped by kind, with who "
            "they are for, the period they cover and a link to every format. The links are "
            "relative: move or copy the whole folder and they still work.",
            n=n_files,
        ),
        "mode_note": tr(
            "Publik mängd: varje fil har granskats enligt reglerna för offentliggörande; "
            "offentliggörandeprotokollet säger vad som undertrycktes.",
            "Public set: every file was audited under the publication rules; the disclosure "
            "report says what was suppressed.",
        )
        if public
        else tr(
            "Intern mängd: arbetsmaterial för kommunen, polisen och EST. Sprid inte filerna "
            "utanför de berörda.",
            "Internal set: working material for the municipality, the police and EST. Do not "
            "pass the files on beyond those concerned.",
        ),
        "contents": tr("Innehåll", "Contents"),
        "product": tr("Produkt", "Product"),
        "for": tr("För", "For"),
        "period": tr("Period", "Period"),
        "mode": tr("Version", "Version"),
        "files": tr("Filer", "Files"),
        "area": tr("Område", "Area"),
        "report": tr("Områdesrapport", "Area report"),
        "map": tr("Karta", "Map"),
        "plan": tr("Handlingsplan", "Action plan"),
        "tables": tr("Indikatortabeller för alla områden", "Indicator tables for every area"),
        "areas_for": tr(
            "För planerare: rapporten, kartan och handlingsplanen för varje område på en rad.",
            "For planners: each area's report, map and action plan on one row.",
        ),
        "areas_for_no_plans": tr(
            "För planerare: rapporten och kartan för varje område på en rad (handlingsplanerna "
            "är interna arbetsunderlag och finns bara i den interna mängden).",
            "For planners: each area's report and map on one row (the action plans are "
            "internal working material, in the internal set only).",
        ),
        "none": "–",
        "n_files": tr("filer", "files"),
        "n_file": tr("fil", "file"),
        "issued": tr("Uppdaterad", "Updated"),
        "footer": tr(
            "Sidan skrivs om varje gång ett kommando i tryggaplatser skriver i mappen. "
            "Förteckningen med kontrollsummor för varje fil:",
            "This page is rewritten each time a tryggaplatser command writes into the folder. "
            "The list with a checksum for every file:",
        ),
        "empty": tr("Mappen innehåller ännu inga produkter.", "The folder holds no products yet."),
    }


def write_index(folder: str | Path, gate: Gate) -> Path:
    """Write (or rewrite) ``index.html`` of ``folder`` through ``gate`` and return its path.

    Written under the folder's lock, so when two processes finish into one folder at once the
    page is written one after the other and the last one lists every file of the manifest.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        page = render_index(folder, gate)
        return gate.write_html(
            page, folder / INDEX_PAGE, kind="index", about={"title": tr("Översikt", "Overview")}
        )
