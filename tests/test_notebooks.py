"""Every notebook in notebooks/ runs from top to bottom (executed with nbclient).

Each runs in a fresh kernel whose working folder is a temporary one of its own, where ``data``
links to the repository's ``data/`` (the notebooks read the demo through it, as from the
repository's root): what a notebook writes to a relative path (notebook 01 writes
``outputs/notebooks``) lands there, never inside the repository while the suite runs. The kernel
imports the same ``tryggaplatser`` as the tests (its folder first on ``PYTHONPATH``, absolute,
so a relative ``PYTHONPATH=src`` still finds it from the temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tryggaplatser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 300  # per cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    import nbclient
    import nbformat

    package_root = str(Path(tryggaplatser.__file__).resolve().parents[1])
    paths = [package_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))  # the kernel's environment
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    errors = [
        o
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
