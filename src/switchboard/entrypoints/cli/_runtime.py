"""What every command shares: consoles, settings loading, running async work, turning known errors
into one clear line and an exit code instead of a traceback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from switchboard.adapters.directory_file import DirectoryFileError
from switchboard.bootstrap import Application, bootstrap
from switchboard.domain.errors import SwitchboardError
from switchboard.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliState:
    """Options from the top-level callback."""

    verbose: bool = False


def plain(value: object) -> str:
    """Text we did not write (names, messages, errors, settings) for a rich print or table cell:
    its square brackets are shown, not read as markup (`switchboard[voice]` stays whole)."""
    return escape(str(value))


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """End the command with `error: message` on stderr; `message` is shown as written."""
    err_console.print(f"[bold red]error:[/] {plain(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)
    if not CliState.verbose:
        # Commands print their own results; keep library chatter (migrations, etc.) off the screen.
        settings = settings.model_copy(update={"log_level": "WARNING"})
    return settings


def run_with_app(work: Callable[[Application], Awaitable[T]]) -> T:
    """Bootstrap the application, run `work`, always close it; map domain errors to exit codes."""
    settings = settings_or_exit()

    async def main() -> T:
        app = await bootstrap(settings)
        try:
            return await work(app)
        finally:
            await app.close()

    with known_errors():
        return asyncio.run(main())


@contextmanager
def known_errors() -> Iterator[None]:
    """Errors Switchboard raises on purpose (domain/errors.py: bad input, missing records, refused
    requests, a provider or the database failing) end the command with their one clear line.
    Anything else is a bug and is left to print its traceback."""
    try:
        yield
    except DirectoryFileError as exc:
        fail(f"nothing was changed:\n{exc}")
    except SwitchboardError as exc:
        fail(str(exc))
