"""`switchboard users add|list|set-password|remove|token`: web console accounts."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from switchboard.adapters.sqlalchemy.accounts import SqlAlchemyAccountStore
from switchboard.bootstrap import Application
from switchboard.entrypoints.cli._runtime import EXIT_USAGE, console, fail, plain, run_with_app
from switchboard.services.console.accounts import Accounts, Role
from switchboard.services.directory import load_directory

users_app = typer.Typer(help="Web console accounts and API tokens.", no_args_is_help=True)


def accounts_of(app: Application) -> Accounts:
    return Accounts(SqlAlchemyAccountStore(app.storage.engine), app.clock)


def _password(from_stdin: bool) -> str:
    """The password from stdin (first line), never from the command line (shell history)."""
    if not from_stdin:
        fail("give the password on stdin with --password-stdin", EXIT_USAGE)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("no password on stdin", EXIT_USAGE)
    return password


@users_app.command("add")
def add(
    email: str = typer.Argument(..., metavar="EMAIL"),
    role: Role = typer.Option(..., "--role", help="admin (everything) or employee (their own)."),
    employee: str | None = typer.Option(
        None, "--employee", metavar="ID", help="The directory employee an employee account is."
    ),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password."),
) -> None:
    """Add a console user (the password is read from stdin)."""
    password = _password(password_stdin)

    async def work(app: Application) -> None:
        if employee is not None:
            directory = await load_directory(app.unit_of_work)
            if directory.employee(employee) is None:
                fail(f"no employee with id {employee!r} in the directory")
        user = await accounts_of(app).add_user(email, password, role, employee)
        who = f" (employee {plain(user.employee_id)})" if user.employee_id else ""
        console.print(f"added {plain(user.email)} as {user.role.value}{who}", highlight=False)

    run_with_app(work)


@users_app.command("list")
def list_users() -> None:
    """Console users and their roles."""

    async def work(app: Application) -> None:
        users = await accounts_of(app).list_users()
        if not users:
            console.print("no users yet: switchboard users add EMAIL --role admin --password-stdin")
            return
        table = Table("email", "role", "employee", "password changed")
        for u in users:
            table.add_row(
                plain(u.email),
                u.role.value,
                plain(u.employee_id or ""),
                u.password_changed_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
        console.print(table)

    run_with_app(work)


@users_app.command("set-password")
def set_password(
    email: str = typer.Argument(..., metavar="EMAIL"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password."),
) -> None:
    """Change a user's password (their console sessions end)."""
    password = _password(password_stdin)

    async def work(app: Application) -> None:
        user = await accounts_of(app).set_password(email, password)
        console.print(f"password changed for {plain(user.email)}", highlight=False)

    run_with_app(work)


@users_app.command("remove")
def remove(email: str = typer.Argument(..., metavar="EMAIL")) -> None:
    """Remove a user and their API tokens."""

    async def work(app: Application) -> None:
        await accounts_of(app).remove_user(email)
        console.print(f"removed {plain(email)}", highlight=False)

    run_with_app(work)


@users_app.command("token")
def token(
    email: str = typer.Argument(..., metavar="EMAIL"),
    name: str = typer.Option("script", "--name", help="What the token is for."),
) -> None:
    """Create an API token for /api/v1 (shown once: store it now)."""

    async def work(app: Application) -> None:
        secret = await accounts_of(app).create_token(email, name)
        typer.echo(secret)

    run_with_app(work)
