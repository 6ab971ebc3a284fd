"""Load layers: read → map columns → validate → repair/project → redact → deduplicate → report.

The public entry points are :func:`load_layer` (one file) and :func:`load_project` (every file of
a ``tryggaplatser.toml``). Both return the data in the project's working CRS with canonical
columns in schema order, plus a :class:`~tryggaplatser.layers.validate.LoadReport` per file in
which ``read == accepted + quarantined + duplicates_dropped`` always holds.

Column mapping, in order of precedence: the configuration's ``columns`` (source → canonical), the
canonical name itself, then the schema's Swedish aliases (case-insensitive). Constant values come
from ``defaults``. Every other column is dropped and listed (``COLUMN_DROPPED``), so personal data
in extra columns never enters the project.

Codes (``category``, ``status``…) are matched case-insensitively against the vocabulary's codes
and its Swedish and English labels ("Skadegörelse" → ``skadegorelse``). The main category column
(``category``, or ``problem_category`` for walk observations) first goes through the
configuration's ``categories`` mapping; values still unknown follow ``unknown_category``:
``quarantine`` (default), ``ovrigt`` (recoded, and flagged) or ``keep`` (kept as written, flagged)
— never silently ``ovrigt``. Unknown values in other required code columns quarantine the row; in
optional code columns the value is emptied and the row flagged.

Duplicates: rows identical in every canonical column and geometry are exact duplicates; all but
the first are dropped and counted (``DUPLICATE_EXACT``). A repeated id with other content
quarantines the later rows (``ID_DUPLICATE``). Incidents of the same category within
``SUSPECT_DISTANCE_M`` metres and ``SUSPECT_MINUTES`` minutes of each other are kept and the later
one flagged ``DUPLICATE_SUSPECT`` (compared with the next ``SUSPECT_WINDOW`` incidents of the same
category in time order).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._announce import announce
from ..errors import ConfigError
from ..i18n import tr
from ..limits import applied as applied_limits
from ..limits import excerpt
from .config import ProjectConfig, SourceSpec, load_config
from .schema import LAYERS, Column, LayerSchema, schema
from .validate import LoadReport, Problems, file_problem

if TYPE_CHECKING:
    from .readers import RawTable

SUSPECT_DISTANCE_M = 10.0
SUSPECT_MINUTES = 10.0
SUSPECT_WINDOW = 5
MAIN_CATEGORY = {"incidents": "category", "walk_observations": "problem_category"}
_TRUE = {"ja", "j", "true", "sant", "1", "yes", "y", "x"}
_FALSE = {"nej", "n", "false", "falskt", "0", "no"}
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "_", "-": "_", "/": "_"})


@dataclass
class LoadResult:
    """The result of loading one file.

    Attributes
    ----------
    data
        Accepted rows: canonical columns in schema order (+ ``geometry`` in the working CRS for
        spatial layers). The index is the row number as the user sees it (``row``).
    report
        Counts and problems (see :class:`~tryggaplatser.layers.validate.LoadReport`).
    quarantine
        The quarantined rows as read, with ``row``, ``rules``, ``fields``, ``messages``.
    """

    data: Any
    report: LoadReport
    quarantine: pd.DataFrame

    @property
    def problems(self) -> list[dict[str, Any]]:
        return self.report.problems


@dataclass
class Project:
    """All layers of a project, each in the working CRS, with the per-file reports."""

    config: ProjectConfig
    layers: dict[str, Any]
    reports: list[LoadReport] = field(default_factory=list)
    results: list[LoadResult] = field(default_factory=list)
    basemap: Any = None  # Basemap from [basemap] (tryggaplatser.layers.basemap), or None

    def __getattr__(self, name: str):
        layers = self.__dict__.get("layers", {})
        if name in layers:
            return layers[name]
        raise AttributeError(name)

    def __getitem__(self, name: str):
        return self.layers[name]


# --------------------------------------------------------------------------- helpers


def _as_spec(source, layer: str | None) -> SourceSpec:
    if isinstance(source, SourceSpec):
        if layer and layer != source.layer:
            raise ConfigError(
                tr(
                    "lagret {a!r} stämmer inte med källans lager {b!r}",
                    "layer {a!r} does not match the source's layer {b!r}",
                    a=layer,
                    b=source.layer,
                ),
                rule="ARGUMENTS_CONFLICT",
            )
        return source
    if not layer:
        raise ConfigError(
            tr("ange vilket lager filen hör till", "say which layer the file is"),
            rule="ARGUMENT_MISSING",
            fix=tr('t.ex. layer="incidents"', 'e.g. layer="incidents"'),
        )
    schema(layer)
    return SourceSpec(layer=layer, file=Path(source))


def map_columns(
    columns: list[str],
    spec: SourceSpec,
    sch: LayerSchema,
    exclude: tuple[str, ...] = (),
    *,
    shapefile: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """Map source columns to canonical ones. Returns ``(canonical -> source, dropped)``.

    ``shapefile=True`` also accepts names cut to 10 characters (``incident_i``), as the
    Shapefile format truncates them.
    """
    valid = set(sch.column_names)
    for target in spec.columns.values():
        if target not in valid:
            raise ConfigError(
                tr(
                    "[layers.{l}] columns pekar på {t!r} som inte finns i lagret",
                    "[layers.{l}] columns maps to {t!r}, which is not a column of the layer",
                    l=sch.name,
                    t=target,
                ),
                rule="CONFIG_INVALID",
                fix=tr("tillåtna: {c}", "allowed: {c}", c=", ".join(sch.column_names)),
            )
    explicit = {k.lower(): v for k, v in spec.columns.items()}
    aliases = sch.aliases()
    if shapefile:
        for k, v in list(aliases.items()):
            aliases.setdefault(k[:10], v)
        valid_short = {c[:10]: c for c in valid}
        explicit.update({k[:10]: v for k, v in explicit.items()})
    else:
        valid_short = {}
    chosen: dict[str, tuple[int, str]] = {}
    for col in columns:
        if col in exclude:
            continue
        low = col.lower()
        if low in explicit:
            cand = (0, explicit[low])
        elif low in valid:
            cand = (1, low)
        elif low in valid_short:
            cand = (1, valid_short[low])
        elif low in aliases:
            cand = (2, aliases[low])
        else:
            continue
        prio, target = cand
        if target not in chosen or prio < chosen[target][0]:
            chosen[target] = (prio, col)
    mapping = {t: c for t, (_, c) in chosen.items()}
    used = set(mapping.values()) | set(exclude)
    dropped = [c for c in columns if c not in used]
    return mapping, dropped


def _by_unique(values: pd.Series, fn) -> pd.Series:
    """Apply a vectorised text function to the distinct values only, then expand.

    Category-like columns hold a few distinct values in a million rows, so this is much faster
    than working on every row.
    """
    if len(values) <= 100:
        return fn(values)  # a short column: counting distinct values costs more than it saves
    head = values.iloc[:2000]
    if len(values) > 2000 and head.nunique() > len(head) // 4:
        return fn(values)  # identifiers, timestamps: nothing to gain
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) > len(values) // 4:
        return fn(values)
    done = fn(pd.Series(uniques, dtype="str")).astype("str")
    return pd.Series(done.array.take(codes, allow_fill=True), index=values.index)


def _empty(kind: str, n: int) -> pd.Series:
    """An all-missing column of ``n`` rows with the dtype of a schema kind."""
    index = pd.RangeIndex(n)
    if kind == "datetime":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    if kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if kind == "int":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if kind == "float":
        return pd.Series(np.nan, index=index, dtype="float64")
    if kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series(index=index, dtype="str")


def _constant(value: str, n: int) -> pd.Series:
    """A text column holding ``value`` in all ``n`` rows (built without a Python list)."""
    return pd.Series(pd.array([value], dtype="str").take(np.zeros(n, dtype=np.intp)))


def _strip_empty(text: pd.Series) -> pd.Series:
    text = text.astype("str").str.strip()
    return text.where(text != "", None)


def _as_text(values: pd.Series) -> pd.Series:
    """Text form of a column: integers without ``.0``, stripped, empty → missing."""
    kind = values.dtype.kind
    if kind in "iu":
        return values.astype("str")
    if kind == "f":
        out = pd.Series(index=values.index, dtype="str")
        ok = values.notna()
        integral = ok & (values == np.floor(values.where(ok, 0)))
        out[integral] = values[integral].astype("int64").astype("str")
        out[ok & ~integral] = values[ok & ~integral].astype("str")
        return out
    if kind == "b":
        return values.map({True: "ja", False: "nej"}).astype("str")
    if values.isna().all():
        return values.astype("str")
    return _by_unique(values.astype("str"), _strip_empty)


def _code_lookup(vocab_name: str, extra: dict[str, Any] | None = None) -> dict[str, str]:
    from .vocab import vocabulary

    table = dict(vocabulary(vocab_name))
    if extra:
        table.update(extra)
    out: dict[str, str] = {}
    for code, labels in table.items():
        keys = [code]
        if isinstance(labels, dict):
            keys += [v for k, v in labels.items() if k in ("sv", "en") and isinstance(v, str)]
        for k in keys:
            low = k.strip().lower()
            out.setdefault(low, code)
            out.setdefault(low.translate(_FOLD), code)
    return out


def _normalise_codes(text: pd.Series, lookup: dict[str, str]) -> pd.Series:
    def fn(t: pd.Series) -> pd.Series:
        low = t.str.lower()
        mapped = low.map(lookup)
        retry = mapped.isna() & low.notna()
        if retry.any():
            mapped[retry] = low[retry].str.translate(_FOLD).map(lookup)
        return mapped.astype("str")

    return _by_unique(text, fn)


# --------------------------------------------------------------------------- load_layer


def load_layer(
    source: str | Path | SourceSpec,
    layer: str | None = None,
    *,
    crs: str | None = None,
    study_area=None,
    config: ProjectConfig | str | Path | None = None,
    quarantine_dir: str | Path | bool | None = None,
    quiet: bool = False,
) -> LoadResult:
    """Read, validate and project one file of a layer.

    Parameters
    ----------
    source
        A file path, or a :class:`~tryggaplatser.layers.config.SourceSpec` from a configuration
        (with its column mapping, categories, CRS, date format...).
    layer
        The layer name (``areas``, ``incidents``, ``walks``, ``walk_observations``, ``dialogue``,
        ``survey_indicators``, ``measures``, ``police_classification``); taken from the spec when
        a ``SourceSpec`` is given.
    crs
        The CRS of the file's coordinates. Overrides the file's own CRS (use it to correct a file
        that is labelled wrongly) and the spec's ``crs``. ``None``: the file's CRS, else the
        spec's, else WGS84 for lat/lon columns, else ``CRS_MISSING``.
    study_area
        A polygon layer file, a GeoDataFrame/GeoSeries or a shapely geometry; rows outside are
        quarantined (``OUTSIDE_STUDY_AREA``). ``None``: the configuration's ``study_area``.
    config
        The project configuration (or a path to it): gives the working CRS (default EPSG:3006),
        the quarantine folder, ``pseudonymise_ids`` and extra category codes.
    quarantine_dir
        Where to write the quarantine file. ``None``: the configuration's ``quarantine_dir``, else
        ``<config folder>/karantan``; without a configuration nothing is written unless given.
        ``False``: never write.
    quiet
        Do not announce automatic choices (they are still recorded in ``report.choices``).

    Returns
    -------
    LoadResult

    Raises
    ------
    FileProblem
        For file-level problems (``FILE_UNREADABLE``, ``FILE_CORRUPT``, ``ARCHIVE_UNSAFE``,
        ``ARCHIVE_LIMIT``, ``TOO_MANY_COLUMNS``, ``TEXT_TOO_LONG``, ``SCHEMA_MISSING_COLUMN``,
        ``CRS_MISSING``, ``CRS_BOUNDS_MISMATCH``, ``COORD_SWAPPED_SUSPECT``, ``NO_VALID_ROWS``).
        ``exc.report`` holds the report when rows were read (``NO_VALID_ROWS``). The limits are
        the configuration's ``[limits]`` (:mod:`tryggaplatser.limits`).

    Examples
    --------
    Four rows: one exact duplicate and one unreadable date, which goes to the quarantine file.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "handelser.csv").write_text(
    ...     "incident_id,occurred_at,category,source,x,y\\n"
    ...     "1,2026-03-01T21:10,klotter,est,650100,6560100\\n"
    ...     "2,2026-03-02T22:00,brand,est,650300,6560200\\n"
    ...     "2,2026-03-02T22:00,brand,est,650300,6560200\\n"
    ...     "3,inte ett datum,klotter,est,650500,6560300\\n", encoding="utf-8")
    >>> result = load_layer(folder / "handelser.csv", "incidents", crs="EPSG:3006",
    ...                     quarantine_dir=folder / "karantan", quiet=True)
    >>> r = result.report
    >>> r.read, r.accepted, r.quarantined, r.duplicates_dropped
    (4, 2, 1, 1)
    >>> r.read == r.accepted + r.quarantined + r.duplicates_dropped
    True
    """
    if isinstance(config, (str, Path)):
        config = load_config(config)
    with applied_limits(config.limits if config else None):
        return _load_layer(source, layer, crs, study_area, config, quarantine_dir, quiet)


def _load_layer(
    source, layer, crs, study_area, config: ProjectConfig | None, quarantine_dir, quiet: bool
) -> LoadResult:
    """:func:`load_layer` under the configuration's limits."""
    from .geometry import check_crs
    from .readers import read_source

    spec = _as_spec(source, layer)
    sch = schema(spec.layer)
    file = Path(spec.file)
    working_crs = check_crs(config.crs if config else "EPSG:3006", what="crs")
    _require_projected(working_crs)
    problems = Problems()
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 3)
        clock = now

    raw = read_source(spec, problems, has_geometry=sch.geometry is not None)
    lap("read")
    n = len(raw.frame)
    choices = list(raw.choices)
    report = LoadReport(
        file=str(file),
        layer=sch.name,
        read=n,
        format=raw.format,
        crs=working_crs if sch.geometry else None,
    )
    cols = _source_columns(raw, spec, sch, file, problems)
    extra_codes = (config.extra_categories if config else {}) or {}
    out = _parse_columns(cols, sch, spec, raw, problems, extra_codes, choices)
    _check_end_after_start(out, problems)
    lap("validate")
    geometry = None
    if sch.geometry is not None:
        if study_area is None:
            study_area = config.study_area if config else None
        geometry = _load_geometry(
            raw, sch, spec, crs, working_crs, study_area, problems, choices, report
        )
    lap("geometry_project")
    _redact_free_text(out, sch, problems)
    dropped_dup = _duplicates(out, geometry, sch, problems)
    quarantined = problems.quarantined & ~dropped_dup
    accepted = ~quarantined & ~dropped_dup
    report.quarantined = int(quarantined.sum())
    report.duplicates_dropped = int(dropped_dup.sum())
    report.accepted = int(accepted.sum())
    report.choices = choices
    report.check_counts()
    lap("redact_deduplicate")
    data = _accepted_data(out, accepted, geometry, raw, sch, config, file, working_crs, choices)
    qtable, pframe = _quarantine_output(
        raw, problems, quarantined, quarantine_dir, config, file, sch, report
    )
    lap("output_quarantine")
    report.timings = timings
    for sentence in choices:
        announce(sentence, quiet=quiet)
    if report.accepted == 0:
        _raise_no_valid_rows(problems, pframe, report, file, n)
    return LoadResult(data=data, report=report, quarantine=qtable)


