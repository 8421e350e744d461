"""`switchboard config`: show the effective settings (secrets redacted); export|restore|diff."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from switchboard.entrypoints.cli._runtime import console, plain, settings_or_exit
from switchboard.entrypoints.cli.backup import register

config_app = typer.Typer(
    help="Effective settings; back up, restore and compare the live set-up.", no_args_is_help=True
)


@config_app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Print every setting by its environment variable name; secrets show as ********."""
    values = settings_or_exit().redacted()
    if as_json:
        console.print_json(json.dumps(values, default=str))
        return
    table = Table("variable", "value", title="Effective settings")
    for name, value in values.items():
        table.add_row(name, "[dim]not set[/]" if value is None else plain(value))
    console.print(table)


register(config_app)  # config export / restore / diff
