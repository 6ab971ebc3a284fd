"""Project configuration: one ``tryggaplatser.toml`` per municipality.

Relative paths in the file are relative to the file's folder. See ``TEMPLATE`` (written by
``tryggaplatser init``) for every key with a comment.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..i18n import tr
from ..limits import DEFAULT as DEFAULT_LIMITS
from ..limits import Limits, excerpt
from ..policy import MODES

UNKNOWN_CATEGORY_RULES = ("quarantine", "ovrigt", "keep")


@dataclass(frozen=True)
class SourceSpec:
    """One input file of a layer and how to read it."""

    layer: str
    file: Path
    format: str | None = None  # None = from the extension; "polisen" for Polisen's events JSON
    table: str | None = None  # layer name inside a GeoPackage / sheet name in XLSX
    crs: str | None = None  # CRS of the coordinates when the file has none (CSV/XLSX/JSON)
    columns: dict[str, str] = field(default_factory=dict)  # source column -> canonical column
    categories: dict[str, str] = field(default_factory=dict)  # source value -> category code
    defaults: dict[str, str] = field(default_factory=dict)  # canonical column -> constant value
    x: str | None = None  # coordinate columns for tables (x/y, lon/lat or wkt)
    y: str | None = None
    wkt: str | None = None
    date_format: str | None = None  # strftime format; None = ISO 8601 or a recognised format
    dayfirst: bool = True  # how to read 03/04/2024 when the format is not given
    separator: str | None = None  # None = detect
    decimal: str | None = None  # None = detect
    encoding: str | None = None  # None = detect (UTF-8, UTF-8 BOM, cp1252)
    unknown_category: str = "quarantine"  # quarantine | ovrigt | keep

    @property
    def name(self) -> str:
        return self.file.name


@dataclass(frozen=True)
class RiskSettings:
    """``[risk]``: the risk-terrain model and the street stretches (``tryggaplatser
    riskfaktorer``). Every value has a stated default; see README "Riskfaktorer"."""

    # None = the toolkit's default, recorded as an automatic choice
    distances: tuple[float, ...] | None = None  # 1–3 distances of the candidates (100, 150, 300 m)
    snap_distance: float | None = None  # points farther from every road are not snapped (50 m)
    stretch_length: float | None = None  # target length of a street stretch (100 m)
    lighting_from_walks: bool = True  # walk observations of type belysning as a derived factor


@dataclass(frozen=True)
class BasemapSpec:
    """``[basemap]``: the municipality's own background layers (absolute paths, ``None`` = not
    given). Read by :func:`tryggaplatser.layers.basemap.load_basemap`."""

    roads: Path | None = None  # line layer of streets
    roads_name: str = "namn"  # the column holding the street name
    buildings: Path | None = None  # optional polygons
    water: Path | None = None  # optional polygons
    image: Path | None = None  # optional georeferenced background image (GeoTIFF)


BASEMAP_KEYS = tuple(BasemapSpec.__dataclass_fields__)


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None
    name: str
    municipality_code: str
    crs: str = "EPSG:3006"
    study_area: Path | None = None
    privacy_mode: str = "internal"
    language: str = "sv"
    seed: int = 0
    pseudonymise_ids: bool = False
    sensitive_categories: tuple[str, ...] = ()
    extra_categories: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: tuple[SourceSpec, ...] = ()
    quarantine_dir: Path | None = None  # internal; default <config folder>/karantan
    plans_catalogue: Path | None = None  # [plans] catalogue: the municipality's measure catalogue
    est_max_alerts: int | None = None  # [est] max_alerts; None = the toolkit's default (15)
    limits: Limits = DEFAULT_LIMITS  # [limits]: columns, line length, message excerpts
    risk: RiskSettings = field(default_factory=lambda: RiskSettings())  # [risk]
    basemap: BasemapSpec | None = None  # [basemap]: roads with names, buildings, water, image

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def sources_for(self, layer: str) -> list[SourceSpec]:
        return [s for s in self.sources if s.layer == layer]


_SOURCE_KEYS = set(SourceSpec.__dataclass_fields__) - {"layer"}


def _invalid(path: Path, message: str, fix: str | None = None) -> ConfigError:
    """A ``CONFIG_INVALID`` error naming the configuration file."""
    return ConfigError(message, rule="CONFIG_INVALID", file=str(path), fix=fix)


def load_config(path: str | Path) -> ProjectConfig:
    """Read and check a ``tryggaplatser.toml``."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            tr("konfigurationsfilen finns inte", "the configuration file does not exist"),
            rule="CONFIG_MISSING",
            file=str(path),
            fix=tr(
                "skapa en med `tryggaplatser init KATALOG`",
                "create one with `tryggaplatser init DIR`",
            ),
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _invalid(path, tr("ogiltig TOML: {e}", "invalid TOML: {e}", e=excerpt(exc))) from None
    root = path.parent
    project = raw.get("project", {})
    for key in ("name", "municipality_code"):
        if key not in project:
            raise _invalid(
                path, tr("[project] saknar nyckeln {k!r}", "[project] lacks the key {k!r}", k=key)
            )
    mode = project.get("privacy_mode", "internal")
    if mode not in MODES:
        raise _invalid(
            path,
            tr(
                "privacy_mode måste vara ett av {m}, inte {v!r}",
                "privacy_mode must be one of {m}, not {v!r}",
                m=MODES,
                v=excerpt(mode),
            ),
        )
    categories = raw.get("categories", {})
    extra = {k: v for k, v in categories.get("extra", {}).items()}
    study_area = project.get("study_area")
    quarantine_dir = project.get("quarantine_dir")
    plans = raw.get("plans", {})
    if not isinstance(plans, dict) or set(plans) - {"catalogue"}:
        raise _invalid(
            path,
            tr(
                "[plans] tillåter bara nyckeln 'catalogue'",
                "[plans] allows only the key 'catalogue'",
            ),
            tr(
                't.ex. [plans] catalogue = "atgardskatalog.toml"',
                'e.g. [plans] catalogue = "catalogue.toml"',
            ),
        )
    catalogue = plans.get("catalogue")
    return ProjectConfig(
        path=path.resolve(),
        name=project["name"],
        municipality_code=str(project["municipality_code"]),
        crs=project.get("crs", "EPSG:3006"),
        study_area=(root / study_area).resolve() if study_area else None,
        privacy_mode=mode,
        language=project.get("language", "sv"),
        seed=int(project.get("seed", 0)),
        pseudonymise_ids=bool(project.get("pseudonymise_ids", False)),
        sensitive_categories=tuple(categories.get("sensitive", ())),
        extra_categories=extra,
        sources=tuple(_sources(raw.get("layers", {}), root, path)),
        quarantine_dir=(root / quarantine_dir).resolve() if quarantine_dir else None,
        plans_catalogue=(root / catalogue).resolve() if catalogue else None,
        est_max_alerts=_est_max_alerts(raw.get("est", {}), path),
        limits=_limits(raw.get("limits", {}), path),
        risk=_risk(raw.get("risk", {}), path),
        basemap=_basemap(raw.get("basemap"), root, path),
    )


