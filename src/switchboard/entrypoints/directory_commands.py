# ruff: noqa: B008 -- typer declares options as call defaults (as in cli/*)
"""`switchboard directory import` and `switchboard directory resolve`, importable without the rest
of the command line.

The full CLI imports every command (LiveKit Agents among them: about 3 s before anything runs),
which alone broke the targets for these two at 100,000 people. `switchboard.entrypoints.launch`
runs them through `quick_app` with only what they need; `cli/directory.py` registers the very
same functions, so `switchboard directory --help` and every other form behave as before.
`resolve` goes further where it can: its saved index and, for a plain database URL, the database
driver alone (`_resolver`).
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from switchboard.adapters.sqlalchemy import Storage
    from switchboard.domain.resolution import Resolver
    from switchboard.settings import Settings

T = TypeVar("T")
console = Console()
_errors = Console(stderr=True)


def _plain(value: object) -> str:
    return escape(str(value))


def _fail(message: str, code: int = 1) -> NoReturn:
    _errors.print(f"[bold red]error:[/] {_plain(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    # Under the full CLI its own helper applies `--verbose`; alone, library logs stay quiet.
    runtime = sys.modules.get("switchboard.entrypoints.cli._runtime")
    if runtime is not None:
        settings: Settings = runtime.settings_or_exit()
        return settings
    from switchboard.settings import SettingsError, load_settings

    try:
        loaded = load_settings()
    except SettingsError as exc:
        _fail(str(exc), 2)
    return loaded.model_copy(update={"log_level": "WARNING"})


@contextmanager
def _known_errors(*, files: bool = True) -> Iterator[None]:
    """Known failures as an error line; `files=False` where no directory file is read (`resolve`
    then skips importing the file formats)."""
    rejected: tuple[type[Exception], ...] = ()  # a file that imports nothing
    if files:
        from switchboard.adapters.directory_file import DirectoryFileError

        rejected = (DirectoryFileError,)
    try:
        yield
    except rejected as exc:
        _fail(f"nothing was changed:\n{exc}")
    except (LookupError, ValueError) as exc:
        _fail(str(exc))


@contextmanager
def _no_collections() -> Iterator[None]:
    # 100,000 rows (or their resolver index) make about a million objects that all live until the
    # command ends: the collector would only walk them again and again (a sixth of the parsing
    # time, a third of loading and building the index).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _with_storage(
    settings: Settings, work: Callable[[Storage], Awaitable[T]], *, files: bool = True
) -> T:
    """Run `work` on the storage (brought to the latest schema first), always closing it."""
    from switchboard.adapters.sqlalchemy import open_storage

    async def main() -> T:
        storage = await open_storage(settings.effective_database_url)
        try:
            return await work(storage)
        finally:
            await storage.dispose()

    with _known_errors(files=files):
        return asyncio.run(main())


def import_(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A .yaml/.yml or .csv file."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Make the stored directory exactly this file."
    ),
) -> None:
    """Import a directory file. A file with any error imports nothing and names every bad row."""
    from switchboard.adapters.directory_file import read_directory_file
    from switchboard.services import directory as service

    settings = _settings()

    async def work(storage: Storage) -> service.ImportReport:
        return await service.import_directory(storage.unit_of_work, parsed, replace=replace)

    with _no_collections():
        with _known_errors():
            parsed = read_directory_file(file, default_region=settings.default_region)
        report = _with_storage(settings, work)
    verb = "replaced the directory with" if report.replaced else "imported"
    console.print(f"{verb} {report.employees} employees and {report.departments} departments")
    if report.blocked:
        console.print(f"  {report.blocked} blocked numbers and prefixes")
    for dept in report.created_departments:
        console.print(
            f"  created department [bold]{_plain(dept)}[/] (rename it with a YAML import)"
        )


def resolve(
    text: str | None = typer.Argument(None, help="What the caller said."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per query."),
    file: Path | None = typer.Option(
        None, "--file", metavar="FILE", exists=True, dir_okay=False, help="Queries, one per line."
    ),
) -> None:
    """Decide who the caller means: match, ambiguous, department or none."""
    if (text is None) == (file is None):
        _fail("give either TEXT or --file", 2)
    queries = (
        [q for q in file.read_text("utf-8").splitlines() if q.strip()] if file else [str(text)]
    )
    settings = _settings()
    with _no_collections():  # 100,000 people's index: objects that live until the end
        resolver = _resolver(settings, settings.data_dir / "index")
    for query in queries:
        result = resolver.resolve(query)
        if as_json or file is not None:
            typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
            continue
        console.print(f"[bold]{result.status.value}[/]  {_plain(result.reason)}")
        for c in result.candidates:
            where = f" ({c.department})" if c.department else ""
            console.print(
                f"  {c.score:5.1f}  {_plain(c.name + where)}  [dim]{_plain(f'{c.kind}:{c.id}')}[/]"
            )


def _resolver(settings: Settings, index_folder: Path) -> Resolver:
    """The resolver (saved in `index_folder`, or built and saved there), read the cheapest way
    that works: through the database driver alone (`adapters.name_reader`: no SQLAlchemy, half a
    second less); else storage without the migration check (Alembic costs half a second); else
    storage brought to the latest schema, as every command does (a database that is behind)."""
    from switchboard.adapters.name_reader import reader_for
    from switchboard.domain.resolution import Resolver as Built
    from switchboard.services.directory_index import resolver_for_queries

    async def attempt(work: Awaitable[Resolver]) -> Resolver | None:
        try:
            return await work
        except Exception:  # no file or schema yet, a refusing server: the next way says why
            return None

    reader = reader_for(settings.effective_database_url)
    if reader is not None:
        with _known_errors(files=False):
            found = asyncio.run(attempt(resolver_for_queries(reader, index_folder)))
        if isinstance(found, Built):
            return found

    from switchboard.adapters.sqlalchemy import open_storage

    async def work(storage: Storage) -> Resolver:
        return await resolver_for_queries(storage.reading_unit_of_work, index_folder)

    async def quick() -> Resolver | None:
        storage = await open_storage(settings.effective_database_url, migrate=False)
        try:
            return await attempt(work(storage))
        finally:
            await storage.dispose()

    with _known_errors(files=False):
        found = asyncio.run(quick())
    return found if found is not None else _with_storage(settings, work, files=False)


quick_app = typer.Typer(help="The company directory.", no_args_is_help=True)
quick_app.command("import")(import_)
quick_app.command("resolve")(resolve)
