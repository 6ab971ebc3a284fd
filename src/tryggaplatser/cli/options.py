"""Options shared by several subcommands, defined once."""

from __future__ import annotations

import click

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default="tryggaplatser.toml",
    show_default=True, help="Projektets konfigurationsfil.")
out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), default="outputs", show_default=True,
    help="Katalog för utdata.")
mode_option = click.option(
    "--mode", type=click.Choice(["public", "internal"]), default=None,
    help="Publik eller intern utdata (standard: projektets privacy_mode).")
