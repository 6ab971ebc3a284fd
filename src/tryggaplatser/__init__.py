"""tryggaplatser: place-based safety analysis for Swedish municipalities.

The front door: ``import tryggaplatser as tp`` gives every verb and writer an analyst needs
(``tp.load_project``, ``tp.Run``, ``tp.hotspot_gistar``, ``tp.area_profile``, ``tp.est_brief``,
``tp.evaluate_measure``, ``tp.Gate``, ``tp.write_area_reports`` …; the list is ``__all__``).
Each command of the CLI is one of the ``write_*`` calls, so a notebook gets the same files.
The names are imported lazily so ``tryggaplatser --help`` starts fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tryggaplatser")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

# public name -> module that defines it: every verb and writer an analyst needs, in the order
# of the work (load → analyse → publish); see docs/vocabulary.md for the argument names
_API = {
    # loading
    "load_config": "tryggaplatser.layers.config",
    "load_layer": "tryggaplatser.layers.load",
    "load_project": "tryggaplatser.layers.load",
    "load_basemap": "tryggaplatser.layers.basemap",
    "demo_config_path": "tryggaplatser.datasets",
    "demo_truth_path": "tryggaplatser.datasets",
    # one analysis per run
    "Run": "tryggaplatser.analysis.run",
    # hotspots
    "make_grid": "tryggaplatser.analysis.grid",
    "hotspot_count": "tryggaplatser.analysis.hotspots",
    "hotspot_kde": "tryggaplatser.analysis.hotspots",
    "hotspot_gistar": "tryggaplatser.analysis.hotspots",
    "hotspot_classify": "tryggaplatser.analysis.hotspots",
    "hotspot_change": "tryggaplatser.analysis.hotspots",
    "hotspot_dual_kde": "tryggaplatser.analysis.hotspots",
    # areas and perception
    "area_profile": "tryggaplatser.analysis.areas",
    "area_profiles_all": "tryggaplatser.analysis.areas",
    "prepare_area_analysis": "tryggaplatser.analysis.area_analysis",
    "perception_gap": "tryggaplatser.analysis.perception",
    # EST: the weekly brief and its parts
    "near_repeat": "tryggaplatser.analysis.near_repeat",
    "iso_week_bounds": "tryggaplatser.analysis.est",
    "weekly_counts": "tryggaplatser.analysis.est",
    "recurring_places": "tryggaplatser.analysis.est",
    "near_repeat_alerts": "tryggaplatser.analysis.est",
    "focus_places": "tryggaplatser.analysis.est",
    "measure_followup": "tryggaplatser.analysis.est",
    "silent_sources": "tryggaplatser.analysis.est",
    "est_brief": "tryggaplatser.analysis.est_brief",
    "write_est_brief": "tryggaplatser.publish.reports.est_brief",
    # forecast accountability: does the map predict, would it look the same on another grid
    "forecast_accuracy": "tryggaplatser.analysis.forecast",
    "hotspot_stability": "tryggaplatser.analysis.forecast",
    # risk factors of the environment and street stretches
    "risk_terrain": "tryggaplatser.analysis.risk_terrain",
    "street_stretches": "tryggaplatser.analysis.streets",
    # action plans and evaluation
    "action_plan": "tryggaplatser.analysis.plans",
    "followup_by_responsible": "tryggaplatser.analysis.plans",
    "load_catalogue": "tryggaplatser.analysis.plans",
    "evaluate_measure": "tryggaplatser.analysis.evaluation",
    "choose_control": "tryggaplatser.analysis.evaluation",
    "equal_periods": "tryggaplatser.analysis.evaluation",
    "wdq": "tryggaplatser.analysis.evaluation",
    "wdd": "tryggaplatser.analysis.evaluation",
    # publishing: the gate, single reports and figures, the audit
    "Gate": "tryggaplatser.publish.gate",
    "area_report": "tryggaplatser.publish.reports.area_report",
    "change_map_figure": "tryggaplatser.publish.reports.plan_report",
    "scan_dir": "tryggaplatser.publish.audit",
    # products: what a command writes, the same call from a notebook
    "write_hotspot_layers": "tryggaplatser.publish.products",
    "write_maps": "tryggaplatser.publish.products",
    "write_area_reports": "tryggaplatser.publish.products",
    "write_lagesbild": "tryggaplatser.publish.products",
    "write_est_brief_set": "tryggaplatser.publish.products",
    "write_action_plans": "tryggaplatser.publish.products",
    "write_evaluation": "tryggaplatser.publish.products",
    "write_forecast_report": "tryggaplatser.publish.products",
    "write_risk_factors": "tryggaplatser.publish.products",
    "run_demo": "tryggaplatser.publish.products",
    # settings
    "set_language": "tryggaplatser.i18n",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tryggaplatser' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (``dir(tryggaplatser)`` lists the front door, loaded or not)."""
    return list(__all__)
