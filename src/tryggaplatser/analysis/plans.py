"""Area-specific action plans (områdesspecifika handlingsplaner) and follow-up of measures.

From the evidence the toolkit already has — the area analysis (incident categories with high or
rising rates), safety-walk findings that are still open, the reasons residents give for feeling
unsafe in the citizen dialogue, and places that recur in EST week after week — :func:`action_plan`
drafts one plan item per problem: where, what, the evidence in numbers and sources, a proposed
measure from the **measure catalogue**, the usual responsible, the indicator that will show the
effect and a follow-up date, ordered by a stated priority rule (:data:`PRIORITY_RULE`).

The catalogue is data (``layers/measure_catalogue.toml``), editable by the municipality through
``[plans] catalogue = "..."`` in ``tryggaplatser.toml`` (:func:`load_catalogue`).

The plan's columns mirror the ``measures`` layer, so a plan exported to XLSX, edited (status,
responsible, dates) and read back with the normal importer *is* the measures layer.

:func:`followup_by_responsible` and :func:`status_over_time` follow every walk finding and
measure to completion: åtgärdsgrad, median days to resolve and overdue items per responsible.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._announce import announce
from .._compat import renamed
from ..errors import ArgumentError, ConfigError
from ..i18n import tr
from ..policy import LOCAL_TZ, MIN_GRID_M

__all__ = [
    "CATALOGUE_SOURCES",
    "FOLLOWUP_COLUMNS",
    "OPEN_OBSERVATION_STATUSES",
    "PLAN_COLUMNS",
    "PRIORITY_RULE",
    "SELECTION_RULES",
    "STATUS_OVER_TIME_COLUMNS",
    "CatalogueEntry",
    "PlanLayers",
    "action_plan",
    "catalogue_entry",
    "catalogue_table",
    "followup_by_responsible",
    "load_catalogue",
    "status_over_time",
]

#: Sections of the catalogue and the vocabulary their keys come from.
CATALOGUE_SOURCES = {"walk": "problem_category", "reason": "reason", "category": "category"}
#: Walk-observation statuses that mean the finding is still open.
OPEN_OBSERVATION_STATUSES = ("ny", "skickad", "planerad", "pagaende")
#: Incident categories never turned into plan items (planned events are not problems).
EXCLUDED_CATEGORIES = ("arrangemang",)

#: Selection thresholds (see :data:`SELECTION_RULES`).
HIGH_RATIO = 1.5
VERY_HIGH_RATIO = 2.0
RISE_FACTOR = 1.25
MIN_EVIDENCE = 5
MIN_DIALOGUE_OTRYGG = 10
MIN_WALK_FINDINGS = 3
MIN_REASON_SHARE = 0.2
RECURRING_WEEKS = 52
RECURRING_MIN_SHARE = 0.5
MAX_RECURRING_PLACES = 3
FOLLOW_UP_MONTHS = 6

_SOURCE_ORDER = {"hotspot": 0, "incidents": 1, "walk": 2, "dialogue": 3}
_DECIDED_BY = {
    "hotspot": "est_mote",
    "incidents": "lagesbild",
    "walk": "trygghetsvandring",
    "dialogue": "medborgardialog",
}

PLAN_COLUMNS = [
    "rank",
    "priority_score",
    "priority_reasons",
    "source",
    "theme",
    "place",
    "problem",
    "evidence",
    "measure_id",
    "title",
    "other_measures",
    "type",
    "measure_type",
    "area_id",
    "linked_categories",
    "linked_observations",
    "linked_reasons",
    "responsible_type",
    "responsible",
    "partners",
    "decided_by",
    "status",
    "start",
    "end",
    "indicator",
    "target_value",
    "follow_up_on",
]
FOLLOWUP_COLUMNS = [
    "kind",
    "responsible",
    "n",
    "n_open",
    "n_resolved",
    "atgardsgrad",
    "median_days_to_resolve",
    "n_overdue",
]
STATUS_OVER_TIME_COLUMNS = [
    "kind",
    "year",
    "n",
    "n_open",
    "n_resolved",
    "atgardsgrad",
    "median_days_to_resolve",
]


def _priority_rule() -> str:
    return tr(
        "Prioritet = styrka (1–3) + samstämmighet (0–2) + allvar (0–1), högst 6. Styrka: "
        "händelser 1 + 1 om minst {v} gånger kommunens nivå + 1 om ökande; vandringsfynd 1 + 1 "
        "om något öppet fynd har hög prioritet + 1 om minst 3 öppna fynd; dialog 1 + 1 om minst "
        "30 % av de otrygga anger skälet + 1 om minst 50 %; återkommande plats 1 + 1 om "
        "rapporter minst 75 % av veckorna + 1 om i snitt minst en rapport i veckan. "
        "Samstämmighet: +1 för varje annan källa (händelser, vandring, dialog, återkommande "
        "plats) som pekar på samma problem (tema i åtgärdskatalogen), högst 2. Allvar: +1 om "
        "katalogen markerar problemet som hot mot liv och hälsa (våld, brand, narkotika). "
        "Lika poäng: högre styrka, fler fall, sedan källa (återkommande plats, händelser, "
        "vandring, dialog).",
        "Priority = strength (1–3) + agreement (0–2) + seriousness (0–1), at most 6. Strength: "
        "incidents 1 + 1 if at least {v} times the municipality's level + 1 if rising; walk "
        "findings 1 + 1 if an open finding has high priority + 1 if at least 3 are open; dialogue "
        "1 + 1 if at least 30 % of those feeling unsafe give the reason + 1 if at least 50 %; "
        "recurring place 1 + 1 if reports in at least 75 % of the weeks + 1 if on average at "
        "least one report a week. Agreement: +1 for each other source (incidents, walk, "
        "dialogue, recurring place) pointing at the same problem (theme in the measure "
        "catalogue), at most 2. Seriousness: +1 if the catalogue marks the problem as a threat "
        "to life and health (violence, fire, drugs). Ties: higher strength, more cases, then "
        "source (recurring place, incidents, walk, dialogue).",
        v=f"{VERY_HIGH_RATIO:g}".replace(".", ","),
    )


def _selection_rules() -> str:
    return tr(
        "Händelsekategorier med minst {m} rapporter under året som ligger minst {h} gånger "
        "kommunens nivå per 1 000 invånare eller ökar (årstakt minst {r} gånger föregående "
        "års och minst {m} fler); öppna fynd från trygghetsvandringar (status ny, skickad, "
        "planerad, pågående) per problemkategori; skäl som minst {s} % av de otrygga anger i "
        "senaste medborgardialogen med minst {d} otrygga markeringar; 250 m-rutor i området "
        "med rapporter under minst hälften av årets {w} veckor (högst {k}).",
        "Incident categories with at least {m} reports in the year that are at least {h} times "
        "the municipality's level per 1,000 residents or rising (yearly rate at least {r} "
        "times the previous year's and at least {m} more); open safety-walk findings (status "
        "new, sent, planned, in progress) per problem category; reasons given by at least "
        "{s} % of those feeling unsafe in the latest citizen dialogue with at least {d} unsafe "
        "pins; 250 m cells in the area with reports in at least half of the year's {w} weeks "
        "(at most {k}).",
        m=MIN_EVIDENCE,
        h=f"{HIGH_RATIO:g}".replace(".", ","),
        r=f"{RISE_FACTOR:g}".replace(".", ","),
        s=round(MIN_REASON_SHARE * 100),
        d=MIN_DIALOGUE_OTRYGG,
        w=RECURRING_WEEKS,
        k=MAX_RECURRING_PLACES,
    )


#: The priority rule in words (Swedish; English under ``i18n.language("en")``): call it.
PRIORITY_RULE = _priority_rule
#: The rules that decide which evidence becomes a plan item: call it.
SELECTION_RULES = _selection_rules


# ---------------------------------------------------------------------------------------------
# measure catalogue


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the measure catalogue: a problem and what typically helps.

    Attributes
    ----------
    source : str
        ``walk`` (walk ``problem_category``), ``reason`` (dialogue reason) or ``category``
        (incident category).
    code : str
        The code within that vocabulary.
    theme : str
        The underlying problem shared across sources (used by the priority rule).
    situational, social, indicator : dict
        ``{"sv": ..., "en": ...}`` texts.
    kind : str
        ``measure_kind`` of the situational measure.
    measure_type : str or None
        ``measure_type`` code.
    responsible_type : str
        Usual holder of rådighet (``responsible_type`` code).
    serious : bool
        Threat to life and health (priority +1).
    """

    source: str
    code: str
    theme: str
    situational: dict
    social: dict
    kind: str
    measure_type: str | None
    responsible_type: str
    indicator: dict
    serious: bool = False

    def text(self, field_name: str) -> str:
        """``situational``, ``social`` or ``indicator`` in the current language."""
        value = getattr(self, field_name)
        return tr(value.get("sv", ""), value.get("en", "") or value.get("sv", ""))


