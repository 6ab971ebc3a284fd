"""The privacy and disclosure policy, in one place (REFERENCE.md §5).

Every rule about what may leave the office is defined here once and read by the publishing gate
(:mod:`tryggaplatser.publish.gate`), the audit (:mod:`tryggaplatser.publish.audit`) and every
product (maps, reports, tables, rasters, the EST brief, the CLI). Change a rule here and all of
them follow; nothing else in the package may spell a rule out again (``tests/test_policy.py``).

This module is a leaf: it imports only the standard library, so anything may import it.

Modes
    :data:`MODES`. **public** is the default for anything meant to leave the office (residents,
    council, press); **internal** is for EST meetings and analysts.
Small counts
    Public counts ``1 … MIN_COUNT − 1`` are shown as :data:`SMALL` ("<5"); other cells are hidden
    as :data:`HIDDEN` ("..") wherever a total or an overlapping geography would let a small count
    be recovered by subtraction (complementary suppression). Rates are withheld when the
    numerator is below :data:`MIN_COUNT` or the population below :data:`MIN_POPULATION`.
    Internal outputs show every count but flag ``1 … INTERNAL_FLAG_MAX``.
Space
    Public outputs use predefined areas or a grid of at least :data:`PUBLIC_MIN_CELL_SIZE` metres
    (SCB's 250 m grid); no individual incident points, no coordinates finer than that grid.
    Public KDE rasters blank cells supported by fewer than :data:`RASTER_MIN_SUPPORT` events and
    show :data:`RASTER_CLASSES` classes instead of densities.
Time
    Public outputs are at :data:`PUBLIC_FINEST_TIME` (month) at the finest; internal ones may show
    days and hours. Dates are calendar dates in :data:`LOCAL_TZ`.
Surveys and dialogue
    Public shares only with at least :data:`MIN_SURVEY_N` answers; never free text.
Sensitive categories
    Never shown below municipality level in public outputs. There is no built-in list: the
    project's ``[categories] sensitive`` (``ProjectConfig.sensitive_categories``) names them.
Personal data in column names
    :func:`is_pii_column`: columns whose names look like personal data are never written.
Marking
    Every internal file carries :data:`INTERNAL_MARKING` (:data:`INTERNAL_MARKING_EN` in English
    text); in an internal CSV it is the last column, :data:`INTERNAL_MARKING_COLUMN`, of every
    row (the first line stays a clean header); a public folder carrying it fails the audit.
    The gate records every file it sealed in the folder's manifest :data:`MANIFEST`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DENSITY_CLASS_BOUNDS",
    "HIDDEN",
    "INTERNAL_FLAG_MAX",
    "INTERNAL_MARKING",
    "INTERNAL_MARKING_COLUMN",
    "INTERNAL_MARKING_EN",
    "LOCAL_TZ",
    "MANIFEST",
    "MIN_COUNT",
    "MIN_GRID_M",
    "MIN_POPULATION",
    "MIN_SURVEY_N",
    "MODES",
    "PUBLIC_FINEST_TIME",
    "PUBLIC_MIN_CELL_SIZE",
    "RASTER_CLASSES",
    "RASTER_MIN_SUPPORT",
    "SMALL",
    "is_pii_column",
    "name_tokens",
]

#: The two publishing modes: ``"public"`` (leaves the office) and ``"internal"`` (EST, analysts).
MODES = ("public", "internal")

#: Public counts ``1 … MIN_COUNT − 1`` are suppressed; rates need a numerator of at least this.
MIN_COUNT = 5
#: How a primary-suppressed count (1–4) is shown in public outputs.
SMALL = "<5"
#: How a complementary-suppressed or otherwise withheld value is shown in public outputs.
HIDDEN = ".."
#: Public rates need a population of at least this.
MIN_POPULATION = 50
#: Internal outputs flag counts ``1 … INTERNAL_FLAG_MAX`` ("tolka försiktigt").
INTERNAL_FLAG_MAX = 2

#: Finest public grid, in metres (SCB's 250 m grid).
PUBLIC_MIN_CELL_SIZE = 250.0
#: The same rule as a whole number of metres, the way messages print it ("250 m").
MIN_GRID_M = int(PUBLIC_MIN_CELL_SIZE)
#: Public KDE rasters blank cells supported by fewer events than this …
RASTER_MIN_SUPPORT = 5
#: … and show this many classes instead of densities: the density relative to the mean density
#: of the whole grid (the municipality), with these upper bounds (× mean) for classes 1–4;
#: class 5 is at least the last bound. The same classes in every legend, map and raster.
RASTER_CLASSES = 5
DENSITY_CLASS_BOUNDS = (1.0, 2.0, 4.0, 8.0)

#: Finest time unit of public outputs (internal outputs may show days and hours).
PUBLIC_FINEST_TIME = "month"
#: Local time zone: naive times are read in it, calendar dates, weeks and months are taken in it.
LOCAL_TZ = "Europe/Stockholm"

#: Survey and dialogue shares are published only with at least this many answers.
MIN_SURVEY_N = 10

#: Marking carried by every internal output.
INTERNAL_MARKING = "INTERNT – ej för spridning"
#: The marking in English-language text.
INTERNAL_MARKING_EN = "INTERNAL – not for distribution"
#: Column of an internal CSV that holds :data:`INTERNAL_MARKING` in every row.
INTERNAL_MARKING_COLUMN = "markning"
#: The gate's record of the files it sealed in an output folder (read by the audit).
MANIFEST = "utgivning.json"

# ---------------------------------------------------------------------------------------------
# column names that look like personal data (never written, in any mode)

_PII_TOKENS = {
    "victim",
    "offer",
    "brottsoffer",
    "malsagare",
    "pnr",
    "personnummer",
    "persnr",
    "personnr",
    "samordningsnummer",
    "ssn",
    "telefon",
    "telefonnummer",
    "tel",
    "phone",
    "mobil",
    "mobile",
    "mobilnummer",
    "email",
    "epost",
    "mail",
    "namn",
    "fornamn",
    "efternamn",
    "firstname",
    "lastname",
    "surname",
    "fullname",
    "adress",
    "address",
    "gatuadress",
    "postadress",
    "ip",
    "user",
    "username",
    "anvandare",
    "anvandarnamn",
    "login",
    "regnr",
    "registreringsnummer",
    "plate",
    "fodelsedatum",
    "birthdate",
    "birth",
    "dob",
    "reporter",
    "rapportor",
    "anmalare",
    "witness",
    "vittne",
    "suspect",
    "misstankt",
    "gärningsperson",
    "garningsperson",
    "person",
    "personal_id",
}
_PII_SUBSTRINGS = (
    "personnummer",
    "e-mail",
    "email",
    "e_post",
    "e-post",
    "epost",
    "telefon",
    "phone",
    "samordningsnr",
    "victim",
    "brottsoffer",
)


_NAME_OK = {
    "area",
    "place",
    "layer",
    "category",
    "table",
    "sheet",
    "column",
    "style",
    "f",
    "omrade",
    "plats",
    "kategori",
    "indicator",
    "campaign",
    "source",
}


def name_tokens(name: str) -> list[str]:
    """The ASCII words of a column name: ``"Offrets_Namn"`` → ``["offrets", "namn"]``."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"([a-z])([A-Z])", r"\1_\2", plain)
    return [t for t in re.split(r"[^a-z0-9]+", plain) if t]


def is_pii_column(name: str) -> bool:
    """Whether a column name looks like it holds personal data (defence in depth).

    The bare canonical ``name`` (an area's or a place's name) is allowed; ``victim_name``,
    ``user_name``, ``namn``, ``pnr``, ``personnummer``, ``telefon``, ``email`` and the like are not.

    >>> is_pii_column("name"), is_pii_column("area_name"), is_pii_column("victim_name")
    (False, False, True)
    """
    lower = str(name).lower()
    if any(s in lower for s in _PII_SUBSTRINGS):
        return True
    toks = name_tokens(name)
    if any(t in _PII_TOKENS for t in toks):
        return True
    return "name" in toks and len(toks) > 1 and not (set(toks) - {"name"}) <= _NAME_OK
