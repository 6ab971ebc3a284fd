"""Command-line interface: a thin shell over the library.

Subcommands live in their own modules and are imported only when run, so ``--help`` is fast.
Data problems end in one clear line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module

import click

from ..errors import TryggaplatserError

# command name -> (module, function, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("tryggaplatser.cli.project", "init", "Skriv en kommenterad tryggaplatser.toml."),
    "validate": (
        "tryggaplatser.cli.validate",
        "validate",
        "Validera indatafiler eller ett projekt.",
    ),
    "demo": ("tryggaplatser.cli.demo", "demo", "Kör hela kedjan på demokommunen."),
    "generate-demo": (
        "tryggaplatser.cli.generate",
        "generate_demo",
        "Generera demokommunens data (även stor variant).",
    ),
    "hotspots": ("tryggaplatser.cli.hotspots", "hotspots", "Hotspotanalys: rutnät, KDE, Gi*."),
    "map": ("tryggaplatser.cli.maps", "map_command", "Kartor: områdeskartor och EST-hotspotkarta."),
    "audit": ("tryggaplatser.cli.audit", "audit", "Granska en utdatamapp inför publicering."),
    "est": ("tryggaplatser.cli.est", "est", "EST-veckobrev (veckolägesbild)."),
    "area": ("tryggaplatser.cli.area", "area", "Områdesanalys per område."),
    "lagesbild": ("tryggaplatser.cli.area", "lagesbild", "Kommunens lägesbild för ett år."),
    "plan": ("tryggaplatser.cli.plan", "plan", "Områdesspecifik handlingsplan (utkast)."),
    "evaluate": ("tryggaplatser.cli.plan", "evaluate", "Utvärdera en åtgärd (WDQ/WDD)."),
    "prognos": (
        "tryggaplatser.cli.prognos",
        "prognos",
        "Förutsäger kartan? Träffsäkerhet och stabilitet för hotspots.",
    ),
    "riskfaktorer": (
        "tryggaplatser.cli.riskfaktorer",
        "riskfaktorer",
        "Riskfaktorer i miljön (riskterrängmodell) och gatusträckor.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(import_module(module), attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Kommandon"):
            formatter.write_dl(rows)


def _setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("tryggaplatser")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tryggaplatser")
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Språk i utdata.",
)
@click.option("-q", "--quiet", is_flag=True, help="Visa bara varningar och fel.")
def cli(lang: str, quiet: bool) -> None:
    """tryggaplatser – platsbaserad trygghetsanalys för kommuner (lag 2023:196)."""
    from .._clock import source_date_epoch
    from ..i18n import set_language

    set_language(lang)
    _setup_logging(quiet)
    source_date_epoch()  # checked before a command imports numpy, which stops on a bad value


def main(argv: list[str] | None = None) -> None:
    try:
        rc = cli.main(args=argv, prog_name="tryggaplatser", standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except click.exceptions.Abort:
        click.echo("avbrutet", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `tryggaplatser`: the help text
            exc.show()
        else:
            click.echo(_usage_message(exc, sys.argv[1:] if argv is None else argv), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TryggaplatserError as exc:
        from .options import echo_error

        echo_error(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def _usage_message(exc: click.UsageError, argv: list[str]) -> str:
    """A wrong argument as one line in the output language: what, which argument, where to look
    (click's own text is English). ``argv`` names the command when click's error has no
    context (an option given no value)."""
    from ..i18n import tr

    command = next((a for a in argv if a in COMMANDS), None)
    path = (
        exc.ctx.command_path
        if exc.ctx is not None
        else f"tryggaplatser {command}"
        if command
        else "tryggaplatser"
    )
    see = tr("se `{c} --help`", "see `{c} --help`", c=path)
    if isinstance(exc, click.NoSuchOption):
        text = tr("okänt alternativ {o}", "no such option {o}", o=exc.option_name)
        if exc.possibilities:
            text += tr(
                " (menade du {p}?)", " (did you mean {p}?)", p=", ".join(sorted(exc.possibilities))
            )
    elif isinstance(exc, click.MissingParameter):
        name = (
            exc.param_hint
            if isinstance(exc.param_hint, str)
            else "/".join(exc.param.opts)
            if exc.param is not None
            else ""
        )
        name = name or (exc.param.human_readable_name if exc.param is not None else "?")
        text = tr("{n} saknas", "missing {n}", n=name)
    elif isinstance(exc, click.BadParameter):
        param = exc.param
        name = (
            exc.param_hint
            if isinstance(exc.param_hint, str)
            else param.human_readable_name
            if isinstance(param, click.Argument)
            else "/".join(param.opts)
            if param is not None
            else ""
        )
        message = exc.message
        kind = getattr(param, "type", None)
        quoted = message.split("'")[1] if message.count("'") >= 2 else message
        if isinstance(kind, click.Path) and "does not exist" in message:
            message = tr("{m} finns inte", "{m} does not exist", m=quoted)
        elif type(kind) is click.Choice and "is not one of" in message:
            message = tr(
                "{v!r} finns inte; välj bland: {c}",
                "{v!r} is not one of: {c}",
                v=quoted,
                c=", ".join(map(str, kind.choices)),
            )
        elif isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
            message = tr("{v!r} är inget tal", "{v!r} is not a number", v=quoted)
        text = tr(
            "ogiltigt värde för {n}: {m}", "invalid value for {n}: {m}", n=name or "?", m=message
        )
    elif isinstance(exc, click.BadOptionUsage) and "requires an argument" in exc.message:
        text = tr("{o} behöver ett värde", "{o} needs a value", o=exc.option_name)
    elif exc.message.startswith("Got unexpected extra argument"):
        extra = exc.message.partition("(")[2].rpartition(")")[0] or exc.message
        text = tr("oväntat argument: {a}", "unexpected argument: {a}", a=extra)
    elif exc.message.startswith("No such command"):
        text = tr(
            "okänt kommando {c}",
            "no such command {c}",
            c=exc.message.split("'")[1] if exc.message.count("'") >= 2 else exc.message,
        )
    else:
        text = exc.format_message()
    return f"{tr('fel', 'error')}: {text} — {see}"
