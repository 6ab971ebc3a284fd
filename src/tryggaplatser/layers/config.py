"""Project configuration: one ``tryggaplatser.toml`` per municipality.

Relative paths in the file are relative to the file's folder. See ``TEMPLATE`` (written by
``tryggaplatser init``) for every key with a comment.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
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

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def sources_for(self, layer: str) -> list[SourceSpec]:
        return [s for s in self.sources if s.layer == layer]


_SOURCE_KEYS = set(SourceSpec.__dataclass_fields__) - {"layer"}


def load_config(path: str | Path) -> ProjectConfig:
    """Read and check a ``tryggaplatser.toml``."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "konfigurationsfilen finns inte",
            file=str(path),
            fix="skapa en med `tryggaplatser init KATALOG`",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ogiltig TOML: {exc}", file=str(path)) from None
    root = path.parent
    project = raw.get("project", {})
    for key in ("name", "municipality_code"):
        if key not in project:
            raise ConfigError(f"[project] saknar nyckeln {key!r}", file=str(path))
    mode = project.get("privacy_mode", "internal")
    if mode not in MODES:
        raise ConfigError(f"privacy_mode måste vara ett av {MODES}, inte {mode!r}", file=str(path))

    from .schema import LAYERS

    sources = []
    for layer, entries in raw.get("layers", {}).items():
        if layer not in LAYERS:
            raise ConfigError(
                f"okänt lager [layers.{layer}]",
                file=str(path),
                fix=f"välj bland: {', '.join(LAYERS)}",
            )
        for entry in entries if isinstance(entries, list) else [entries]:
            unknown = set(entry) - _SOURCE_KEYS
            if unknown:
                raise ConfigError(
                    f"[layers.{layer}] okända nycklar: {sorted(unknown)}",
                    file=str(path),
                    fix=f"tillåtna: {sorted(_SOURCE_KEYS)}",
                )
            if "file" not in entry:
                raise ConfigError(f"[layers.{layer}] saknar 'file'", file=str(path))
            rule = entry.get("unknown_category", "quarantine")
            if rule not in UNKNOWN_CATEGORY_RULES:
                raise ConfigError(
                    f"unknown_category måste vara ett av {UNKNOWN_CATEGORY_RULES}", file=str(path)
                )
            kwargs = dict(entry)
            kwargs["file"] = (root / entry["file"]).resolve()
            sources.append(SourceSpec(layer=layer, **kwargs))

    categories = raw.get("categories", {})
    extra = {k: v for k, v in categories.get("extra", {}).items()}
    study_area = project.get("study_area")
    quarantine_dir = project.get("quarantine_dir")
    plans = raw.get("plans", {})
    if not isinstance(plans, dict) or set(plans) - {"catalogue"}:
        raise ConfigError(
            "[plans] tillåter bara nyckeln 'catalogue'",
            file=str(path),
            fix='t.ex. [plans] catalogue = "atgardskatalog.toml"',
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
        sources=tuple(sources),
        quarantine_dir=(root / quarantine_dir).resolve() if quarantine_dir else None,
        plans_catalogue=(root / catalogue).resolve() if catalogue else None,
        est_max_alerts=_est_max_alerts(raw.get("est", {}), path),
    )


def _est_max_alerts(est, path: Path) -> int | None:
    """``[est] max_alerts``: the most near-repeat alerts the EST brief shows (None = default)."""
    if not isinstance(est, dict) or set(est) - {"max_alerts"}:
        raise ConfigError(
            "[est] tillåter bara nyckeln 'max_alerts'",
            file=str(path),
            fix="t.ex. [est] max_alerts = 15",
        )
    value = est.get("max_alerts")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"[est] max_alerts måste vara ett positivt heltal, inte {value!r}",
            file=str(path),
            fix="t.ex. [est] max_alerts = 15",
        )
    return value
