"""Every notebook in notebooks/ runs from top to bottom (executed with nbclient).

Each runs in a fresh kernel whose working folder is a temporary one of its own, where ``data``
links to the repository's ``data/`` (the notebooks read the demo through it, as from the
repository's root): what a notebook writes to a relative path (notebook 01 writes
``outputs/notebooks``) lands there, never inside the repository while the suite runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 300  # per cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    import nbclient
    import nbformat

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