def _bundled_catalogue_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("tryggaplatser.layers").joinpath("measure_catalogue.toml")))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            tr("åtgärdskatalogen finns inte", "the measure catalogue does not exist"),
            file=str(path),
            fix=tr(
                "rätta [plans] catalogue i tryggaplatser.toml",
                "correct [plans] catalogue in tryggaplatser.toml",
            ),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            tr(
                "ogiltig TOML i åtgärdskatalogen: {e}",
                "invalid TOML in the measure catalogue: {e}",
                e=exc,
            ),
            file=str(path),
        ) from None


def _bilingual(value: Any, where: str, path: Path) -> dict:
    if isinstance(value, str):
        return {"sv": value, "en": value}
    if isinstance(value, dict) and isinstance(value.get("sv"), str) and value["sv"].strip():
        return {"sv": value["sv"], "en": value.get("en") or value["sv"]}
    raise ConfigError(
        tr(
            '{w}: texten måste vara {{ sv = "...", en = "..." }}',
            '{w}: the text must be {{ sv = "...", en = "..." }}',
            w=where,
        ),
        file=str(path),
    )


def load_catalogue(
    path: str | Path | None = None, *, config=None
) -> dict[tuple[str, str], CatalogueEntry]:
    """The measure catalogue: bundled entries, replaced or extended by the municipality's file.

    Parameters
    ----------
    path : str or Path, optional
        The municipality's catalogue (same format as ``layers/measure_catalogue.toml``).
        ``None``: ``config.plans_catalogue`` when a configuration is given, else only the
        bundled catalogue.
    config : ProjectConfig, optional
        The project configuration (its ``[plans] catalogue`` key).

    Returns
    -------
    dict
        ``{(source, code): CatalogueEntry}``.

    Raises
    ------
    ConfigError
        Unknown section, code, ``kind``, ``measure_type`` or ``responsible_type``, or a text
        without Swedish; the message names the file and the entry.
    """
    from ..layers.vocab import codes

    if path is None and config is not None:
        path = getattr(config, "plans_catalogue", None)
    bundled_path = _bundled_catalogue_path()
    layers = [(bundled_path, _read_toml(bundled_path))]
    if path is not None:
        layers.append((Path(path), _read_toml(Path(path))))
    merged, origin = _merge_catalogue_files(layers)
    kinds = set(codes("measure_kind"))
    types = set(codes("measure_type"))
    owners = set(codes("responsible_type"))
    return {
        (section, code): _catalogue_entry_of(
            section, code, entry, origin[(section, code)], kinds, types, owners
        )
        for (section, code), entry in merged.items()
    }


def _merge_catalogue_files(layers) -> tuple[dict, dict]:
    """Merge the catalogue files in order (later keys win); check sections and codes."""
    from ..layers.vocab import codes

    merged: dict[tuple[str, str], dict] = {}
    origin: dict[tuple[str, str], Path] = {}
    for file, raw in layers:
        for section, entries in raw.items():
            if section not in CATALOGUE_SOURCES:
                raise ConfigError(
                    tr(
                        "okänd del [{s}] i åtgärdskatalogen",
                        "unknown section [{s}] in the measure catalogue",
                        s=section,
                    ),
                    file=str(file),
                    fix=tr("tillåtna: {v}", "allowed: {v}", v=", ".join(CATALOGUE_SOURCES)),
                )
            valid = set(codes(CATALOGUE_SOURCES[section]))
            for code, entry in entries.items():
                if code not in valid:
                    raise ConfigError(
                        tr("[{s}.{c}]: okänd kod", "[{s}.{c}]: unknown code", s=section, c=code),
                        file=str(file),
                        fix=tr("välj bland: {v}", "choose from: {v}", v=", ".join(sorted(valid))),
                    )
                key = (section, code)
                merged[key] = {**merged.get(key, {}), **entry}
                origin[key] = file
    return merged, origin


def _catalogue_entry_of(section, code, entry: dict, file: Path, kinds, types, owners):
    """Check one merged catalogue entry and turn it into a :class:`CatalogueEntry`."""
    where = f"[{section}.{code}]"
    for key in ("situational", "social", "indicator", "kind", "responsible_type"):
        if key not in entry:
            raise ConfigError(tr("{w} saknar {k}", "{w} lacks {k}", w=where, k=key), file=str(file))
    checks = (("kind", kinds), ("responsible_type", owners))
    for key, allowed in checks:
        if entry[key] not in allowed:
            raise ConfigError(
                tr(
                    "{w}: {k} = {v!r} är ingen giltig kod",
                    "{w}: {k} = {v!r} is not a valid code",
                    w=where,
                    k=key,
                    v=entry[key],
                ),
                file=str(file),
                fix=tr("välj bland: {a}", "choose from: {a}", a=", ".join(sorted(allowed))),
            )
    mtype = entry.get("measure_type")
    if mtype is not None and mtype not in types:
        raise ConfigError(
            tr(
                "{w}: measure_type = {v!r} är ingen giltig kod",
                "{w}: measure_type = {v!r} is not a valid code",
                w=where,
                v=mtype,
            ),
            file=str(file),
            fix=tr("välj bland: {a}", "choose from: {a}", a=", ".join(sorted(types))),
        )
    return CatalogueEntry(
        source=section,
        code=code,
        theme=str(entry.get("theme", code)),
        situational=_bilingual(entry["situational"], where, file),
        social=_bilingual(entry["social"], where, file),
        kind=entry["kind"],
        measure_type=mtype,
        responsible_type=entry["responsible_type"],
        indicator=_bilingual(entry["indicator"], where, file),
        serious=bool(entry.get("serious", False)),
    )


