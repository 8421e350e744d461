"""The `switchboard` command line."""

from __future__ import annotations

import typer

app = typer.Typer(help="Switchboard: an AI phone receptionist.", no_args_is_help=True)


def main() -> None:
    app()
