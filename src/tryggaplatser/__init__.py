"""tryggaplatser: place-based safety analysis for Swedish municipalities.

The public API is imported lazily so ``tryggaplatser --help`` starts fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tryggaplatser")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

# public name -> module that defines it
_API = {
    "load_config": "tryggaplatser.layers.config",
    "load_layer": "tryggaplatser.layers.load",
    "load_project": "tryggaplatser.layers.load",
    "make_grid": "tryggaplatser.analysis.grid",
    "hotspot_count": "tryggaplatser.analysis.hotspots",
    "hotspot_kde": "tryggaplatser.analysis.hotspots",
    "hotspot_gistar": "tryggaplatser.analysis.hotspots",
    "hotspot_classify": "tryggaplatser.analysis.hotspots",
    "hotspot_change": "tryggaplatser.analysis.hotspots",
    "hotspot_dual_kde": "tryggaplatser.analysis.hotspots",
    "set_language": "tryggaplatser.i18n",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tryggaplatser' has no attribute {name!r}")
