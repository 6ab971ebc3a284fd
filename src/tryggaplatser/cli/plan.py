"""``tryggaplatser plan`` (draft area action plans) and ``tryggaplatser evaluate`` (did it work?).

``plan --area NAME|ID`` (or ``--all``) writes, per area, ``handlingsplan_<year>_<area_id>``
``.html`` (A4), ``.xlsx`` (to edit; reads back as the measures layer) and ``.csv``. A draft plan
is internal: ``--mode public`` is refused by the publishing gate.

``evaluate --measure ID`` writes ``utvardering_<ID>.html`` (and a CSV of the counts): WDQ and
WDD with standard error for the measure's target, an automatic buffer ring and an automatically
chosen control area, equal before/after periods, a before/after change map of the surroundings
and the assumptions in plain Swedish.

:func:`tryggaplatser.publish.products.write_action_plans` and
:func:`~tryggaplatser.publish.products.write_evaluation` write the files (the demo calls them
too). Heavy libraries are imported inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import click

from ..publish.products.plans import DEFAULT_TARGET_RADIUS
from .options import config_option, echo_error, mode_option, out_option


@click.command("plan")
@click.option(
    "--area",
    "area",
    multiple=True,
    metavar="NAMN|ID",
    help="Område (id eller namn); kan anges flera gånger.",
)
@click.option("--all", "all_areas", is_flag=True, help="En plan för varje område.")
@click.option(
    "--year",
    type=int,
    default=None,
    metavar="ÅÅÅÅ",
    help="Planår (standard: året för den senaste händelsen).",
)
@click.option(
    "--date",
    "today",
    default=None,
    metavar="ÅÅÅÅ-MM-DD",
    help="Plandatum (standard: i dag); uppföljning sex månader senare.",
)
@config_option
@mode_option
@out_option
def plan(
    area: tuple[str, ...],
    all_areas: bool,
    year: int | None,
    today: str | None,
    config_path: str,
    mode: str | None,
    out_dir: str,
) -> None:
    """Utkast till områdesspecifik handlingsplan (HTML, XLSX att redigera, CSV)."""
    from ..errors import AreasFailed, ArgumentError, TryggaplatserError
    from ..i18n import tr
    from ..publish.products import write_action_plans

    ctx = click.get_current_context()
    try:
        if bool(area) == all_areas:
            raise ArgumentError(
                tr("ange antingen --area eller --all", "give either --area or --all"),
                rule="ARGUMENTS_CONFLICT",
                fix="tryggaplatser plan --area Vektorholmen",
            )
        summary = write_action_plans(
            config_path,
            out_dir,
            mode,
            area_ids=list(area) or None,
            year=year,
            today=today,
            quiet=False,
        )
    except AreasFailed as exc:  # the other areas' plans are written
        _plans_done(exc.written, out_dir)
        echo_error(exc)
        ctx.exit(exc.exit_code)
        return
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(getattr(exc, "exit_code", 1) or 1)
        return
    _plans_done(summary, out_dir)


def _plans_done(summary: dict, out_dir: str) -> None:
    """The exit summary of ``plan``: year, mode, areas and proposals, files written."""
    from ..i18n import tr
    from ..publish.products import folder_for

    click.echo(
        tr(
            "Handlingsplaner {y} ({m}): {a}. Filer i {o}: {f}",
            "Action plans {y} ({m}): {a}. Files in {o}: {f}",
            y=summary["year"],
            m=tr("publik", "public") if summary["mode"] == "public" else tr("intern", "internal"),
            o=folder_for(out_dir, summary["mode"]),
            f=", ".join(summary["files"]),
            a=", ".join(
                tr("{i} {n} förslag", "{i} {n} proposals", i=i, n=n)
                for i, n in summary["areas"].items()
            ),
        )
        + _failed_text(summary.get("failed") or {})
    )


def _failed_text(failed: dict) -> str:
    """`` Ej skrivna: A2 [RULE], …`` for the exit summary, or ``""``."""
    if not failed:
        return ""
    from ..i18n import tr

    listed = ", ".join(f"{a} [{f.rule}]" for a, f in failed.items())
    return " " + tr("Ej skrivna: {l}.", "Not written: {l}.", l=listed)


@click.command("evaluate")
@click.option(
    "--measure", "measure_id", required=True, metavar="ID", help="Åtgärdens id i åtgärdslagret."
)
@click.option(
    "--radius",
    type=float,
    default=DEFAULT_TARGET_RADIUS,
    show_default=True,
    help="Målområdets radie (m) runt en åtgärd som är en punkt eller linje.",
)
@click.option(
    "--control",
    default=None,
    metavar="OMRADE_ID",
    help="Kontrollområde (standard: väljs automatiskt enligt regeln).",
)
@click.option(
    "--buffer",
    "buffer_width",
    type=float,
    default=None,
    help="Buffertzonens bredd i meter (standard: automatisk).",
)
@config_option
@mode_option
@out_option
def evaluate(
    measure_id: str,
    radius: float,
    control: str | None,
    buffer_width: float | None,
    config_path: str,
    mode: str | None,
    out_dir: str,
) -> None:
    """Utvärdera en åtgärd: före/efter, WDQ och WDD med standardfel, förflyttning."""
    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..publish.products import folder_for, write_evaluation

    ctx = click.get_current_context()
    try:
        summary = write_evaluation(
            config_path,
            measure_id,
            out_dir,
            mode,
            radius=radius,
            control=control,
            buffer_width=buffer_width,
            quiet=False,
        )
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(getattr(exc, "exit_code", 1) or 1)
        return
    c = summary["counts"]
    click.echo(
        tr(
            "Utvärdering {m} ({mode}): målområde {a0}→{a1}, buffertzon {b0}→{b1}, "
            "kontroll {c0}→{c1}; WDD {d} (SE {se}), WDQ {q}. Filer i {o}: {f}",
            "Evaluation {m} ({mode}): target {a0}→{a1}, buffer {b0}→{b1}, control "
            "{c0}→{c1}; WDD {d} (SE {se}), WDQ {q}. Files in {o}: {f}",
            m=summary["measure_id"],
            mode=tr("publik", "public")
            if summary["mode"] == "public"
            else tr("intern", "internal"),
            a0=c["A0"],
            a1=c["A1"],
            b0=c["B0"],
            b1=c["B1"],
            c0=c["C0"],
            c1=c["C1"],
            d=f"{summary['wdd']:.0f}",
            se=tr(f"{summary['wdd_se']:.1f}".replace(".", ","), f"{summary['wdd_se']:.1f}"),
            q=tr(f"{summary['wdq']:.2f}".replace(".", ","), f"{summary['wdq']:.2f}"),
            o=folder_for(out_dir, summary["mode"]),
            f=", ".join(summary["files"]),
        )
    )
