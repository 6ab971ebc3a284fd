"""``tryggaplatser area`` and ``tryggaplatser lagesbild``: områdesanalys and lägesbild reports.

``area NAME`` (or ``--all``) writes ``omrade_<slug>.html`` per area plus the indicator tables
``indikatorer_*.csv`` and ``indikatorer.xlsx``; ``lagesbild --year YYYY`` writes
``lagesbild_<year>.html`` and ``lagesbild_<year>_indikatorer_*``. Public sets also get the
disclosure report. Heavy libraries are imported inside the functions so ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import config_option, mode_folder, mode_option, out_option


def _lang_option(f):
    return click.option(
        "--lang",
        type=click.Choice(["sv", "en"]),
        default=None,
        help="Språk i rapporten (standard: samma som tryggaplatser --lang).",
    )(f)


def _period(year: int | None, date_from: str | None, date_to: str | None) -> Any:
    from ..errors import ArgumentError
    from ..i18n import tr

    if year is not None and (date_from or date_to):
        raise ArgumentError(
            tr(
                "Ange antingen --year eller --from/--to, inte båda.",
                "Give either --year or --from/--to, not both.",
            ),
            rule="ARGUMENTS_CONFLICT",
            fix="--year 2026 | --from 2026-01-01 --to 2026-06-30",
        )
    if year is not None:
        return int(year)
    if date_from or date_to:
        if not (date_from and date_to):
            raise ArgumentError(
                tr("--from och --to måste anges tillsammans.", "--from and --to go together."),
                rule="ARGUMENTS_CONFLICT",
                fix="--from 2026-01-01 --to 2026-06-30",
            )
        return (date_from, date_to)
    return None


def _load(config_path: str):
    from ..errors import ConfigError
    from ..i18n import tr
    from ..layers.load import load_project

    path = Path(config_path)
    if not path.exists():
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
    return load_project(path, quiet=True)


def run_area_reports(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    area_ids: list[str] | None = None,
    period: Any = None,
    with_map: bool = True,
    tables: bool = True,
    gate: Any = None,
    quiet: bool = True,
    run: Any = None,
) -> list[Path]:
    """Write area reports (all areas by default) and the indicator tables; the library entry
    point behind ``tryggaplatser area`` (also used by ``tryggaplatser demo``).

    Parameters
    ----------
    project : Project
        From :func:`tryggaplatser.load_project`.
    out_dir : str or Path
        Output folder.
    mode : {"public", "internal"}, optional
        ``None`` = the project's ``privacy_mode``.
    area_ids : list of str, optional
        Area ids or names; ``None`` = every area.
    period : None, int or (start, end)
        As in :func:`tryggaplatser.publish.area_report.prepare_area_analysis`.
    with_map : bool
        Static hotspot map in every report.
    tables : bool
        Write ``indikatorer_*.csv`` and ``indikatorer.xlsx``.
    gate : Gate, optional
        The output set's gate when the caller writes more into the same folder (e.g.
        ``tryggaplatser demo``): then ``mode`` is ignored and the caller calls
        ``gate.finish(mode_folder(out_dir, gate))`` once, so one disclosure report covers the
        whole set.
        ``None`` = a new gate, finished here.
    quiet : bool
        Silence announcements.
    run : Run, optional
        The run whose results the reports render (:class:`tryggaplatser.Run`); ``None`` = a
        new run of the project in the gate's mode. Public runs cover whole months.

    Returns
    -------
    list of Path
        Every file written (reports, tables, and for public sets the disclosure report).
    """
    from ..analysis.run import Run
    from ..publish.area_report import write_area_reports, write_indicator_tables
    from ..publish.gate import Gate

    own_gate = gate is None
    if own_gate:
        gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        run = Run(project, gate.mode, quiet=quiet)
    folder = mode_folder(out_dir, gate)
    analysis = run.area_analysis(period)
    paths = write_area_reports(analysis, folder, gate, area_ids=area_ids, with_map=with_map)
    if tables:
        paths += write_indicator_tables(analysis, folder, gate)
    if own_gate:
        paths += gate.finish(folder)
    return paths


def run_lagesbild(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    year: int | None = None,
    with_map: bool = True,
    tables: bool = True,
    gate: Any = None,
    quiet: bool = True,
    run: Any = None,
) -> list[Path]:
    """Write the lägesbild for ``year`` (default: the year of the latest incident, announced)
    with its indicator tables; the library entry point behind ``tryggaplatser lagesbild``.

    The period is the calendar year, cut at the latest incident when the year is not over
    (announced); the comparison column is the same dates one year earlier. ``gate`` works as
    in :func:`run_area_reports`.

    Returns
    -------
    list of Path
        Every file written.
    """
    from .._announce import announce
    from ..analysis import periods
    from ..analysis.run import Run
    from ..i18n import tr
    from ..publish.area_report import write_indicator_tables, write_lagesbild
    from ..publish.gate import Gate

    own_gate = gate is None
    if own_gate:
        gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        run = Run(project, gate.mode, quiet=quiet)
    local = periods.local_times(project.incidents["occurred_at"])
    if year is None:
        year = int(local.max().year)
        announce(
            tr(
                "År {y} valt automatiskt (senaste händelsens år).",
                "Year {y} chosen automatically (the latest incident's year).",
                y=year,
            ),
            quiet=quiet,
        )
    year = int(year)
    start, end = periods.year_period(year, local.max().date(), public=gate.public)
    if end < start.replace(month=12, day=31):
        announce(
            tr(
                "Året {y} är ofullständigt i data: lägesbilden gäller {a}–{b}, och "
                "jämförelsen samma datum året före.",
                "The year {y} is incomplete in the "
                "data: the lägesbild covers {a}–{b}, compared with the same dates the year "
                "before.",
                y=year,
                a=start.isoformat(),
                b=end.isoformat(),
            ),
            quiet=quiet,
        )
    analysis = run.area_analysis((start, end))
    trend = run.area_analysis(None)
    ldate = local.dt.date
    prev_start, prev_end = periods.year_before(start), periods.year_before(end)
    previous = project.incidents[((ldate >= prev_start) & (ldate <= prev_end)).to_numpy()]
    folder = mode_folder(out_dir, gate)
    paths = [
        write_lagesbild(
            analysis,
            folder,
            gate,
            trend=trend,
            previous=previous if len(previous) else None,
            with_map=with_map,
        )
    ]
    if tables:
        paths += write_indicator_tables(
            analysis, folder, gate, stem=f"lagesbild_{int(year)}_indikatorer"
        )
    if own_gate:
        paths += gate.finish(folder)
    return paths


def _done(paths: list[Path], out_dir: str) -> None:
    from ..i18n import tr

    click.echo(
        tr(
            "{n} filer skrivna i {o}: {f}",
            "{n} files written to {o}: {f}",
            n=len(paths),
            o=paths[0].parent if paths else out_dir,
            f=", ".join(sorted(p.name for p in paths)),
        )
    )


@click.command("area")
@click.argument("name", required=False)
@click.option("--all", "all_areas", is_flag=True, help="Rapport för varje område.")
@config_option
@click.option("--year", type=int, default=None, help="Ett kalenderår, t.ex. 2026.")
@click.option("--from", "date_from", default=None, metavar="ÅÅÅÅ-MM-DD", help="Periodens start.")
@click.option("--to", "date_to", default=None, metavar="ÅÅÅÅ-MM-DD", help="Periodens slut.")
@mode_option
@_lang_option
@click.option("--no-map", is_flag=True, help="Hoppa över den statiska kartan (snabbare).")
@out_option
def area(
    name: str | None,
    all_areas: bool,
    config_path: str,
    year: int | None,
    date_from: str | None,
    date_to: str | None,
    mode: str | None,
    lang: str | None,
    no_map: bool,
    out_dir: str,
) -> None:
    """Områdesanalys: HTML-rapport per område (omrade_<namn>.html) och indikatortabeller
    (CSV och XLSX), genom publiceringsgrinden.
    """
    from ..errors import ArgumentError, TryggaplatserError
    from ..i18n import language, tr

    ctx = click.get_current_context()
    try:
        if bool(name) == bool(all_areas):
            raise ArgumentError(
                tr(
                    "Ange ett område (id eller namn) eller --all.",
                    "Give one area (id or name) or --all.",
                ),
                rule="ARGUMENTS_CONFLICT",
                fix="tryggaplatser area EX01 | tryggaplatser area --all",
            )
        period = _period(year, date_from, date_to)
        project = _load(config_path)
        with language(lang) if lang else _nullcontext():
            paths = run_area_reports(
                project,
                out_dir,
                mode,
                area_ids=None if all_areas else [name],
                period=period,
                with_map=not no_map,
            )
    except TryggaplatserError as exc:
        click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
        ctx.exit(exc.exit_code)
    _done(paths, out_dir)


@click.command("lagesbild")
@config_option
@click.option(
    "--year",
    type=int,
    default=None,
    help="Året lägesbilden gäller (standard: senaste händelsens år).",
)
@mode_option
@_lang_option
@click.option("--no-map", is_flag=True, help="Hoppa över den statiska kartan (snabbare).")
@out_option
def lagesbild(
    config_path: str,
    year: int | None,
    mode: str | None,
    lang: str | None,
    no_map: bool,
    out_dir: str,
) -> None:
    """Kommunens lägesbild för ett år enligt lag (2023:196): kartläggning, annan relevant
    information och analys inklusive orsaker (lagesbild_<år>.html + indikatortabeller).
    """
    from ..errors import TryggaplatserError
    from ..i18n import language, tr

    ctx = click.get_current_context()
    try:
        project = _load(config_path)
        with language(lang) if lang else _nullcontext():
            paths = run_lagesbild(project, out_dir, mode, year=year, with_map=not no_map)
    except TryggaplatserError as exc:
        click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
        ctx.exit(exc.exit_code)
    _done(paths, out_dir)


def _nullcontext():
    from contextlib import nullcontext

    return nullcontext()
