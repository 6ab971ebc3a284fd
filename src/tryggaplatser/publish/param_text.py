"""How a recorded parameter reads in a methods box: its Swedish (or English) name and value.

Analyses record parameters under machine keys (``cell_size``, ``gistar_on``, ``fdr``) with
machine values (``125.0``, ``"n"``, ``True``). Every methods box prints them through
:func:`param_label` and :func:`param_value`, so a reader sees "Cellstorlek: 125 m" and
"Gi* beräknas på: antal händelser per ruta", never a key or a code.

Examples
--------
>>> from tryggaplatser.i18n import language
>>> from tryggaplatser.publish.param_text import param_label, param_value
>>> with language("sv"):
...     param_label("cell_size"), param_value("cell_size", 125.0), param_value("fdr", True)
('Cellstorlek', '125 m', 'ja')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import tr

#: Methods-box names of the recorded parameters (Swedish, English).
PARAM_LABELS: dict[str, tuple[str, str]] = {
    "alpha": ("Signifikansnivå (FDR)", "Significance level (FDR)"),
    "aoristic": ("Aoristisk viktning", "Aoristic weighting"),
    "area": ("Studieområde", "Study area"),
    "assignment_rule": ("Tilldelning till område", "Assignment to areas"),
    "bandwidth": ("Bandbredd (KDE)", "Bandwidth (KDE)"),
    "bandwidth_adjust": ("Bandbreddsjustering", "Bandwidth adjustment"),
    "boundary": ("Brytpunkt före/efter", "Before/after boundary"),
    "categories": ("Kategorier", "Categories"),
    "cell_size": ("Cellstorlek", "Cell size"),
    "eb_prior": ("EB-prior (alla kategorier)", "EB prior (all categories)"),
    "excluded_kommun_centroid": (
        "Poster med kommunens mittpunkt (ej placerade)",
        "Records at the municipality centroid (not placed)",
    ),
    "fdr": ("FDR-korrigering (Benjamini–Hochberg)", "FDR correction (Benjamini–Hochberg)"),
    "gistar_on": ("Gi* beräknas på", "Gi* computed on"),
    "kernel": ("Kärna (KDE)", "Kernel (KDE)"),
    "min_denominator": ("Minsta nämnare", "Smallest denominator"),
    "min_n": ("Minsta antal för test", "Smallest count tested"),
    "min_ratio": ("Minsta effekt (kvot mot förväntat)", "Smallest effect (ratio to expected)"),
    "n_incidents_in_period": ("Händelser i perioden", "Incidents in the period"),
    "neighbourhood": ("Gi*-grannskap", "Gi* neighbourhood"),
    "p0": ("Kommunens andel otrygga signaler (p0)", "Municipal share of unsafe signals (p0)"),
    "period": ("Period", "Period"),
    "place_names": ("Platsnamn (gata, korsande gata)", "Place names (street, cross street)"),
    "period_length": ("Periodlängd", "Period length"),
    "population_year": ("Befolkningsår", "Population year"),
    "shape": ("Rutform", "Cell shape"),
    "test": ("Signifikanstest", "Significance test"),
    "trend_correction": ("Korrigering av trendtest", "Correction of trend tests"),
    "trend_test": ("Trendtest", "Trend test"),
    "window": ("Tidsfönster", "Time window"),
    "years": ("År i perioden (nämnare för takter)", "Years in the period (rate denominator)"),
}

#: Machine values that read as words: ``{parameter: {code: (sv, en)}}``.
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "gistar_on": {
        "n": ("antal händelser per ruta", "incident counts per cell"),
        "kde": ("KDE-ytan", "the KDE surface"),
    },
    "kernel": {"quartic": ("kvartisk", "quartic"), "gaussian": ("gaussisk", "Gaussian")},
    "shape": {
        "square": ("kvadratiska rutor", "square cells"),
        "hexagon": ("hexagoner", "hexagons"),
    },
    "test": {
        "normal": ("Gi* z med normalfördelningens p-värde", "Gi* z with the normal p-value"),
        "exact": ("exakt binomialtest (glesa data)", "exact binomial test (sparse data)"),
        "none": ("inget test (för få händelser)", "no test (too few events)"),
        "exact_area": (
            "exakt binomialtest, rutor vägda med sin yta inom studieområdet",
            "exact binomial test, cells weighted by their area inside the study area",
        ),
    },
    "trend_correction": {"fdr_bh": ("Benjamini–Hochberg", "Benjamini–Hochberg")},
    "trend_test": {
        "mann_kendall_deseasonalised": (
            "Mann-Kendall på säsongsrensade månadsantal",
            "Mann-Kendall on deseasonalised monthly counts",
        )
    },
}

_METRES = {"cell_size", "bandwidth"}
_SHARES = {"alpha", "p0"}


def param_label(name: str) -> str:
    """The methods-box name of a recorded parameter (the key itself only if unknown)."""
    pair = PARAM_LABELS.get(name)
    return tr(*pair) if pair else name.replace("_", " ")


def param_value(name: str, value: Any) -> str:
    """A recorded parameter's value as a reader sees it (units, words, decimal comma)."""
    codes = VALUE_LABELS.get(name, {})
    if isinstance(value, bool):
        if name == "area":
            inside = tr(
                "kommungränsen (rutor utanför testas inte)",
                "the municipal boundary (cells outside are not tested)",
            )
            return inside if value else tr("hela rutnätet", "the whole grid")
        return tr("ja", "yes") if value else tr("nej", "no")
    if isinstance(value, str) and value in codes:
        return tr(*codes[value])
    if name == "neighbourhood" and isinstance(value, Mapping):
        return tr(
            "{c} rutor inom {d} m",
            "{c} cells within {d} m",
            c=value.get("cells", "?"),
            d=_number(value.get("distance_m", 0), 0),
        )
    if name in _METRES and isinstance(value, (int, float)):
        return f"{_number(value, 0)} m"
    if name in _SHARES and isinstance(value, (int, float)):
        return f"{_number(100 * value, 1)} %"
    if name == "period_length" and isinstance(value, str) and value.endswith(" d"):
        return tr("{d} dagar", "{d} days", d=value[:-2])
    if name == "categories" and isinstance(value, (list, tuple)):
        from ..layers.vocab import label

        return ", ".join(label("category", str(c)).lower() for c in value)
    if name == "period" and isinstance(value, (list, tuple)) and len(value) == 2:
        return _period(value)
    if isinstance(value, (list, tuple)):
        return " – ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(
            f"{param_label(str(k))} {param_value(str(k), v)}" for k, v in value.items()
        )
    if isinstance(value, float):
        return _number(value, 3)
    return str(value)


def _period(value: Any) -> str:
    """A recorded period: months when it is whole months (always in public mode), else dates."""
    from ..analysis.periods import period_label

    try:
        return period_label(*value)
    except (TypeError, ValueError, AttributeError):
        return " – ".join(str(v) for v in value)


def _number(value: float, decimals: int) -> str:
    """``1234.5`` → ``"1 234,5"`` in Swedish (``"1,234.5"`` in English), trailing zeros cut."""
    text = f"{float(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if tr("sv", "en") == "sv":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