def _source_columns(
    raw: RawTable, spec: SourceSpec, sch: LayerSchema, file: Path, problems: Problems
) -> dict[str, pd.Series | None]:
    """Map the file's columns to the schema's; a missing required column is a file problem."""
    n = len(raw.frame)
    mapping, dropped = map_columns(
        list(raw.frame.columns),
        spec,
        sch,
        raw.coord_columns,
        shapefile=raw.format in ("shp", "zip"),
    )
    if raw.format == "polisen":
        dropped = []
    provided = set(mapping) | set(raw.fixed) | set(spec.defaults)
    missing_cols = [c for c in sch.required if c not in provided]
    if missing_cols:
        raise file_problem(
            file,
            "SCHEMA_MISSING_COLUMN",
            tr(
                "obligatorisk kolumn saknas: {m} (filen har: {c})",
                "required column missing: {m} (the file has: {c})",
                m=", ".join(missing_cols),
                c=excerpt(", ".join(map(str, raw.frame.columns[:1000]))) or "–",
            ),
            tr(
                'döp om kolumnen, eller ange columns = {{ "källkolumn" = "{t}" }} eller '
                'defaults = {{ {t} = "värde" }} under [layers.{l}] i tryggaplatser.toml',
                'rename the column, or set columns = {{ "source column" = "{t}" }} or defaults = '
                '{{ {t} = "value" }} under [layers.{l}] in tryggaplatser.toml',
                t=missing_cols[0],
                l=sch.name,
            ),
        )
    for col in dropped:
        problems.file(
            "COLUMN_DROPPED",
            tr(
                "kolumnen {c!r} finns inte i lagrets schema eller mappning och togs bort "
                "(skyddar mot personuppgifter i extra kolumner)",
                "column {c!r} is not in the layer's schema or "
                "mapping and was dropped (guards against personal data in extra columns)",
                c=excerpt(col),
            ),
            field=col,
        )
    cols: dict[str, pd.Series | None] = {}
    for c in sch.columns:
        if c.name in mapping:
            cols[c.name] = raw.frame[mapping[c.name]].reset_index(drop=True)
        elif c.name in raw.fixed or c.name in spec.defaults:
            value = raw.fixed.get(c.name, spec.defaults.get(c.name))
            cols[c.name] = _constant(str(value), n)
        else:
            cols[c.name] = None  # absent: an empty column of the right type, no checks
    return cols


