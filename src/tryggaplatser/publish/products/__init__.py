"""Products: what a command writes, one function per product set.

Each ``write_*`` function takes a project (loaded, or the path of its ``tryggaplatser.toml``),
an output folder and a mode, renders the results of one :class:`~tryggaplatser.Run` through one
publishing :class:`~tryggaplatser.publish.gate.Gate`, writes into ``<out>/publik`` or
``<out>/internt`` and returns what it wrote. The command-line interface calls exactly one of
them per command; a notebook makes the same call and gets byte-identical files. Each call is
one atomic run (:mod:`tryggaplatser.publish.staging`): it writes into a staging folder that
replaces the mode folder only when the set is finished, so a failure leaves the previous set.

Why a package with one module per product set rather than one ``products.py``: the six sets
share almost nothing but the output folder (:mod:`._common`), each has its own helpers (the
public parameter filter of the hotspot layers, the change map of an evaluation, the indicator
choice of a map), and together they are some 1 400 lines. One module per set mirrors the
commands (``cli/hotspots.py`` → ``products/hotspots.py``), so the writer behind a command is
found by its name.

===========================  ===============================  ==========================
writer                       command                          module
===========================  ===============================  ==========================
:func:`write_hotspot_layers` ``tryggaplatser hotspots``       :mod:`.hotspots`
:func:`write_maps`           ``tryggaplatser map``            :mod:`.maps`
:func:`write_area_reports`   ``tryggaplatser area``           :mod:`.areas`
:func:`write_lagesbild`      ``tryggaplatser lagesbild``      :mod:`.areas`
:func:`write_est_brief_set`  ``tryggaplatser est``            :mod:`.est`
:func:`write_action_plans`   ``tryggaplatser plan``           :mod:`.plans`
:func:`write_evaluation`     ``tryggaplatser evaluate``       :mod:`.plans`
:func:`write_forecast_report` ``tryggaplatser prognos``       :mod:`.forecast`
:func:`write_risk_factors`   ``tryggaplatser riskfaktorer``   :mod:`.risk`
:func:`run_demo`             ``tryggaplatser demo``           :mod:`.demo`
===========================  ===============================  ==========================

Submodules are imported on first use so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module

_API = {
    "write_hotspot_layers": "tryggaplatser.publish.products.hotspots",
    "write_maps": "tryggaplatser.publish.products.maps",
    "write_area_reports": "tryggaplatser.publish.products.areas",
    "write_lagesbild": "tryggaplatser.publish.products.areas",
    "write_est_brief_set": "tryggaplatser.publish.products.est",
    "write_action_plans": "tryggaplatser.publish.products.plans",
    "write_evaluation": "tryggaplatser.publish.products.plans",
    "write_forecast_report": "tryggaplatser.publish.products.forecast",
    "write_risk_factors": "tryggaplatser.publish.products.risk",
    "run_demo": "tryggaplatser.publish.products.demo",
    "folder_for": "tryggaplatser.publish.products._common",
    "mode_folder": "tryggaplatser.publish.products._common",
    "open_project": "tryggaplatser.publish.products._common",
}

__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'tryggaplatser.publish.products' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
