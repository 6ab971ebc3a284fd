"""Generator of the synthetic demo municipality "Exempelstad kommun (fiktiv)".

Everything is invented: the municipality, its 25 neighbourhoods (names chosen to be obviously
fictional), the organisations, the incidents, the safety walks and the dialogue pins. The
generator plants ground truth (hotspots, a near-repeat series, perception gaps, a lighting
measure with an effect and displacement, a silent source) and writes it to ``truth.json``
(format: ``docs/truth-format.md``).

The same ``seed`` and ``size`` give byte-identical files (GeoPackages get a fixed
``OGR_CURRENT_DATE``; XLSX archives get fixed timestamps).

Examples
--------
>>> from tryggaplatser.datasets.generate import generate_demo
>>> import tempfile
>>> truth = generate_demo(tempfile.mkdtemp(), size=500)
>>> truth["counts"]["incidents"], truth["counts"]["areas"]
(500, 25)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..policy import LOCAL_TZ

SEED = 20261127
DEFAULT_SIZE = 50_000
PERIOD_START = date(2023, 11, 27)  # Monday, ISO week 2023-W48
PERIOD_END = date(2026, 11, 22)  # Sunday, ISO week 2026-W47 (last complete week before 2026-11-27)
#: The fading hotspot F1: FADING_N events (at the default size) whose intensity halves every
#: FADING_HALF_LIFE_DAYS days over the whole period, still above the background at the end
#: (Esri's "diminishing hot spot": hot in ≥ 90 % of the periods and in the last, falling trend).
FADING_N = 700
FADING_HALF_LIFE_DAYS = 365
FADING_NOTE = (
    "intensiteten halveras var {d}:e dag under hela perioden, fortfarande förhöjd i slutet; "
    "intensity halves every {d} days over the whole period, still elevated at the end"
)
CRS = "EPSG:3006"
CENTRE = (648_000.0, 6_556_000.0)
MUNICIPALITY = "Exempelstad kommun (fiktiv)"
MUNICIPALITY_CODE = "9999"
TOWN = "Exempelstad"
FIXED_TIMESTAMP = "2026-11-27T00:00:00Z"
BASE_POLISEN = 400
BACKGROUND_CONTRAST = 0.6

# index 0 = centre, 1-7 inner ring, 8-24 outer ring
AREA_NAMES = [
    "Exempelstad centrum",
    "Påhittsberga",
    "Testfallsmora",
    "Modellvik",
    "Provdataåsen",
    "Demohagen",
    "Låtsasdal",
    "Skissvik",
    "Utkastberga",
    "Exempelby",
    "Prototorp",
    "Simulunda",
    "Verksområdet Exempel",
    "Kalkylsta",
    "Datahöjden",
    "Pixelparken",
    "Rutnätsgärdet",
    "Koordinatbacken",
    "Vektorholmen",
    "Polygonängen",
    "Slumpmossen",
    "Slumpfröskogen",
    "Skalfaktorn",
    "Hypotesängen",
    "Nollpunkten",
]
POPULATION = [
    3900,
    3600,
    3200,
    2800,
    3400,
    2500,
    3000,
    2700,
    2100,
    2400,
    1800,
    1500,
    28,
    2600,
    1900,
    2300,
    1700,
    1200,
    2000,
    1600,
    1100,
    310,
    1300,
    460,
    1400,
]
POPULATION_YEAR = 2025

# category -> hour-of-day profile name, weekday profile name, season profile name
CATEGORY_PROFILES: dict[str, tuple[str, str, str]] = {
    "skadegorelse": ("kvall_natt", "helg", "sommar"),
    "klotter": ("natt", "helg", "var_host"),
    "brand": ("kvall_natt", "helg", "var"),
    "nedskrapning": ("morgon", "jamn", "sommar"),
    "ordningsstorning": ("kvall_natt", "helg", "sommar"),
    "samlingar": ("kvall", "helg", "sommar"),
    "narkotika": ("kvall", "jamn", "jamn"),
    "hot_vald": ("kvall_natt", "helg", "sommar"),
    "hot_vald_personal": ("dag_kvall", "vardag", "jamn"),
    "inbrott": ("dag_natt", "jamn", "morker"),
    "stold": ("dag", "jamn", "jamn"),
    "fordon": ("kvall", "helg", "sommar"),
    "fyrverkerier": ("kvall_natt", "jamn", "nyar"),
    "allvarligt_vald": ("natt", "jamn", "jamn"),
    "fysisk_brist": ("kontor", "kontor", "morker"),
    "otrygg_plats": ("dag_kvall", "jamn", "morker"),
    "arrangemang": ("kvall", "helg", "sommar"),
    "ovrigt": ("dag", "jamn", "jamn"),
}

# Source -> (file-level category label per code, share of background, reporting orgs)
SOURCE_LABELS: dict[str, dict[str, str]] = {
    "est": {
        "skadegorelse": "Skadegörelse",
        "klotter": "Klotter",
        "brand": "Brand",
        "nedskrapning": "Nedskräpning",
        "ordningsstorning": "Ordningsstörning",
        "samlingar": "Störande samlingar",
        "narkotika": "Misstänkt narkotika",
        "hot_vald": "Hot/våld allmän plats",
        "hot_vald_personal": "Hot/våld mot personal",
        "stold": "Stöld",
        "fordon": "Buskörning",
        "fyrverkerier": "Fyrverkerier",
        "otrygg_plats": "Otrygg plats",
        "arrangemang": "Arrangemang",
        "inbrott": "Inbrott",
        "ovrigt": "Övrigt",
    },
    "bostadsbolag": {
        "skadegorelse": "skadegörelse",
        "klotter": "klotter",
        "nedskrapning": "nedskräpning/grovsopor",
        "inbrott": "inbrott förråd/källare",
        "brand": "brand i soprum/miljöhus",
        "samlingar": "störande ungdomsgrupp",
        "ordningsstorning": "störning",
        "stold": "stöld",
    },
    "vaktare": {
        "ordningsstorning": "Ordningsstörning",
        "samlingar": "Gruppering",
        "narkotika": "Narkotika (misstänkt)",
        "hot_vald": "Hot/våld",
        "hot_vald_personal": "Hot mot väktare/personal",
        "fordon": "Moped/EPA-körning",
        "skadegorelse": "Skadegörelse",
        "stold": "Stöld/snatteri",
    },
    "felanmalan": {
        "fysisk_brist": "Trasig belysning",
        "klotter": "Klotter",
        "nedskrapning": "Nedskräpning",
        "skadegorelse": "Skadegörelse",
        "otrygg_plats": "Otrygg plats",
    },
}
BACKGROUND_MIX: dict[str, dict[str, float]] = {
    "est": {
        "skadegorelse": 18,
        "klotter": 11,
        "nedskrapning": 9,
        "ordningsstorning": 14,
        "samlingar": 10,
        "narkotika": 6,
        "hot_vald": 6,
        "hot_vald_personal": 3,
        "stold": 6,
        "fordon": 6,
        "brand": 3,
        "fyrverkerier": 2.5,
        "otrygg_plats": 2,
        "arrangemang": 1,
        "inbrott": 1.5,
        "ovrigt": 1,
    },
    "bostadsbolag": {
        "skadegorelse": 25,
        "klotter": 15,
        "nedskrapning": 20,
        "inbrott": 15,
        "brand": 5,
        "samlingar": 8,
        "ordningsstorning": 7,
        "stold": 5,
    },
    "vaktare": {
        "ordningsstorning": 25,
        "samlingar": 20,
        "narkotika": 12,
        "hot_vald": 10,
        "hot_vald_personal": 8,
        "fordon": 10,
        "skadegorelse": 10,
        "stold": 5,
    },
    "felanmalan": {
        "fysisk_brist": 55,
        "klotter": 18,
        "nedskrapning": 15,
        "skadegorelse": 9,
        "otrygg_plats": 3,
    },
}
SOURCE_DEFAULTS: dict[str, dict[str, str]] = {
    "bostadsbolag": {
        "source": "bostadsbolag",
        "reporting_org": "Exempelhem AB (fiktivt)",
        "location_precision": "adress",
    },
    "vaktare": {
        "source": "vaktare",
        "reporting_org": "Vaktbolaget Exempel AB (fiktivt)",
        "location_precision": "exakt",
    },
    "felanmalan": {
        "source": "felanmalan",
        "reporting_org": "Exempelstad kommun, gatuenheten",
        "location_precision": "exakt",
    },
}
SOURCE_SHARE = {"est": 0.44, "bostadsbolag": 0.25, "vaktare": 0.17, "felanmalan": 0.14}
SOURCE_PREFIX = {"est": "EST", "bostadsbolag": "EH", "vaktare": "VR", "felanmalan": "FA"}
REPORTING_ORGS: dict[str, list[str]] = {
    "est": [
        "Exempelstad kommun, fältgruppen",
        "Exempelstad kommun, fritidsgårdarna",
        "Exempelstad kommun, skolförvaltningen",
        "Exempelstad kommun, trygghetssamordnare",
        "Regionens kollektivtrafik (fiktiv)",
        "Centrumföreningen Exempelstad (fiktiv)",
        "Räddningstjänsten Exempelstad (fiktiv)",
    ],
    "bostadsbolag": ["Exempelhem AB (fiktivt)"],
    "vaktare": ["Vaktbolaget Exempel AB (fiktivt)"],
    "felanmalan": ["Exempelstad kommun, gatuenheten"],
}
POLISEN_TYPES = {
    "skadegorelse": "Skadegörelse",
    "brand": "Brand",
    "inbrott": "Inbrott",
    "hot_vald": "Misshandel",
    "stold": "Stöld",
    "narkotika": "Narkotikabrott",
    "ordningsstorning": "Ordningslagen",
    "fordon": "Trafikbrott",
}
POLISEN_MIX = {
    "skadegorelse": 22,
    "brand": 14,
    "inbrott": 16,
    "hot_vald": 18,
    "stold": 12,
    "narkotika": 8,
    "ordningsstorning": 6,
    "fordon": 4,
}
PLACE_TYPES: dict[str, list[str]] = {
    "est": [
        "gata_torg",
        "park_gronyta",
        "skolgard",
        "centrum_handel",
        "hallplats_station",
        "lekplats",
        "gangtunnel_passage",
        "idrott_fritid",
    ],
    "bostadsbolag": [
        "trapphus_kallare_forrad",
        "miljohus_soprum",
        "innergard",
        "parkering_garage",
        "lekplats",
    ],
    "vaktare": ["centrum_handel", "hallplats_station", "parkering_garage", "gata_torg"],
    "felanmalan": [
        "gata_torg",
        "park_gronyta",
        "gangtunnel_passage",
        "lekplats",
        "hallplats_station",
    ],
}
POLICE_PROB = {
    "inbrott": 0.85,
    "hot_vald": 0.6,
    "allvarligt_vald": 0.95,
    "stold": 0.5,
    "brand": 0.45,
    "skadegorelse": 0.3,
    "hot_vald_personal": 0.4,
    "narkotika": 0.3,
}
SEVERITY_BASE = {
    "allvarligt_vald": 3,
    "hot_vald": 2,
    "hot_vald_personal": 2,
    "brand": 2,
    "inbrott": 2,
    "narkotika": 2,
}

DESCRIPTIONS: dict[str, list[str]] = {
    "skadegorelse": [
        "Krossad ruta vid entrén.",
        "Sönderslagen papperskorg.",
        "Skadad bänk i parken.",
        "Sönderslagen busskur.",
    ],
    "klotter": [
        "Klotter på fasad mot gångvägen.",
        "Taggar på elskåp.",
        "Nytt klotter i gångtunneln.",
    ],
    "brand": ["Brand i papperskorg, släckt.", "Brand i container.", "Anlagd brand i soprum."],
    "nedskrapning": [
        "Mycket skräp efter helgen.",
        "Grovsopor utanför miljöhuset.",
        "Nedskräpning vid lekplatsen.",
    ],
    "ordningsstorning": [
        "Högljudda personer sent på kvällen.",
        "Störande musik i parken.",
        "Bråk utanför butiken.",
    ],
    "samlingar": ["Grupp ungdomar samlas vid entrén.", "Större samling vid torget."],
    "narkotika": ["Misstänkt langning vid gångvägen.", "Kanyler hittade i buskage."],
    "hot_vald": ["Slagsmål mellan två personer.", "Hot mot förbipasserande."],
    "hot_vald_personal": ["Personal hotad vid kassan.", "Chaufför hotad vid hållplatsen."],
    "inbrott": ["Inbrott i källarförråd, flera förråd uppbrutna.", "Uppbruten förrådsdörr."],
    "stold": ["Cykel stulen från cykelstället.", "Stöld ur bil på parkeringen."],
    "fordon": ["Mopeder kör på gångbanan.", "EPA-traktorer buskör på parkeringen."],
    "fyrverkerier": ["Raketer avfyrade mot fasad.", "Smällare i trapphuset."],
    "fysisk_brist": [
        "Gatlykta släckt.",
        "Belysningen i gångtunneln fungerar inte.",
        "Trasig armatur vid lekplatsen.",
        "Flera lampor släckta längs stråket.",
    ],
    "otrygg_plats": ["Mörkt och öde stråk.", "Skymd sikt vid passagen."],
    "arrangemang": ["Planerat evenemang på torget.", "Idrottsevenemang med mycket folk."],
    "ovrigt": ["Övrig iakttagelse.", "Se bifogad rapport."],
    "allvarligt_vald": ["Knall hörd, polis på plats."],
}
# Invented personal data: these must be redacted at import (they are never real people).
FAKE_PII = [
    "Boende med personnummer 850412-1234 ringde in.",
    "Kontakta fastighetsskötaren på 070-123 45 67.",
    "Anmälare: anna.exempel@example.com",
    "Bil med reg.nr ABC 123 stod på gångvägen.",
    "Polisens diarienummer 5000-K123456-24.",
    "Vittne 19900101-0017 kan kontaktas på 08-123 456 78.",
]

DIALOGUE_REASONS = [
    "belysning",
    "vegetation",
    "personer_grupper",
    "narkotika",
    "trafik",
    "ode_plats",
    "tidigare_handelse",
    "klotter_nedskrapning",
    "underhall",
    "annat",
]
DIALOGUE_COMMENTS_OTRYGG = [
    "Alldeles för mörkt på kvällen.",
    "Känns öde, ingen som ser en.",
    "Grupper som hänger här och kastar saker.",
    "Buskarna skymmer sikten.",
    "Undviker att gå här ensam.",
    "Mopeder kör fort på gångvägen.",
]
DIALOGUE_COMMENTS_TRYGG = [
    "Bra belysning och mycket folk.",
    "Trevlig park, trygg även på kvällen.",
    "Öppet och överblickbart.",
]
DIALOGUE_PII = [
    "Ring mig gärna på 070-123 45 67 om ni vill veta mer.",
    "Jag heter Exempel Exempelsson, 850412-1234.",
    "Mejla mig: test.person@example.com",
]
PROPOSED_MEASURES = {
    "belysning": (
        "Sätt upp fler armaturer längs gångstråket.",
        "belysning_ny",
        "kommun",
        "Exempelstad kommun, gatuenheten",
    ),
    "vegetation_skymd_sikt": (
        "Beskär buskage så att sikten blir fri.",
        "beskarning_rojning",
        "kommun",
        "Exempelstad kommun, parkenheten",
    ),
    "klotter": (
        "Sanera klotter inom 24 timmar.",
        "klottersanering",
        "kommunalt_bolag",
        "Exempelhem AB (fiktivt)",
    ),
    "nedskrapning": (
        "Tätare tömning av papperskorgar.",
        "stadning",
        "kommun",
        "Exempelstad kommun, parkenheten",
    ),
    "skadegorelse": (
        "Reparera och byt till tåligare material.",
        "reparation",
        "fastighetsagare",
        "Fiktiva Fastigheter AB",
    ),
    "otydliga_strak": (
        "Tydligare skyltning till hållplatsen.",
        "skyltning",
        "kommun",
        "Exempelstad kommun, gatuenheten",
    ),
    "gangtunnel_passage": (
        "Ljusare gångtunnel, måla om och förbättra belysningen.",
        "ombyggnad",
        "trafikverket",
        "Trafikverket",
    ),
    "ode_plats": (
        "Flytta cykelparkering och skapa mer rörelse på platsen.",
        "ombyggnad",
        "kommun",
        "Exempelstad kommun, samhällsbyggnadsförvaltningen",
    ),
    "brist_alternativ_vag": (
        "Anlägg en alternativ belyst gångväg.",
        "ombyggnad",
        "kommun",
        "Exempelstad kommun, samhällsbyggnadsförvaltningen",
    ),
    "entre_trapphus": (
        "Byt till ljusare entrébelysning och låsbar port.",
        "reparation",
        "kommunalt_bolag",
        "Exempelhem AB (fiktivt)",
    ),
    "trafik": (
        "Hastighetsdämpande åtgärd vid övergångsstället.",
        "ombyggnad",
        "region_kollektivtrafik",
        "Regionens kollektivtrafik (fiktiv)",
    ),
    "underhall_skotsel": (
        "Förbättra snöröjning av gångvägen.",
        "stadning",
        "kommun",
        "Exempelstad kommun, gatuenheten",
    ),
    "skyltning": (
        "Sätt upp skyltar med orienteringskarta.",
        "skyltning",
        "kommun",
        "Exempelstad kommun, gatuenheten",
    ),
    "samlingsplats": (
        "Öka vuxennärvaro kvällstid.",
        "narvaro_bevakning",
        "polis",
        "Polisen, lokalpolisområde Exempelstad (fiktivt)",
    ),
    "annat": ("Följ upp vid nästa vandring.", "annat", "okand", ""),
}


@dataclass
class Site:
    """One planted place (hotspot, series, gap, measure) in SWEREF 99 TM metres."""

    id: str
    kind: str
    x: float
    y: float
    radius_m: float
    categories: list[str] = field(default_factory=list)
    area_id: str = ""


@dataclass
class Municipality:
    """Geography of the fictional municipality."""

    boundary: Any
    areas: Any  # GeoDataFrame
    seeds: np.ndarray


# --------------------------------------------------------------------------------------------
# geography


def make_geography(rng: np.random.Generator) -> Municipality:
    """Build the municipal boundary and 25 neighbourhoods (clipped Voronoi cells).

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator.

    Returns
    -------
    Municipality
        Boundary polygon, areas GeoDataFrame (canonical columns) and seed points.
    """
    import geopandas as gpd
    import shapely

    cx, cy = CENTRE
    theta = np.linspace(0, 2 * np.pi, 257)[:-1]
    ph = rng.uniform(0, 2 * np.pi, 3)
    r = (
        1
        + 0.06 * np.sin(3 * theta + ph[0])
        + 0.04 * np.sin(5 * theta + ph[1])
        + 0.03 * np.sin(7 * theta + ph[2])
    )
    bx = np.round(cx + 5200 * r * np.cos(theta), 2)
    by = np.round(cy + 4000 * r * np.sin(theta), 2)
    boundary = shapely.Polygon(np.column_stack([bx, by]))

    seeds = [(cx + rng.normal(0, 80), cy + rng.normal(0, 80))]
    off = rng.uniform(0, 2 * np.pi)
    for k in range(7):
        a = off + 2 * np.pi * k / 7
        seeds.append(
            (
                cx + 1500 * 1.2 * np.cos(a) + rng.normal(0, 120),
                cy + 1500 * 0.95 * np.sin(a) + rng.normal(0, 120),
            )
        )
    off = rng.uniform(0, 2 * np.pi)
    for k in range(17):
        a = off + 2 * np.pi * k / 17
        seeds.append(
            (
                cx + 3300 * 1.25 * np.cos(a) + rng.normal(0, 150),
                cy + 3300 * 0.85 * np.sin(a) + rng.normal(0, 150),
            )
        )
    seeds_arr = np.round(np.array(seeds), 1)
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint(seeds_arr), extend_to=boundary.buffer(3000), ordered=True
    )
    polys = [shapely.intersection(c, boundary) for c in shapely.get_parts(cells)]
    polys = [shapely.normalize(shapely.make_valid(p)) for p in polys]
    n = len(AREA_NAMES)
    area_ids = [f"EX{i + 1:02d}" for i in range(n)]
    letters = ["C"] + ["C"] * 7 + ["B"] * 17
    for i in (12, 21, 23, 20, 17):
        letters[i] = "A"
    areas = gpd.GeoDataFrame(
        {
            "area_id": area_ids,
            "name": AREA_NAMES,
            "area_type": ["stadsdel"] * n,
            "code": [f"{MUNICIPALITY_CODE}{letters[i]}{i + 1:03d}0" for i in range(n)],
            "municipality_code": [MUNICIPALITY_CODE] * n,
            "population": POPULATION,
            "population_year": [POPULATION_YEAR] * n,
        },
        geometry=polys,
        crs=CRS,
    )
    return Municipality(boundary=boundary, areas=areas, seeds=seeds_arr)


def area_of(muni: Municipality, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Area id for each point (``""`` outside every area)."""
    import shapely

    out = np.full(len(x), "", dtype=object)
    for aid, geom in zip(muni.areas["area_id"], muni.areas.geometry):
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, x, y)
        out[inside & (out == "")] = aid
    return out