def _parse_columns(
    cols: dict[str, pd.Series | None],
    sch: LayerSchema,
    spec: SourceSpec,
    raw: RawTable,
    problems: Problems,
    extra_codes: dict[str, Any],
    choices: list[str],
) -> dict[str, pd.Series]:
    """Parse every column by its kind (dates, numbers, yes/no, codes, text), flagging bad values."""
    from .times import parse_datetimes

    n = len(raw.frame)
    out: dict[str, pd.Series] = {}
    for c in sch.columns:
        values = cols[c.name]
        if values is None:
            out[c.name] = _empty(c.kind, n)
            continue
        if c.kind in ("datetime", "date"):
            parsed = parse_datetimes(
                values,
                field=c.name,
                problems=problems,
                required=c.required,
                date_format=spec.date_format,
                dayfirst=spec.dayfirst,
                localize=c.kind == "datetime",
                choices=choices,
            )
            out[c.name] = _check_date_range(parsed, values, c, problems)
            continue
        text = _as_text(values)
        present = text.notna().to_numpy()
        if c.required and c.kind not in ("int", "float"):
            problems.flag(
                ~present,
                "VALUE_MISSING",
                c.name,
                tr("obligatoriskt värde saknas", "required value missing"),
            )
        if c.kind in ("id", "text", "free_text"):
            out[c.name] = text
        elif c.kind in ("int", "float"):
            out[c.name] = _parse_number(values, text, present, c, problems)
        elif c.kind == "bool":
            out[c.name] = _parse_bool(text, present, c, problems)
        elif c.kind == "code":
            out[c.name] = _codes_column(
                text, c, sch, spec, raw, problems, extra_codes, choices, present
            )
        elif c.kind == "codes":
            out[c.name] = _multi_codes(text, c, problems, present)
        else:  # pragma: no cover - schema kinds are fixed
            raise AssertionError(c.kind)
    return out


