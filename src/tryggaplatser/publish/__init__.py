"""Publishing: the privacy gate, safe text, tables, maps, rasters, reports and the audit.

Every exporter goes through :class:`~tryggaplatser.publish.gate.Gate`. Submodules are imported
on first use so ``import tryggaplatser.publish`` stays light.
"""

from __future__ import annotations

from importlib import import_module

_API = {
    "Gate": "tryggaplatser.publish.gate",
    "ReleasedRaster": "tryggaplatser.publish.gate",
    "INTERNAL_MARKING": "tryggaplatser.publish.gate",
    "Trusted": "tryggaplatser.publish.safe_text",
    "html": "tryggaplatser.publish.safe_text",
    "neutralise_cell": "tryggaplatser.publish.safe_text",
    "safe_url": "tryggaplatser.publish.safe_text",
    "scan_dir": "tryggaplatser.publish.audit",
    "scan_file": "tryggaplatser.publish.audit",
    "write_csv": "tryggaplatser.publish.tables",
    "write_xlsx": "tryggaplatser.publish.tables",
    "write_disclosure_report": "tryggaplatser.publish.disclosure",
}

__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tryggaplatser.publish' has no attribute {name!r}")
