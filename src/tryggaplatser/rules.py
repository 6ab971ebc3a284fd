"""Every rule ID, defined once, with what the rule checks in Swedish and English.

A rule ID names a check. It appears in brackets in every error message (``[CRS_MISMATCH] …``),
in the ``rules`` column of quarantine files, in the import report and in audit findings. IDs are
UPPER_SNAKE and stable; one meaning has one ID. The message of each occurrence (with the values
found and the fix) stays where the check is made; this table says what the rule *means*.

Groups: ``import`` (a file or row read by the importers, :mod:`tryggaplatser.layers.validate`),
``argument`` (a function or command argument, or the project), ``gate`` (the publishing gate
refused an output), ``audit`` (a finding of ``tryggaplatser audit``) and ``product`` (a product
over several areas wrote the others when some failed). An ID met in several
places belongs to the group where it is first met. README.md lists them all; a test keeps the two
in step.

This module imports nothing from the package (a leaf), so every layer can use it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["GROUPS", "RULES", "Rule", "check_rule"]

GROUPS = ("import", "argument", "gate", "audit", "product")


class Rule(NamedTuple):
    """What a rule checks: Swedish and English text, and its group (see the module docstring)."""

    sv: str
    en: str
    group: str


def _rules(group: str, **texts: tuple[str, str]) -> dict[str, Rule]:
    return {rid: Rule(sv, en, group) for rid, (sv, en) in texts.items()}


RULES: dict[str, Rule] = {
    **_rules(
        "import",
        FILE_UNREADABLE=("filen kan inte öppnas", "the file cannot be opened"),
        FILE_CORRUPT=("filen är trasig eller tom", "the file is corrupt or empty"),
        ARCHIVE_UNSAFE=("osäker zip-fil", "unsafe zip archive"),
        ARCHIVE_LIMIT=("zip-filen överskrider gränserna", "zip archive exceeds the limits"),
        TOO_MANY_COLUMNS=(
            "filen har fler kolumner än gränsen [limits] max_columns",
            "the file has more columns than the limit [limits] max_columns",
        ),
        TEXT_TOO_LONG=(
            "en rad är längre än gränsen [limits] max_line_chars",
            "a line is longer than the limit [limits] max_line_chars",
        ),
        SCHEMA_MISSING_COLUMN=("obligatorisk kolumn saknas", "required column missing"),
        CRS_MISSING=("koordinatsystem saknas", "coordinate reference system missing"),
        CRS_UNKNOWN=("okänt koordinatsystem", "unknown coordinate reference system"),
        CRS_BOUNDS_MISMATCH=(
            "koordinaterna passar inte koordinatsystemet",
            "coordinates do not fit the CRS",
        ),
        COORD_SWAPPED_SUSPECT=(
            "x och y (lon/lat) verkar omkastade",
            "x and y (lon/lat) look swapped",
        ),
        COORD_NONFINITE=("koordinat saknar ändligt värde", "coordinate is not finite"),
        GEOM_MISSING=("geometri saknas", "geometry missing"),
        GEOM_EMPTY=("geometrin är tom", "geometry is empty"),
        GEOM_UNREADABLE=(
            "geometrin kan inte läsas (t.ex. ej sluten ring)",
            "geometry cannot be read (e.g. unclosed ring)",
        ),
        GEOM_TYPE_UNEXPECTED=("fel geometrityp", "unexpected geometry type"),
        GEOM_REPAIRED=("ogiltig geometri reparerad", "invalid geometry repaired"),
        GEOM_REPAIR_LOSSY=(
            "reparationen ändrade ytan för mycket",
            "repair changed the area too much",
        ),
        GEOM_TOO_COMPLEX=("geometrin har för många hörn", "geometry has too many vertices"),
        OUTSIDE_STUDY_AREA=("utanför studieområdet", "outside the study area"),
        DUPLICATE_EXACT=("exakt dubblett borttagen", "exact duplicate dropped"),
        DUPLICATE_SUSPECT=("möjlig dubblett", "possible duplicate"),
        ID_DUPLICATE=("samma id förekommer flera gånger", "the same id occurs more than once"),
        DATE_INVALID=("ogiltigt datum/tid", "invalid date/time"),
        DATE_AMBIGUOUS=("tvetydigt datum (dag/månad)", "ambiguous date (day/month)"),
        TIME_NONEXISTENT_DST=(
            "tiden finns inte (sommartid börjar)",
            "the time does not exist (DST starts)",
        ),
        TIME_AMBIGUOUS_DST=(
            "tiden förekommer två gånger (sommartid slutar)",
            "the time occurs twice (DST ends)",
        ),
        CATEGORY_UNKNOWN=("okänd kod/kategori", "unknown code/category"),
        VALUE_MISSING=("obligatoriskt värde saknas", "required value missing"),
        VALUE_INVALID=("ogiltigt värde", "invalid value"),
        ENCODING_FALLBACK=("filen är inte UTF-8", "the file is not UTF-8"),
        ENCODING_MOJIBAKE=("felkodade tecken (t.ex. 'Ã¤')", "garbled characters (e.g. 'Ã¤')"),
        COLUMN_DROPPED=("kolumn borttagen vid import", "column dropped at import"),
        PII_REDACTED=("personuppgifter maskerade", "personal data redacted"),
        NO_VALID_ROWS=("inga giltiga rader", "no valid rows"),
    ),
    **_rules(
        "argument",
        CONFIG_MISSING=("konfigurationsfilen finns inte", "the configuration file does not exist"),
        CONFIG_INVALID=(
            "konfigurationen har ett fel (syntax, nyckel eller värde)",
            "the configuration has an error (syntax, key or value)",
        ),
        LAYER_UNKNOWN=("okänt lager", "unknown layer"),
        BASEMAP_FILE_MISSING=(
            "en fil under [basemap] finns inte",
            "a file named under [basemap] does not exist",
        ),
        BASEMAP_COLUMN_MISSING=(
            "gatulagret saknar kolumnen för gatunamn (roads_name)",
            "the roads layer lacks the street-name column (roads_name)",
        ),
        BASEMAP_GEOMETRY=(
            "ett lager under [basemap] har fel geometrityp",
            "a layer under [basemap] has the wrong geometry type",
        ),
        PSEUDO_KEY_MISSING=(
            "nyckeln för pseudonymisering saknas",
            "the pseudonymisation key is missing",
        ),
        QUARANTINE_PUBLIC=(
            "karantänmappen ligger i en publik mapp",
            "the quarantine folder is inside a public folder",
        ),
        ARGUMENT_TYPE=("argumentet har fel typ", "the argument has the wrong type"),
        ARGUMENT_INVALID=(
            "argumentet har ett värde som inte är tillåtet",
            "the argument has a value that is not allowed",
        ),
        ARGUMENT_MISSING=("ett argument som behövs saknas", "a needed argument is missing"),
        ENVIRONMENT_INVALID=(
            "en miljövariabel har ett värde som inte är tillåtet",
            "an environment variable has a value that is not allowed",
        ),
        ARGUMENTS_CONFLICT=(
            "argument som utesluter eller kräver varandra",
            "arguments that exclude or require each other",
        ),
        NOT_POSITIVE=("värdet måste vara positivt", "the value must be positive"),
        COUNT_INVALID=(
            "värdena är inte antal (heltal ≥ 0)",
            "the values are not counts (integers ≥ 0)",
        ),
        COLUMNS_MISSING=("tabellen saknar kolumner", "the table lacks columns"),
        WEIGHTS_VALUE=("ogiltig vikt", "invalid weight"),
        CRS_MISMATCH=("lagren har olika koordinatsystem", "the layers have different CRSs"),
        CRS_NOT_METRIC=(
            "koordinatsystemet är inte metriskt",
            "the CRS is not projected in metres",
        ),
        TIME_MISSING=("tidpunkt saknas", "time missing"),
        TIME_NAIVE=("tidpunkterna saknar tidszon", "the times have no time zone"),
        WEEK_INVALID=("ogiltig ISO-vecka", "invalid ISO week"),
        PERIOD_FORMAT=("perioden har fel form", "the period has the wrong form"),
        PERIOD_ORDER=("perioden slutar innan den börjar", "the period ends before it starts"),
        PERIOD_EMPTY=("händelserna saknar tidpunkter", "the incidents have no times"),
        AREAS_EMPTY=("det finns inga områden", "there are no areas"),
        INCIDENTS_EMPTY=("det finns inga händelser", "there are no incidents"),
        CONTEXT_EMPTY=(
            "det finns inga kontextlager för riskfaktormodellen",
            "there are no context layers for the risk-factor model",
        ),
        ROADS_EMPTY=("vägnätet har inga linjer", "the road network has no lines"),
        MEASURES_EMPTY=("det finns inga åtgärder", "there are no measures"),
        AREA_UNKNOWN=("okänt område", "unknown area"),
        MEASURE_UNKNOWN=("okänd åtgärd", "unknown measure"),
        MEASURE_START_MISSING=("åtgärden saknar startdatum", "the measure has no start date"),
        CATALOGUE_ENTRY_MISSING=(
            "åtgärdskatalogen saknar posten",
            "the measure catalogue lacks the entry",
        ),
        FILTER_EMPTY=(
            "inga händelser kvar efter urvalet (kategori, datum, tidsfönster)",
            "no incidents left after the selection (category, dates, time window)",
        ),
        TOO_FEW_INCIDENTS=("för få händelser för analysen", "too few incidents for the analysis"),
        TOO_FEW_PERIODS=("för få perioder för trendtestet", "too few periods for the trend test"),
        TOO_FEW_ORIGINS=(
            "för kort historik för en prognosutvärdering",
            "too little history for a forecast evaluation",
        ),
        CELL_SIZE_AUTO=(
            "cellstorleken kan inte väljas automatiskt",
            "the cell size cannot be chosen automatically",
        ),
        BANDWIDTH_AUTO=(
            "bandbredden kan inte väljas automatiskt",
            "the bandwidth cannot be chosen automatically",
        ),
        BANDS_INVALID=(
            "avståndsband eller tidsband är inte strikt växande gränser ≥ 0",
            "distance or time bands are not strictly increasing edges ≥ 0",
        ),
        CHANGE_BOUNDARY=(
            "brytpunkten ligger utanför tidsfönstret",
            "the boundary is outside the time window",
        ),
        GRID_SHAPE=("rutnätets form passar inte", "the grid shape does not fit"),
        GRID_EMPTY=("inga rutor skär området", "no cells intersect the area"),
        GRID_NOT_OURS=("rutnätet saknar rutnätsbeskrivning", "the grid has no grid description"),
        GRID_TOO_LARGE=("rutnätet blir för stort", "the grid would be too large"),
        GRID_NO_OVERLAP=(
            "rutnätet täcker ingen av punkterna",
            "the grid covers none of the points",
        ),
        LOAD_REPORT_KEYS=("importrapporten är ofullständig", "the import report is incomplete"),
        CONTROL_NONE=(
            "inget kontrollområde uppfyller regeln",
            "no control area meets the rule",
        ),
        CONTROL_OVERLAP=(
            "kontrollområdet överlappar målområdet eller buffertzonen",
            "the control area overlaps the target or the buffer",
        ),
        CONTROL_EMPTY=(
            "kontrollområdet saknar händelser i en av perioderna",
            "the control area has no incidents in one of the periods",
        ),
        AFTER_PERIOD_EMPTY=(
            "för lite data efter åtgärden",
            "too little data after the measure",
        ),
        BRIEF_NOT_PUBLIC=(
            "veckobrevet är inte beräknat för publik version",
            "the brief was not computed for a public version",
        ),
        FIGURE_FORMAT=("bildformatet stöds inte", "the image format is not supported"),
        FIGURE_LAYERS=("okända kartlager", "unknown map layers"),
        FIGURE_SOURCE=("kartinnehåll saknas för figuren", "the figure has no map content"),
        MAP_INDICATOR=("okänd indikator", "unknown indicator"),
        MAP_EMPTY=("kartan har inget innehåll", "the map has no content"),
        MAP_TILES=("ogiltig kakeltjänst", "invalid tile service"),
        MAP_NOT_OFFLINE=(
            "kartan skulle hämta resurser från nätet",
            "the map would load resources from the web",
        ),
        MODE_MISMATCH=(
            "läget skiljer sig från publiceringsgrindens",
            "the mode differs from the publishing gate's",
        ),
        RASTER_DTYPE=("bara tal kan bli raster", "only numbers can become rasters"),
        RASTER_SHAPE=(
            "rastrets form passar inte rutnätet",
            "the raster's shape does not fit the grid",
        ),
        PDF_UNAVAILABLE=(
            "PDF-kopian kunde inte skrivas (Chromium saknas eller svarar inte)",
            "the PDF copy could not be written (Chromium missing or not answering)",
        ),
    ),
    **_rules(
        "gate",
        NOT_GATED=(
            "utdata har inte gått genom publiceringsgrinden",
            "the output did not pass the publishing gate",
        ),
        INTERNAL_ONLY=("utdata är bara interna", "the output is internal only"),
        AUDIT_FINDINGS=(
            "granskningen av den skrivna filen hittade problem",
            "the audit of the written file found problems",
        ),
        PUBLIC_CELL_SIZE=(
            "rutor mindre än 250 m i publik utdata",
            "grid cells smaller than 250 m in public output",
        ),
        PUBLIC_STRETCH_LENGTH=(
            "gatusträckor kortare än 250 m i publik utdata",
            "street stretches shorter than 250 m in public output",
        ),
        POINTS_PUBLIC=(
            "punkter (enskilda händelser) i publik utdata",
            "points (individual events) in public output",
        ),
        SNAP_TOO_FINE=("snäppningen är för fin", "the snapping is too fine"),
        TIME_TOO_FINE=(
            "tid finare än månad i publik utdata",
            "time finer than month in public output",
        ),
        SENSITIVE_CATEGORY=(
            "känslig kategori under kommunnivå",
            "sensitive category below municipality level",
        ),
        SURVEY_N_MISSING=("andelar utan antal svar", "shares without a response count"),
        FREE_TEXT=("fritext i publik utdata", "free text in public output"),
        PERSONAL_DATA=("personuppgifter i utdata", "personal data in output"),
        METADATA_PRIVATE=(
            "metadata avslöjar sökvägar, användare eller skyddsparametrar",
            "metadata reveals paths, users or protection parameters",
        ),
        TOTAL_RESERVED=("värdet är reserverat för summor", "the value is reserved for totals"),
        TOTALS_INCONSISTENT=(
            "ett område är inte summan av sina delområden",
            "an area is not the sum of its parts",
        ),
        PLAN_SCOPE_MISMATCH=(
            "mappen har redan filer från en annan röjandeplan",
            "the folder already holds files of another disclosure plan",
        ),
    ),
    **_rules(
        "audit",
        MARKUP_EXECUTABLE=("körbar kod i data", "executable markup in data"),
        SPREADSHEET_FORMULA=(
            "cell som kalkylprogram kör som formel",
            "cell a spreadsheet would run as a formula",
        ),
        INTERNAL_IN_PUBLIC=("intern fil i en publik mapp", "internal file in a public folder"),
        MARKING_MISSING=("intern fil saknar märkning", "internal file lacks the marking"),
        COORDINATE_OFF_GRID=(
            "koordinat finare än det publika rutnätet",
            "coordinate finer than the public grid",
        ),
        SMALL_COUNT=("antal 1–4 i publik utdata", "count 1–4 in public output"),
        HTML_COMMENT=("kommentar i publik HTML", "comment in public HTML"),
        RASTER_UNCLASSED=(
            "oklassade täthetsvärden i publik raster",
            "unclassed density values in a public raster",
        ),
        MODIFIED_AFTER_SEAL=(
            "filen har ändrats efter grinden",
            "the file changed after the gate",
        ),
        SET_INCOMPLETE=(
            "utdatamängden är inte färdig (avbruten, misslyckad eller pågående körning)",
            "the output set is not finished (interrupted, failed or running)",
        ),
        FILE_MISSING=(
            "en fil i grindens manifest saknas i mappen",
            "a file in the gate's manifest is missing from the folder",
        ),
    ),
    **_rules(
        "product",
        SOME_AREAS_FAILED=(
            "några områden kunde inte skrivas; de övriga skrevs",
            "some areas could not be written; the others were",
        ),
        AREA_FAILED=(
            "området kunde inte skrivas (oväntat fel)",
            "the area could not be written (unexpected error)",
        ),
    ),
}


def check_rule(rule: str | None) -> str | None:
    """Return ``rule`` unchanged; raise ``KeyError`` when it is not in :data:`RULES`.

    Called where a rule ID enters a message (error base class, import problems, audit findings)
    so an ID that is not defined here fails in the first test that meets it.
    """
    if rule is not None and rule not in RULES:
        raise KeyError(f"rule ID {rule!r} is not defined in tryggaplatser.rules")
    return rule