def _sources(layers: dict, root: Path, path: Path) -> list[SourceSpec]:
    """The ``[layers.*]`` tables as :class:`SourceSpec` objects (paths made absolute)."""
    from .schema import LAYERS

    sources = []
    for layer, entries in layers.items():
        allowed = _SOURCE_KEYS | ({"name", "type"} if layer == "context" else set())
        if layer not in LAYERS:
            raise _invalid(
                path,
                tr("okänt lager [layers.{l}]", "unknown layer [layers.{l}]", l=excerpt(layer)),
                tr("välj bland: {a}", "choose among: {a}", a=", ".join(LAYERS)),
            )
        for entry in entries if isinstance(entries, list) else [entries]:
            unknown = set(entry) - allowed
            if unknown:
                raise _invalid(
                    path,
                    tr(
                        "[layers.{l}] okända nycklar: {k}",
                        "[layers.{l}] unknown keys: {k}",
                        l=layer,
                        k=excerpt(sorted(unknown)),
                    ),
                    tr("tillåtna: {a}", "allowed: {a}", a=sorted(allowed)),
                )
            if "file" not in entry:
                raise _invalid(
                    path, tr("[layers.{l}] saknar 'file'", "[layers.{l}] lacks 'file'", l=layer)
                )
            rule = entry.get("unknown_category", "quarantine")
            if rule not in UNKNOWN_CATEGORY_RULES:
                raise _invalid(
                    path,
                    tr(
                        "unknown_category måste vara ett av {a}",
                        "unknown_category must be one of {a}",
                        a=UNKNOWN_CATEGORY_RULES,
                    ),
                )
            kwargs = _context_entry(dict(entry)) if layer == "context" else dict(entry)
            kwargs["file"] = (root / entry["file"]).resolve()
            sources.append(SourceSpec(layer=layer, **kwargs))
    return sources


def _context_entry(entry: dict) -> dict:
    """``[[layers.context]]``: the layer's ``name`` (the factor the model reports) and ``type``
    (a ``context_type`` code) become the columns ``factor`` and ``context_type`` of every row;
    a column of the file mapped to them wins. Without a name the type is the factor."""
    name, kind = entry.pop("name", None), entry.pop("type", None)
    defaults = dict(entry.get("defaults", {}))
    if kind is not None:
        defaults.setdefault("context_type", str(kind))
    if name is not None or kind is not None:
        defaults.setdefault("factor", str(name if name is not None else kind))
    entry["defaults"] = defaults
    return entry


