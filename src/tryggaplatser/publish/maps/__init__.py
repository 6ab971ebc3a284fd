"""Maps: what a map shows (:mod:`._layers`: the gated layers, legends and title block), how it
is drawn interactively (:mod:`.interactive`: self-contained Leaflet HTML, offline) and on paper
(:mod:`.figures`: matplotlib PNG). Both drawings render the same map content.
"""

from __future__ import annotations

from .interactive import (
    hotspot_map,
    map_attribution,
    map_content,
    map_gate,
    neighbourhood_map,
    save_map,
    slugify,
    street_map,
)

__all__ = [
    "hotspot_map",
    "map_attribution",
    "map_content",
    "map_gate",
    "neighbourhood_map",
    "save_map",
    "slugify",
    "street_map",
]
