"""``tryggaplatser est``: the weekly EST brief (veckolägesbild).

Writes into ``--out`` (internal mode, the default): ``est_<week>.html`` (printable A4 brief),
``est_<week>.gpkg`` (layers for QGIS: recurring places, focus places, near-repeat alert cells,
hotspot classes) and ``est_<week>_<table>.csv``. Public mode writes the public monthly overview
``est_<month>_publik.html`` with its CSV tables and disclosure report (a weekly brief is never
public: see :mod:`tryggaplatser.publish.est_brief`). Heavy libraries are imported inside the
command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import click

from ..policy import LOCAL_TZ
from .options import ModeChoice, config_option, folder_for, mode_folder, out_option


@click.command("est")
@config_option
@click.option(
    "--week",
    default=None,
    metavar="ÅÅÅÅ-Wvv",
    help="ISO-vecka, t.ex. 2026-W47 (standard: senaste hela vecka i data).",
)
@click.option(
    "--mode",
    type=ModeChoice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="internal: veckobrevet för EST-mötet (INTERNT). public: publik "
    "månadsöversikt som klarar publiceringsgrinden.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Slumpfrö för near-repeat-testet (standard: projektets frö).",
)
@out_option
def est(config_path: str, week: str | None, mode: str, seed: int | None, out_dir: str) -> None:
    """EST-veckobrev: veckans rapporter mot normalläget, återkommande platser, nya hotspots,
    near-repeat-larm, fokusplatser nästa vecka, åtgärdsuppföljning och datakvalitet.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr

    ctx = click.get_current_context()
    try:
        summary = run_est(config_path=config_path, week=week, mode=mode, seed=seed, out_dir=out_dir)
    except TryggaplatserError as exc:
        click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
        ctx.exit(exc.exit_code)
    if not summary["n_incidents"]:
        click.echo(
            tr(
                "varning: inga rapporter vecka {w} (senaste händelsen i data: {d}) — kontrollera "
                "--week",
                "warning: no reports in week {w} (latest incident in the data: {d}) — check --week",
                w=summary["week"],
                d=summary.get("data_end") or "?",
            ),
            err=True,
        )
    if summary["mode"] == "public":
        click.echo(
            tr(
                "Publik månadsöversikt {m} (underlag vecka {w}). Filer i {o}: {files}",
                "Public monthly overview {m} (brief week {w}). Files in {o}: {files}",
                m=summary["month"],
                w=summary["week"],
                o=folder_for(out_dir, summary["mode"]),
                files=", ".join(summary["files"]),
            )
        )
        return
    click.echo(
        tr(
            "EST-veckobrev {w} ({m}): {n} rapporter, {u} ovanliga ökningar, {f} "
            "fokusplatser. Filer i {o}: {files}",
            "EST brief {w} ({m}): {n} reports, {u} unusual increases, {f} focus places. "
            "Files in {o}: {files}",
            w=summary["week"],
            m=tr("publik", "public") if summary["mode"] == "public" else tr("intern", "internal"),
            n=summary["n_incidents"],
            u=summary["n_unusual"],
            f=summary["n_focus"],
            o=folder_for(out_dir, summary["mode"]),
            files=", ".join(summary["files"]),
        )
    )


def run_est(
    *,
    config_path: str,
    week: str | None = None,
    mode: str = "internal",
    seed: int | None = None,
    out_dir: str = "outputs",
    today=None,
    project=None,
) -> dict:
    """The work of the command (also used by ``tryggaplatser demo``); returns a summary.

    ``project`` is an already loaded project (``config_path`` is then not read again).

    Parameters
    ----------
    config_path : str
        The project's ``tryggaplatser.toml``.
    week : str, optional
        ISO week; ``None`` = the last complete week of the data (announced).
    mode : {"internal", "public"}
    seed : int, optional
        Near-repeat seed; default the project's ``seed`` (or the toolkit's fixed default).
    out_dir : str
        Output folder.
    today : date-like, optional
        Reference date for the default week (tests).

    Returns
    -------
    dict
        ``week``, ``month`` (public mode), ``mode``, ``n_incidents``, ``n_unusual``,
        ``n_focus``, ``files``.
    """
    from pathlib import Path

    from ..errors import ConfigError
    from ..i18n import tr
    from ..layers.load import load_project
    from ..publish.est_brief import est_brief, write_est_brief
    from ..publish.gate import Gate

    if week is not None:  # a bad week is refused before the (slow) loading
        from ..analysis.est import iso_week_bounds

        iso_week_bounds(week, quiet=True)
    path = Path(config_path)
    if project is None and not path.exists():
        raise ConfigError(
            tr("Konfigurationsfilen finns inte.", "The configuration file does not exist."),
            file=str(path),
            rule="CONFIG_MISSING",
            fix=tr(
                "ange rätt sökväg med --config, eller skapa en fil med "
                "`tryggaplatser init KATALOG`",
                "give the right path with --config, or write one with `tryggaplatser init DIR`",
            ),
        )
    if project is None:
        project = load_project(path, quiet=True)
    config = project.config
    if seed is None:
        seed = getattr(config, "seed", 0) or None
    gate = Gate(mode, config=config)
    measures = project.layers.get("measures")
    brief = est_brief(
        project.incidents, project.areas, measures, week, public=gate.public, seed=seed, today=today
    )
    municipality = getattr(config, "name", None) or tr("Kommunen", "The municipality")
    files = write_est_brief(brief, mode_folder(out_dir, gate), gate, municipality=municipality)
    return {
        "week": brief.week,
        "month": brief.month,
        "mode": mode,
        "n_incidents": brief.n_incidents,
        "n_unusual": int(brief.weekly["unusual"].sum()),
        "n_focus": len(brief.focus),
        "files": sorted(p.name for p in files.values()),
        "data_end": _data_end(project.incidents),
    }


def _data_end(incidents) -> str | None:
    """The local date of the latest incident (for the empty-week warning), or None."""
    try:
        t = incidents["occurred_at"].max()
        return t.tz_convert(LOCAL_TZ).date().isoformat()
    except (KeyError, AttributeError, TypeError, ValueError):
        return None