def _parse_number(
    values: pd.Series, text: pd.Series, present: np.ndarray, c: Column, problems: Problems
) -> pd.Series:
    """Parse an ``int`` or ``float`` column; invalid values are flagged and emptied."""
    from .readers import to_number

    num = to_number(values if values.dtype.kind in "fiu" else text)
    bad = present & ~np.isfinite(num.to_numpy())
    if c.kind == "int":
        bad |= present & np.isfinite(num.to_numpy()) & (num.to_numpy() % 1 != 0)
    sev = "quarantine" if c.required else "warning"
    problems.flag(
        bad,
        "VALUE_INVALID",
        c.name,
        tr(
            "inte ett {k}",
            "not a {k2}",
            k="heltal" if c.kind == "int" else "tal",
            k2="whole number" if c.kind == "int" else "number",
        ),
        text,
        severity=sev,
    )
    if c.required:
        problems.flag(
            ~present,
            "VALUE_MISSING",
            c.name,
            tr("obligatoriskt värde saknas", "required value missing"),
        )
    num = num.where(~bad)
    return num.round().astype("Int64") if c.kind == "int" else num


def _parse_bool(text: pd.Series, present: np.ndarray, c: Column, problems: Problems) -> pd.Series:
    """Parse a yes/no column (ja/nej, true/false, 1/0, x…); other values are flagged."""
    low = text.str.lower()
    val = pd.Series(pd.array([None] * len(text), dtype="boolean"))
    val[low.isin(_TRUE).to_numpy()] = True
    val[low.isin(_FALSE).to_numpy()] = False
    bad = present & val.isna().to_numpy()
    problems.flag(
        bad,
        "VALUE_INVALID",
        c.name,
        tr("inte ja/nej", "not yes/no"),
        text,
        severity="warning",
    )
    return val


def _check_end_after_start(out: dict[str, pd.Series], problems: Problems) -> None:
    """An end time before the start time is flagged and emptied (in place)."""
    if "occurred_end" in out and "occurred_at" in out:
        reversed_ = (out["occurred_end"] < out["occurred_at"]).fillna(False).to_numpy()
        problems.flag(
            reversed_,
            "VALUE_INVALID",
            "occurred_end",
            tr(
                "sluttiden ligger före starttiden; sluttiden tömd",
                "the end time is before the start time; end time emptied",
            ),
            out["occurred_end"].astype(str),
            severity="warning",
        )
        if reversed_.any():
            out["occurred_end"] = out["occurred_end"].mask(reversed_)


def _source_crs(
    raw: RawTable, spec: SourceSpec, crs: str | None, file: Path, choices: list[str]
) -> str | None:
    """The CRS of the file's coordinates: ``crs`` argument, else the spec's, else the file's."""
    from .geometry import check_crs

    source_crs = None
    if crs:
        source_crs = check_crs(crs, what="--crs")
        if raw.crs and check_crs(raw.crs, what=str(file)) != source_crs:
            choices.append(
                tr(
                    "{f}: filens koordinatsystem {a} ersatt med {b}",
                    "{f}: the file's CRS {a} replaced by {b}",
                    f=file.name,
                    a=raw.crs,
                    b=source_crs,
                )
            )
    elif spec.crs:
        source_crs = check_crs(spec.crs, what=str(file))
    elif raw.crs:
        source_crs = check_crs(raw.crs, what=str(file))
    return source_crs


def _load_geometry(
    raw: RawTable,
    sch: LayerSchema,
    spec: SourceSpec,
    crs: str | None,
    working_crs: str,
    study_area,
    problems: Problems,
    choices: list[str],
    report: LoadReport,
) -> np.ndarray:
    """Check, project and clip the geometries to the study area; returns them in the working CRS."""
    from .geometry import check_geometries, project

    file = Path(spec.file)
    geoms = raw.geometry
    if geoms is None:
        if sch.geometry_required:
            raise file_problem(
                file,
                "SCHEMA_MISSING_COLUMN",
                tr("filen saknar geometri", "the file has no geometry"),
                tr(
                    "exportera med geometri, eller lägg till x/y-kolumner",
                    "export with geometry, or add x/y columns",
                ),
            )
        geoms = np.full(len(raw.frame), None, dtype=object)
    source_crs = _source_crs(raw, spec, crs, file, choices)
    report.source_crs = source_crs
    has_any = bool((~pd.isna(geoms)).any())
    geoms = check_geometries(
        geoms,
        allowed=sch.geometry,
        required=sch.geometry_required,
        problems=problems,
        already_flagged=raw.geom_flagged,
    )
    if has_any:
        geoms = project(geoms, source=source_crs, target=working_crs, problems=problems, file=file)
    area = _study_area(study_area, working_crs)
    if area is not None:
        _flag_outside(geoms, area, sch, problems)
    return geoms