def _risk(table, path: Path) -> RiskSettings:
    """``[risk]``: ``distances`` (1–3 positive numbers, metres), ``snap_distance`` and
    ``stretch_length`` (positive metres), ``lighting_from_walks`` (true/false)."""
    keys = set(RiskSettings.__dataclass_fields__)
    example = tr(
        "t.ex. [risk] distances = [100, 150, 300], snap_distance = 50",
        "e.g. [risk] distances = [100, 150, 300], snap_distance = 50",
    )
    if not isinstance(table, dict) or set(table) - keys:
        raise _invalid(
            path,
            tr(
                "[risk] tillåter bara nycklarna {k}",
                "[risk] allows only the keys {k}",
                k=", ".join(sorted(keys)),
            ),
            example,
        )

    def positive(value) -> bool:
        return not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0

    distances = table.get("distances", [100, 150, 300])
    if (
        not isinstance(distances, (list, tuple))
        or not 1 <= len(distances) <= 3
        or not all(positive(d) for d in distances)
    ):
        raise _invalid(
            path,
            tr(
                "[risk] distances måste vara 1–3 positiva avstånd i meter, inte {v}",
                "[risk] distances must be 1–3 positive distances in metres, not {v}",
                v=excerpt(repr(distances)),
            ),
            example,
        )
    for key in ("snap_distance", "stretch_length"):
        if key in table and not positive(table[key]):
            raise _invalid(
                path,
                tr(
                    "[risk] {k} måste vara ett positivt tal (meter), inte {v}",
                    "[risk] {k} must be a positive number (metres), not {v}",
                    k=key,
                    v=excerpt(repr(table[key])),
                ),
                example,
            )
    if not isinstance(table.get("lighting_from_walks", True), bool):
        raise _invalid(
            path,
            tr(
                "[risk] lighting_from_walks måste vara true eller false",
                "[risk] lighting_from_walks must be true or false",
            ),
            example,
        )
    given = {k: table[k] for k in ("snap_distance", "stretch_length") if k in table}
    return RiskSettings(
        distances=tuple(sorted(float(d) for d in distances)) if "distances" in table else None,
        snap_distance=float(given["snap_distance"]) if "snap_distance" in given else None,
        stretch_length=float(given["stretch_length"]) if "stretch_length" in given else None,
        lighting_from_walks=bool(table.get("lighting_from_walks", True)),
    )


def _limits(table, path: Path) -> Limits:
    """``[limits]``: positive whole numbers for the keys of :class:`~tryggaplatser.limits.Limits`;
    a key left out keeps its default."""
    keys = Limits.keys()
    example = tr("t.ex. [limits] max_columns = 500", "e.g. [limits] max_columns = 500")
    if not isinstance(table, dict) or set(table) - set(keys):
        raise _invalid(
            path,
            tr(
                "[limits] tillåter bara nycklarna {k}",
                "[limits] allows only the keys {k}",
                k=", ".join(keys),
            ),
            example,
        )
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _invalid(
                path,
                tr(
                    "[limits] {k} måste vara ett positivt heltal, inte {v}",
                    "[limits] {k} must be a positive whole number, not {v}",
                    k=key,
                    v=excerpt(repr(value)),
                ),
                example,
            )
    return Limits(**table)


def _est_max_alerts(est, path: Path) -> int | None:
    """``[est] max_alerts``: the most near-repeat alerts the EST brief shows (None = default)."""
    if not isinstance(est, dict) or set(est) - {"max_alerts"}:
        raise _invalid(
            path,
            tr(
                "[est] tillåter bara nyckeln 'max_alerts'", "[est] allows only the key 'max_alerts'"
            ),
            tr("t.ex. [est] max_alerts = 15", "e.g. [est] max_alerts = 15"),
        )
    value = est.get("max_alerts")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _invalid(
            path,
            tr(
                "[est] max_alerts måste vara ett positivt heltal, inte {v}",
                "[est] max_alerts must be a positive whole number, not {v}",
                v=excerpt(repr(value)),
            ),
            tr("t.ex. [est] max_alerts = 15", "e.g. [est] max_alerts = 15"),
        )
    return value


def _basemap(table, root: Path, path: Path) -> BasemapSpec | None:
    """``[basemap]``: file paths made absolute (an empty string = not given); ``None`` when the
    section is absent or names no file. The files themselves are checked when they are read."""
    if table is None:
        return None
    example = tr(
        't.ex. [basemap] roads = "bakgrund/vagar.gpkg", roads_name = "namn"',
        'e.g. [basemap] roads = "basemap/roads.gpkg", roads_name = "name"',
    )
    if not isinstance(table, dict) or set(table) - set(BASEMAP_KEYS):
        raise _invalid(
            path,
            tr(
                "[basemap] tillåter bara nycklarna {k}",
                "[basemap] allows only the keys {k}",
                k=", ".join(BASEMAP_KEYS),
            ),
            example,
        )
    for key, value in table.items():
        if not isinstance(value, str):
            raise _invalid(
                path,
                tr(
                    "[basemap] {k} måste vara text, inte {v}",
                    "[basemap] {k} must be a string, not {v}",
                    k=key,
                    v=excerpt(repr(value)),
                ),
                example,
            )
    files = {
        k: (root / table[k]).resolve() if table.get(k, "").strip() else None
        for k in ("roads", "buildings", "water", "image")
    }
    if not any(files.values()):
        return None
    name = table.get("roads_name", "").strip() or "namn"
    return BasemapSpec(roads_name=name, **files)
