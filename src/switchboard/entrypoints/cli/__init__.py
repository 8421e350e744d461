"""The `switchboard` command line."""

from __future__ import annotations

import typer

from switchboard import __version__
from switchboard.entrypoints.cli._help import SwitchboardGroup
from switchboard.entrypoints.cli._runtime import CliState
from switchboard.entrypoints.cli.agent import agent_app
from switchboard.entrypoints.cli.calls import calls_app
from switchboard.entrypoints.cli.config import config_app
from switchboard.entrypoints.cli.data import backup_app, purge
from switchboard.entrypoints.cli.db import db_app
from switchboard.entrypoints.cli.diagnostics import register as register_calls_listing
from switchboard.entrypoints.cli.diagnostics import sip_app, trunks_app, webhook_app
from switchboard.entrypoints.cli.digest import digest_app
from switchboard.entrypoints.cli.directory import directory_app
from switchboard.entrypoints.cli.doctor import doctor_command
from switchboard.entrypoints.cli.local_call import call
from switchboard.entrypoints.cli.messages import messages_app
from switchboard.entrypoints.cli.serve import serve, worker
from switchboard.entrypoints.cli.setup import setup_app
from switchboard.entrypoints.cli.simulate import simulate
from switchboard.entrypoints.cli.test_call import place_test_call
from switchboard.entrypoints.cli.users import users_app

app = typer.Typer(
    cls=SwitchboardGroup,  # --help: no Python types as metavars, brackets shown as written
    help="Switchboard: an open-source AI phone receptionist.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold secrets
)
app.add_typer(agent_app, name="agent")
app.add_typer(calls_app, name="calls")
app.add_typer(config_app, name="config")
app.add_typer(backup_app, name="backup")
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(messages_app, name="messages")
app.add_typer(digest_app, name="digest")
app.add_typer(setup_app, name="setup")
app.add_typer(users_app, name="users")
app.command("call")(call)
app.command("simulate")(simulate)
app.add_typer(trunks_app, name="trunks")
app.add_typer(webhook_app, name="webhook")
app.add_typer(sip_app, name="sip")
app.command("doctor")(doctor_command)
app.command("test-call")(place_test_call)
app.command("serve")(serve)
app.command("worker")(worker)
app.command("purge")(purge)
# Plain `switchboard calls`: Twilio's call log joined with the local records.
register_calls_listing(calls_app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"switchboard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show INFO logs on stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    CliState.verbose = verbose


def main() -> None:
    app()