def _flag_outside(geoms: np.ndarray, area, sch: LayerSchema, problems: Problems) -> None:
    """Flag open rows whose geometry lies outside the study area (``OUTSIDE_STUDY_AREA``)."""
    import shapely

    open_ = ~problems.quarantined & ~pd.isna(geoms)
    idx = np.flatnonzero(open_)
    inside = np.ones(len(geoms), dtype=bool)
    if idx.size:
        shapely.prepare(area)
        if sch.geometry == ("Point",):
            hit = shapely.contains_xy(area, shapely.get_x(geoms[idx]), shapely.get_y(geoms[idx]))
            # points exactly on the boundary count as inside
            edge = ~hit
            hit[edge] = shapely.intersects(area, geoms[idx][edge])
            inside[idx] = hit
        else:
            inside[idx] = shapely.intersects(area, geoms[idx])
    problems.flag(
        open_ & ~inside,
        "OUTSIDE_STUDY_AREA",
        "geometry",
        tr("ligger utanför studieområdet", "lies outside the study area"),
        only_new=True,
    )


def _redact_free_text(out: dict[str, pd.Series], sch: LayerSchema, problems: Problems) -> None:
    """Replace personal data in free-text columns by placeholders (in place), flagging each row."""
    from .redact import redact_text

    for name in sch.free_text_columns():
        red, found = redact_text(out[name])
        hit = (found != "").to_numpy()
        if hit.any():
            problems.flag(
                hit,
                "PII_REDACTED",
                name,
                tr(
                    "personuppgifter ersatta med platshållare: ",
                    "personal data replaced by placeholders: ",
                )
                + found,
                found,
                severity="info",
            )
        out[name] = red


def _accepted_data(
    out: dict[str, pd.Series],
    accepted: np.ndarray,
    geometry,
    raw: RawTable,
    sch: LayerSchema,
    config: ProjectConfig | None,
    file: Path,
    working_crs: str,
    choices: list[str],
):
    """The accepted rows as a (Geo)DataFrame indexed by the user's row number."""
    from .redact import pseudonymise

    frame = pd.DataFrame({k: v for k, v in out.items()})
    frame = frame.loc[accepted].copy()
    if config is not None and config.pseudonymise_ids and sch.id_column == "incident_id":
        frame["incident_id"] = pseudonymise(frame["incident_id"])
        choices.append(
            tr(
                "{f}: händelse-id ersatta med nyckelhashade pseudonymer",
                "{f}: incident ids replaced by keyed-hash pseudonyms",
                f=file.name,
            )
        )
    frame.index = pd.Index(raw.rows[accepted], name="row")
    if geometry is not None:
        import geopandas as gpd

        data = gpd.GeoDataFrame(
            frame,
            geometry=gpd.GeoSeries(geometry[accepted], index=frame.index, crs=working_crs),
            crs=working_crs,
        )
    else:
        data = frame
    data.attrs["source_file"] = str(file)
    data.attrs["choices"] = list(choices)
    return data


