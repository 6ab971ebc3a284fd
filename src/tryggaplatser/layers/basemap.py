"""The background map of a project: the municipality's own streets, buildings and water.

``[basemap]`` in ``tryggaplatser.toml`` names the files (paths relative to the configuration)::

    [basemap]
    roads = "basemap/vagar.gpkg"          # line layer of streets
    roads_name = "namn"                   # the column holding the street name
    buildings = "basemap/byggnader.gpkg"  # optional polygons
    water = "basemap/vatten.gpkg"         # optional polygons
    image = ""                            # optional GeoTIFF drawn under everything

:func:`load_basemap` reads them once, in the project CRS, keeping only what the maps draw
(the street name as ``name`` and the geometry). The maps draw them lightly under the data and
:func:`tryggaplatser.analysis.places.describe_places` names places after the streets
("Storgatan vid Parkvägen"). Nothing is downloaded: the layers are local files.

Examples
--------
>>> from tryggaplatser.layers.config import BasemapSpec
>>> load_basemap(None) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import tr
from ..limits import excerpt

__all__ = ["Basemap", "load_basemap"]

_LINES = {"LineString", "MultiLineString"}
_POLYGONS = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class Basemap:
    """The background layers of a project, in the project CRS.

    Attributes
    ----------
    roads : GeoDataFrame
        ``name`` (the street name, ``<NA>`` when the file has none), ``geometry`` (lines).
    buildings, water : GeoDataFrame or None
        ``geometry`` (polygons; water keeps ``name`` when the file has one).
    image : pathlib.Path or None
        A georeferenced background image (GeoTIFF), drawn as it is.
    source_paths : dict
        Kind (``roads``, ``buildings``, ``water``, ``image``) → the source file, for writers
        that reference the files (the QGIS project).
    """

    roads: Any
    buildings: Any = None
    water: Any = None
    image: Path | None = None
    source_paths: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> dict[str, int | bool]:
        """What the layers hold: roads (named ones), buildings, water areas, an image or not."""
        return {
            "roads": len(self.roads),
            "named_roads": int(self.roads["name"].notna().sum()),
            "buildings": len(self.buildings) if self.buildings is not None else 0,
            "water": len(self.water) if self.water is not None else 0,
            "image": self.image is not None,
        }

    def describe(self) -> str:
        """One line for ``validate``: what the ``[basemap]`` layers hold."""
        counts = self.summary()
        return tr(
            "[basemap]: {r} gator ({n} med namn), {b} byggnader, {w} vattenytor{i}",
            "[basemap]: {r} streets ({n} named), {b} buildings, {w} water areas{i}",
            r=counts["roads"],
            n=counts["named_roads"],
            b=counts["buildings"],
            w=counts["water"],
            i=tr(", bakgrundsbild", ", background image") if counts["image"] else "",
        )


def load_basemap(config: Any) -> Basemap | None:
    """Read the ``[basemap]`` layers of a configuration (``None`` when it has none).

    Parameters
    ----------
    config : ProjectConfig or None
        A loaded configuration; its ``basemap`` spec names the files.

    Returns
    -------
    Basemap or None

    Raises
    ------
    ConfigError
        ``BASEMAP_FILE_MISSING`` (a named file does not exist), ``BASEMAP_COLUMN_MISSING`` (the
        roads have no ``roads_name`` column), ``BASEMAP_GEOMETRY`` (roads are not lines, or
        buildings/water not polygons), ``CRS_MISSING`` (a layer or the image without a CRS),
        ``FILE_UNREADABLE`` (the image is not a raster GDAL reads).
    """
    spec = getattr(config, "basemap", None)
    if spec is None:
        return None
    crs = getattr(config, "crs", "EPSG:3006")
    paths = {
        k: Path(v)
        for k in ("roads", "buildings", "water", "image")
        if (v := getattr(spec, k)) is not None
    }
    for kind, path in paths.items():
        if not path.is_file():
            raise ConfigError(
                tr(
                    "[basemap] {k}: filen finns inte",
                    "[basemap] {k}: the file does not exist",
                    k=kind,
                ),
                rule="BASEMAP_FILE_MISSING",
                file=str(path),
                fix=tr(
                    "rätta sökvägen (relativ till tryggaplatser.toml) eller ta bort nyckeln",
                    "correct the path (relative to tryggaplatser.toml) or remove the key",
                ),
            )
    if "image" in paths:
        _check_image(paths["image"])
    roads = _roads(paths["roads"], spec.roads_name, crs) if "roads" in paths else None
    if roads is None:
        import geopandas as gpd

        roads = gpd.GeoDataFrame({"name": []}, geometry=[], crs=crs)
    return Basemap(
        roads=roads,
        buildings=_polygons(paths["buildings"], "buildings", crs) if "buildings" in paths else None,
        water=_polygons(paths["water"], "water", crs) if "water" in paths else None,
        image=paths.get("image"),
        source_paths=paths,
    )


def _check_image(path: Path) -> None:
    """The background image must be a raster GDAL reads, with a coordinate reference system."""
    import rasterio

    try:
        with rasterio.open(path) as src:
            crs = src.crs
    except rasterio.errors.RasterioIOError:
        raise ConfigError(
            tr(
                "[basemap] image: filen kan inte läsas som georefererad bild",
                "[basemap] image: the file cannot be read as a georeferenced image",
            ),
            rule="FILE_UNREADABLE",
            file=str(path),
            fix=tr("ange en GeoTIFF", "give a GeoTIFF"),
        ) from None
    if crs is None:
        raise ConfigError(
            tr(
                "[basemap] image: bilden saknar koordinatsystem",
                "[basemap] image: the image has no coordinate reference system",
            ),
            rule="CRS_MISSING",
            file=str(path),
            fix=tr("georeferera bilden (GeoTIFF med CRS)", "georeference it (GeoTIFF with a CRS)"),
        )


def _read(path: Path, kind: str, crs: str) -> Any:
    """A vector file in the project CRS, empty and null geometries dropped."""
    import geopandas as gpd

    frame = gpd.read_file(path, engine="pyogrio")
    if frame.crs is None:
        raise ConfigError(
            tr(
                "[basemap] {k}: lagret saknar koordinatsystem",
                "[basemap] {k}: the layer has no coordinate reference system",
                k=kind,
            ),
            rule="CRS_MISSING",
            file=str(path),
            fix=tr("spara lagret med sitt koordinatsystem", "save the layer with its CRS"),
        )
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return frame.to_crs(crs).reset_index(drop=True)


def _check_types(frame: Any, allowed: set[str], kind: str, path: Path) -> None:
    bad = sorted(set(frame.geom_type) - allowed)
    if bad:
        raise ConfigError(
            tr(
                "[basemap] {k}: geometrityp {t} passar inte (väntade {a})",
                "[basemap] {k}: geometry type {t} does not fit (expected {a})",
                k=kind,
                t=excerpt(", ".join(bad)),
                a=", ".join(sorted(allowed)),
            ),
            rule="BASEMAP_GEOMETRY",
            file=str(path),
        )


def _roads(path: Path, name_column: str, crs: str) -> Any:
    """The streets: ``name`` (stripped; blank = missing) and the line geometry."""
    frame = _read(path, "roads", crs)
    if name_column not in frame.columns:
        raise ConfigError(
            tr(
                "[basemap] roads: kolumnen {c!r} för gatunamn saknas; kolumner: {a}",
                "[basemap] roads: the street-name column {c!r} is missing; columns: {a}",
                c=excerpt(name_column),
                a=excerpt(", ".join(str(c) for c in frame.columns if c != "geometry")),
            ),
            rule="BASEMAP_COLUMN_MISSING",
            file=str(path),
            fix=tr(
                "ange kolumnen med roads_name under [basemap]",
                "name the column with roads_name under [basemap]",
            ),
        )
    _check_types(frame, _LINES, "roads", path)
    names = frame[name_column].astype("string").str.strip()
    names = names.mask(names == "")
    out = frame[["geometry"]].copy()
    out.insert(0, "name", names.to_numpy())
    return out


def _polygons(path: Path, kind: str, crs: str) -> Any:
    """Buildings or water: the polygons (and ``name`` when the file has ``name`` or ``namn``)."""
    frame = _read(path, kind, crs)
    _check_types(frame, _POLYGONS, kind, path)
    out = frame[["geometry"]].copy()
    for column in ("name", "namn"):
        if column in frame.columns:
            out.insert(0, "name", frame[column].astype("string").to_numpy())
            break
    return out
