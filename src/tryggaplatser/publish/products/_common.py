"""What every product writer shares: the output folder of a mode and opening a project file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def folder_for(out_dir: str | Path, mode: str) -> Path:
    """``<out>/publik`` for ``mode == "public"``, else ``<out>/internt``.

    Inside a staged run into ``out_dir`` (every product writer is one, :mod:`..staging`) this
    is the run's staging folder for the mode, which replaces the mode folder in one step when
    the run has finished.

    >>> folder_for("outputs", "public").as_posix()
    'outputs/publik'
    >>> folder_for("outputs", "internal").as_posix()
    'outputs/internt'
    """
    from ..staging import active_folder

    staging = active_folder(out_dir, "public" if mode == "public" else "internal")
    if staging is not None:
        return staging
    return Path(out_dir) / ("publik" if mode == "public" else "internt")


def mode_folder(out_dir: str | Path, gate: Any) -> Path:
    """The folder a writer writes into: ``<out>/publik`` or ``<out>/internt`` by the gate's mode.

    Every product keeps the two sets apart this way, so a public and an internal run never
    overwrite or mix with each other (the audit would refuse a mixed public folder).
    """
    return folder_for(out_dir, gate.mode)


def open_project(project: Any):
    """A loaded project as it is, or the project of a configuration file (``str`` or ``Path``).

    A missing configuration file is refused with ``CONFIG_MISSING`` and how to write one.
    """
    if not isinstance(project, (str, Path)):
        return project
    from ...errors import ConfigError
    from ...i18n import tr
    from ...layers.load import load_project

    path = Path(project)
    if not path.exists():
        raise ConfigError(
            tr("Konfigurationsfilen finns inte.", "The configuration file does not exist."),
            file=str(path),
            rule="CONFIG_MISSING",
            fix=tr(
                "ange rätt sökväg med --config, eller skapa en fil med "
                "`tryggaplatser init KATALOG`",
                "give the right path with --config, or write one with `tryggaplatser init DIR`",
            ),
        )
    return load_project(path, quiet=True)


def finish_set(
    gate: Any,
    folder: str | Path,
    *,
    disclosure: bool = True,
    background: Sequence[tuple[str, str | Path, str]] = (),
) -> list[Path]:
    """Close what a command wrote into ``folder``: the one place every product writer finishes.

    Public sets get their disclosure report (:meth:`Gate.finish`); every set gets its QGIS
    project ``qgis_projekt.qgz`` with every GeoPackage layer and raster in the folder
    (:func:`~tryggaplatser.publish.qgis_project.write_qgis_project`; ``background`` are its
    background layers as ``(label, path, layer)``, by default the ``[basemap]`` layers of the
    gate's configuration, copied once into the folder as ``bakgrund.gpkg`` by
    :func:`~tryggaplatser.publish.background.write_background` so the folder stays
    self-contained) and its start page ``index.html``
    rewritten from the folder's manifest
    (:func:`~tryggaplatser.publish.reports.index_page.write_index`), so both list what all
    commands so far wrote into the folder. ``disclosure=False`` when the writer already closed
    the gate itself (the public EST overview). Returns the files written.
    """
    from ..background import write_background
    from ..qgis_project import write_qgis_project
    from ..reports.index_page import write_index

    closed = gate.finish(folder) if disclosure else []
    written = []
    if not background and _has_layers(folder):  # the [basemap] copied in once: bakgrund.gpkg
        background = write_background(folder, gate)
        written = sorted({p for _, p, _ in background})
    project = write_qgis_project(folder, gate, background=background)
    return [*closed, *written, *([project] if project else []), write_index(folder, gate)]


def _has_layers(folder: str | Path) -> bool:
    """Whether the folder holds a map layer (a GeoPackage besides the background, or a GeoTIFF)
    for a QGIS project; a folder of reports and tables only gets no background and no project."""
    from ..background import BACKGROUND_FILE

    folder = Path(folder)
    return any(p.name != BACKGROUND_FILE for p in folder.glob("*.gpkg")) or any(
        folder.glob("*.tif")
    )
