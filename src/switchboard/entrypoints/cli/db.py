"""`switchboard db`: database migrations."""

from __future__ import annotations

import asyncio

import typer

from switchboard.adapters.sqlalchemy import create_engine, current_revision, head_revision
from switchboard.adapters.sqlalchemy import upgrade_database as _upgrade
from switchboard.entrypoints.cli._runtime import console, settings_or_exit

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply all pending migrations (also done automatically on start)."""
    url = settings_or_exit().effective_database_url
    asyncio.run(_upgrade(url))
    console.print(f"database at revision [bold]{head_revision()}[/]")


@db_app.command("status")
def status() -> None:
    """Show the current and the latest migration revision. Exit 1 when behind."""
    url = settings_or_exit().effective_database_url

    async def revision() -> str | None:
        engine = create_engine(url)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    current, head = asyncio.run(revision()), head_revision()
    console.print(f"current: {current or 'none (empty database)'}\nlatest:  {head}")
    if current != head:
        raise typer.Exit(1)