def catalogue_entry(source: str, code: str, catalogue: dict | None = None) -> CatalogueEntry:
    """Look up one problem in the catalogue; an unknown code falls back to the ``annat`` /
    ``ovrigt`` entry of the same section (or raises when there is none).

    Examples
    --------
    >>> catalogue_entry("walk", "belysning").responsible_type
    'kommun'
    """
    if source not in CATALOGUE_SOURCES:
        raise ArgumentError(
            tr("okänd källa {s!r}", "unknown source {s!r}", s=source),
            rule="ARGUMENT_INVALID",
            fix=tr("välj bland: {v}", "choose from: {v}", v=", ".join(CATALOGUE_SOURCES)),
        )
    cat = catalogue if catalogue is not None else load_catalogue()
    for key in ((source, code), (source, "annat"), (source, "ovrigt")):
        if key in cat:
            return cat[key]
    raise ArgumentError(
        tr(
            "åtgärdskatalogen saknar [{s}.{c}]",
            "the measure catalogue lacks [{s}.{c}]",
            s=source,
            c=code,
        ),
        rule="CATALOGUE_ENTRY_MISSING",
    )


def catalogue_table(catalogue: dict | None = None) -> pd.DataFrame:
    """The catalogue as a table (for the plan workbook and for editing).

    Returns
    -------
    pandas.DataFrame
        ``source, code, problem, theme, situational, social, kind, measure_type,
        responsible_type, indicator, serious`` with texts in the current language and
        ``problem`` the code's label.
    """
    from ..layers.vocab import label

    cat = catalogue if catalogue is not None else load_catalogue()
    rows = []
    for (source, code), e in cat.items():
        rows.append(
            {
                "source": source,
                "code": code,
                "problem": label(CATALOGUE_SOURCES[source], code),
                "theme": e.theme,
                "situational": e.text("situational"),
                "social": e.text("social"),
                "kind": e.kind,
                "measure_type": e.measure_type or "",
                "responsible_type": e.responsible_type,
                "indicator": e.text("indicator"),
                "serious": e.serious,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# helpers


def _num(value: float, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if tr("sv", "en") == "sv":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _local_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    return parsed.dt.normalize()


def _as_date(value: Any, name: str) -> date:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ArgumentError(
            tr(
                "{n}: kan inte tolka {v!r} som datum",
                "{n}: cannot read {v!r} as a date",
                n=name,
                v=value,
            ),
            rule="DATE_INVALID",
        )
    return ts.date()


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = pd.Timestamp(year=year, month=month, day=1).days_in_month
    return date(year, month, min(d.day, last))


def _today(today, choices: list[str], quiet: bool, name: str = "plan_date") -> date:
    if today is not None:
        return _as_date(today, name)
    ref = pd.Timestamp.now(tz=LOCAL_TZ).date()
    msg = tr(
        "Dagens datum {d} används som {n}.",
        "Today's date {d} used as {n}.",
        d=ref.isoformat(),
        n=name,
    )
    choices.append(msg)
    announce(msg, quiet=quiet)
    return ref


def _points_in(points, geom) -> np.ndarray:
    import shapely

    if points is None or len(points) == 0:
        return np.zeros(0 if points is None else len(points), dtype=bool)
    inside = shapely.intersects_xy(geom, points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    if "location_precision" in points.columns:
        inside &= (
            (points["location_precision"].astype("string") != "kommun_centroid")
            .fillna(True)
            .to_numpy()
        )
    return inside


def _mode_text(values: pd.Series) -> str | None:
    """The most common non-blank text of ``values`` (ties: alphabetical), else ``None``."""
    from collections import Counter

    counts = Counter(v for v in (str(v) for v in values.dropna()) if v.strip() != "")
    if not counts:
        return None
    most = max(counts.values())
    return min(v for v, n in counts.items() if n == most)


class _Located:
    """A point layer's coordinates and "not a municipality centroid" mask, to find its points
    in one area after another (as :func:`_points_in`)."""

    def __init__(self, points):
        self.n = 0 if points is None else len(points)
        if self.n:
            self.x = points.geometry.x.to_numpy()
            self.y = points.geometry.y.to_numpy()
        self.located = (
            (points["location_precision"].astype("string") != "kommun_centroid")
            .fillna(True)
            .to_numpy()
            if self.n and "location_precision" in points.columns
            else None
        )

    def inside(self, geom) -> np.ndarray:
        import shapely

        if self.n == 0:
            return np.zeros(0, dtype=bool)
        inside = shapely.intersects_xy(geom, self.x, self.y)
        if self.located is not None:
            inside &= self.located
        return inside


class PlanLayers:
    """The layers as every area's plan reads them, prepared once for all the plans of a run:
    the incidents' local dates, coordinates and 250 m grid cells (:class:`~.est.CellPoints`),
    which walk findings are open and felt as unsafe and when their walk was, which dialogue
    pins are unsafe and when they were given.

    :func:`action_plan` given one (``prepared=``, made of the same layers) slices it per
    area instead of converting every layer again for each area; the plan is the same as
    without it. The walk and dialogue parts are made on first use.
    """

    def __init__(self, incidents, walk_observations=None, walks=None, dialogue=None):
        self.incidents = incidents
        self.walk_observations, self.walks, self.dialogue = walk_observations, walks, dialogue
        self.local = _local_dates(incidents["occurred_at"])
        self._incidents = _Located(incidents)
        self._points = None
        self._checked = None
        self._walk: tuple | None = None
        self._pins: tuple | None = None

    def of(self, incidents, walk_observations, walks, dialogue) -> bool:
        """Whether this was made of these layers (the very objects)."""
        layers = (self.incidents, self.walk_observations, self.walks, self.dialogue)
        wanted = (incidents, walk_observations, walks, dialogue)
        return all(a is b for a, b in zip(layers, wanted, strict=True))

    @property
    def points(self):
        """The incidents' :class:`~.est.CellPoints` on the 250 m grid (made on first use)."""
        if self._points is None:
            from .est import CellPoints

            self._points = CellPoints.of(self.incidents, MIN_GRID_M)
        return self._points

    def inside(self, geom) -> np.ndarray:
        """Which incidents lie in ``geom`` (as :func:`_points_in`)."""
        return self._incidents.inside(geom)

    @property
    def checked(self):
        """The incidents with only the columns :func:`~.est.recurring_places` checks (the
        time, the category and the points): an area's rows of it are checked as the area's
        incidents would be, without taking every other column for each area."""
        if self._checked is None:
            data = self.incidents
            geometry = data.geometry.name
            wanted = [c for c in ("occurred_at", "category") if c in data.columns]
            self._checked = data[[*wanted, geometry]]
        return self._checked

    def open_walk_findings(self, geom, year: int):
        """Open findings felt as unsafe in ``geom`` from walks up to ``year`` (``None``: no
        walk findings recorded)."""
        obs = self.walk_observations
        if obs is None or len(obs) == 0:
            return None
        if self._walk is None:
            walks = self.walks
            dated = walks is not None and len(walks) and "date" in walks.columns
            when = (
                obs["walk_id"].map(_local_dates(walks.set_index("walk_id")["date"]))
                if dated and "walk_id" in obs.columns
                else None
            )
            status = obs["status"].astype("string")
            perception = obs["perception"].astype("string")
            wanted = status.isin(OPEN_OBSERVATION_STATUSES) & (perception == "otrygg")
            self._walk = (_Located(obs), when, wanted.fillna(False).to_numpy())
        located, when, wanted = self._walk
        keep = located.inside(geom)
        if when is not None:
            keep &= (when.isna() | (when.dt.year <= year)).to_numpy()
        return obs[keep & wanted]

    def unsafe_pins(self, geom, year: int):
        """The dialogue pins felt as unsafe in ``geom`` given up to ``year``."""
        pins = self.dialogue
        if self._pins is None:
            unsafe = (pins["perception"].astype("string") == "otrygg").fillna(False).to_numpy()
            self._pins = (_Located(pins), unsafe)
        located, unsafe = self._pins
        keep = located.inside(geom)
        if "submitted_at" in pins.columns:
            # the dates of the pins in the area, parsed as they come (as one area's plan would)
            when = _local_dates(pins["submitted_at"][keep])
            keep[keep] = (when.isna() | (when.dt.year <= year)).to_numpy()
        return pins[keep & unsafe]


# ---------------------------------------------------------------------------------------------
# the plan


def _item(
    source: str,
    entry: CatalogueEntry,
    n: int,
    strength: int,
    strength_reasons: list[str],
    *,
    place: str,
    problem: str,
    evidence: str,
    linked_categories: str | None = None,
    linked_observations: str | None = None,
    linked_reasons: str | None = None,
    responsible: str | None = None,
    responsible_type: str | None = None,
) -> dict:
    """One candidate plan item from one source, before prioritisation."""
    return {
        "source": source,
        "entry": entry,
        "n": n,
        "strength": strength,
        "strength_reasons": strength_reasons,
        "place": place,
        "problem": problem,
        "evidence": evidence,
        "linked_categories": linked_categories,
        "linked_observations": linked_observations,
        "linked_reasons": linked_reasons,
        "responsible": responsible,
        "responsible_type": responsible_type,
    }


def _incident_items(
    area_id: str,
    name: str,
    year: int,
    *,
    areas,
    incidents,
    catalogue,
    sensitive: set[str],
    choices: list[str],
    profiles=None,
) -> list[dict]:
    """Items for incident categories that are high against the municipality or rising."""
    from .areas import area_profile

    def profile(period: int):
        if profiles is not None:
            return profiles(period)[str(area_id)]
        return area_profile(area_id, areas=areas, incidents=incidents, period=period, quiet=True)

    now = profile(year).by_category
    try:
        prev = profile(year - 1).by_category
        prev_rate = prev.set_index("category")["rate_per_1000"]
        prev_count = prev.set_index("category")["count"]
    except ArgumentError:
        prev_rate = prev_count = pd.Series(dtype=float)
        choices.append(
            tr(
                "Inga data för {y}: ökning kan inte bedömas.",
                "No data for {y}: a rise cannot be judged.",
                y=year - 1,
            )
        )
    items = []
    for row in now.itertuples(index=False):
        cat = str(row.category)
        if cat in ("alla", *EXCLUDED_CATEGORIES) or cat in sensitive:
            continue
        item = _incident_item(row, name, year, prev_rate, prev_count, catalogue)
        if item is not None:
            items.append(item)
    return items


def _incident_item(row, name: str, year: int, prev_rate, prev_count, catalogue):
    """The item of one incident category, or ``None`` when it is neither high nor rising."""
    from ..layers.vocab import label

    cat = str(row.category)
    count = int(row.count)
    if count < MIN_EVIDENCE:
        return None
    ratio = float(row.ratio_to_municipality) if pd.notna(row.ratio_to_municipality) else math.nan
    rate = float(row.rate_per_1000) if pd.notna(row.rate_per_1000) else math.nan
    p_rate = float(prev_rate.get(cat, 0.0) or 0.0)
    p_count = int(prev_count.get(cat, 0) or 0)
    expected_now = p_rate / rate * count if rate and rate > 0 else 0.0
    rising = bool(
        p_rate > 0 and rate >= RISE_FACTOR * p_rate and count - expected_now >= MIN_EVIDENCE
    )
    high = bool(math.isfinite(ratio) and ratio >= HIGH_RATIO)
    if not (high or rising):
        return None
    entry = catalogue_entry("category", cat, catalogue)
    evidence = tr(
        "{n} rapporter {y} ({r} per 1 000 invånare och år, {q} gånger kommunens nivå)",
        "{n} reports in {y} ({r} per 1,000 residents a year, {q} times the municipality's level)",
        n=count,
        y=year,
        r=_num(rate),
        q=_num(ratio),
    )
    if p_count or p_rate:
        evidence += tr(
            "; {p} rapporter {y0} ({pr} per 1 000 och år){ok}",
            "; {p} reports in {y0} ({pr} per 1,000 a year){ok}",
            p=p_count,
            y0=year - 1,
            pr=_num(p_rate),
            ok=tr(", alltså ökande", ", so rising") if rising else "",
        )
    evidence += tr(
        ". Källa: rapporterade händelser (områdesanalysen).",
        ". Source: reported incidents (area analysis).",
    )
    strength = 1 + int(math.isfinite(ratio) and ratio >= VERY_HIGH_RATIO) + int(rising)
    reasons = []
    if math.isfinite(ratio) and ratio >= VERY_HIGH_RATIO:
        reasons.append(
            tr(
                "minst {v} ggr kommunens nivå",
                "at least {v} × the municipality",
                v=_num(VERY_HIGH_RATIO, 0),
            )
        )
    if rising:
        reasons.append(tr("ökande", "rising"))
    return _item(
        "incidents",
        entry,
        count,
        strength,
        reasons,
        place=tr("{a} (hela området)", "{a} (whole area)", a=name),
        problem=label("category", cat),
        evidence=evidence,
        linked_categories=cat,
    )


def _add_place_reasons(items: list[dict], walk_observations, places) -> None:
    """Add the street stretch (and nearby risk factors) of each walk item's findings to its
    evidence (:class:`~tryggaplatser.analysis.streets.PlaceReasons`)."""
    ids = walk_observations["observation_id"].astype(str)
    for it in items:
        if it["source"] != "walk" or not it.get("linked_observations"):
            continue
        wanted = set(str(it["linked_observations"]).split(";"))
        reason = places.reason(walk_observations[ids.isin(wanted).to_numpy()])
        if reason:
            it["evidence"] += " " + tr("Längs {r}.", "Along {r}.", r=reason)


def _walk_items(
    area_geom, name: str, year: int, *, prepared: PlanLayers, catalogue, plan_date: date
) -> list[dict]:
    """Items for open safety-walk findings felt as unsafe, one per problem category."""
    open_ = prepared.open_walk_findings(area_geom, year)
    if open_ is None or open_.empty:
        return []
    due = (
        _local_dates(open_["due_on"])
        if "due_on" in open_.columns
        else pd.Series(pd.NaT, index=open_.index)
    )
    return [
        _walk_item(str(cat), group, due, name, catalogue, plan_date)
        for cat, group in open_.groupby(open_["problem_category"].astype(str), sort=True)
    ]


def _walk_item(cat: str, group, due, name: str, catalogue, plan_date: date) -> dict:
    """The item of one problem category's open walk findings."""
    from ..layers.vocab import label

    entry = catalogue_entry("walk", cat, catalogue)
    n = len(group)
    high = int(
        (group.get("priority", pd.Series(dtype="string")).astype("string") == "hog")
        .fillna(False)
        .sum()
    )
    overdue = int((due.loc[group.index] < pd.Timestamp(plan_date)).fillna(False).sum())
    walk_ids = sorted(group["walk_id"].dropna().astype(str).unique())
    statuses = group["status"].astype(str).value_counts()
    status_text = ", ".join(
        f"{label('observation_status', s).lower()} {k}" for s, k in statuses.items()
    )
    evidence = tr(
        "{n} {f} (upplevt otryggt) från trygghetsvandring {w} ({s}); {h} med hög "
        "prioritet; {o} försenade mot satt datum. Källa: trygghetsvandringar.",
        "{n} open finding(s) (felt unsafe) from safety walk {w} ({s}); {h} high priority; "
        "{o} overdue. Source: safety walks.",
        n=n,
        f="öppet fynd" if n == 1 else "öppna fynd",
        w=", ".join(walk_ids),
        s=status_text,
        h=high,
        o=overdue,
    )
    reasons = []
    if high:
        reasons.append(tr("hög prioritet på vandringen", "high priority on the walk"))
    if n >= MIN_WALK_FINDINGS:
        reasons.append(
            tr("minst {m} öppna fynd", "at least {m} open findings", m=MIN_WALK_FINDINGS)
        )
    return _item(
        "walk",
        entry,
        n,
        1 + int(high > 0) + int(n >= MIN_WALK_FINDINGS),
        reasons,
        place=tr(
            "{a}: {n} {p} längs vandring {w}",
            "{a}: {n} place(s) along walk {w}",
            a=name,
            n=n,
            p="plats" if n == 1 else "platser",
            w=", ".join(walk_ids),
        ),
        problem=label("problem_category", cat),
        evidence=evidence,
        linked_observations=";".join(sorted(group["observation_id"].astype(str))),
        responsible=_mode_text(group["responsible"]) if "responsible" in group else None,
        responsible_type=(
            _mode_text(group["responsible_type"]) if "responsible_type" in group else None
        ),
    )


def _dialogue_items(
    area_geom, name: str, year: int, *, prepared: PlanLayers, catalogue, choices: list[str]
) -> list[dict]:
    """Items for reasons given by many of those feeling unsafe in the latest dialogue campaign."""
    from ..layers.vocab import label

    if prepared.dialogue is None or len(prepared.dialogue) == 0:
        return []
    otrygg = prepared.unsafe_pins(area_geom, year)
    if otrygg.empty:
        return []
    order = (
        otrygg.groupby("campaign_id")["submitted_at"].max().sort_values()
        if "submitted_at" in otrygg.columns
        else otrygg.groupby("campaign_id").size().sort_index()
    )
    counts = otrygg.groupby("campaign_id").size()
    eligible = [c for c in order.index if counts.get(c, 0) >= MIN_DIALOGUE_OTRYGG]
    if not eligible:
        choices.append(
            tr(
                "Medborgardialogen i {a} har färre än {m} otrygga markeringar per "
                "kampanj: inga dialogpunkter.",
                "The citizen dialogue in {a} has fewer than {m} unsafe pins per "
                "campaign: no dialogue items.",
                a=name,
                m=MIN_DIALOGUE_OTRYGG,
            )
        )
        return []
    campaign = eligible[-1]
    sub = otrygg[otrygg["campaign_id"] == campaign]
    total = len(sub)
    reasons = sub["reasons"].dropna().astype(str).str.split(";").explode().str.strip()
    reasons = reasons[reasons != ""].value_counts()
    items = []
    for reason, n in reasons.items():
        share = n / total
        if share < MIN_REASON_SHARE or n < MIN_EVIDENCE:
            continue
        entry = catalogue_entry("reason", str(reason), catalogue)
        evidence = tr(
            "{n} av {t} otrygga markeringar ({s} %) i {c} anger skälet {r}. Källa: "
            "medborgardialog.",
            "{n} of {t} unsafe pins ({s} %) in {c} give the reason {r}. Source: citizen dialogue.",
            n=int(n),
            t=total,
            s=_num(share * 100, 0),
            c=campaign,
            r=label("reason", reason).lower(),
        )
        strength_reasons = []
        if share >= 0.3:
            strength_reasons.append(
                tr(
                    "minst {p} % av de otrygga",
                    "at least {p} % of those feeling unsafe",
                    p=50 if share >= 0.5 else 30,
                )
            )
        items.append(
            _item(
                "dialogue",
                entry,
                int(n),
                1 + int(share >= 0.3) + int(share >= 0.5),
                strength_reasons,
                place=tr("{a} (markeringar i dialogen)", "{a} (dialogue pins)", a=name),
                problem=tr("Otrygghet: {r}", "Insecurity: {r}", r=label("reason", reason)),
                evidence=evidence,
                linked_reasons=str(reason),
            )
        )
    return items


def _recurring_items(
    area_geom,
    name: str,
    year: int,
    *,
    incidents,
    catalogue,
    sensitive: set[str],
    place_names: Any = None,
    prepared: PlanLayers,
) -> list[dict]:
    """Items for recurring EST places in the area, one per main category."""
    from .est import recurring_places, week_label

    inside = prepared.inside(area_geom)
    if not inside.any():
        return []
    sub = prepared.checked[inside]  # only checked: the counts come from ``points``
    last = min(pd.Timestamp(year=year, month=12, day=31), prepared.local[inside].max())
    last_monday = (last - pd.Timedelta(days=last.weekday())).date()
    # the last complete ISO week up to the end of the year / the data
    if last.weekday() != 6:
        last_monday = last_monday - pd.Timedelta(days=7)
    table = recurring_places(
        sub,
        week_label(last_monday),
        cell_size=MIN_GRID_M,
        weeks=RECURRING_WEEKS,
        min_weeks=math.ceil(RECURRING_WEEKS * RECURRING_MIN_SHARE),
        quiet=True,
        points=prepared.points.take(inside),
    )
    # one item per main category: neighbouring cells with the same problem are one place
    groups = _recurring_groups(table, sensitive)
    week = table.attrs.get("week", "")
    return [
        _recurring_item(top, rows, week, name, catalogue, place_names)
        for top, rows in groups.items()
    ]


def _recurring_groups(table: pd.DataFrame, sensitive: set[str]) -> dict[str, list]:
    """The top recurring cells grouped by their main (non-excluded, non-sensitive) category."""
    groups: dict[str, list] = {}
    top = table[["cell_id", "weeks_with_reports", "total", "categories"]].head(MAX_RECURRING_PLACES)
    for row in top.itertuples(index=False):
        cats = [
            c
            for c in str(row.categories).split(";")
            if c and c not in EXCLUDED_CATEGORIES and c not in sensitive
        ]
        if cats:
            groups.setdefault(cats[0], []).append((row, cats))
    return groups


def _recurring_item(
    top: str, rows: list, week: str, name: str, catalogue, place_names: Any = None
) -> dict:
    """The item of the recurring cells whose main category is ``top``; its place names the
    street of the first cell ("Storgatan vid Parkvägen") when ``place_names`` gives one."""
    from ..layers.vocab import label

    entry = catalogue_entry("category", top, catalogue)
    weeks = max(int(r.weeks_with_reports) for r, _ in rows)
    total = sum(int(r.total) for r, _ in rows)
    cats = list(dict.fromkeys(c for _, cs in rows for c in cs[:3]))[:3]
    cells = [str(r.cell_id) for r, _ in rows]
    evidence = tr(
        "Rapporter under {w} av {W} veckor fram till {v} i {k}, totalt {t}; vanligast "
        "{c}. Källa: EST (återkommande plats).",
        "Reports in {w} of {W} weeks up to {v} in {k}, {t} in all; most common {c}. "
        "Source: EST (recurring place).",
        w=weeks,
        W=RECURRING_WEEKS,
        v=week,
        k=tr("en ruta", "one cell")
        if len(cells) == 1
        else tr("{n} intilliggande rutor", "{n} cells", n=len(cells)),
        t=total,
        c=", ".join(label("category", c).lower() for c in cats),
    )
    reasons = [tr("återkommande plats", "recurring place")]
    strength = 1 + int(weeks >= 0.75 * RECURRING_WEEKS) + int(total >= RECURRING_WEEKS * len(cells))
    return _item(
        "hotspot",
        entry,
        total,
        strength,
        reasons,
        place=_recurring_place(name, cells, place_names),
        problem=tr("Återkommande plats: {c}", "Recurring place: {c}", c=label("category", top)),
        evidence=evidence,
        linked_categories=";".join(cats),
    )


def _recurring_place(name: str, cells: list[str], place_names: Any) -> str:
    """ "Område, Storgatan vid Parkvägen (ruta 250mE…)" — the street of the first cell when
    known, the cell ids kept as the reference; else "Område, ruta 250mE…"."""
    cell_text = tr(
        "{r} {c}",
        "{r} {c}",
        r=tr("ruta", "cell") if len(cells) == 1 else tr("rutor", "cells"),
        c=", ".join(cells),
    )
    street = place_names(cells[:1])[0] if place_names is not None and cells else ""
    if street:
        return f"{name}, {street} ({cell_text})"
    return f"{name}, {cell_text}"


@renamed(plan_date="today")
def action_plan(
    area_id: str,
    year: int | None = None,
    *,
    areas,
    incidents,
    walk_observations=None,
    walks=None,
    dialogue=None,
    catalogue: dict | None = None,
    today=None,
    follow_up_months: int = FOLLOW_UP_MONTHS,
    sensitive_categories=(),
    profiles=None,
    places=None,
    quiet: bool = False,
    place_names: Any = None,
    prepared: PlanLayers | None = None,
) -> pd.DataFrame:
    """Draft an area-specific action plan (områdesspecifik handlingsplan) for one area and year.

    **Which evidence becomes an item** (:data:`SELECTION_RULES`): incident categories with at
    least 5 reports in the year that are at least 1.5 times the municipality's rate per 1 000
    residents or rising (yearly rate ≥ 1.25 × the previous year's and ≥ 5 more); open
    safety-walk findings felt as unsafe (status ``ny``, ``skickad``, ``planerad``,
    ``pagaende``), one item per problem category; reasons given by ≥ 20 % (and ≥ 5) of those
    feeling unsafe in the latest citizen-dialogue campaign with ≥ 10 unsafe pins in the area;
    the ≤ 3 250 m cells in the area with reports in at least half of the year's 52 weeks
    (recurring EST places). Planned events (``arrangemang``) and sensitive categories never
    become items.

    **Priority rule** (:data:`PRIORITY_RULE`, recorded in ``attrs["priority_rule"]``):
    ``priority_score = strength (1–3) + agreement (0–2) + seriousness (0–1)``.
    Strength within the item's own source: incidents 1 + [≥ 2 × municipality] + [rising];
    walk findings 1 + [an open finding of high priority] + [≥ 3 open findings]; dialogue
    1 + [share ≥ 30 %] + [share ≥ 50 %]; recurring place 1 + [reports ≥ 75 % of weeks] +
    [≥ one report a week on average]. Agreement: +1 per *other* source whose items share the
    catalogue ``theme`` (at most 2) — a problem seen in reports, on the walk and in the dialogue
    is more certain. Seriousness: +1 when the catalogue marks the problem ``serious``.
    Ties: strength, number of cases, then source order (recurring place, incidents, walk,
    dialogue), then problem.

    Parameters
    ----------
    area_id : str
        The area (``areas.area_id``).
    year : int, optional
        The plan year; ``None`` = the year of the latest incident (announced).
    areas, incidents : GeoDataFrame
        The project's layers (metric CRS).
    walk_observations, walks, dialogue : GeoDataFrame, optional
        Safety-walk findings (with ``walks`` for the walk dates) and dialogue pins.
    catalogue : dict, optional
        From :func:`load_catalogue`; ``None`` = the bundled catalogue.
    today : date-like, optional
        The time anchor: the date of the draft (recorded as ``attrs["plan_date"]``); ``None`` =
        the real date today (announced). Follow-up = plan date + ``follow_up_months``.
        (Formerly ``plan_date=``, still accepted with a ``DeprecationWarning``.)
    follow_up_months : int, default 6
        Municipal measures within six months is a common local target (DOMAIN.md).
    sensitive_categories : iterable of str
        Categories never turned into items (the configuration's ``sensitive``).
    profiles : callable, optional
        ``year -> {area_id: AreaProfile}`` of every area, e.g. ``run.profiles`` of a
        :class:`~tryggaplatser.analysis.run.Run`, so many plans share one computation;
        ``None`` = compute the area's profiles here.
    places : PlaceReasons, optional
        ``run.place_reasons()``: the street stretch of each walk item's findings, its
        incidents and the significant risk factors near it are added to the item's evidence
        ("Längs Storgatan 120–220 m: 14 händelser, nära busshållplatser.").
    quiet : bool
    place_names : callable, optional
        ``cell ids -> street descriptions``, e.g. ``run.place_names`` of a
        :class:`~tryggaplatser.analysis.run.Run` with a ``[basemap]``: a recurring place then
        reads "Område, Storgatan vid Parkvägen (ruta 250mE…)"; ``None`` = cell ids only.
    prepared : PlanLayers, optional
        ``PlanLayers(incidents, walk_observations, walks, dialogue)`` made once for the plans
        of many areas (of the same layers); ``None`` = prepared here for this plan.

    Returns
    -------
    pandas.DataFrame
        :data:`PLAN_COLUMNS`, ranked. ``measure_id`` = ``PLAN-<year>-<area_id>-<rank>``,
        ``title`` the catalogue's primary measure, ``other_measures`` the complementary one,
        ``status = "foreslagen"``, ``decided_by`` from the source, ``follow_up_on`` the
        follow-up date; columns shared with the measures layer hold its codes.
        ``attrs``: ``area_id``, ``name``, ``year``, ``plan_date``, ``priority_rule``,
        ``selection_rules``, ``choices``.
    """
    choices: list[str] = []
    match = _plan_area(areas, incidents, area_id, follow_up_months)
    area_id = str(area_id)
    name = str(match["name"].iloc[0]) if "name" in match.columns else area_id
    geom = match.geometry.union_all()
    if prepared is None or not prepared.of(incidents, walk_observations, walks, dialogue):
        prepared = PlanLayers(incidents, walk_observations, walks, dialogue)
    year = _plan_year(prepared, year, choices, quiet)
    plan = _today(today, choices, quiet)
    follow = _add_months(plan, follow_up_months)
    cat = catalogue if catalogue is not None else load_catalogue()
    sensitive = set(sensitive_categories or ())

    items = (
        _recurring_items(
            geom,
            name,
            year,
            incidents=incidents,
            catalogue=cat,
            sensitive=sensitive,
            place_names=place_names,
            prepared=prepared,
        )
        + _incident_items(
            area_id,
            name,
            year,
            areas=areas,
            incidents=incidents,
            catalogue=cat,
            sensitive=sensitive,
            choices=choices,
            profiles=profiles,
        )
        + _walk_items(
            geom,
            name,
            year,
            prepared=prepared,
            catalogue=cat,
            plan_date=plan,
        )
        + _dialogue_items(geom, name, year, prepared=prepared, catalogue=cat, choices=choices)
    )

    if places is not None and walk_observations is not None:
        _add_place_reasons(items, walk_observations, places)
    missing = _sources_not_recorded(match, walk_observations, dialogue)
    themes: dict[str, set[str]] = {}
    for it in items:
        themes.setdefault(it["entry"].theme, set()).add(it["source"])
    rows = [_plan_row(it, themes[it["entry"].theme], area_id, follow) for it in items]
    frame = _ranked_plan(rows, year, area_id)
    frame.attrs.update(
        {
            "area_id": area_id,
            "name": name,
            "year": year,
            "plan_date": plan,
            "follow_up_months": follow_up_months,
            "priority_rule": _priority_rule(),
            "selection_rules": _selection_rules(),
            "choices": choices,
            "not_recorded": missing,
        }
    )
    return frame


def _sources_not_recorded(match, walk_observations, dialogue) -> list[str]:
    """The plan sources that could not be judged because their data were never recorded:
    ``incidents`` (the area has no population, so there is no rate to compare with the
    municipality's), ``walk`` and ``dialogue`` (the project has no observations or responses).
    Recorded in ``attrs["not_recorded"]``; reports print "uppgift saknas" for them, never 0."""
    missing = []
    population = (
        pd.to_numeric(match["population"], errors="coerce")
        if "population" in match.columns
        else pd.Series(dtype=float)
    )
    if population.notna().sum() == 0:
        missing.append("incidents")
    if walk_observations is None or len(walk_observations) == 0:
        missing.append("walk")
    if dialogue is None or len(dialogue) == 0:
        missing.append("dialogue")
    return missing


def _plan_area(areas, incidents, area_id, follow_up_months: int):
    """Validate the arguments of :func:`action_plan`; return the area's row(s) of ``areas``."""
    if "area_id" not in getattr(areas, "columns", []):
        raise ArgumentError(
            tr("areas saknar kolumnen area_id", "areas lacks area_id"), rule="COLUMNS_MISSING"
        )
    match = areas[areas["area_id"].astype(str) == str(area_id)]
    if match.empty:
        raise ArgumentError(
            tr("området {a!r} finns inte", "area {a!r} does not exist", a=area_id),
            rule="AREA_UNKNOWN",
            fix=tr(
                "välj bland: {v}",
                "choose from: {v}",
                v=", ".join(areas["area_id"].astype(str).head(30)),
            ),
        )
    if areas.crs != incidents.crs:
        raise ArgumentError(
            tr(
                "olika koordinatsystem: areas {a}, incidents {b}",
                "different CRSs: areas {a}, incidents {b}",
                a=areas.crs,
                b=incidents.crs,
            ),
            rule="CRS_MISMATCH",
        )
    if not isinstance(follow_up_months, int) or follow_up_months < 1:
        raise ArgumentError(
            tr(
                "follow_up_months måste vara ett heltal ≥ 1, fick {v!r}",
                "follow_up_months must be an integer ≥ 1, got {v!r}",
                v=follow_up_months,
            ),
            rule="NOT_POSITIVE",
        )
    return match


def _plan_year(prepared: PlanLayers, year: int | None, choices: list[str], quiet: bool) -> int:
    """The plan year: given, or the year of the latest incident (announced)."""
    if year is None:
        year = int(prepared.local.max().year)
        msg = tr(
            "Planår {y} valt automatiskt (året för den senaste händelsen).",
            "Plan year {y} chosen automatically (the year of the latest incident).",
            y=year,
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    return int(year)


def _plan_row(it: dict, theme_sources: set[str], area_id: str, follow: date) -> dict:
    """Prioritise one item (strength + agreement + seriousness) and fill the plan columns."""
    from ..layers.vocab import label

    e: CatalogueEntry = it["entry"]
    others = theme_sources - {it["source"]}
    agreement = min(2, len(others))
    score = it["strength"] + agreement + int(e.serious)
    reasons = list(it["strength_reasons"])
    if agreement:
        names = {
            "hotspot": tr("återkommande plats", "recurring place"),
            "incidents": tr("händelser", "incidents"),
            "walk": tr("vandring", "walk"),
            "dialogue": tr("dialog", "dialogue"),
        }
        reasons.append(
            tr(
                "stöds även av {s}",
                "also supported by {s}",
                s=", ".join(names[s] for s in sorted(others, key=_SOURCE_ORDER.get)),
            )
        )
    if e.serious:
        reasons.append(tr("allvarligt (liv och hälsa)", "serious (life and health)"))
    owner_type = it["responsible_type"] or e.responsible_type
    return {
        "priority_score": score,
        "_strength": it["strength"],
        "_n": it["n"],
        "_order": _SOURCE_ORDER[it["source"]],
        "priority_reasons": "; ".join(reasons) if reasons else tr("grundnivå", "base level"),
        "source": it["source"],
        "theme": e.theme,
        "place": it["place"],
        "problem": it["problem"],
        "evidence": it["evidence"],
        "title": e.text("situational"),
        "other_measures": e.text("social"),
        "type": e.kind,
        "measure_type": e.measure_type,
        "area_id": area_id,
        "linked_categories": it["linked_categories"],
        "linked_observations": it["linked_observations"],
        "linked_reasons": it["linked_reasons"],
        "responsible_type": owner_type,
        "responsible": it["responsible"] or label("responsible_type", owner_type),
        "partners": None,
        "decided_by": _DECIDED_BY[it["source"]],
        "status": "foreslagen",
        "start": pd.NaT,
        "end": pd.NaT,
        "indicator": e.text("indicator"),
        "target_value": np.nan,
        "follow_up_on": pd.Timestamp(follow),
    }


def _ranked_plan(rows: list[dict], year: int, area_id: str) -> pd.DataFrame:
    """Sort the rows by priority and ties, number them and give them measure ids."""
    # priority, strength and cases descending, then source order and problem (a stable sort)
    rows = sorted(
        rows,
        key=lambda r: (-r["priority_score"], -r["_strength"], -r["_n"], r["_order"], r["problem"]),
    )
    frame = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "_strength", "_n", "_order"])
    frame = frame.reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    frame["measure_id"] = [f"PLAN-{year}-{area_id}-{r:02d}" for r in frame["rank"]]
    frame["priority_score"] = frame["priority_score"].astype(np.int64)
    for col in ("start", "end", "follow_up_on"):
        frame[col] = pd.to_datetime(frame[col])
    frame["target_value"] = frame["target_value"].astype(float)
    frame = frame[PLAN_COLUMNS]
    return frame


# ---------------------------------------------------------------------------------------------
# follow-up


def _median_days(start: pd.Series, end: pd.Series) -> float:
    days = (end - start).dt.days
    days = days[days.notna() & (days >= 0)]
    return float(days.median()) if len(days) else math.nan


def _walk_frame(walk_observations, today: pd.Timestamp) -> pd.DataFrame:
    obs = walk_observations
    status = obs["status"].astype("string")

    def col(c):
        return obs[c] if c in obs.columns else pd.Series(pd.NA, index=obs.index)

    return pd.DataFrame(
        {
            "kind": "vandringsfynd",
            "responsible": col("responsible")
            .astype("string")
            .fillna(tr("(ej angiven)", "(not given)"))
            .to_numpy(),
            "status": status.to_numpy(),
            "counted": (status != "ny").fillna(False).to_numpy(),
            "open": status.isin(OPEN_OBSERVATION_STATUSES).fillna(False).to_numpy(),
            "resolved": (status == "atgardad").fillna(False).to_numpy(),
            "start": _local_dates(col("decided_on")).to_numpy(),
            "end": _local_dates(col("resolved_on")).to_numpy(),
            "due": _local_dates(col("due_on")).to_numpy(),
        }
    ).assign(overdue=lambda f: f["open"] & f["due"].notna() & (f["due"] < today))


def _measure_frame(measures, today: pd.Timestamp) -> pd.DataFrame:
    from .est import measure_followup

    fu = measure_followup(measures, today=today.date(), quiet=True).set_index("measure_id")
    m = measures.set_index(measures["measure_id"].astype("string"))
    status = m["status"].astype("string")

    def col(c):
        return m[c] if c in m.columns else pd.Series(pd.NA, index=m.index)

    return pd.DataFrame(
        {
            "kind": "atgard",
            "responsible": col("responsible")
            .astype("string")
            .fillna(tr("(ej angiven)", "(not given)"))
            .to_numpy(),
            "status": status.to_numpy(),
            "counted": (status != "foreslagen").fillna(False).to_numpy(),
            "open": (~status.isin(("genomford", "avbruten"))).fillna(True).to_numpy(),
            "resolved": (status == "genomford").fillna(False).to_numpy(),
            "start": _local_dates(col("start")).to_numpy(),
            "end": _local_dates(col("end")).to_numpy(),
            "due": pd.NaT,
            "overdue": fu["overdue"].reindex(m.index).fillna(False).astype(bool).to_numpy(),
        }
    )


def _summarise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    for key, g in frame.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        n_counted = int(g["counted"].to_numpy(dtype=bool).sum())
        resolved = g["resolved"].to_numpy(dtype=bool)  # a mask, not a copy of the rows
        n_resolved = int(resolved.sum())
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "n": len(g),
                "n_open": int(g["open"].sum()),
                "n_resolved": n_resolved,
                "atgardsgrad": n_resolved / n_counted if n_counted else math.nan,
                "median_days_to_resolve": _median_days(g["start"][resolved], g["end"][resolved]),
                "n_overdue": int(g["overdue"].sum()) if "overdue" in g else 0,
            }
        )
    return pd.DataFrame(rows)


def _followup_frames(walk_observations, measures, areas, area_id, today):
    import geopandas as gpd

    frames = []
    geom = None
    if area_id is not None:
        if areas is None:
            raise ArgumentError(
                tr("area_id kräver areas", "area_id needs areas"), rule="ARGUMENT_MISSING"
            )
        match = areas[areas["area_id"].astype(str) == str(area_id)]
        if match.empty:
            raise ArgumentError(
                tr("området {a!r} finns inte", "area {a!r} does not exist", a=area_id),
                rule="AREA_UNKNOWN",
            )
        geom = match.geometry.union_all()
    if walk_observations is not None and len(walk_observations):
        obs = walk_observations
        if geom is not None:
            obs = obs[_points_in(obs, geom)]
        if len(obs):
            frames.append(_walk_frame(obs, today))
    if measures is not None and len(measures):
        m = measures
        if area_id is not None:
            in_area = (
                (m["area_id"].astype("string") == str(area_id)).fillna(False).to_numpy()
                if "area_id" in m.columns
                else np.zeros(len(m), bool)
            )
            if isinstance(m, gpd.GeoDataFrame) and m.geometry.notna().any():
                has_geom = m.geometry.notna().to_numpy()
                in_area |= has_geom & m.geometry.intersects(geom).fillna(False).to_numpy()
            m = m[in_area]
        if len(m):
            frames.append(_measure_frame(m, today))
    return frames


def followup_by_responsible(
    walk_observations=None,
    measures=None,
    *,
    areas=None,
    area_id: str | None = None,
    today=None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Follow-up per responsible: åtgärdsgrad, median days to resolve and overdue items.

    Walk findings (``kind = "vandringsfynd"``): ``n`` all findings, ``n_open`` status ``ny``,
    ``skickad``, ``planerad`` or ``pagaende``, ``n_resolved`` status ``atgardad``,
    ``atgardsgrad = n_resolved / findings passed on`` (every status except ``ny``, as
    :mod:`tryggaplatser.analysis.areas`), ``median_days_to_resolve`` = median of
    ``resolved_on − decided_on`` over resolved findings, ``n_overdue`` open with ``due_on``
    before ``today``. Measures (``kind = "atgard"``): resolved = ``genomford``, åtgärdsgrad over
    every status except ``foreslagen``, days = ``end − start`` of completed measures, overdue as
    :func:`tryggaplatser.analysis.est.measure_followup`. A last row per kind with
    ``responsible = "totalt"`` sums all.

    Parameters
    ----------
    walk_observations, measures : (Geo)DataFrame, optional
    areas : GeoDataFrame, optional
        Needed with ``area_id``.
    area_id : str, optional
        Restrict to one area: findings located in it, measures with that ``area_id`` or a
        geometry in it.
    today : date-like, optional
        Reference date for overdue; ``None`` = today (announced).

    Returns
    -------
    pandas.DataFrame
        :data:`FOLLOWUP_COLUMNS`, sorted by kind, most overdue first. ``attrs["rule"]``.
    """
    choices: list[str] = []
    ref = pd.Timestamp(_today(today, choices, quiet, name="today"))
    frames = _followup_frames(walk_observations, measures, areas, area_id, ref)
    parts = []
    for f in frames:
        per = _summarise(f, ["kind", "responsible"])
        per = per.sort_values(
            ["n_overdue", "n_open", "responsible"], ascending=[False, False, True], kind="stable"
        )
        total = _summarise(f.assign(responsible="totalt"), ["kind", "responsible"])
        parts += [per, total]
    out = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FOLLOWUP_COLUMNS)
    )[FOLLOWUP_COLUMNS]
    out.attrs.update(
        {
            "today": ref.date(),
            "choices": choices,
            "rule": tr(
                "Åtgärdsgrad = åtgärdade / vidareskickade fynd (alla status utom ny); för åtgärder "
                "genomförda / beslutade (alla status utom föreslagen). Dagar till åtgärd = "
                "medianen av "
                "beslutsdatum till åtgärdsdatum (åtgärder: start till slut). Försenad: öppen och "
                "klart-senast-datum (åtgärder: uppföljningsdatum, annars slutdatum) före "
                "{d}.",
                "Resolution rate = resolved / passed-on findings (every status but new); for "
                "measures "
                "completed / decided (every status but proposed). Days to resolve = median from "
                "decision to resolution (measures: start to end). Overdue: open and the due date "
                "(measures: follow-up date, else end date) before {d}.",
                d=ref.date().isoformat(),
            ),
        }
    )
    return out


def status_over_time(
    walk_observations=None,
    measures=None,
    *,
    areas=None,
    area_id: str | None = None,
    today=None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Status of walk findings and measures by the year they were decided.

    Same definitions as :func:`followup_by_responsible`, grouped by ``kind`` and the year of
    ``decided_on`` (findings) or ``start`` (measures); items without that date are in year
    ``NA``. Shows whether the share resolved improves from year to year.

    Returns
    -------
    pandas.DataFrame
        :data:`STATUS_OVER_TIME_COLUMNS`.
    """
    choices: list[str] = []
    ref = pd.Timestamp(_today(today, choices, quiet, name="today"))
    frames = _followup_frames(walk_observations, measures, areas, area_id, ref)
    parts = []
    for f in frames:
        f = f.assign(year=pd.array(pd.to_datetime(f["start"]).dt.year, dtype="Int64"))
        parts.append(_summarise(f, ["kind", "year"]))
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[*STATUS_OVER_TIME_COLUMNS, "n_overdue"])
    )
    out = out[STATUS_OVER_TIME_COLUMNS]
    out["year"] = out["year"].astype("Int64")
    out.attrs.update({"today": ref.date(), "choices": choices})
    return out