def sample_in_polygon(
    rng: np.random.Generator, geom: Any, n: int, margin: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform points inside ``geom`` (optionally at least ``margin`` m from its edge)."""
    import shapely

    target = geom.buffer(-margin) if margin else geom
    shapely.prepare(target)
    xmin, ymin, xmax, ymax = target.bounds
    fill = max(target.area / ((xmax - xmin) * (ymax - ymin)), 0.05)
    xs, ys, have = [np.empty(0)], [np.empty(0)], 0
    while have < n:
        m = int((n - have) / fill * 1.2) + 16
        px = rng.uniform(xmin, xmax, m)
        py = rng.uniform(ymin, ymax, m)
        ok = shapely.contains_xy(target, px, py)
        xs.append(px[ok])
        ys.append(py[ok])
        have += int(ok.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


# --------------------------------------------------------------------------------------------
# basemap: a fictional street network, buildings and water (own random stream)

# street-name themes: one per area, so names read like a real Swedish suburb (trees in one,
# flowers in another); generic names that exist in many towns, none tied to a real district
STREET_THEMES = [
    ["Björk", "Ek", "Lind", "Asp", "Lönn", "Rönn", "Hassel", "Al", "Alm", "Ask", "Sälg", "Hägg"],
    ["Ros", "Lilje", "Tulpan", "Syren", "Vallmo", "Klöver", "Viol", "Pion", "Malva", "Iris"],
    ["Trast", "Fink", "Lärk", "Sval", "Mås", "Tran", "Sparv", "Mes", "Stare", "Hök", "Örn"],
    ["Lingon", "Blåbärs", "Hallon", "Smultron", "Hjortron", "Krusbärs", "Vinbärs", "Nypon"],
    ["Smed", "Snickar", "Murar", "Målar", "Skräddar", "Bagar", "Bryggar", "Väver", "Repslagar"],
    ["Åker", "Äng", "Hag", "Gärdes", "Lad", "Log", "Såg", "Kvarn", "Tegel", "Kalk", "Hytt"],
    ["Sjö", "Strand", "Berg", "Back", "Ås", "Dal", "Skog", "Moss", "Kärr", "Bäck", "Käll"],
    ["Verktygs", "Verkstads", "Fabriks", "Lager", "Spår", "Last", "Montage", "Förråd", "Energi"],
    ["Skol", "Kyrk", "Park", "Torg", "Rådhus", "Post", "Bad", "Idrotts", "Apoteks", "Ting"],
    ["Sol", "Mån", "Stjärn", "Komet", "Planet", "Norrsken", "Regnbåge", "Moln", "Vind"],
    ["Tall", "Gran", "En", "Lärkträds", "Idegran", "Ceder", "Cypress", "Poppel", "Pil"],
    ["Fläder", "Hagtorn", "Slån", "Kornell", "Olvon", "Try", "Måbär", "Tibast", "Oxel"],
]
STREET_SUFFIXES = ["vägen", "gatan", "stigen", "gränd", "slingan", "backen"]
# the main streets through the town: (name, kind) of the centre's cross and the ring road
MAIN_STREETS = ["Storgatan", "Kyrkogatan", "Ringvägen"]
RADIAL_STREETS = [
    "Industrivägen",
    "Stationsvägen",
    "Landsvägen",
    "Gamla vägen",
    "Bruksvägen",
    "Länsvägen",
]
# theme of each area (index into STREET_THEMES): the centre gets the town names (Skolgatan,
# Parkvägen, Torggatan), the industrial area (index 12) the works names
AREA_THEME = [8, 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 0, 7, 1, 2, 3, 4, 5, 6, 9, 10, 11, 0, 1, 2]


@dataclass
class Basemap:
    """The demo's background layers (Swedish column names, as a municipality would have them)."""

    roads: Any  # GeoDataFrame: namn, vagtyp (huvudgata, lokalgata), LineString
    buildings: Any  # GeoDataFrame: byggnadstyp, Polygon
    water: Any  # GeoDataFrame: namn, Polygon


def make_basemap(muni: Municipality, rng: np.random.Generator) -> Basemap:
    """A fictional street network with names, buildings near the centre and water.

    Main streets: Storgatan (east–west) and Kyrkogatan (north–south) crossing in the centre, an
    elliptic Ringvägen and six radial roads to the municipal boundary. Local streets: a rotated
    grid in every area (160 m apart in the centre, 220 m in the inner ring, 300 m outside),
    clipped to the area, each line named from the area's theme (``STREET_THEMES``) so that a
    point of any area lies within about half a spacing of a named street.
    """
    import geopandas as gpd

    main = _main_streets(muni, rng)
    local = _local_streets(muni, rng)
    roads = gpd.GeoDataFrame(
        pd.DataFrame(main + local, columns=["namn", "vagtyp", "geometry"]),
        geometry="geometry",
        crs=CRS,
    )
    return Basemap(
        roads=roads,
        buildings=_buildings(roads, muni, rng),
        water=_water(muni, rng),
    )


def _rounded(geom: Any) -> Any:
    import shapely

    return shapely.set_precision(geom, 0.1)


def _main_streets(muni: Municipality, rng: np.random.Generator) -> list[tuple]:
    """Storgatan, Kyrkogatan, Ringvägen and the radial roads, clipped to the boundary."""
    import shapely

    cx, cy = CENTRE
    t = np.linspace(-1, 1, 41)
    wob = rng.uniform(0, 2 * np.pi, 2)
    rows = [
        ("Storgatan", shapely.LineString(np.c_[cx + 1900 * t, cy + 60 * np.sin(3 * t + wob[0])])),
        ("Kyrkogatan", shapely.LineString(np.c_[cx + 50 * np.sin(3 * t + wob[1]), cy + 1500 * t])),
    ]
    th = np.linspace(0, 2 * np.pi, 121)
    rows.append(
        ("Ringvägen", shapely.LineString(np.c_[cx + 2450 * np.cos(th), cy + 1900 * np.sin(th)]))
    )
    off = rng.uniform(0, 2 * np.pi)
    for k, name in enumerate(RADIAL_STREETS):
        a = off + 2 * np.pi * (k + 0.5) / len(RADIAL_STREETS)
        r = np.linspace(0.9, 2.4, 16)
        bend = rng.normal(0, 0.05)
        rows.append(
            (
                name,
                shapely.LineString(
                    np.c_[
                        cx + 2450 * r * np.cos(a + bend * r), cy + 1900 * r * np.sin(a + bend * r)
                    ]
                ),
            )
        )
    out = []
    for name, line in rows:
        clipped = _rounded(shapely.intersection(line, muni.boundary))
        for part in shapely.get_parts(clipped):
            if part.length > 50:
                out.append((name, "huvudgata", part))
    return out


def _local_streets(muni: Municipality, rng: np.random.Generator) -> list[tuple]:
    """A rotated grid of named local streets in every area, clipped to the area."""
    import shapely

    out = []
    for i, geom in enumerate(muni.areas.geometry):
        spacing = 160.0 if i == 0 else 220.0 if i < 8 else 300.0
        theme = STREET_THEMES[AREA_THEME[i]]
        # a theme met again in a later area takes the next pair of suffixes (Björkstigen)
        repeat = AREA_THEME[:i].count(AREA_THEME[i])
        suffixes = (STREET_SUFFIXES * 2)[2 * repeat : 2 * repeat + 2]
        # the two directions take disjoint halves of the theme (crossing streets never share a
        # prefix: no "Parkvägen vid Parkgatan") and their own suffixes, so no name repeats
        prefixes = [theme[j] for j in rng.permutation(len(theme))]
        halves = (prefixes[: len(prefixes) // 2], prefixes[len(prefixes) // 2 :])
        ends = (
            [suffixes[0], *[x for x in STREET_SUFFIXES if x not in suffixes][::2]],
            [suffixes[1], *[x for x in STREET_SUFFIXES if x not in suffixes][1::2]],
        )
        angle = rng.uniform(0, np.pi / 2)
        c = geom.centroid
        half = np.hypot(*np.subtract(geom.bounds[2:], geom.bounds[:2])) / 2 + spacing
        u = np.array([np.cos(angle), np.sin(angle)])
        v = np.array([-u[1], u[0]])
        for way, (direction, across) in enumerate(((u, v), (v, u))):
            k = 0
            own, end = halves[way], ends[way]
            start = rng.uniform(0, spacing)
            for off in np.arange(-half + start, half, spacing):
                mid = np.array([c.x, c.y]) + across * off
                line = shapely.LineString([mid - direction * half, mid + direction * half])
                clipped = _rounded(shapely.intersection(line, geom))
                parts = [p for p in shapely.get_parts(clipped) if p.length > 60]
                if not parts:
                    continue
                name = own[k % len(own)] + end[(k // len(own)) % len(end)]
                k += 1
                out.extend((name, "lokalgata", p) for p in parts)
    return out


def _buildings(roads: Any, muni: Municipality, rng: np.random.Generator) -> Any:
    """Small rectangles beside the local streets within 1 km of the centre (light context)."""
    import geopandas as gpd
    import shapely

    cx, cy = CENTRE
    polys = []
    local = roads[roads["vagtyp"] == "lokalgata"].geometry
    for line in local:
        if shapely.distance(line, shapely.Point(cx, cy)) > 1000:
            continue
        for d in np.arange(30.0, line.length - 30.0, 90.0):
            p = line.interpolate(d)
            q = line.interpolate(min(d + 1.0, line.length))
            ux, uy = (q.x - p.x), (q.y - p.y)
            norm = np.hypot(ux, uy) or 1.0
            ux, uy = ux / norm, uy / norm
            side = 1 if rng.random() < 0.5 else -1
            w, dep = rng.uniform(14, 30), rng.uniform(10, 16)
            ox, oy = p.x - uy * side * 22, p.y + ux * side * 22
            corners = [
                (ox - ux * w / 2, oy - uy * w / 2),
                (ox + ux * w / 2, oy + uy * w / 2),
                (ox + ux * w / 2 - uy * side * dep, oy + uy * w / 2 + ux * side * dep),
                (ox - ux * w / 2 - uy * side * dep, oy - uy * w / 2 + ux * side * dep),
            ]
            polys.append(_rounded(shapely.Polygon(corners)))
    return gpd.GeoDataFrame({"byggnadstyp": ["bostad"] * len(polys)}, geometry=polys, crs=CRS)


def _water(muni: Municipality, rng: np.random.Generator) -> Any:
    """A lake at the western edge (mostly outside the boundary) and a stream running into it."""
    import geopandas as gpd
    import shapely

    cx, cy = CENTRE
    th = np.linspace(0, 2 * np.pi, 49)[:-1]
    r = 1 + 0.12 * np.sin(3 * th + rng.uniform(0, 6)) + 0.06 * np.sin(5 * th)
    lake = shapely.Polygon(np.c_[cx - 5600 + 900 * r * np.cos(th), cy - 600 + 650 * r * np.sin(th)])
    t = np.linspace(0, 1, 30)
    stream = shapely.LineString(
        np.c_[cx - 4800 + 3600 * t, cy - 500 + 1400 * t + 120 * np.sin(6 * t + rng.uniform(0, 6))]
    ).buffer(9, quad_segs=2)
    geoms = [_rounded(lake.intersection(muni.boundary.buffer(1500))), _rounded(stream)]
    return gpd.GeoDataFrame({"namn": ["Sjön", "Ån"]}, geometry=geoms, crs=CRS)


def _write_basemap(out: Path, basemap: Basemap) -> None:
    """Write the street network, buildings and water to ``out/basemap``."""
    (out / "basemap").mkdir(parents=True, exist_ok=True)
    _write_gpkg(basemap.roads, out / "basemap" / "vagar.gpkg", "vagar")
    _write_gpkg(basemap.buildings, out / "basemap" / "byggnader.gpkg", "byggnader")
    _write_gpkg(basemap.water, out / "basemap" / "vatten.gpkg", "vatten")


# --------------------------------------------------------------------------------------------
# time


def _profiles() -> dict[str, dict[str, np.ndarray]]:
    h = np.arange(24)

    def bump(mu: float, sd: float) -> np.ndarray:
        d = np.minimum(np.abs(h - mu), 24 - np.abs(h - mu))
        return np.exp(-0.5 * (d / sd) ** 2)

    hour = {
        "kvall_natt": 0.15 + bump(22, 2.5) + 0.5 * bump(1, 1.5),
        "natt": 0.1 + bump(1, 2.0) + 0.4 * bump(22, 1.5),
        "kvall": 0.15 + bump(20, 2.5),
        "morgon": 0.1 + bump(8, 2.0) + 0.3 * bump(14, 3),
        "dag": 0.1 + bump(14, 3.5),
        "dag_kvall": 0.1 + bump(15, 4.0),
        "dag_natt": 0.4 + bump(12, 3.0) + 0.8 * bump(2, 2.0),
        "kontor": 0.03 + bump(10, 2.0) + 0.7 * bump(14, 1.8),
    }
    wd = {  # Monday .. Sunday
        "helg": np.array([0.8, 0.8, 0.85, 0.95, 1.45, 1.7, 1.15]),
        "jamn": np.ones(7),
        "vardag": np.array([1.1, 1.1, 1.1, 1.1, 1.05, 0.7, 0.6]),
        "kontor": np.array([1.25, 1.1, 1.05, 1.0, 0.9, 0.2, 0.15]),
    }
    season = {  # January .. December
        "sommar": np.array([0.7, 0.7, 0.8, 1.0, 1.25, 1.35, 1.3, 1.35, 1.1, 0.95, 0.8, 0.75]),
        "var_host": np.array([0.7, 0.8, 1.1, 1.25, 1.2, 1.0, 0.8, 0.9, 1.2, 1.2, 1.0, 0.8]),
        "var": np.array([0.7, 0.7, 1.0, 1.5, 1.6, 1.1, 1.0, 0.9, 0.8, 0.8, 0.8, 1.0]),
        "jamn": np.ones(12),
        "morker": np.array([1.5, 1.4, 1.1, 0.8, 0.6, 0.45, 0.45, 0.6, 0.9, 1.3, 1.6, 1.7]),
        "nyar": np.array([0.5, 0.08, 0.08, 0.15, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0]),
    }
    return {"hour": hour, "weekday": wd, "season": season}


@dataclass
class HourGrid:
    """Every local hour of the period with calendar features."""

    start: np.ndarray  # datetime64[s], local naive
    hod: np.ndarray
    night_dow: np.ndarray  # weekday of (hour - 6 h): Friday night counts as Friday
    month: np.ndarray
    special: dict[str, np.ndarray]
    valid: np.ndarray  # False for nonexistent/ambiguous local hours at DST changes


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def dst_invalid(t: np.ndarray) -> np.ndarray:
    """True for local times in 02:00-03:00 on the Swedish DST change days."""
    days = t.astype("datetime64[D]")
    hour = (t - days).astype("timedelta64[h]").astype(int)
    bad_days = []
    for year in range(1990, 2100):
        bad_days += [_last_sunday(year, 3), _last_sunday(year, 10)]
    bad = np.isin(days, np.array(bad_days, dtype="datetime64[D]"))
    return bad & (hour == 2)


def make_hour_grid() -> HourGrid:
    """Hourly calendar of the period (local time) with holiday markers."""
    start = np.datetime64(PERIOD_START, "s")
    n = ((PERIOD_END - PERIOD_START).days + 1) * 24
    t = start + np.arange(n).astype("timedelta64[h]")
    days = t.astype("datetime64[D]")
    hod = (t - days).astype("timedelta64[h]").astype(int)
    dow = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    night_days = (t - np.timedelta64(6, "h")).astype("datetime64[D]")
    night_dow = (night_days.astype(int) + 3) % 7
    month = (days.astype("datetime64[M]").astype(int) % 12) + 1
    md = pd.to_datetime(days).strftime("%m-%d").to_numpy()
    ones = np.ones(n)
    valborg = np.where((md == "04-30") & (hod >= 16), 5.0, 1.0)
    nyar = np.where(((md == "12-31") & (hod >= 18)) | ((md == "01-01") & (hod <= 3)), 120.0, 1.0)
    nyar = np.where(
        np.isin(md, ["12-26", "12-27", "12-28", "12-29", "12-30"]) & (hod >= 16),
        np.maximum(nyar, 10.0),
        nyar,
    )
    # midsummer eve: the Friday between 19 and 25 June
    mids = np.zeros(n, dtype=bool)
    for year in (2024, 2025, 2026):
        for d in range(19, 26):
            if date(year, 6, d).weekday() == 4:
                mids |= days == np.datetime64(date(year, 6, d))
    midsommar = np.where(mids & (hod >= 14), 3.0, 1.0)
    halloween = np.where(np.isin(md, ["10-31", "11-01"]) & (hod >= 17), 2.0, 1.0)
    special = {
        "ordningsstorning": valborg * midsommar * np.where(nyar > 1, 2.0, 1.0),
        "brand": valborg * np.where(nyar > 1, 3.0, 1.0),
        "samlingar": valborg * midsommar,
        "hot_vald": valborg * midsommar,
        "skadegorelse": halloween * np.where(nyar > 1, 1.5, 1.0),
        "fyrverkerier": nyar,
    }
    del dow, ones
    return HourGrid(
        start=t, hod=hod, night_dow=night_dow, month=month, special=special, valid=~dst_invalid(t)
    )


def hour_weights(grid: HourGrid, category: str) -> np.ndarray:
    """Relative intensity of ``category`` in every hour of the grid."""
    prof = _profiles()
    hp, wp, sp = CATEGORY_PROFILES[category]
    w = (
        prof["hour"][hp][grid.hod]
        * prof["weekday"][wp][grid.night_dow]
        * prof["season"][sp][grid.month - 1]
    )
    if category in grid.special:
        w = w * grid.special[category]
    return w * grid.valid


def sample_times(
    rng: np.random.Generator,
    grid: HourGrid,
    category: str,
    n: int,
    mask: np.ndarray | None = None,
    flat: bool = False,
) -> np.ndarray:
    """``n`` local timestamps (whole minutes) following the category's rhythm.

    ``mask`` restricts to some hours; ``flat`` ignores the seasonal profile's trend (used for
    planted windows so the rhythm stays but no extra trend is added).
    """
    if n <= 0:
        return np.array([], dtype="datetime64[s]")
    w = hour_weights(grid, category)
    if mask is not None:
        w = w * mask
    p = w / w.sum()
    idx = rng.choice(len(p), size=n, p=p)
    minutes = rng.integers(0, 60, n)
    return grid.start[idx] + (minutes * 60).astype("timedelta64[s]")


def fix_times(t: np.ndarray) -> np.ndarray:
    """Move local times out of the DST change hours (nonexistent or ambiguous) by +1 h."""
    bad = dst_invalid(t)
    return np.where(bad, t + np.timedelta64(1, "h"), t)


def make_unique(
    t: np.ndarray,
    cat: np.ndarray,
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
    min_gap_s: int = 60,
    near_m: float = 12.0,
    near_s: int = 12 * 60,
) -> np.ndarray:
    """Nudge timestamps forward so each category's events are well separated.

    Every (time, category) pair becomes unique with at least ``min_gap_s`` seconds between
    events of one category, and (when ``x``/``y`` are given) no two events of one category lie
    within ``near_m`` metres and ``near_s`` seconds of each other — so the clean demo never
    trips the importers' suspect-duplicate rule. DST-change hours are avoided throughout.
    """
    t = t.astype("datetime64[s]").copy()
    codes = pd.factorize(pd.Series(cat))[0]
    for _ in range(50):
        order = np.lexsort((t.astype(np.int64), codes))
        ts = t[order].astype(np.int64)
        cs = codes[order]
        # running maximum within each category: t'[i] = max(t[i], t'[i-1] + gap)
        starts = np.r_[True, cs[1:] != cs[:-1]]
        i = np.arange(len(ts), dtype=np.int64)
        grp_first = np.maximum.accumulate(np.where(starts, i, 0))
        shifted = ts - min_gap_s * (i - grp_first)
        # accumulate max per group: add a large offset per group to keep groups separate
        offset = cs.astype(np.int64) * (1 << 40)
        acc = np.maximum.accumulate(shifted + offset) - offset
        new = acc + min_gap_s * (i - grp_first)
        if x is not None and y is not None:
            xs, ys = x[order], y[order]
            bump = np.zeros(len(ts), dtype=bool)
            for k in range(1, 8):
                same = cs[k:] == cs[:-k]
                close_t = (new[k:] - new[:-k]) <= near_s
                close_d = np.hypot(xs[k:] - xs[:-k], ys[k:] - ys[:-k]) <= near_m
                bump[k:] |= same & close_t & close_d
            new = new + bump * (near_s + 60)
        else:
            bump = np.zeros(len(ts), dtype=bool)
        out = t.copy()
        out[order] = new.astype("datetime64[s]")
        out = fix_times(out)
        changed = (out != t).any()
        t = out
        if not changed and not bump.any():
            break
    return t


# --------------------------------------------------------------------------------------------
# incidents


def _gauss(
    rng: np.random.Generator, site: Site, n: int, sd: float
) -> tuple[np.ndarray, np.ndarray]:
    return site.x + rng.normal(0, sd, n), site.y + rng.normal(0, sd, n)


def _disk(
    rng: np.random.Generator, x: float, y: float, r0: float, r1: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the annulus r0 <= r < r1 around (x, y)."""
    rr = np.sqrt(rng.uniform(r0**2, r1**2, n))
    a = rng.uniform(0, 2 * np.pi, n)
    return x + rr * np.cos(a), y + rr * np.sin(a)


def _choose(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _source_for(
    rng: np.random.Generator, categories: np.ndarray, prefer: dict[str, float] | None = None
) -> np.ndarray:
    """Pick a reporting source that records each category."""
    prefer = prefer or SOURCE_SHARE
    out = np.empty(len(categories), dtype=object)
    for cat in np.unique(categories):
        idx = np.flatnonzero(categories == cat)
        mix = {s: w for s, w in prefer.items() if cat in SOURCE_LABELS[s]}
        out[idx] = _choose(rng, mix, len(idx))
    return out


@dataclass
class Plan:
    """All planted places with their parameters."""

    stable: list[Site]
    emerging: Site
    emerging_start: date
    fading: Site
    fading_half_life_days: int
    quiet: list[Site]
    near_repeat: Site
    nr_start: date
    gap_unsafe: Site
    gap_unperceived: Site
    lighting: Site
    lighting_buffer: float
    installed_on: date
    silent_source: str
    silent_from: date
    silent_to: date


def make_plan(muni: Municipality, rng: np.random.Generator) -> Plan:
    """Place the planted truths relative to the neighbourhood seed points."""
    s = muni.seeds

    def at(
        i: int,
        dx: float,
        dy: float,
        sid: str,
        kind: str,
        radius: float,
        cats: list[str] | None = None,
    ) -> Site:
        x, y = float(s[i, 0] + dx), float(s[i, 1] + dy)
        site = Site(sid, kind, round(x, 1), round(y, 1), radius, cats or [])
        site.area_id = str(area_of(muni, np.array([site.x]), np.array([site.y]))[0])
        return site

    stable = [
        at(
            0,
            150,
            -100,
            "S1",
            "stable",
            150,
            ["ordningsstorning", "samlingar", "narkotika", "hot_vald"],
        ),
        at(2, -120, 80, "S2", "stable", 150, ["skadegorelse", "klotter", "hot_vald"]),
        at(5, 100, 120, "S3", "stable", 150, ["brand", "skadegorelse", "fordon", "samlingar"]),
        at(12, 0, 0, "S4", "stable", 150, ["stold", "skadegorelse", "nedskrapning", "fordon"]),
    ]
    return Plan(
        stable=stable,
        emerging=at(
            9, 80, -60, "E1", "emerging", 150, ["skadegorelse", "fordon", "samlingar", "narkotika"]
        ),
        emerging_start=date(2026, 3, 23),
        fading=at(7, -90, -90, "F1", "fading", 150, ["klotter", "skadegorelse", "nedskrapning"]),
        fading_half_life_days=FADING_HALF_LIFE_DAYS,
        quiet=[
            at(21, 0, 0, "Q1", "quiet", 400),
            at(23, 0, 0, "Q2", "quiet", 400),
            at(19, 0, 0, "Q3", "quiet", 400),
        ],
        near_repeat=at(15, 60, 40, "NR1", "near_repeat", 300, ["inbrott"]),
        nr_start=date(2025, 9, 8),
        gap_unsafe=at(4, -100, 60, "P1", "feels_unsafe_few_incidents", 150),
        gap_unperceived=stable[3],
        lighting=at(
            18, 0, 0, "L1", "lighting", 200, ["skadegorelse", "ordningsstorning", "hot_vald"]
        ),
        lighting_buffer=400.0,
        installed_on=date(2025, 5, 19),
        silent_source="vaktare",
        silent_from=date(2026, 9, 7),
        silent_to=date(2026, 10, 11),
    )


def _days_mask(grid: HourGrid, start: date | None, end: date | None) -> np.ndarray:
    d = grid.start.astype("datetime64[D]")
    m = np.ones(len(d), dtype=bool)
    if start is not None:
        m &= d >= np.datetime64(start)
    if end is not None:
        m &= d <= np.datetime64(end)
    return m


def background(
    muni: Municipality, plan: Plan, rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Background incidents: x, y, source, category (times are drawn later).

    Uniform within each area with intensity ∝ area × (1 + c × density / max density), then
    thinned: almost nothing at the place that feels unsafe, none of the lighting measure's
    categories around it (the planted process supplies them) and half in the quiet zones.
    """
    area_km2 = muni.areas.area.to_numpy() / 1e6
    dens = np.array(POPULATION, dtype=float) / area_km2
    w = area_km2 * (1 + BACKGROUND_CONTRAST * dens / dens.max())
    counts = rng.multinomial(n, w / w.sum())
    xs, ys = [], []
    for geom, k in zip(muni.areas.geometry, counts):
        px, py = sample_in_polygon(rng, geom, int(k), margin=15)
        xs.append(px)
        ys.append(py)
    bx, by = np.concatenate(xs), np.concatenate(ys)
    src = _choose(rng, SOURCE_SHARE, n)
    cats = np.empty(n, dtype=object)
    for s in SOURCE_SHARE:
        idx = np.flatnonzero(src == s)
        cats[idx] = _choose(rng, BACKGROUND_MIX[s], len(idx))
    gu, lt = plan.gap_unsafe, plan.lighting
    keep = ~((np.hypot(bx - gu.x, by - gu.y) < 300) & (rng.uniform(size=n) < 0.92))
    keep &= ~(
        (np.hypot(bx - lt.x, by - lt.y) < plan.lighting_buffer + 10) & np.isin(cats, lt.categories)
    )
    for q in plan.quiet:
        keep &= ~((np.hypot(bx - q.x, by - q.y) < q.radius_m) & (rng.uniform(size=n) < 0.5))
    return bx[keep], by[keep], src[keep], cats[keep]


def make_incidents(
    muni: Municipality, plan: Plan, rng: np.random.Generator, grid: HourGrid, size: int
) -> pd.DataFrame:
    """All incidents in canonical columns plus ``x``, ``y`` (EPSG:3006), sorted by time.

    Parameters
    ----------
    muni, plan : Municipality, Plan
        Geography and planted truths.
    rng : numpy.random.Generator
        Seeded generator.
    grid : HourGrid
        Hourly calendar.
    size : int
        Approximate total number of incidents.

    Returns
    -------
    pandas.DataFrame
        Columns: incident_id, occurred_at, occurred_end (local naive datetime64), category,
        source, time_precision, reporting_org, severity, place_type, location_precision,
        reported_to_police, description, x, y, planted (site id or "").
    """
    f = size / DEFAULT_SIZE
    # --- planted clusters
    parts = [
        _cluster(rng, grid, site, round(n * f), 55)
        for site, n in zip(plan.stable, (1500, 1100, 900, 1000))
    ]
    parts.append(_cluster(rng, grid, plan.emerging, round(450 * f), 55, start=plan.emerging_start))
    parts.append(
        _cluster(
            rng, grid, plan.fading, round(FADING_N * f), 55, half_life=plan.fading_half_life_days
        )
    )
    parts += _lighting_incidents(plan, rng, grid, f)
    parts.append(_near_repeat_incidents(plan, rng, f))
    planted_n = sum(len(p["x"]) for p in parts)
    n_polisen = round(BASE_POLISEN * f)
    n_bg = max(size - planted_n - n_polisen, 0)
    parts.append(_background_incidents(muni, plan, rng, grid, n_bg))
    parts.append(_polisen_incidents(muni, rng, grid, n_polisen))
    df = _assemble_incidents(parts, plan)
    # --- optional columns (the order of the random draws is part of the demo data)
    _add_time_precision(df, rng)
    _add_reporter_and_severity(df, rng)
    _add_place_columns(df, rng)
    _add_police_and_description(df, rng)
    df.insert(0, "incident_id", _incident_ids(df))
    return df[_INCIDENT_COLUMNS]


_INCIDENT_COLUMNS = [
    "incident_id",
    "occurred_at",
    "occurred_end",
    "category",
    "source",
    "time_precision",
    "reporting_org",
    "severity",
    "place_type",
    "location_precision",
    "reported_to_police",
    "description",
    "x",
    "y",
    "planted",
]


def _part(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, cat: np.ndarray, src: np.ndarray, tag: str
) -> dict[str, np.ndarray]:
    """One batch of incidents as columns, tagged with the planted site id (or "")."""
    return {
        "x": x,
        "y": y,
        "t": t,
        "category": cat,
        "source": src,
        "planted": np.full(len(x), tag, dtype=object),
    }


def _times_by_category(
    rng: np.random.Generator, grid: HourGrid, cats: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Times for ``cats``, each category with its own rhythm (drawn category by category)."""
    ts = np.empty(len(cats), dtype="datetime64[s]")
    for c in np.unique(cats):
        idx = np.flatnonzero(cats == c)
        ts[idx] = sample_times(rng, grid, c, len(idx), mask)
    return ts


def _cluster(
    rng: np.random.Generator,
    grid: HourGrid,
    site: Site,
    n: int,
    sd: float,
    start: date | None = None,
    end: date | None = None,
    half_life: float | None = None,
) -> dict[str, np.ndarray]:
    """A planted Gaussian cluster of ``n`` incidents at ``site`` between ``start`` and ``end``;
    with ``half_life`` (days) its intensity decays exponentially from the period's start."""
    cats = _choose(rng, dict.fromkeys(site.categories, 1.0), n)
    mask = _days_mask(grid, start, end).astype(float)
    if half_life is not None:
        days = (grid.start - np.datetime64(PERIOD_START, "s")) / np.timedelta64(1, "D")
        mask *= 0.5 ** (days / half_life)
    ts = _times_by_category(rng, grid, cats, mask)
    x, y = _gauss(rng, site, n, sd)
    return _part(x, y, ts, cats, _source_for(rng, cats), site.id)


def _lighting_incidents(
    plan: Plan, rng: np.random.Generator, grid: HourGrid, f: float
) -> list[dict[str, np.ndarray]]:
    """The lighting measure's disk and ring: all events of its categories, before and after."""
    lt = plan.lighting
    inst = plan.installed_on
    b0, a1 = inst - timedelta(weeks=52), inst + timedelta(weeks=52) - timedelta(days=1)
    pre_years = (b0 - PERIOD_START).days / 365.25
    post_years = (PERIOD_END - a1).days / 365.25
    rate_t, rate_r = 200 * f, 150 * f  # events per year before the measure
    spec = []
    # exact counts in the two equal 52-week windows, the same yearly rates outside them
    for r0, r1, rate, change in (
        (0, lt.radius_m, rate_t, 0.5),
        (lt.radius_m, plan.lighting_buffer, rate_r, 1.2),
    ):
        spec += [
            (r0, r1, rate * pre_years, None, b0 - timedelta(days=1)),
            (r0, r1, rate, b0, inst - timedelta(days=1)),
            (r0, r1, rate * change, inst, a1),
            (r0, r1, rate * change * post_years, a1 + timedelta(days=1), None),
        ]
    parts = []
    for r0, r1, n_f, start, end in spec:
        n = round(n_f)
        cats = _choose(rng, dict.fromkeys(lt.categories, 1.0), n)
        ts = _times_by_category(rng, grid, cats, _days_mask(grid, start, end))
        x, y = _disk(rng, lt.x, lt.y, r0, r1, n)
        parts.append(_part(x, y, ts, cats, _source_for(rng, cats), lt.id))
    return parts


def _near_repeat_incidents(plan: Plan, rng: np.random.Generator, f: float) -> dict[str, np.ndarray]:
    """The near-repeat burglary series: gaps 0.5-5 days, all within 95 m of the centre."""
    nr = plan.near_repeat
    n_nr = max(40, round(40 * f))
    gaps = rng.uniform(0.5, 5.0, n_nr - 1) if n_nr == 40 else rng.uniform(0.05, 0.25, n_nr - 1)
    offs = np.concatenate([[0.0], np.cumsum(gaps)])
    day0 = np.datetime64(plan.nr_start, "s") + np.timedelta64(20, "h")
    t_nr = day0 + (offs * 86400).astype("timedelta64[s]")
    t_nr = (t_nr.astype("datetime64[m]")).astype("datetime64[s]")
    x, y = _disk(rng, nr.x, nr.y, 0, 95, n_nr)
    return _part(
        x,
        y,
        t_nr,
        np.full(n_nr, "inbrott", dtype=object),
        np.full(n_nr, "bostadsbolag", dtype=object),
        nr.id,
    )


def _background_incidents(
    muni: Municipality, plan: Plan, rng: np.random.Generator, grid: HourGrid, n_bg: int
) -> dict[str, np.ndarray]:
    """Exactly ``n_bg`` background incidents over the whole municipality."""
    # somewhat denser where more people live (at most 1.6 × the sparsest density), so only the
    # planted clusters stand out
    parts_bg = [background(muni, plan, rng, n_bg)]
    for _ in range(5):  # top up what the thinning removed so the total is exactly `size`
        short = n_bg - sum(len(b[0]) for b in parts_bg)
        if short <= 0:
            break
        parts_bg.append(background(muni, plan, rng, int(short * 1.1) + 10))
    bx, by, src, cats = (np.concatenate([b[k] for b in parts_bg])[:n_bg] for k in range(4))
    ts = _times_by_category(rng, grid, cats)
    return _part(bx, by, ts, cats, src, "")


def _polisen_incidents(
    muni: Municipality, rng: np.random.Generator, grid: HourGrid, n_polisen: int
) -> dict[str, np.ndarray]:
    """Polisen's events, all at the municipality's centroid."""
    pc = muni.boundary.centroid
    pcat = _choose(rng, POLISEN_MIX, n_polisen)
    pts = _times_by_category(rng, grid, pcat)
    pts = pts + rng.integers(0, 60, n_polisen).astype("timedelta64[s]")
    return _part(
        np.full(n_polisen, pc.x),
        np.full(n_polisen, pc.y),
        pts,
        pcat,
        np.full(n_polisen, "polisen", dtype=object),
        "",
    )


def _assemble_incidents(parts: list[dict[str, np.ndarray]], plan: Plan) -> pd.DataFrame:
    """One frame of all parts: silent-source gap applied, times fixed and unique, sorted."""
    df = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    df["x"] = df["x"].round(2)
    df["y"] = df["y"].round(2)

    # the silent source: nothing from it in its gap (EST reporters covered the places)
    t = df["t"].to_numpy().astype("datetime64[s]")
    day = t.astype("datetime64[D]")
    gap = (
        (df["source"].to_numpy() == plan.silent_source)
        & (day >= np.datetime64(plan.silent_from))
        & (day <= np.datetime64(plan.silent_to))
    )
    df.loc[gap, "source"] = "est"

    t = fix_times(t)
    t = make_unique(
        t, df["category"].to_numpy().astype(str), df["x"].to_numpy(), df["y"].to_numpy()
    )
    df["occurred_at"] = t
    df = df.drop(columns="t").sort_values(["occurred_at", "category"], kind="mergesort")
    return df.reset_index(drop=True)


def _add_time_precision(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``occurred_end`` (burglary windows) and ``time_precision``."""
    n = len(df)
    cat = df["category"].to_numpy()
    src = df["source"].to_numpy()
    end = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    tp = np.full(n, "exakt", dtype=object)
    burg = cat == "inbrott"
    win = rng.uniform(4, 14, n) * 3600
    end[burg] = df["occurred_at"].to_numpy()[burg] + (win[burg] // 60 * 60).astype("timedelta64[s]")
    end[burg] = fix_times(end[burg])
    tp[burg] = "timme"
    approx = (~burg) & (rng.uniform(size=n) < 0.12) & (src != "polisen")
    tp[approx] = "timme"
    tp[(src == "felanmalan") & (rng.uniform(size=n) < 0.3)] = "dag"
    df["occurred_end"] = end
    df["time_precision"] = tp


def _add_reporter_and_severity(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``reporting_org`` (by source) and ``severity`` (by category, sometimes one more)."""
    n = len(df)
    cat = df["category"].to_numpy()
    src = df["source"].to_numpy()
    org = np.empty(n, dtype=object)
    for s, names in REPORTING_ORGS.items():
        idx = np.flatnonzero(src == s)
        org[idx] = np.array(names, dtype=object)[rng.integers(0, len(names), len(idx))]
    org[src == "polisen"] = "Polisen"
    df["reporting_org"] = org

    sev = np.array([SEVERITY_BASE.get(c, 1) for c in cat]) + (rng.uniform(size=n) < 0.15)
    df["severity"] = np.clip(sev, 1, 3).astype(np.int64)


def _add_place_columns(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``place_type`` (by source and planted site) and ``location_precision``."""
    n = len(df)
    src = df["source"].to_numpy()
    pt = np.empty(n, dtype=object)
    for s, opts in PLACE_TYPES.items():
        idx = np.flatnonzero(src == s)
        pt[idx] = np.array(opts, dtype=object)[rng.integers(0, len(opts), len(idx))]
    pt[src == "polisen"] = "annat"
    planted = df["planted"].to_numpy()
    site_place = {
        "S1": "centrum_handel",
        "S2": "hallplats_station",
        "S3": "skolgard",
        "S4": "parkering_garage",
        "E1": "idrott_fritid",
        "F1": "gangtunnel_passage",
        "L1": "park_gronyta",
        "NR1": "trapphus_kallare_forrad",
    }
    for sid, p in site_place.items():
        m = (planted == sid) & (rng.uniform(size=n) < 0.7)
        pt[m] = p
    df["place_type"] = pt

    lp = np.full(n, "exakt", dtype=object)
    lp[src == "bostadsbolag"] = "adress"
    est = src == "est"
    u = rng.uniform(size=n)
    lp[est & (u < 0.15)] = "adress"
    lp[est & (u >= 0.15) & (u < 0.22)] = "gata"
    lp[src == "polisen"] = "kommun_centroid"
    df["location_precision"] = lp


def _add_police_and_description(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``reported_to_police`` and ``description`` (a few with fake personal data)."""
    n = len(df)
    cat = df["category"].to_numpy()
    src = df["source"].to_numpy()
    prob = np.array([POLICE_PROB.get(c, 0.08) for c in cat])
    u = rng.uniform(size=n)
    rp = np.where(u < prob, "ja", np.where(u < prob + (1 - prob) * 0.85, "nej", "okand"))
    rp = rp.astype(object)
    rp[src == "polisen"] = "ja"
    df["reported_to_police"] = rp

    desc = np.full(n, "", dtype=object)
    has = (src != "polisen") & (src != "vaktare") & (rng.uniform(size=n) < 0.06)
    pii = has & (rng.uniform(size=n) < 0.08)
    pick = rng.integers(0, 1000, n)
    for i in np.flatnonzero(has):
        opts = DESCRIPTIONS[cat[i]]
        text = opts[pick[i] % len(opts)]
        if pii[i]:
            text = f"{text} {FAKE_PII[pick[i] % len(FAKE_PII)]}"
        desc[i] = text
    # Polisen summaries
    for i in np.flatnonzero(src == "polisen"):
        desc[i] = f"{POLISEN_TYPES[cat[i]]} i {TOWN}. Polisen har upprättat en anmälan."
    df["description"] = desc


def _incident_ids(df: pd.DataFrame) -> np.ndarray:
    """Incident ids in each source's own style (EST per year, Polisen numeric)."""
    n = len(df)
    src = df["source"].to_numpy()
    ids = np.empty(n, dtype=object)
    years_arr = df["occurred_at"].dt.year.to_numpy()
    for s, prefix in SOURCE_PREFIX.items():
        idx = np.flatnonzero(src == s)
        if s == "est":
            seq = np.arange(1, len(idx) + 1)
            ids[idx] = [f"{prefix}-{yy}-{k:06d}" for yy, k in zip(years_arr[idx], seq)]
        else:
            ids[idx] = [f"{prefix}-{k:06d}" for k in range(1, len(idx) + 1)]
    pidx = np.flatnonzero(src == "polisen")
    ids[pidx] = [str(600000 + 7 * k) for k in range(len(pidx))]
    return ids


# --------------------------------------------------------------------------------------------
# walks, dialogue, surveys, measures


def _route(rng: np.random.Generator, x: float, y: float, radius: float = 380) -> np.ndarray:
    """A loop-like walking route through (x, y)."""
    k = int(rng.integers(6, 10))
    a0 = rng.uniform(0, 2 * np.pi)
    ang = a0 + np.linspace(0, 1.6 * np.pi, k)
    rr = radius * rng.uniform(0.6, 1.1, k)
    pts = np.column_stack([x + rr * np.cos(ang), y + rr * np.sin(ang)])
    mid = k // 2
    pts = np.vstack([pts[:mid], [[x, y]], pts[mid:]])
    return np.round(pts, 1)


def make_walks(
    muni: Municipality, plan: Plan, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Safety walks (with routes) and their observations.

    Returns
    -------
    walks, observations : pandas.DataFrame
        ``walks`` has canonical columns plus ``route`` (list of (x, y)); ``observations`` has
        canonical columns plus ``x``, ``y``.
    """
    import shapely

    walk_rows, obs_rows = [], []
    obs_no = 0
    for wid, wdate, light, (fx, fy), tg, n_obs, special in _walk_plan(muni, plan):
        route = _route(rng, fx, fy)
        aid = str(area_of(muni, np.array([fx]), np.array([fy]))[0])
        walk_rows.append(
            {
                "walk_id": wid,
                "date": wdate,
                "light_condition": light,
                "area_id": aid,
                "organiser": "Exempelstad kommun, trygghetssamordnare",
                "target_group": tg,
                "n_participants": int(rng.integers(6, 25)),
                "route": route,
            }
        )
        line = shapely.LineString(route)
        for k in range(n_obs):
            obs_no += 1
            obs_rows.append(
                _walk_observation(rng, plan, line, wid, wdate, (fx, fy), special, k, obs_no)
            )
    return pd.DataFrame(walk_rows), pd.DataFrame(obs_rows)


def _walk_plan(muni: Municipality, plan: Plan) -> list[tuple]:
    """The eight walks: id, date, light, focus (x, y), target group, n observations, special."""
    s = muni.seeds
    gu, lt = plan.gap_unsafe, plan.lighting
    return [
        # walk_id, date, light, focus (x, y), target group, n obs, special
        ("TV-2024-01", date(2024, 3, 12), "morker", (gu.x, gu.y), "kvinnor", 26, "gap"),
        ("TV-2024-02", date(2024, 10, 15), "morker", (lt.x, lt.y), "boende", 24, "light"),
        ("TV-2024-03", date(2024, 11, 5), "morker", tuple(s[0] + [-250, 200]), "blandad", 28, ""),
        ("TV-2025-01", date(2025, 4, 8), "dagsljus", tuple(s[2] + [200, -150]), "aldre", 22, ""),
        ("TV-2025-02", date(2025, 10, 21), "morker", (gu.x, gu.y), "unga", 26, "gap"),
        ("TV-2025-03", date(2025, 11, 18), "morker", tuple(s[13] + [100, 100]), "boende", 24, ""),
        (
            "TV-2026-01",
            date(2026, 9, 29),
            "morker",
            (plan.emerging.x, plan.emerging.y),
            "unga",
            26,
            "",
        ),
        (
            "TV-2026-02",
            date(2026, 10, 20),
            "morker",
            tuple(s[5] + [-200, -150]),
            "funktionsnedsattning",
            24,
            "",
        ),
    ]


_WALK_STATUS_OLD = {
    "atgardad": 55,
    "ej_atgardbar": 7,
    "avslagen": 5,
    "pagaende": 13,
    "planerad": 10,
    "skickad": 5,
    "ny": 5,
}
_WALK_STATUS_NEW = {"atgardad": 8, "pagaende": 12, "planerad": 20, "skickad": 30, "ny": 30}
_WALK_PROBLEMS = {
    "belysning": 14,
    "vegetation_skymd_sikt": 12,
    "klotter": 8,
    "nedskrapning": 8,
    "skadegorelse": 6,
    "otydliga_strak": 6,
    "gangtunnel_passage": 5,
    "ode_plats": 8,
    "brist_alternativ_vag": 3,
    "entre_trapphus": 6,
    "trafik": 6,
    "underhall_skotsel": 8,
    "skyltning": 3,
    "samlingsplats": 5,
    "annat": 2,
}


def _walk_observation(
    rng: np.random.Generator,
    plan: Plan,
    line: Any,
    wid: str,
    wdate: date,
    focus: tuple[float, float],
    special: str,
    k: int,
    obs_no: int,
) -> dict[str, Any]:
    """Observation ``k`` of a walk: place, perception, problem and (if unsafe) its follow-up."""
    fx, fy = focus
    avoid = plan.gap_unperceived
    d = rng.uniform(0, line.length)
    p = line.interpolate(d)
    ox, oy = p.x + rng.normal(0, 15), p.y + rng.normal(0, 15)
    perception = "otrygg" if rng.uniform() < 0.82 else "trygg"
    problem = str(_choose(rng, _WALK_PROBLEMS, 1)[0])
    if special == "gap" and k < 12:
        ang = rng.uniform(0, 2 * np.pi)
        rr = rng.uniform(0, 110)
        ox, oy = fx + rr * np.cos(ang), fy + rr * np.sin(ang)
        perception = "otrygg"
        problem = ("belysning", "ode_plats", "vegetation_skymd_sikt")[k % 3]
    if np.hypot(ox - avoid.x, oy - avoid.y) < 300:
        perception = "trygg"
    text, mtype, rtype, resp = PROPOSED_MEASURES[problem]
    row: dict[str, Any] = {
        "observation_id": f"OBS-{obs_no:04d}",
        "walk_id": wid,
        "perception": perception,
        "problem_category": problem,
        "priority": None,
        "proposed_measure": text,
        "measure_type": mtype,
        "responsible_type": rtype,
        "responsible": resp or None,
        "status": "ny",
        "reason_if_not": None,
        "decided_on": None,
        "due_on": None,
        "resolved_on": None,
        "photo_ref": f"foto_{wid}_{k + 1:02d}.jpg",
        "x": round(ox, 1),
        "y": round(oy, 1),
    }
    if perception == "trygg":
        row.update(
            priority="lag",
            proposed_measure="Bevara – platsen upplevs trygg.",
            measure_type=None,
            responsible_type=None,
            responsible=None,
        )
        return row
    return _follow_up(rng, row, plan, wdate, special, k)


def _follow_up(
    rng: np.random.Generator, row: dict[str, Any], plan: Plan, wdate: date, special: str, k: int
) -> dict[str, Any]:
    """Priority, status and dates of an unsafe observation (the planted lighting one fixed)."""
    lt = plan.lighting
    age_days = (PERIOD_END - wdate).days
    row["priority"] = str(_choose(rng, {"hog": 3, "medel": 5, "lag": 2}, 1)[0])
    status = str(_choose(rng, _WALK_STATUS_OLD if age_days > 300 else _WALK_STATUS_NEW, 1)[0])
    if special == "light" and k == 0:
        ang = rng.uniform(0, 2 * np.pi)
        row.update(
            x=round(lt.x + 40 * np.cos(ang), 1),
            y=round(lt.y + 40 * np.sin(ang), 1),
            problem_category="belysning",
            priority="hog",
            proposed_measure="Ny belysning längs gångstråket genom parken.",
            measure_type="belysning_ny",
            responsible_type="kommun",
            responsible="Exempelstad kommun, gatuenheten",
        )
        row.update(
            status="atgardad",
            decided_on=date(2024, 12, 10),
            due_on=date(2025, 6, 30),
            resolved_on=plan.installed_on,
        )
        return row
    if status in ("ny", "skickad"):
        row["status"] = status
        return row
    decided = wdate + timedelta(days=int(rng.integers(7, 60)))
    due = decided + timedelta(days=int(rng.integers(60, 180)))
    if decided > PERIOD_END:
        row["status"] = "skickad"
        return row
    row.update(decided_on=decided, due_on=due)
    if status == "atgardad":
        resolved = decided + timedelta(days=int(rng.integers(5, 300)))
        if resolved > PERIOD_END:
            status = "pagaende"
        else:
            row["resolved_on"] = resolved
    if status in ("ej_atgardbar", "avslagen"):
        row["due_on"] = None
        row["reason_if_not"] = (
            "Platsen ägs av annan part och åtgärden ryms inte i budgeten."
            if status == "ej_atgardbar"
            else "Bedöms inte nödvändig efter platsbesök."
        )
    row["status"] = status
    return row


def _lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    tr = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.round(lon, 6), np.round(lat, 6)


def make_dialogue(
    muni: Municipality, plan: Plan, rng: np.random.Generator, n_per_campaign: int = 2000
) -> pd.DataFrame:
    """Dialogue pins of two campaigns (2024 and 2026), canonical columns plus ``x``, ``y``."""
    campaigns = [
        ("dialog-2024", date(2024, 9, 2), date(2024, 10, 27)),
        ("dialog-2026", date(2026, 9, 7), date(2026, 10, 25)),
    ]
    rows = []
    rid = 0
    for cid, d0, d1 in campaigns:
        x, y, p, tag = _campaign_pins(muni, plan, rng, cid, n_per_campaign)
        n = len(x)
        days = (d1 - d0).days + 1
        sub = [d0 + timedelta(days=int(k)) for k in rng.integers(0, days, n)]
        hrs = rng.integers(7, 23, n)
        mins = rng.integers(0, 60, n)
        for i in range(n):
            rid += 1
            reasons, tod, comment_pool = _pin_reasons(rng, p[i], tag[i])
            comment = _pin_comment(rng, comment_pool)
            rows.append(
                _pin_row(
                    rng, cid, rid, p[i], tod, reasons, comment, sub[i], hrs[i], mins[i], x[i], y[i]
                )
            )
    return pd.DataFrame(rows)


def _campaign_pins(
    muni: Municipality, plan: Plan, rng: np.random.Generator, cid: str, n_per_campaign: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pin places of one campaign: the perception gap, hotspots, then by population."""
    pop = np.array(POPULATION, dtype=float)
    gu, avoid = plan.gap_unsafe, plan.gap_unperceived
    f = n_per_campaign / 2000
    xs, ys, perc, tags = [], [], [], []

    def pins(x: np.ndarray, y: np.ndarray, p: str, tag: str) -> None:
        xs.append(x)
        ys.append(y)
        perc.append(np.full(len(x), p, dtype=object))
        tags.append(np.full(len(x), tag, dtype=object))

    n_gap = round(170 * f)
    pins(*_gauss(rng, gu, n_gap, 65), "otrygg", "gap")
    hot = [*plan.stable[:3]]
    hot.append(plan.fading if cid == "dialog-2024" else plan.emerging)
    for site in hot:
        pins(*_gauss(rng, site, round(70 * f), 80), "otrygg", "hot")
    n_rest = n_per_campaign - sum(len(a) for a in xs)
    n_ot = round(n_rest * 0.5)
    counts = rng.multinomial(n_rest, pop / pop.sum())
    gx, gy = [], []
    for geom, k in zip(muni.areas.geometry, counts):
        px, py = sample_in_polygon(rng, geom, int(k), margin=15)
        gx.append(px)
        gy.append(py)
    gx, gy = np.concatenate(gx), np.concatenate(gy)
    order = rng.permutation(len(gx))
    gx, gy = gx[order], gy[order]
    pins(gx[:n_ot], gy[:n_ot], "otrygg", "")
    pins(gx[n_ot:], gy[n_ot:], "trygg", "")
    x, y = np.concatenate(xs), np.concatenate(ys)
    p = np.concatenate(perc)
    tag = np.concatenate(tags)
    # nobody feels unsafe at the unperceived hotspot (industrial area, empty at night)
    p[(np.hypot(x - avoid.x, y - avoid.y) < 350) & (p == "otrygg")] = "trygg"
    # keep the gap place dominated by its own reasons: no random pins right on it
    return x, y, p, tag


def _pin_reasons(
    rng: np.random.Generator, perception: str, tag: str
) -> tuple[list[str], list[str], list[str]]:
    """Reasons, times of day and the comment pool of one pin."""
    if perception == "otrygg":
        if tag == "gap":
            base = (
                ["belysning", "ode_plats"]
                if rng.uniform() < 0.6
                else [("belysning", "ode_plats")[int(rng.integers(0, 2))]]
            )
            if rng.uniform() < 0.3:
                base.append("vegetation")
            reasons = base
            tod = ["kvall", "natt"] if rng.uniform() < 0.6 else ["kvall"]
        else:
            k = int(rng.integers(1, 4))
            reasons = list(rng.choice(DIALOGUE_REASONS, size=k, replace=False, p=_reason_p()))
            tod = sorted(
                set(
                    rng.choice(
                        ["dag", "kvall", "natt", "morgon"],
                        size=int(rng.integers(1, 3)),
                        p=[0.1, 0.5, 0.35, 0.05],
                    ).tolist()
                ),
                key=["morgon", "dag", "kvall", "natt"].index,
            )
        comment_pool = DIALOGUE_COMMENTS_OTRYGG
    else:
        reasons = []
        tod = sorted(
            set(rng.choice(["morgon", "dag", "kvall"], size=int(rng.integers(1, 3))).tolist()),
            key=["morgon", "dag", "kvall", "natt"].index,
        )
        comment_pool = DIALOGUE_COMMENTS_TRYGG
    reasons = sorted(set(reasons), key=DIALOGUE_REASONS.index)
    return reasons, tod, comment_pool


def _pin_comment(rng: np.random.Generator, comment_pool: list[str]) -> str | None:
    """A comment for some pins (a very few with fake personal data)."""
    comment = None
    u = rng.uniform()
    if u < 0.15:
        comment = comment_pool[int(rng.integers(0, len(comment_pool)))]
        if u < 0.006:
            comment = f"{comment} {DIALOGUE_PII[int(rng.integers(0, len(DIALOGUE_PII)))]}"
    return comment


def _pin_row(
    rng: np.random.Generator,
    cid: str,
    rid: int,
    perception: str,
    tod: list[str],
    reasons: list[str],
    comment: str | None,
    day: date,
    hour: int,
    minute: int,
    x: float,
    y: float,
) -> dict[str, Any]:
    """One dialogue response in canonical columns (respondent fields drawn here)."""
    return {
        "response_id": f"{cid}-{rid:05d}",
        "campaign_id": cid,
        "perception": perception,
        "time_of_day": ";".join(tod),
        "weekday_type": "helg" if rng.uniform() < 0.35 else "vardag",
        "season": str(rng.choice(["vinter", "var", "sommar", "host"], p=[0.35, 0.15, 0.15, 0.35])),
        "reasons": ";".join(reasons) if reasons else None,
        "comment": comment,
        "age_group": str(
            rng.choice(
                ["0-15", "16-24", "25-44", "45-64", "65+"],
                p=[0.06, 0.18, 0.36, 0.25, 0.15],
            )
        ),
        "gender": str(
            rng.choice(["kvinna", "man", "annat", "vill_ej_ange"], p=[0.55, 0.38, 0.02, 0.05])
        ),
        "lives_in_area": bool(rng.uniform() < 0.7),
        "submitted_at": datetime(day.year, day.month, day.day, int(hour), int(minute)),
        "x": round(float(x), 1),
        "y": round(float(y), 1),
    }


def _reason_p() -> np.ndarray:
    w = np.array([18, 12, 20, 8, 8, 12, 8, 8, 4, 2], dtype=float)
    return w / w.sum()


def make_survey_indicators(
    muni: Municipality, plan: Plan, rng: np.random.Generator
) -> pd.DataFrame:
    """Survey indicators per area and year (shares in % and problem index 0-6)."""
    rows = []
    gap_area = plan.gap_unsafe.area_id
    hot_areas = {s.area_id for s in plan.stable[:3]}
    for src, years in (
        ("kommunens_enkat", (2024, 2026)),
        ("polisens_trygghetsmatning", (2023, 2025)),
    ):
        for aid, pop in zip(muni.areas["area_id"], muni.areas["population"]):
            if pop < 100:
                continue
            base = 22 + (14 if aid == gap_area else 0) + (9 if aid in hot_areas else 0)
            for yr in years:
                n = int(min(pop * rng.uniform(0.05, 0.12), 400))
                share = float(np.clip(base + rng.normal(0, 3) + (yr - 2024) * 0.5, 3, 80))
                idx = float(np.clip(1.2 + (base - 22) / 12 + rng.normal(0, 0.25), 0, 6))
                rows.append(
                    {
                        "source": src,
                        "year": yr,
                        "area_id": aid,
                        "indicator": "otrygg_sen_kvall_andel",
                        "value": round(share, 1),
                        "scale": "andel_procent",
                        "n": n,
                    }
                )
                rows.append(
                    {
                        "source": src,
                        "year": yr,
                        "area_id": aid,
                        "indicator": "problemindex",
                        "value": round(idx, 2),
                        "scale": "index_0_6",
                        "n": n,
                    }
                )
    return pd.DataFrame(rows)


def make_police_classification(muni: Municipality, plan: Plan) -> pd.DataFrame:
    """Fictional police classification (every two years) for a few areas."""
    s1, s2, s3 = (s.area_id for s in plan.stable[:3])
    rows = [
        (s1, 2021, "utsatt"),
        (s1, 2023, "riskomrade"),
        (s1, 2025, "utsatt"),
        (s2, 2021, "ej_listad"),
        (s2, 2023, "utsatt"),
        (s2, 2025, "utsatt"),
        (s3, 2023, "ej_listad"),
        (s3, 2025, "utsatt"),
    ]
    return pd.DataFrame(rows, columns=["area_id", "year", "classification"])


def make_measures(plan: Plan, observations: pd.DataFrame) -> pd.DataFrame:
    """Decided measures, including the planted lighting measure ``ATG-2025-001``.

    The body is long because it is a literal table, one dict per hand-written measure; it reads
    best whole, in the order the rows are written.
    """
    e1, s1, gu, f1 = plan.emerging, plan.stable[0], plan.gap_unsafe, plan.fading
    rows = [
        _lighting_measure(plan, observations),
        {
            "measure_id": "ATG-2026-004",
            "title": "Väktarnärvaro fredag–lördag kväll vid " + "idrottsplatsen",
            "type": "narvaro",
            "area_id": e1.area_id,
            "linked_categories": "skadegorelse;fordon;samlingar",
            "linked_observations": None,
            "linked_reasons": "personer_grupper",
            "responsible": "Vaktbolaget Exempel AB (fiktivt)",
            "partners": "Exempelstad kommun, fältgruppen",
            "decided_by": "est_mote",
            "status": "pagaende",
            "start": date(2026, 10, 5),
            "end": date(2026, 12, 31),
            "indicator": "Antal rapporter per vecka inom 150 m",
            "target_value": 5.0,
            "follow_up_on": date(2026, 11, 30),
            "x": e1.x,
            "y": e1.y,
        },
        {
            "measure_id": "ATG-2026-002",
            "title": "Kamerabevakning av torget",
            "type": "situationell",
            "area_id": s1.area_id,
            "linked_categories": "hot_vald;narkotika",
            "linked_observations": None,
            "linked_reasons": "personer_grupper;narkotika",
            "responsible": "Polisen, lokalpolisområde Exempelstad (fiktivt)",
            "partners": "Centrumföreningen Exempelstad (fiktiv)",
            "decided_by": "lagesbild",
            "status": "beslutad",
            "start": date(2026, 4, 1),
            "end": None,
            "indicator": "Andel otrygga på kvällen (kommunens enkät)",
            "target_value": 25.0,
            "follow_up_on": date(2026, 9, 30),
            "x": s1.x,
            "y": s1.y,
        },
        {
            "measure_id": "ATG-2026-003",
            "title": "Nattvandring fredagar i centrum",
            "type": "social",
            "area_id": s1.area_id,
            "linked_categories": "ordningsstorning;samlingar",
            "linked_observations": None,
            "linked_reasons": "personer_grupper",
            "responsible": "Exempelstad kommun, fältgruppen",
            "partners": "Föreningen Nattvandrarna Exempelstad (fiktiv)",
            "decided_by": "est_mote",
            "status": "pagaende",
            "start": date(2026, 5, 1),
            "end": None,
            "indicator": "Antal ordningsstörningar per helg",
            "target_value": None,
            "follow_up_on": date(2026, 12, 15),
            "x": s1.x + 60,
            "y": s1.y - 40,
        },
        {
            "measure_id": "ATG-2026-005",
            "title": "Belysning och röjning vid gångstråket i " + _name(gu.area_id),
            "type": "situationell",
            "area_id": gu.area_id,
            "linked_categories": None,
            "linked_observations": None,
            "linked_reasons": "belysning;ode_plats;vegetation",
            "responsible": "Exempelstad kommun, parkenheten",
            "partners": None,
            "decided_by": "medborgardialog",
            "status": "foreslagen",
            "start": None,
            "end": None,
            "indicator": "Andel otrygga pins inom 150 m",
            "target_value": None,
            "follow_up_on": date(2027, 3, 31),
            "x": gu.x,
            "y": gu.y,
        },
        {
            "measure_id": "ATG-2024-001",
            "title": "Klottersanering inom 24 timmar i gångtunneln",
            "type": "situationell",
            "area_id": f1.area_id,
            "linked_categories": "klotter;skadegorelse",
            "linked_observations": None,
            "linked_reasons": "klotter_nedskrapning",
            "responsible": "Exempelhem AB (fiktivt)",
            "partners": "Exempelstad kommun, gatuenheten",
            "decided_by": "est_mote",
            "status": "genomford",
            "start": date(2024, 9, 1),
            "end": date(2025, 5, 31),
            "indicator": "Antal klotterrapporter per månad",
            "target_value": 5.0,
            "follow_up_on": date(2025, 9, 1),
            "x": f1.x,
            "y": f1.y,
        },
        {
            "measure_id": "ATG-2025-002",
            "title": "Samverkan med fastighetsägare om skalskydd för källarförråd",
            "type": "samverkan",
            "area_id": plan.near_repeat.area_id,
            "linked_categories": "inbrott",
            "linked_observations": None,
            "linked_reasons": None,
            "responsible": "Exempelhem AB (fiktivt)",
            "partners": "Polisen, lokalpolisområde Exempelstad (fiktivt)",
            "decided_by": "est_mote",
            "status": "beslutad",
            "start": date(2025, 12, 1),
            "end": date(2026, 3, 31),
            "indicator": "Antal inbrott i förråd",
            "target_value": 0.0,
            "follow_up_on": date(2026, 4, 30),
            "x": plan.near_repeat.x,
            "y": plan.near_repeat.y,
        },
    ]
    return pd.DataFrame(rows)


def _lighting_measure(plan: Plan, observations: pd.DataFrame) -> dict[str, Any]:
    """The planted lighting measure, linked to the walk observation that proposed it."""
    lt = plan.lighting
    light_obs = observations.loc[
        (observations["walk_id"] == "TV-2024-02")
        & (observations["status"] == "atgardad")
        & (observations["measure_type"] == "belysning_ny"),
        "observation_id",
    ]
    return {
        "measure_id": "ATG-2025-001",
        "title": "Ny belysning längs parkstråket i " + _name(lt.area_id),
        "type": "situationell",
        "area_id": lt.area_id,
        "linked_categories": ";".join(lt.categories),
        "linked_observations": ";".join(light_obs),
        "linked_reasons": "belysning",
        "responsible": "Exempelstad kommun, gatuenheten",
        "partners": "Exempelhem AB (fiktivt)",
        "decided_by": "trygghetsvandring",
        "status": "genomford",
        "start": plan.installed_on,
        "end": plan.installed_on,
        "indicator": "Antal händelser (skadegörelse, ordningsstörning, hot/våld) inom 200 m",
        "target_value": -30.0,
        "follow_up_on": date(2026, 5, 18),
        "x": lt.x,
        "y": lt.y,
    }


_AREA_NAME: dict[str, str] = {f"EX{i + 1:02d}": n for i, n in enumerate(AREA_NAMES)}


def _name(area_id: str) -> str:
    return _AREA_NAME.get(area_id, area_id)


# --------------------------------------------------------------------------------------------
# writers


def _write_gpkg(gdf: Any, path: Path, layer: str, append: bool = False) -> None:
    """Write a GeoPackage layer with a fixed timestamp (reproducible files)."""
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        if not append and path.exists():
            path.unlink()
        pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", append=append)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _fmt(t: pd.Series, fmt: str) -> pd.Series:
    out = pd.to_datetime(t).dt.strftime(fmt)
    return out.where(t.notna(), None)


def _date_str(s: pd.Series) -> pd.Series:
    return s.map(lambda d: d.isoformat() if isinstance(d, date) else None)


def _points(df: pd.DataFrame, crs: str = CRS) -> Any:
    import geopandas as gpd

    return gpd.GeoDataFrame(
        df.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(df["x"], df["y"]), crs=crs
    )


def _none(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v == "":
        return None
    return v


def _write_geojson(
    path: Path, props: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, name: str
) -> None:
    """Write an RFC 7946 GeoJSON FeatureCollection (WGS84) deterministically."""
    records = props.to_dict(orient="records")
    feats = []
    for rec, x, y in zip(records, lon, lat):
        clean = {k: _none(v) for k, v in rec.items()}
        feats.append(
            {
                "type": "Feature",
                "properties": clean,
                "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            }
        )
    doc = {"type": "FeatureCollection", "name": name, "features": feats}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")


def _fix_zip(path: Path) -> None:
    """Rewrite an XLSX archive with fixed member timestamps and document properties."""
    from .._clock import fixed_today, pin_file_times

    with fixed_today(date(2026, 11, 27)):
        pin_file_times(path)


def _write_xlsx(path: Path, df: pd.DataFrame, sheet: str) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    fixed = datetime(2026, 11, 27)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "tryggaplatser (syntetiska demodata)"
    ws = wb.create_sheet(sheet)
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([_none(v) for v in row])
    wb.save(path)
    _fix_zip(path)


INCIDENT_FILES = {
    "est": "incidents/est_rapporter.csv",
    "bostadsbolag": "incidents/exempelhem_logg.xlsx",
    "vaktare": "incidents/vaktrapporter.gpkg",
    "felanmalan": "incidents/felanmalan.geojson",
    "polisen": "incidents/polisen_handelser.json",
}
EST_COLUMNS = {
    "incident_id": "Rapport-ID",
    "occurred_at": "Tidpunkt",
    "occurred_end": "Tidpunkt till",
    "category": "Kategori",
    "place_type": "Platstyp",
    "location_precision": "Lägesprecision",
    "time_precision": "Tidsprecision",
    "reported_to_police": "Polisanmäld",
    "severity": "Allvarlighetsgrad",
    "reporting_org": "Rapportör (organisation)",
    "description": "Beskrivning",
}
EST_X, EST_Y = "X (SWEREF 99 18 00)", "Y (SWEREF 99 18 00)"
XLSX_COLUMNS = {
    "incident_id": "Ärendenr",
    "occurred_at": "Datum",
    "occurred_end": "Upptäckt",
    "category": "Händelsetyp",
    "place_type": "Platstyp",
    "reported_to_police": "Polisanmält",
    "severity": "Allvarlighet",
    "time_precision": "Tidsprecision",
    "description": "Kommentar",
}
GPKG_COLUMNS = {
    "incident_id": "rapport_id",
    "occurred_at": "tidpunkt",
    "category": "handelsetyp",
    "place_type": "platstyp",
    "severity": "allvarlighet",
    "reported_to_police": "polisanmald",
    "time_precision": "tidsprecision",
}
GEOJSON_COLUMNS = {
    "incident_id": "arende",
    "occurred_at": "inkommen",
    "category": "kategori",
    "place_type": "platstyp",
    "time_precision": "tidsprecision",
    "description": "beskrivning",
}
WALK_COLUMNS = {
    "walk_id": "vandring_id",
    "date": "datum",
    "light_condition": "ljusforhallande",
    "area_id": "omrade_id",
    "organiser": "arrangor",
    "target_group": "malgrupp",
    "n_participants": "antal_deltagare",
}
OBS_COLUMNS = {
    "observation_id": "obs_id",
    "walk_id": "vandring_id",
    "perception": "upplevelse",
    "problem_category": "problemkategori",
    "priority": "prioritet",
    "proposed_measure": "forslag",
    "measure_type": "atgardstyp",
    "responsible_type": "ansvarig_typ",
    "responsible": "ansvarig",
    "status": "status",
    "reason_if_not": "motivering",
    "decided_on": "beslutad",
    "due_on": "klart_senast",
    "resolved_on": "atgardad_datum",
    "photo_ref": "foto",
}
DIALOGUE_COLUMNS = {
    "response_id": "svar_id",
    "campaign_id": "kampanj",
    "perception": "upplevelse",
    "time_of_day": "tid_pa_dygnet",
    "weekday_type": "veckodag",
    "season": "arstid",
    "reasons": "orsaker",
    "comment": "kommentar",
    "age_group": "aldersgrupp",
    "gender": "kon",
    "lives_in_area": "bor_i_omradet",
    "submitted_at": "inskickad",
}
SURVEY_COLUMNS = {
    "source": "kalla",
    "year": "ar",
    "area_id": "omrade_id",
    "indicator": "indikator",
    "value": "varde",
    "scale": "skala",
    "n": "antal_svar",
}
MEASURE_COLUMNS = {
    "measure_id": "atgard_id",
    "title": "titel",
    "type": "typ",
    "area_id": "omrade_id",
    "linked_categories": "kategorier",
    "linked_observations": "observationer",
    "linked_reasons": "orsaker",
    "responsible": "ansvarig",
    "partners": "parter",
    "decided_by": "beslutad_av",
    "status": "status",
    "start": "startdatum",
    "end": "slutdatum",
    "indicator": "indikator",
    "target_value": "malvarde",
    "follow_up_on": "uppfoljning",
}
AREA_COLUMNS = {
    "area_id": "omrade_id",
    "name": "namn",
    "area_type": "omradestyp",
    "code": "kod",
    "municipality_code": "kommunkod",
    "population": "befolkning",
    "population_year": "befolkning_ar",
}


def write_incident_sources(inc: pd.DataFrame, out: Path) -> dict[str, int]:
    """Write the incidents, one file per source in that source's own format."""
    from pyproj import Transformer

    counts = {}
    (out / "incidents").mkdir(parents=True, exist_ok=True)
    for source in INCIDENT_FILES:
        d = inc[inc["source"] == source].reset_index(drop=True)
        counts[source] = len(d)
        path = out / INCIDENT_FILES[source]
        cat = d["category"]
        if source == "est":
            tr = Transformer.from_crs(CRS, "EPSG:3011", always_xy=True)
            ex, ey = tr.transform(d["x"].to_numpy(), d["y"].to_numpy())
            t = d.assign(
                category=cat.map(SOURCE_LABELS["est"]),
                occurred_at=_fmt(d["occurred_at"], "%Y-%m-%d %H:%M"),
                occurred_end=_fmt(d["occurred_end"], "%Y-%m-%d %H:%M"),
                description=d["description"].replace("", None),
            )
            t = t[list(EST_COLUMNS)].rename(columns=EST_COLUMNS)
            t[EST_X] = np.round(ex, 2)
            t[EST_Y] = np.round(ey, 2)
            t.to_csv(
                path,
                sep=";",
                decimal=",",
                encoding="cp1252",
                index=False,
                lineterminator="\r\n",
                float_format="%.2f",
            )
        elif source == "bostadsbolag":
            lon, lat = _lonlat(d["x"], d["y"])
            t = d.assign(
                category=cat.map(SOURCE_LABELS["bostadsbolag"]),
                occurred_at=_fmt(d["occurred_at"], "%d/%m/%Y %H:%M"),
                occurred_end=_fmt(d["occurred_end"], "%d/%m/%Y %H:%M"),
                description=d["description"].replace("", None),
            )
            t = t[list(XLSX_COLUMNS)].rename(columns=XLSX_COLUMNS)
            t["Latitud"] = lat
            t["Longitud"] = lon
            _write_xlsx(path, t, "Logg")
        elif source == "vaktare":
            t = d.assign(
                category=cat.map(SOURCE_LABELS["vaktare"]),
                occurred_at=_fmt(d["occurred_at"], "%Y-%m-%dT%H:%M:%S"),
            )
            t = t[[*GPKG_COLUMNS, "x", "y"]].rename(columns=GPKG_COLUMNS)
            _write_gpkg(_points(t), path, "rapporter")
        elif source == "felanmalan":
            lon, lat = _lonlat(d["x"], d["y"])
            t = d.assign(
                category=cat.map(SOURCE_LABELS["felanmalan"]),
                occurred_at=_fmt(d["occurred_at"], "%Y-%m-%dT%H:%M"),
            )
            t = t[list(GEOJSON_COLUMNS)].rename(columns=GEOJSON_COLUMNS)
            _write_geojson(path, t, lon, lat, "felanmalan")
        else:
            _write_polisen(d, path)
    return counts


_MONTHS_SV = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def _write_polisen(d: pd.DataFrame, path: Path) -> None:
    """Polisen's open events JSON (the API's own shape; coordinate = municipality centroid)."""
    local = pd.to_datetime(d["occurred_at"]).dt.tz_localize(LOCAL_TZ)
    lon, lat = _lonlat(d["x"], d["y"])
    events = []
    for i in range(len(d)):
        ts = local.iloc[i]
        off = ts.strftime("%z")
        typ = POLISEN_TYPES[d["category"].iloc[i]]
        name = f"{ts.day} {_MONTHS_SV[ts.month - 1]} {ts:%H.%M}, {typ}, {TOWN}"
        slug = f"{ts.day}-{_MONTHS_SV[ts.month - 1]}-{ts:%H%M}-{typ.lower()}-{TOWN.lower()}"
        slug = slug.translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": "-", ",": ""}))
        events.append(
            {
                "id": int(d["incident_id"].iloc[i]),
                "datetime": f"{ts:%Y-%m-%d %H:%M:%S} {off[:3]}:{off[3:]}",
                "name": name,
                "summary": d["description"].iloc[i],
                "url": f"/aktuellt/handelser/{ts.year}/{_MONTHS_SV[ts.month - 1]}/{ts.day}/{slug}/",
                "type": typ,
                "location": {"name": TOWN, "gps": f"{lat[i]:.6f},{lon[i]:.6f}"},
            }
        )
    events.reverse()  # the API lists the newest first
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(events, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_canonical_incidents(inc: pd.DataFrame, out: Path) -> None:
    """Large variant: all incidents in canonical columns as GeoPackage and as CSV."""
    import pyogrio

    (out / "incidents").mkdir(parents=True, exist_ok=True)
    t = inc.drop(columns="planted").copy()
    t["occurred_at"] = _fmt(t["occurred_at"], "%Y-%m-%dT%H:%M:%S")
    t["occurred_end"] = _fmt(t["occurred_end"], "%Y-%m-%dT%H:%M:%S")
    t["description"] = t["description"].replace("", None)
    t.to_csv(
        out / "incidents" / "handelser.csv", index=False, float_format="%.2f", lineterminator="\n"
    )
    g = out / "incidents" / "handelser.gpkg"
    if g.exists():
        g.unlink()
    geom = np.asarray(__import__("shapely").points(t["x"].to_numpy(), t["y"].to_numpy()))
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(t.drop(columns=["x", "y"]), geometry=geom, crs=CRS)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        pyogrio.write_dataframe(gdf, g, layer="handelser", driver="GPKG", use_arrow=_has_arrow())
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# configuration, truth, README


def _toml_str(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)


def _toml_table(d: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in d.items()) + " }"


def _inv(mapping: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in mapping.items()}


def config_text(seed: int, large: str | None = None) -> str:
    """The ``tryggaplatser.toml`` of the demo (``large`` = "gpkg"/"csv" for the big variant)."""
    from .context import context_config

    return (
        _config_project(seed)
        + _config_incidents(large)
        + _config_other_layers()
        + _config_basemap()
        + context_config()
    )


def _config_basemap() -> str:
    """The configuration's ``[basemap]``: the fictional street network, buildings and water."""
    return """
# --- bakgrundskarta ----------------------------------------------------------------------------
# Kommunens egna vektorlager, ritas ljust under data i kartor, PNG-figurer och QGIS-projektet.
# Gatunamnen beskriver platser ("Storgatan vid Parkvägen"). Påhittat gatunät.
[basemap]
roads = "basemap/vagar.gpkg"
roads_name = "namn"
buildings = "basemap/byggnader.gpkg"
water = "basemap/vatten.gpkg"
image = ""
"""


def _config_project(seed: int) -> str:
    """The configuration's header, ``[project]``, ``[categories]`` and the area layers."""
    return f"""# Demokommunen "{MUNICIPALITY}" – SYNTETISKA DATA, ingen riktig kommun.
# Genererad av `tryggaplatser generate-demo` (tryggaplatser.datasets.generate), frö {seed}.
# Sökvägar är relativa till den här filens katalog.

[project]
name = {_toml_str(MUNICIPALITY)}
municipality_code = "{MUNICIPALITY_CODE}"
crs = "{CRS}"
study_area = "areas/kommungrans.gpkg"
privacy_mode = "internal"
language = "sv"
seed = {seed}
pseudonymise_ids = false

[categories]
sensitive = []

# --- områden -------------------------------------------------------------------------------
[[layers.areas]]
file = "areas/omraden.gpkg"
table = "omraden"
columns = {_toml_table(_inv(AREA_COLUMNS))}

[[layers.police_classification]]
file = "areas/polisens_klassning.csv"
separator = ","
encoding = "utf-8"
columns = {{ "omrade_id" = "area_id", "ar" = "year", "klassning" = "classification" }}
"""


def _config_incidents(large: str | None) -> str:
    """The configuration's incident layers: five sources, or one canonical file (``large``)."""
    if large == "gpkg":
        return """
# --- händelser (stor variant för prestandamätning: kanoniska kolumner) ---------------------
[[layers.incidents]]
file = "incidents/handelser.gpkg"
table = "handelser"
"""
    if large:
        return """
# --- händelser (stor variant för prestandamätning: kanoniska kolumner) ---------------------
[[layers.incidents]]
file = "incidents/handelser.csv"
separator = ","
decimal = "."
encoding = "utf-8"
crs = "EPSG:3006"
x = "x"
y = "y"
"""
    est_cols = {v: k for k, v in EST_COLUMNS.items()}
    return f"""
# --- händelser -----------------------------------------------------------------------------
# EST-rapporter: export från rapportverktyget, semikolonseparerad, decimalkomma, cp1252,
# koordinater i SWEREF 99 18 00.
[[layers.incidents]]
file = "{INCIDENT_FILES["est"]}"
format = "csv"
separator = ";"
decimal = ","
encoding = "cp1252"
crs = "EPSG:3011"
x = {_toml_str(EST_X)}
y = {_toml_str(EST_Y)}
date_format = "%Y-%m-%d %H:%M"
columns = {_toml_table(est_cols)}
defaults = {{ "source" = "est" }}
categories = {_toml_table(_inv(SOURCE_LABELS["est"]))}

# Bostadsbolagets logg (Excel): WGS84 lat/lon, datum dag/månad/år.
[[layers.incidents]]
file = "{INCIDENT_FILES["bostadsbolag"]}"
table = "Logg"
crs = "EPSG:4326"
x = "Longitud"
y = "Latitud"
date_format = "%d/%m/%Y %H:%M"
dayfirst = true
columns = {_toml_table(_inv(XLSX_COLUMNS))}
defaults = {_toml_table(SOURCE_DEFAULTS["bostadsbolag"])}
categories = {_toml_table(_inv(SOURCE_LABELS["bostadsbolag"]))}

# Väktarrapporter (GeoPackage, SWEREF 99 TM).
[[layers.incidents]]
file = "{INCIDENT_FILES["vaktare"]}"
table = "rapporter"
columns = {_toml_table(_inv(GPKG_COLUMNS))}
defaults = {_toml_table(SOURCE_DEFAULTS["vaktare"])}
categories = {_toml_table(_inv(SOURCE_LABELS["vaktare"]))}

# Kommunens felanmälan (GeoJSON, WGS84).
[[layers.incidents]]
file = "{INCIDENT_FILES["felanmalan"]}"
crs = "EPSG:4326"
columns = {_toml_table(_inv(GEOJSON_COLUMNS))}
defaults = {_toml_table(SOURCE_DEFAULTS["felanmalan"])}
categories = {_toml_table(_inv(SOURCE_LABELS["felanmalan"]))}

# Polisens öppna händelser (JSON från API:t). Koordinaten är kommunens mittpunkt.
[[layers.incidents]]
file = "{INCIDENT_FILES["polisen"]}"
format = "polisen"
crs = "EPSG:4326"
defaults = {{ "source" = "polisen", "reporting_org" = "Polisen" }}
categories = {_toml_table(_inv(POLISEN_TYPES))}
"""


def _config_other_layers() -> str:
    """The configuration's walk, dialogue, survey and measure layers."""
    return f"""
# --- trygghetsvandringar --------------------------------------------------------------------
[[layers.walks]]
file = "walks/trygghetsvandringar.gpkg"
table = "vandringar"
columns = {_toml_table(_inv(WALK_COLUMNS))}

[[layers.walk_observations]]
file = "walks/trygghetsvandringar.gpkg"
table = "observationer"
columns = {_toml_table(_inv(OBS_COLUMNS))}

# --- medborgardialog -------------------------------------------------------------------------
# Kampanj 2024: CSV (UTF-8 med BOM) med WKT-punkter i SWEREF 99 TM.
[[layers.dialogue]]
file = "dialogue/dialog_2024.csv"
separator = ","
encoding = "utf-8-sig"
crs = "EPSG:3006"
wkt = "geometri_wkt"
columns = {_toml_table(_inv(DIALOGUE_COLUMNS))}

# Kampanj 2026: GeoJSON (WGS84) från kartenkätverktyget.
[[layers.dialogue]]
file = "dialogue/dialog_2026.geojson"
crs = "EPSG:4326"
columns = {_toml_table(_inv(DIALOGUE_COLUMNS))}

[[layers.survey_indicators]]
file = "surveys/enkatindikatorer.csv"
separator = ","
decimal = "."
encoding = "utf-8"
columns = {_toml_table(_inv(SURVEY_COLUMNS))}

# --- åtgärder ---------------------------------------------------------------------------------
[[layers.measures]]
file = "measures/atgarder.gpkg"
table = "atgarder"
columns = {_toml_table(_inv(MEASURE_COLUMNS))}
"""


def _site_dict(site: Site, **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": site.id, "x": site.x, "y": site.y, "radius_m": site.radius_m}
    if site.categories:
        d["categories"] = site.categories
    if site.area_id:
        d["area_id"] = site.area_id
        d["area_name"] = _name(site.area_id)
    d.update(extra)
    return d


def make_truth(
    muni: Municipality, plan: Plan, inc: pd.DataFrame, seed: int, size: int, counts: dict[str, Any]
) -> dict[str, Any]:
    """The machine-readable ground truth (``docs/truth-format.md`` plus extra fields)."""
    planted = inc["planted"].to_numpy()
    weeks = pd.date_range(plan.silent_from, plan.silent_to, freq="W-MON")
    n_planted = {sid: int((planted == sid).sum()) for sid in np.unique(planted) if sid}
    b = muni.boundary.bounds
    return {
        "synthetic": True,
        "municipality": MUNICIPALITY,
        "municipality_code": MUNICIPALITY_CODE,
        "note": "Syntetiska data för en påhittad kommun. Synthetic data for a fictional "
        "municipality; names, organisations and people are invented.",
        "seed": seed,
        "size": size,
        "crs": CRS,
        "period": {"start": PERIOD_START.isoformat(), "end": PERIOD_END.isoformat()},
        "bbox": [round(v, 1) for v in b],
        "hotspots": _hotspots_truth(plan),
        "near_repeat": _near_repeat_truth(plan, inc),
        "perception_gap": {
            "feels_unsafe_few_incidents": _site_dict(
                plan.gap_unsafe, reasons=["belysning", "ode_plats"]
            ),
            "incidents_not_perceived": _site_dict(
                plan.gap_unperceived, radius_m=150, no_otrygg_pins_within_m=350
            ),
        },
        "lighting_measure": _lighting_truth(plan),
        "silent_source": {
            "source": plan.silent_source,
            "from": plan.silent_from.isoformat(),
            "to": plan.silent_to.isoformat(),
            "iso_weeks": [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in weeks],
        },
        "background": {
            "description": "background incidents are uniform within each area with intensity "
            "∝ area × (1 + c × population density / max density); quiet zones "
            "get half of it; no other clusters are planted",
            "contrast_c": BACKGROUND_CONTRAST,
        },
        "sources": list(INCIDENT_FILES),
        "counts": counts,
        "planted_counts": n_planted,
        "areas": [
            {"area_id": a, "name": n, "population": int(p)}
            for a, n, p in zip(muni.areas["area_id"], muni.areas["name"], muni.areas["population"])
        ],
    }


def _hotspots_truth(plan: Plan) -> dict[str, Any]:
    """The planted hotspots: stable, emerging, fading, quiet zones and the lighting site."""
    lt = plan.lighting
    return {
        "stable": [_site_dict(s, sd_m=55) for s in plan.stable],
        "emerging": [_site_dict(plan.emerging, start=plan.emerging_start.isoformat(), sd_m=55)],
        "fading": [
            _site_dict(
                plan.fading,
                start=PERIOD_START.isoformat(),
                half_life_days=plan.fading_half_life_days,
                note=FADING_NOTE.format(d=plan.fading_half_life_days),
                sd_m=55,
            )
        ],
        "quiet": [_site_dict(q) for q in plan.quiet],
        "other": [
            _site_dict(
                lt,
                kind="lighting_measure_site",
                note="tät i målområdet före åtgärden, halverad efter; "
                "dense before the lighting measure, halved after",
            )
        ],
    }


def _near_repeat_truth(plan: Plan, inc: pd.DataFrame) -> dict[str, Any]:
    """The near-repeat series as generated: its span, size, largest distance and gap."""
    planted = inc["planted"].to_numpy()
    nr = inc[planted == plan.near_repeat.id]
    nr_t = pd.to_datetime(nr["occurred_at"])
    xy = nr[["x", "y"]].to_numpy()
    dmax = float(np.max(np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])))
    gaps = np.diff(np.sort(nr_t.to_numpy())).astype("timedelta64[s]").astype(float) / 86400
    return {
        "category": "inbrott",
        "x": plan.near_repeat.x,
        "y": plan.near_repeat.y,
        "radius_m": plan.near_repeat.radius_m,
        "start": nr_t.min().date().isoformat(),
        "end": nr_t.max().date().isoformat(),
        "n_events": len(nr),
        "max_distance_m": 200,
        "max_days": 14,
        "observed_max_distance_m": round(dmax, 1),
        "observed_max_gap_days": round(float(gaps.max()), 2),
        "area_id": plan.near_repeat.area_id,
        "source": "bostadsbolag",
    }


def _lighting_truth(plan: Plan) -> dict[str, Any]:
    """The planted lighting measure: place, date, effect, displacement and equal windows."""
    lt = plan.lighting
    inst = plan.installed_on
    return {
        "measure_id": "ATG-2025-001",
        "area_id": lt.area_id,
        "x": lt.x,
        "y": lt.y,
        "radius_m": lt.radius_m,
        "buffer_m": plan.lighting_buffer,
        "installed_on": inst.isoformat(),
        "categories": lt.categories,
        "effect": -0.5,
        "displacement": 0.2,
        "rate_note": "all incidents of these categories within buffer_m come from the "
        "planted process: constant yearly rate (with seasonal rhythm) before, "
        "×0.5 in the disk and ×1.2 in the ring after installed_on",
        "equal_windows": {
            "before": {
                "start": (inst - timedelta(weeks=52)).isoformat(),
                "end": (inst - timedelta(days=1)).isoformat(),
            },
            "after": {
                "start": inst.isoformat(),
                "end": (inst + timedelta(weeks=52) - timedelta(days=1)).isoformat(),
            },
        },
    }


README_BASEMAP = """\
Bakgrundskartan (`basemap/`, `[basemap]` i `tryggaplatser.toml`) är ett påhittat gatunät:
Storgatan och Kyrkogatan korsas i centrum, Ringvägen runt innerstaden, sex infartsvägar och
ett rutnät av lokalgator i varje område med allmänna svenska gatunamn efter tema (träd,
blommor, fåglar …; Skolgatan och Parkvägen i centrum). Alla punkter i ett område ligger inom
ungefär ett halvt kvarter från en namngiven gata. Gatunätet, byggnaderna och vattnet dras ur en
egen slumpström, så övriga filer blir desamma som utan dem.

Kontextlagren (`context/kontext.gpkg`, `[[layers.context]]`): påhittade busshållplatser,
restauranger med serveringstillstånd och skolor. Kring busshållplatser och restauranger finns
planterat fler händelser på kvällen (inom 150 m, 18–24); skolorna har ingen effekt. De extra
händelserna ligger sist i EST-rapporterna och dras ur en egen slumpström (`truth.json`,
`risk_factors`)."""


def readme_text(truth: dict[str, Any], large: bool = False) -> str:
    """README (Swedish, then a short English summary) describing the files and the truths.

    The body is mostly one text template (the README itself), kept whole so it reads as the file.
    """
    h = truth["hotspots"]
    lm = truth["lighting_measure"]
    nr = truth["near_repeat"]
    pg = truth["perception_gap"]
    ss = truth["silent_source"]
    c = truth["counts"]
    site = _readme_site

    stable = "\n".join(f"  - {site(s)}" for s in h["stable"])
    quiet = "\n".join(f"  - {site(s)}" for s in h["quiet"])
    files = _readme_files_table(large)
    counts = ", ".join(f"{k} {v}" for k, v in c.items())
    no_pins = pg["incidents_not_perceived"]["no_otrygg_pins_within_m"]
    fu = pg["feels_unsafe_few_incidents"]
    return f"""# {truth["municipality"]} – syntetisk demokommun

**Allt här är påhittat.** Kommunen, kommunkoden `{truth["municipality_code"]}`, områdesnamnen,
organisationerna och alla händelser, vandringar och dialogsvar är genererade av
`tryggaplatser generate-demo` (koden: `src/tryggaplatser/datasets/generate.py`, frö
{truth["seed"]}). Inga data beskriver verkliga platser eller personer. Personnummer, telefonnummer
och e-postadresser i fritexten är påhittade och finns där för att testa maskeringen vid import.

Period: {truth["period"]["start"]} – {truth["period"]["end"]} (156 hela ISO-veckor).
Koordinatsystem: SWEREF 99 TM (EPSG:3006) om inget annat anges.

## Filer

{files}
Antal rader: {counts}.

Återskapa: `tryggaplatser generate-demo` (skriver till `data/`), eller
`tryggaplatser generate-demo --out KATALOG [--seed N] [--size N]`.
Stor variant för prestandamätning: `tryggaplatser generate-demo --size 1000000 --out /tmp/stor`
(GeoPackage och CSV, med egen `tryggaplatser.toml` respektive `tryggaplatser_csv.toml`).

## Planterad facit (`truth.json`)

- **Stabila hotspots** (täta kluster alla tre år, σ ≈ 55 m):
{stable}
- **Ny hotspot** (från {h["emerging"][0]["start"]}): {site(h["emerging"][0])}
- **Avtagande hotspot** (intensiteten halveras var {h["fading"][0]["half_life_days"]}:e dag
  under hela perioden, fortfarande förhöjd i slutet): {site(h["fading"][0])}
- **Lugna zoner** (inget planterat kluster, glesare bakgrund):
{quiet}
- **Near repeat-serie**: {nr["n_events"]} inbrott (bostadsbolaget) inom {nr["max_distance_m"]} m
  och högst {nr["max_days"]} dagar mellan på varandra följande, {nr["start"]} – {nr["end"]},
  kring E {nr["x"]:.0f} N {nr["y"]:.0f} ({nr["area_id"]}).
- **Upplevd otrygghet utan händelser**: `{fu["id"]}` {fu["area_name"]} ({fu["area_id"]}),
  E {fu["x"]:.0f} N {fu["y"]:.0f}, r {fu["radius_m"]:.0f} m – många otrygga kartnålar och
  vandringsobservationer (belysning, öde plats), nästan inga händelser.
- **Händelser som inte upplevs**: hotspot `{pg["incidents_not_perceived"]["id"]}` i
  industriområdet – inga otrygga kartnålar inom {no_pins} m.
- **Belysningsåtgärd** `{lm["measure_id"]}` installerad {lm["installed_on"]} vid
  E {lm["x"]:.0f} N {lm["y"]:.0f} ({lm["area_id"]}): kategorierna {", ".join(lm["categories"])}
  minskar med 50 % inom {lm["radius_m"]:.0f} m och ökar med 20 % i ringen
  {lm["radius_m"]:.0f}–{lm["buffer_m"]:.0f} m (förflyttning). Lika långa perioder:
  {lm["equal_windows"]["before"]["start"]} – {lm["equal_windows"]["before"]["end"]} och
  {lm["equal_windows"]["after"]["start"]} – {lm["equal_windows"]["after"]["end"]}.
- **Tyst källa**: `{ss["source"]}` rapporterar ingenting {ss["from"]} – {ss["to"]}
  (veckorna {", ".join(ss["iso_weeks"])}).

Bakgrunden är jämnt utspridd inom varje område, något tätare där befolkningstätheten är hög
(högst 1,6 gånger det glesaste), så att bara de planterade klustren sticker ut. Den har dygns-,
vecko- och årsrytm per kategori
(kvälls- och nattoppar för skadegörelse och ordningsstörning, dagtid för stöld och
felanmälan, helgtoppar, sommartopp, valborg, midsommar, nyår med fyrverkerier).

{README_BASEMAP}

## English

Synthetic demo municipality "{truth["municipality"]}" (code {truth["municipality_code"]}):
everything is invented and generated by a seeded script. Five incident sources in five real
file formats (semicolon CSV with decimal commas in cp1252 and EPSG:3011, XLSX with WGS84 and
day-first dates, GeoPackage, GeoJSON, Polisen's events JSON), safety walks, two dialogue
campaigns, survey indicators, measures, a fictional street network (generic Swedish names),
buildings and water. Planted ground truth (stable/emerging/fading hotspots, quiet zones, a
near-repeat series, both kinds of perception gap, a lighting measure with −50 % effect and +20 %
displacement, a source silent for five weeks) is in `truth.json`.
"""


def _readme_site(s: dict[str, Any]) -> str:
    """One planted site as a README line: id, area, coordinates, radius, categories."""
    cats = ", ".join(s.get("categories", [])) or "–"
    return (
        f"`{s['id']}` {s.get('area_name', '')} ({s.get('area_id', '')}), "
        f"E {s['x']:.0f} N {s['y']:.0f}, r {s['radius_m']:.0f} m; {cats}"
    )


_CONTEXT_FILE_ROW = (
    "context/kontext.gpkg (tre lager)",
    "kontextlager (riskfaktorer)",
    "GeoPackage",
)


def _readme_files_table(large: bool) -> str:
    """The README's Markdown table of files (the big variant has canonical incident files)."""
    rows = [
        ("tryggaplatser.toml", "projektkonfiguration", "TOML"),
        (
            "areas/omraden.gpkg (lager omraden)",
            "25 områden med befolkning",
            "GeoPackage, EPSG:3006",
        ),
        ("areas/kommungrans.gpkg", "studieområde (kommungräns)", "GeoPackage, EPSG:3006"),
        ("areas/polisens_klassning.csv", "polisens klassning per år (påhittad)", "CSV"),
    ]
    if large:
        rows += [
            (
                "incidents/handelser.gpkg",
                "alla händelser, kanoniska kolumner",
                "GeoPackage, EPSG:3006",
            ),
            ("incidents/handelser.csv", "samma händelser", "CSV, x/y i EPSG:3006"),
        ]
    else:
        rows += [
            (
                "incidents/est_rapporter.csv",
                "EST-rapporter",
                "CSV med `;`, decimalkomma, cp1252, SWEREF 99 18 00 (EPSG:3011)",
            ),
            (
                "incidents/exempelhem_logg.xlsx (blad Logg)",
                "bostadsbolagets logg",
                "XLSX, lat/lon WGS84, datum dd/mm/åååå tt:mm",
            ),
            (
                "incidents/vaktrapporter.gpkg (lager rapporter)",
                "väktarrapporter",
                "GeoPackage, EPSG:3006",
            ),
            (
                "incidents/felanmalan.geojson",
                "kommunens felanmälan (fysiska brister m.m.)",
                "GeoJSON, WGS84",
            ),
            (
                "incidents/polisen_handelser.json",
                "Polisens öppna händelser",
                "JSON som API:t; koordinat = kommunens mittpunkt",
            ),
        ]
    rows += [
        (
            "walks/trygghetsvandringar.gpkg (lager vandringar, observationer)",
            "trygghetsvandringar och observationer",
            "GeoPackage, EPSG:3006",
        ),
        (
            "dialogue/dialog_2024.csv",
            "medborgardialog 2024 (kartnålar)",
            "CSV UTF-8 med BOM, WKT i EPSG:3006",
        ),
        ("dialogue/dialog_2026.geojson", "medborgardialog 2026 (kartnålar)", "GeoJSON, WGS84"),
        ("surveys/enkatindikatorer.csv", "enkätindikatorer per område och år", "CSV"),
        ("measures/atgarder.gpkg (lager atgarder)", "beslutade åtgärder", "GeoPackage, EPSG:3006"),
        (
            "basemap/vagar.gpkg (lager vagar)",
            "påhittat gatunät med gatunamn (namn, vagtyp)",
            "GeoPackage, EPSG:3006",
        ),
        (
            "basemap/byggnader.gpkg (lager byggnader)",
            "byggnader nära centrum",
            "GeoPackage, EPSG:3006",
        ),
        ("basemap/vatten.gpkg (lager vatten)", "sjö och å", "GeoPackage, EPSG:3006"),
        _CONTEXT_FILE_ROW,
        ("truth.json", "planterad facit (format: docs/truth-format.md)", "JSON"),
    ]

    return "| fil | innehåll | format |\n|---|---|---|\n" + "".join(
        f"| {_readme_file_cell(a)} | {b} | {c_} |\n" for a, b, c_ in rows
    )


def _readme_file_cell(a: str) -> str:
    """A file name in backticks, with its layer note kept outside them."""
    name, _, layer = a.partition(" (")
    return f"`{name}`" + (f" ({layer}" if layer else "")


def generate_demo(
    out: str | Path,
    size: int = DEFAULT_SIZE,
    seed: int = SEED,
    large: bool | None = None,
    n_dialogue: int | None = None,
) -> dict[str, Any]:
    """Generate the demo municipality into ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
        Target folder (created). Existing files of the demo are overwritten.
    size : int, default 50 000
        Approximate number of incidents. Planted patterns scale with it.
    seed : int, default 20261127
        Seed of the numpy Generator; the same seed and size give identical files.
    large : bool, optional
        Write incidents as one canonical GeoPackage and one CSV (benchmark variant) instead of
        five source files. ``None`` = when ``size`` > 200 000.
    n_dialogue : int, optional
        Pins per dialogue campaign; ``None`` = 2 000 (fewer for small sizes).

    Returns
    -------
    dict
        The truth written to ``out/truth.json``.
    """
    out = Path(out)
    for sub in ("areas", "incidents", "walks", "dialogue", "surveys", "measures", "context"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    if large is None:
        large = size > 200_000
    if n_dialogue is None:
        n_dialogue = 2000 if size >= 20_000 else 400
    rng = np.random.default_rng(seed)
    muni = make_geography(rng)
    plan = make_plan(muni, rng)
    grid = make_hour_grid()
    inc = make_incidents(muni, plan, np.random.default_rng([seed, 1]), grid, size)
    # context layers with planted risk factors: their own stream, extra incidents appended
    from .context import CONTEXT_STREAM, context_incidents, make_context

    ctx_rng = np.random.default_rng([seed, CONTEXT_STREAM])
    context = make_context(muni, plan, ctx_rng)
    extra = context_incidents(context, plan, ctx_rng, grid, size / DEFAULT_SIZE, inc)
    inc = pd.concat([inc, extra], ignore_index=True)
    walks, obs = make_walks(muni, plan, np.random.default_rng([seed, 2]))
    dia = make_dialogue(muni, plan, np.random.default_rng([seed, 3]), n_dialogue)
    surveys = make_survey_indicators(muni, plan, np.random.default_rng([seed, 4]))
    police = make_police_classification(muni, plan)
    measures = make_measures(plan, obs)

    _write_areas(out, muni, police)
    counts = _write_incidents(out, inc, large)
    _write_walks(out, walks, obs)
    n24, n26 = _write_dialogue(out, dia)
    counts.update(
        walks=len(walks), walk_observations=len(obs), dialogue_2024=n24, dialogue_2026=n26
    )
    _write_surveys_and_measures(out, surveys, measures)
    counts.update(
        survey_indicators=len(surveys),
        measures=len(measures),
        areas=len(muni.areas),
        police_classification=len(police),
    )
    _write_basemap(out, make_basemap(muni, np.random.default_rng([seed, 901])))
    from .context import context_truth, write_context

    counts.update(write_context(out, context))
    _write_config(out, seed, large)
    truth = make_truth(muni, plan, inc, seed, size, counts)
    truth["risk_factors"] = context_truth(context, len(extra), size / DEFAULT_SIZE)
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme_text(truth, large), encoding="utf-8")
    return truth


def _write_areas(out: Path, muni: Municipality, police: pd.DataFrame) -> None:
    """Write the areas, the study area (municipal boundary) and Polisen's classification."""
    import geopandas as gpd

    _write_gpkg(muni.areas.rename(columns=AREA_COLUMNS), out / "areas" / "omraden.gpkg", "omraden")
    study = gpd.GeoDataFrame(
        {"namn": [MUNICIPALITY], "kommunkod": [MUNICIPALITY_CODE]},
        geometry=[muni.boundary],
        crs=CRS,
    )
    _write_gpkg(study, out / "areas" / "kommungrans.gpkg", "kommungrans")
    police.rename(
        columns={"area_id": "omrade_id", "year": "ar", "classification": "klassning"}
    ).to_csv(out / "areas" / "polisens_klassning.csv", index=False, lineterminator="\n")


def _write_incidents(out: Path, inc: pd.DataFrame, large: bool) -> dict[str, Any]:
    """Write the incidents (five source files, or canonical files if ``large``); the counts."""
    if large:
        write_canonical_incidents(inc, out)
        counts: dict[str, Any] = {"incidents": len(inc)}
        counts.update(
            {f"incidents_{k}": int(v) for k, v in inc["source"].value_counts().sort_index().items()}
        )
    else:
        counts = {f"incidents_{k}": v for k, v in write_incident_sources(inc, out).items()}
        counts = {"incidents": len(inc), **counts}
    return counts


def _write_walks(out: Path, walks: pd.DataFrame, obs: pd.DataFrame) -> None:
    """Write the walks (routes as lines) and their observations to one GeoPackage."""
    import geopandas as gpd

    wgdf = gpd.GeoDataFrame(
        walks.drop(columns="route")
        .assign(date=_date_str(walks["date"]))
        .rename(columns=WALK_COLUMNS),
        geometry=[__import__("shapely").LineString(r) for r in walks["route"]],
        crs=CRS,
    )
    wpath = out / "walks" / "trygghetsvandringar.gpkg"
    _write_gpkg(wgdf, wpath, "vandringar")
    o = obs.copy()
    for col in ("decided_on", "due_on", "resolved_on"):
        o[col] = _date_str(o[col])
    _write_gpkg(_points(o.rename(columns=OBS_COLUMNS)), wpath, "observationer", append=True)


def _write_dialogue(out: Path, dia: pd.DataFrame) -> tuple[int, int]:
    """Write the 2024 campaign as WKT CSV and the 2026 one as GeoJSON; their sizes."""
    d24 = dia[dia["campaign_id"] == "dialog-2024"].copy()
    d24["submitted_at"] = _fmt(d24["submitted_at"], "%Y-%m-%d %H:%M")
    d24["lives_in_area"] = d24["lives_in_area"].map({True: "true", False: "false"})
    d24["geometri_wkt"] = [f"POINT ({x:.1f} {y:.1f})" for x, y in zip(d24["x"], d24["y"])]
    d24.drop(columns=["x", "y"]).rename(columns=DIALOGUE_COLUMNS).to_csv(
        out / "dialogue" / "dialog_2024.csv", index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    d26 = dia[dia["campaign_id"] == "dialog-2026"].copy()
    d26["submitted_at"] = _fmt(d26["submitted_at"], "%Y-%m-%dT%H:%M")
    lon, lat = _lonlat(d26["x"], d26["y"])
    _write_geojson(
        out / "dialogue" / "dialog_2026.geojson",
        d26.drop(columns=["x", "y"]).rename(columns=DIALOGUE_COLUMNS),
        lon,
        lat,
        "dialog_2026",
    )
    return len(d24), len(d26)


def _write_surveys_and_measures(out: Path, surveys: pd.DataFrame, measures: pd.DataFrame) -> None:
    """Write the survey indicators (CSV) and the measures (GeoPackage)."""
    surveys.rename(columns=SURVEY_COLUMNS).to_csv(
        out / "surveys" / "enkatindikatorer.csv", index=False, lineterminator="\n"
    )
    m = measures.copy()
    for col in ("start", "end", "follow_up_on"):
        m[col] = _date_str(m[col])
    _write_gpkg(
        _points(m.rename(columns=MEASURE_COLUMNS)), out / "measures" / "atgarder.gpkg", "atgarder"
    )


def _write_config(out: Path, seed: int, large: bool) -> None:
    """Write ``tryggaplatser.toml`` (and ``tryggaplatser_csv.toml`` for the big variant)."""
    if large:
        (out / "tryggaplatser.toml").write_text(config_text(seed, "gpkg"), encoding="utf-8")
        (out / "tryggaplatser_csv.toml").write_text(config_text(seed, "csv"), encoding="utf-8")
    else:
        (out / "tryggaplatser.toml").write_text(config_text(seed), encoding="utf-8")
