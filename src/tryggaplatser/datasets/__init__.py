"""The bundled demo municipality ("Exempelstad kommun (fiktiv)") and its generator.

Everything under ``data/`` in the repository is synthetic and produced by
:func:`tryggaplatser.datasets.generate.generate_demo` with a fixed seed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["demo_config_path", "demo_data_dir", "demo_truth_path"]

_CONFIG_NAME = "tryggaplatser.toml"


def _candidates() -> list[Path]:
    here = Path(__file__).resolve()
    out = []
    # editable install / source checkout: <repo>/src/tryggaplatser/datasets/__init__.py
    for parent in here.parents:
        out.append(parent / "data")
    out.append(Path.cwd() / "data")
    out.append(Path.cwd())
    return out


def demo_data_dir() -> Path:
    """Folder holding the bundled demo municipality (``data/`` in the repository).

    Returns
    -------
    pathlib.Path
        The first folder, searched from the package location upwards and then from the
        current working directory, that holds ``tryggaplatser.toml`` and ``truth.json``.

    Raises
    ------
    FileNotFoundError
        When no such folder exists (e.g. a wheel install without the repository); regenerate
        the data with ``tryggaplatser generate-demo --out DIR``.
    """
    for folder in _candidates():
        if (folder / _CONFIG_NAME).is_file() and (folder / "truth.json").is_file():
            return folder
    raise FileNotFoundError(
        "hittar inte demokommunens data (data/tryggaplatser.toml); "
        "skapa den med `tryggaplatser generate-demo --out DIR`"
    )


def demo_config_path() -> Path:
    """Path of the demo municipality's ``tryggaplatser.toml``.

    Returns
    -------
    pathlib.Path
        ``<repo>/data/tryggaplatser.toml`` (see :func:`demo_data_dir`).
    """
    return demo_data_dir() / _CONFIG_NAME


def demo_truth_path() -> Path:
    """Path of the demo municipality's planted ground truth ``truth.json``."""
    return demo_data_dir() / "truth.json"
