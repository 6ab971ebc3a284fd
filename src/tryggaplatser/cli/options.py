"""Options shared by several subcommands, defined once."""

from __future__ import annotations

from typing import ClassVar

import click

from ..policy import MODES

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default="tryggaplatser.toml",
    show_default=True,
    help="Projektets konfigurationsfil.",
)
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="outputs",
    show_default=True,
    help="Katalog för utdata.",
)


class ModeChoice(click.Choice):
    """``public`` | ``internal``; the Swedish words (``publik``, ``intern``, ``internt`` – the
    names of the output folders) are accepted too, and a wrong value is explained in Swedish."""

    ALIASES: ClassVar[dict[str, str]] = {
        "publik": "public",
        "offentlig": "public",
        "intern": "internal",
        "internt": "internal",
    }

    def __init__(self, choices=MODES) -> None:
        super().__init__(list(choices), case_sensitive=False)

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = self.ALIASES.get(value.strip().lower(), value)
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        from ..i18n import tr

        self.fail(
            tr(
                "{v!r} är inget läge; ange public (publik) eller internal (intern)",
                "{v!r} is not a mode; give public or internal",
                v=value,
            ),
            param,
            ctx,
        )


mode_option = click.option(
    "--mode",
    type=ModeChoice(),
    default=None,
    help="Publik eller intern utdata (standard: projektets privacy_mode).",
)


def echo_error(exc: Exception) -> None:
    """An error that ends a command, as one line on stderr in the output language."""
    from ..i18n import tr

    click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