def _quarantine_output(
    raw: RawTable,
    problems: Problems,
    quarantined: np.ndarray,
    quarantine_dir,
    config: ProjectConfig | None,
    file: Path,
    sch: LayerSchema,
    report: LoadReport,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build (and write, when asked) the quarantine table; returns it and the problems frame."""
    import shapely

    from .quarantine import build_quarantine, quarantine_dir_for, write_quarantine

    n = len(raw.frame)
    qpos = np.flatnonzero(quarantined)
    pframe = problems.frame()
    raw_wkt = None  # original geometries of quarantined rows, in the file's CRS
    if raw.geometry is not None and qpos.size:
        raw_wkt = pd.Series(np.full(n, None, dtype=object))
        g = raw.geometry[qpos]
        raw_wkt[qpos] = shapely.to_wkt(np.where(pd.isna(g), None, g), rounding_precision=-1)
    qtable = build_quarantine(raw.frame, raw_wkt, raw.rows, pframe, qpos)
    report.problems_frame = pframe
    if qpos.size and quarantine_dir is not False and (quarantine_dir is not None or config):
        folder = quarantine_dir_for(quarantine_dir if quarantine_dir is not True else None, config)
        report.quarantine_file = str(write_quarantine(qtable, folder, file, sch.name))
    return qtable, pframe


def _raise_no_valid_rows(
    problems: Problems, pframe: pd.DataFrame, report: LoadReport, file: Path, n: int
) -> None:
    """Raise ``NO_VALID_ROWS`` naming the three commonest reasons and the quarantine file."""
    problems.file("NO_VALID_ROWS", "", severity="error")
    report.problems_frame = problems.frame()
    counts = pframe["rule"][pframe["severity"] == "quarantine"].value_counts()
    top = ", ".join(f"{r} ×{k}" for r, k in counts.head(3).items()) or tr(
        "filen har inga datarader", "the file has no data rows"
    )
    where = (
        tr("; se karantänfilen {q}", "; see the quarantine file {q}", q=report.quarantine_file)
        if report.quarantine_file
        else ""
    )
    message = tr(
        "inga giltiga rader av {n} lästa ({t}){w}",
        "no valid rows of {n} read ({t}){w}",
        n=n,
        t=top,
        w=where,
    )
    report.problems_frame.loc[report.problems_frame["rule"] == "NO_VALID_ROWS", "message"] = message
    raise file_problem(
        file,
        "NO_VALID_ROWS",
        message,
        tr(
            "rätta felen i filen (eller mappningen i tryggaplatser.toml) och försök igen",
            "fix the errors in the file (or the mapping in tryggaplatser.toml) and try again",
        ),
        report=report,
    )


EARLIEST = pd.Timestamp("1970-01-01")


def _check_date_range(
    parsed: pd.Series, raw: pd.Series, c: Column, problems: Problems
) -> pd.Series:
    """Dates before 1970 (e.g. Excel's empty date 1900-01-00) or more than a day in the future
    are typing errors: ``DATE_INVALID`` (quarantine for required columns, else emptied).
    Planned dates (due dates, follow-ups) may lie up to ten years ahead."""
    naive = parsed.dt.tz_convert(None) if isinstance(parsed.dtype, pd.DatetimeTZDtype) else parsed
    ahead = pd.Timedelta(days=3653) if c.planned else pd.Timedelta(days=1)
    now = pd.Timestamp.now(tz="UTC").tz_localize(None) + ahead
    bad = ((naive < EARLIEST) | (naive > now)).fillna(False).to_numpy()
    if not bad.any():
        return parsed
    severity = "quarantine" if c.required else "warning"
    problems.flag(
        bad,
        "DATE_INVALID",
        c.name,
        tr(
            "orimligt datum (före 1970 eller i framtiden); kontrollera årtalet",
            "implausible date (before 1970 or in the future); check the year",
        ),
        raw,
        severity=severity,
    )
    return parsed if c.required else parsed.mask(bad)


def _require_projected(crs: str) -> None:
    from pyproj import CRS

    if not CRS.from_user_input(crs).is_projected:
        raise ConfigError(
            tr(
                "arbets-CRS {c} är inte metriskt; avstånd och ytor kräver ett projicerat system",
                "the working CRS {c} is not metric; distances and areas need a projected CRS",
                c=crs,
            ),
            rule="CRS_NOT_METRIC",
            fix=tr(
                'använd crs = "EPSG:3006" (SWEREF 99 TM) eller en lokal SWEREF-zon',
                'use crs = "EPSG:3006" (SWEREF 99 TM) or a local SWEREF zone',
            ),
        )


def _codes_column(
    text: pd.Series,
    c: Column,
    sch: LayerSchema,
    spec: SourceSpec,
    raw: RawTable,
    problems: Problems,
    extra_codes: dict[str, Any],
    choices: list[str],
    present: np.ndarray,
) -> pd.Series:
    """Normalise a code column; unknown values follow the rules in the module docstring."""
    lookup = _code_lookup(c.vocab, extra_codes if c.vocab == "category" else None)
    is_main = MAIN_CATEGORY.get(sch.name) == c.name
    base = text
    if is_main:
        mapping = {**raw.category_map, **spec.categories}
        if mapping:
            lowered = {k.lower(): v for k, v in mapping.items()}

            def fn(t: pd.Series) -> pd.Series:
                exact = t.map(mapping)
                lower = t.str.lower().map(lowered)
                return exact.fillna(lower).fillna(t).astype("str")

            base = _by_unique(text, fn)
    codes = _normalise_codes(base, lookup)
    unknown = present & codes.isna().to_numpy()
    if not unknown.any():
        return codes
    if is_main:
        return _unknown_main_category(codes, unknown, text, c, sch, spec, problems)
    _flag_unknown_code(unknown, text, c, lookup, problems)
    return codes


_UNKNOWN_SV = "okänt värde för {f} (vokabulär {v})"
_UNKNOWN_EN = "unknown value for {f} (vocabulary {v})"


def _unknown_main_category(
    codes: pd.Series,
    unknown: np.ndarray,
    text: pd.Series,
    c: Column,
    sch: LayerSchema,
    spec: SourceSpec,
    problems: Problems,
) -> pd.Series:
    """Apply ``unknown_category`` (quarantine, ``ovrigt``, ``keep``) to unknown main categories."""
    msg_sv, msg_en = _UNKNOWN_SV, _UNKNOWN_EN
    policy = spec.unknown_category
    if policy == "quarantine":
        problems.flag(
            unknown,
            "CATEGORY_UNKNOWN",
            c.name,
            tr(
                msg_sv + "; lägg till den under categories i [layers.{l}] eller rätta värdet",
                msg_en + "; add it under categories in [layers.{l}] or fix the value",
                f=c.name,
                v=c.vocab,
                l=sch.name,
            ),
            text,
        )
    elif policy == "ovrigt":
        problems.flag(
            unknown,
            "CATEGORY_UNKNOWN",
            c.name,
            tr(
                msg_sv + '; omkodat till ovrigt enligt unknown_category = "ovrigt"',
                msg_en + '; recoded to ovrigt by unknown_category = "ovrigt"',
                f=c.name,
                v=c.vocab,
            ),
            text,
            severity="warning",
        )
        codes = codes.copy()
        codes[unknown] = "ovrigt"
    else:
        problems.flag(
            unknown,
            "CATEGORY_UNKNOWN",
            c.name,
            tr(
                msg_sv + '; behållet oförändrat enligt unknown_category = "keep"',
                msg_en + '; kept as written by unknown_category = "keep"',
                f=c.name,
                v=c.vocab,
            ),
            text,
            severity="warning",
        )
        codes = codes.copy()
        codes[unknown] = text[unknown]
    return codes


def _flag_unknown_code(
    unknown: np.ndarray, text: pd.Series, c: Column, lookup: dict[str, str], problems: Problems
) -> None:
    """Unknown values in other code columns: quarantine if required, else empty and warn."""
    msg_sv, msg_en = _UNKNOWN_SV, _UNKNOWN_EN
    if c.required:
        problems.flag(
            unknown,
            "CATEGORY_UNKNOWN",
            c.name,
            tr(
                msg_sv + "; tillåtna koder: {a}",
                msg_en + "; allowed codes: {a}",
                f=c.name,
                v=c.vocab,
                a=", ".join(dict.fromkeys(lookup.values())),
            ),
            text,
        )
    else:
        problems.flag(
            unknown,
            "CATEGORY_UNKNOWN",
            c.name,
            tr(msg_sv + "; värdet tömt", msg_en + "; value emptied", f=c.name, v=c.vocab),
            text,
            severity="warning",
        )


def _multi_codes(text: pd.Series, c: Column, problems: Problems, present: np.ndarray) -> pd.Series:
    """Normalise a multi-code column (``a,b`` or ``a;b``) to ``a;b``; unknown codes are removed
    and the row flagged."""
    lookup = _code_lookup(c.vocab)
    if not present.any():
        return text
    # the distinct texts only (a few combinations in many rows), then expanded to the rows
    rows = np.flatnonzero(present)
    codes, uniques = pd.factorize(text.iloc[rows], use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype="str")
    parts = distinct.str.split(r"\s*[,;]\s*", regex=True).explode()
    parts = parts[parts.notna() & (parts != "")]
    mapped = _normalise_codes(parts.astype("str"), lookup)
    bad = np.zeros(len(distinct) + 1, dtype=bool)  # the last slot: a missing text
    bad[np.asarray(mapped.index[mapped.isna()].unique(), dtype=int)] = True
    joined = mapped.dropna().groupby(level=0).agg(";".join)
    done = pd.Series(index=distinct.index, dtype="str")
    done[joined.index] = joined
    out = pd.Series(index=text.index, dtype="str")
    out.iloc[rows] = done.array.take(codes, allow_fill=True)
    mask = np.zeros(len(text), dtype=bool)
    mask[rows] = bad[codes]
    problems.flag(
        mask,
        "CATEGORY_UNKNOWN",
        c.name,
        tr(
            "okänd kod i {f} borttagen (vokabulär {v})",
            "unknown code in {f} removed (vocabulary {v})",
            f=c.name,
            v=c.vocab,
        ),
        text,
        severity="warning",
    )
    return out


def _study_area(study_area, working_crs: str):
    """The study area as one (multi)polygon in the working CRS, or ``None``."""
    if study_area is None:
        return None
    import geopandas as gpd
    import shapely

    if isinstance(study_area, (str, Path)):
        path = Path(study_area)
        if path.exists():  # read once for all the files of a project (same file, same CRS)
            stat = path.stat()
            key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
            return _study_area_file(str(path), key, working_crs)
        raise file_problem(
            path,
            "FILE_UNREADABLE",
            tr("studieområdets fil finns inte", "the study-area file does not exist"),
            tr("kontrollera study_area / --study-area", "check study_area / --study-area"),
        )
    if isinstance(study_area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if study_area.crs is None:
            from ..errors import ArgumentError

            raise ArgumentError(
                tr("studieområdet saknar koordinatsystem", "the study area has no CRS"),
                rule="CRS_MISSING",
                fix=tr("sätt .crs", "set .crs"),
            )
        geo = study_area.to_crs(working_crs)
        series = geo.geometry if isinstance(geo, gpd.GeoDataFrame) else geo
        return shapely.union_all(series.to_numpy())
    return study_area  # a shapely geometry, assumed in the working CRS


@functools.lru_cache(maxsize=8)
def _study_area_file(file: str, key: tuple[str, int, int], working_crs: str):
    """The study-area file as one (multi)polygon in the working CRS; cached by ``key`` (the
    file's full path, modification time and size), so a changed file is read again. Errors are
    not cached."""
    import geopandas as gpd
    import shapely

    path = Path(file)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:
        raise file_problem(
            path,
            "FILE_CORRUPT",
            tr(
                "studieområdet kan inte läsas ({e})",
                "the study area cannot be read ({e})",
                e=str(exc)[:160],
            ),
            tr("exportera filen på nytt", "export the file again"),
        ) from None
    if frame.crs is None:
        raise file_problem(
            path,
            "CRS_MISSING",
            tr("studieområdet saknar koordinatsystem", "the study area has no CRS"),
            tr(
                "spara filen med koordinatsystem (t.ex. EPSG:3006)",
                "save the file with a CRS (e.g. EPSG:3006)",
            ),
        )
    return shapely.union_all(frame.to_crs(working_crs).geometry.to_numpy())


def _duplicates(
    out: dict[str, pd.Series], geometry, sch: LayerSchema, problems: Problems
) -> np.ndarray:
    """Flag duplicates; returns the mask of exact duplicates to drop."""
    n = len(next(iter(out.values()))) if out else 0
    open_ = ~problems.quarantined
    points = geometry is not None and sch.geometry == ("Point",)
    key, xy = _duplicate_key(out, geometry, points, n)
    dup = _exact_duplicates(key, open_, n)
    problems.flag(
        dup,
        "DUPLICATE_EXACT",
        None,
        tr(
            "exakt dubblett av en tidigare rad; borttagen",
            "exact duplicate of an earlier row; dropped",
        ),
        severity="info",
    )
    remaining = open_ & ~dup
    idcol = sch.id_column
    if idcol and idcol in out:
        remaining &= ~_flag_repeated_ids(out[idcol], idcol, remaining, problems)
    if points and "occurred_at" in out and "category" in out:
        _suspect_spacetime(out, xy, remaining, problems)
    elif sch.duplicate_keys and all(k in out for k in sch.duplicate_keys):
        _flag_same_keys(out, sch.duplicate_keys, remaining, problems)
    return dup


def _duplicate_key(
    out: dict[str, pd.Series], geometry, points: bool, n: int
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray] | None]:
    """All canonical columns plus the geometry (x/y for points, WKB otherwise); and x/y."""
    import shapely

    key = pd.DataFrame({k: v for k, v in out.items()})
    xy = None
    if geometry is not None:
        has = ~pd.isna(geometry)
        # empty geometries (already quarantined as GEOM_EMPTY) have no x/y: key them as missing
        has[has] = ~shapely.is_empty(geometry[has])
        if points:
            x = np.full(n, np.nan)
            y = np.full(n, np.nan)
            x[has] = shapely.get_x(geometry[has])
            y[has] = shapely.get_y(geometry[has])
            key["_x"], key["_y"] = x, y
            xy = (x, y)
        else:
            wkb = np.full(n, None, dtype=object)
            wkb[has] = shapely.to_wkb(geometry[has], hex=True)  # text: the key is compared as text
            key["_wkb"] = wkb
    return key, xy


def _exact_duplicates(key: pd.DataFrame, open_: np.ndarray, n: int) -> np.ndarray:
    """Open rows identical to an earlier open row in every key column."""
    dup = np.zeros(n, dtype=bool)
    # candidates first: rows sharing the cheap numeric part of the key (coordinates, times)
    cheap = [
        c
        for c in key.columns
        if key[c].dtype.kind in "fiuM"
        or c == "_wkb"
        or isinstance(key[c].dtype, pd.DatetimeTZDtype)
    ]
    open_idx = np.flatnonzero(open_)
    if open_idx.size:
        if cheap:
            cheap_frame = key[cheap].iloc[open_idx]
            cand = cheap_frame.duplicated(keep=False).to_numpy()
        else:
            cand = np.ones(open_idx.size, dtype=bool)
        if cand.any():
            sub = key.iloc[open_idx[cand]].astype(str)
            dup[open_idx[cand][sub.duplicated().to_numpy()]] = True
    return dup


def _flag_repeated_ids(
    ids: pd.Series, idcol: str, remaining: np.ndarray, problems: Problems
) -> np.ndarray:
    """Quarantine later rows reusing an id (``ID_DUPLICATE``); returns their mask."""
    n = len(ids)
    later = np.zeros(n, dtype=bool)
    again = remaining & ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if again.any():
        first = (
            pd.Series(np.flatnonzero(again))
            .groupby(ids.to_numpy()[again])
            .transform("min")
            .to_numpy()
        )
        later[np.flatnonzero(again)[np.flatnonzero(again) != first]] = True
        problems.flag(
            later,
            "ID_DUPLICATE",
            idcol,
            tr(
                "id:t finns redan på en tidigare rad med annat innehåll; ge raden ett eget id",
                "the id is already used by an earlier row with other content; give the row its "
                "own id",
            ),
            ids,
            only_new=True,
        )
    return later


def _flag_same_keys(
    out: dict[str, pd.Series], keys_: tuple[str, ...], remaining: np.ndarray, problems: Problems
) -> None:
    """Flag later rows repeating the layer's duplicate keys (``DUPLICATE_SUSPECT``, warning)."""
    n = len(remaining)
    keys = pd.DataFrame({k: out[k] for k in keys_})[remaining]
    d = keys.duplicated(keep="first").to_numpy()
    mask = np.zeros(n, dtype=bool)
    mask[np.flatnonzero(remaining)[d]] = True
    problems.flag(
        mask,
        "DUPLICATE_SUSPECT",
        ",".join(keys_),
        tr(
            "samma {k} som en tidigare rad",
            "same {k} as an earlier row",
            k="/".join(keys_),
        ),
        severity="warning",
    )


def _suspect_spacetime(out, xy, remaining, problems: Problems) -> None:
    x, y = xy
    t = out["occurred_at"]
    ok = remaining & t.notna().to_numpy() & np.isfinite(x)
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        return
    catcodes = pd.factorize(out["category"])[0][idx]
    tt = t.dt.tz_convert(None).to_numpy()[idx].astype("datetime64[s]").astype("int64")
    order = np.lexsort((tt, catcodes))
    cats = catcodes[order]
    ts, xs, ys = tt[order], x[idx][order], y[idx][order]
    flag = np.zeros(idx.size, dtype=bool)
    partner = np.full(idx.size, -1)
    for k in range(1, SUSPECT_WINDOW + 1):
        same = cats[k:] == cats[:-k]
        near_t = (ts[k:] - ts[:-k]) <= SUSPECT_MINUTES * 60
        near_d = np.hypot(xs[k:] - xs[:-k], ys[k:] - ys[:-k]) <= SUSPECT_DISTANCE_M
        hit = same & near_t & near_d & ~flag[k:]
        flag[k:] |= hit
        partner[k:][hit] = np.arange(idx.size - k)[hit]
    if not flag.any():
        return
    mask = np.zeros(len(remaining), dtype=bool)
    mask[idx[order[flag]]] = True
    rows = problems.rows
    other = pd.Series(np.full(len(remaining), None, dtype=object))
    other[idx[order[flag]]] = rows[idx[order[partner[flag]]]].astype(str)
    problems.flag(
        mask,
        "DUPLICATE_SUSPECT",
        "occurred_at,category,geometry",
        tr(
            "samma kategori inom {d:.0f} m och {m:.0f} min från rad ",
            "same category within {d:.0f} m and {m:.0f} min of row ",
            d=SUSPECT_DISTANCE_M,
            m=SUSPECT_MINUTES,
        )
        + other.fillna(""),
        other,
        severity="warning",
    )


# --------------------------------------------------------------------------- project


def empty_layer(layer: str, crs: str = "EPSG:3006"):
    """An empty frame with the layer's canonical columns (and geometry for spatial layers)."""
    sch = schema(layer)
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in sch.column_names})
    frame.index.name = "row"
    if sch.geometry is None:
        return frame
    import geopandas as gpd

    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def load_project(
    config: ProjectConfig | str | Path,
    *,
    quarantine_dir: str | Path | None = None,
    quiet: bool = False,
) -> Project:
    """Load every file of a project configuration.

    Parameters
    ----------
    config
        A :class:`~tryggaplatser.layers.config.ProjectConfig` or the path of a
        ``tryggaplatser.toml``.
    quarantine_dir
        Overrides the configuration's quarantine folder.
    quiet
        Do not announce automatic choices.

    Returns
    -------
    Project
        ``project.layers[name]`` (also ``project.incidents`` etc.) for every layer of the schema
        (empty frames for layers without files); files of the same layer are concatenated with a
        fresh index. ``project.reports`` holds one report per file.

    Raises
    ------
    FileProblem
        The first file-level problem met (the CLI's ``validate --config`` checks every file).
    """
    if isinstance(config, (str, Path)):
        config = load_config(config)
    working = config.crs
    results: list[LoadResult] = []
    layers: dict[str, Any] = {}
    for name in LAYERS:
        parts = []
        for spec in config.sources_for(name):
            res = load_layer(
                spec, crs=None, config=config, quarantine_dir=quarantine_dir, quiet=quiet
            )
            results.append(res)
            parts.append(res.data)
        if not parts:
            layers[name] = empty_layer(name, working)
        elif len(parts) == 1:
            layers[name] = parts[0]
        else:
            merged = pd.concat(parts, ignore_index=True)
            merged.index.name = "row"
            merged.attrs = {"source_file": [p.attrs.get("source_file") for p in parts]}
            layers[name] = merged
    from .basemap import load_basemap

    return Project(
        config=config,
        layers=layers,
        reports=[r.report for r in results],
        results=results,
        basemap=load_basemap(config),
    )


__all__ = ["LoadResult", "Project", "empty_layer", "load_layer", "load_project", "map_columns"]
