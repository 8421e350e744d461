"""`switchboard directory`: import, export, edit and query the company directory."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from switchboard.adapters.directory_file import (
    CsvExportError,
    DirectoryFile,
    dump_directory_csv,
    dump_directory_yaml,
    parse_employee_fields,
)
from switchboard.bootstrap import Application
from switchboard.domain.chat_address import mask as mask_chat_url
from switchboard.domain.directory import Directory, Employee
from switchboard.domain.phone import mask
from switchboard.entrypoints import directory_commands
from switchboard.entrypoints.cli._runtime import (
    console,
    fail,
    plain,
    run_with_app,
    settings_or_exit,
)
from switchboard.services import directory as service

directory_app = typer.Typer(help="The company directory.", no_args_is_help=True)


async def _directory(app: Application) -> Directory:
    return await service.load_directory(app.unit_of_work)


# Also runnable without the rest of the command line (`switchboard.entrypoints.launch`).
directory_app.command("import")(directory_commands.import_)


@directory_app.command("export")
def export(
    fmt: str = typer.Option(
        "yaml",
        "--format",
        "-f",
        metavar="yaml|csv",
        help="yaml or csv (both the whole directory; csv has a `kind` column).",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to a file, not stdout."
    ),
) -> None:
    """Export the directory; either format re-imports to the same directory."""
    if fmt not in {"yaml", "csv"}:
        fail(f"--format must be yaml or csv, not {fmt!r}", 2)
    directory = run_with_app(_directory)
    try:
        text = dump_directory_yaml(directory) if fmt == "yaml" else dump_directory_csv(directory)
    except CsvExportError as exc:
        fail(f"nothing was written:\n{exc}")
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(directory.employees)} employees to {plain(output)}")


def _employee_json(directory: Directory, e: Employee, *, private: bool) -> dict[str, object]:
    dept = directory.department(e.department) if e.department else None
    data: dict[str, object] = {
        "id": e.id,
        "name": e.name,
        "aliases": list(e.aliases),
        "title": e.title,
        "department": dept.name if dept else e.department,
        "status": e.status.value,
    }
    if private:
        data |= {"phone": e.phone, "sms": e.sms, "email": e.email, "sip_uri": e.sip_uri}
        # Chat URLs carry tokens: shown masked even here (`${VAR}` references are kept).
        data["chat"] = [mask_chat_url(url) for url in e.chat]
    return data


@directory_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """List employees in directory order (phone numbers masked)."""
    directory = run_with_app(_directory)
    if as_json:
        rows = [_employee_json(directory, e, private=False) for e in directory.employees]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(
        "id", "name", "title", "department", "status", "phone", title=plain(directory.company.name)
    )
    for e in directory.employees:
        row = _employee_json(directory, e, private=False)
        cells = (e.id, e.name, e.title or "", row["department"] or "", e.status, mask(e.phone))
        table.add_row(*(plain(cell) for cell in cells))
    console.print(table)


@directory_app.command("show")
def show(employee_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one employee, including the private contact details."""
    directory = run_with_app(_directory)
    employee = directory.employee(employee_id)
    if employee is None:
        fail(f"no employee with id {employee_id!r}")
    data = _employee_json(directory, employee, private=True)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        console.print(f"[bold]{key:>10}[/]  {plain(shown) if shown not in (None, '') else '-'}")


@directory_app.command("add")
def add(
    employee_id: str = typer.Option(
        ..., "--id", metavar="ID", help="Slug: lowercase letters, digits, hyphens."
    ),
    name: str = typer.Option(..., "--name", metavar="NAME"),
    phone: str = typer.Option(
        ..., "--phone", metavar="NUMBER", help="The transfer target, any common format."
    ),
    title: str | None = typer.Option(None, "--title", metavar="TITLE"),
    department: str | None = typer.Option(
        None, "--department", metavar="ID", help="A department id."
    ),
    email: str | None = typer.Option(None, "--email", metavar="ADDRESS"),
    sms: str | None = typer.Option(None, "--sms", metavar="NUMBER"),
    aliases: str | None = typer.Option(
        None, "--aliases", metavar="NAME;…", help="';'-separated nicknames."
    ),
    status: str | None = typer.Option(None, "--status", metavar="STATUS"),
    sip_uri: str | None = typer.Option(None, "--sip-uri", metavar="URI"),
) -> None:
    """Add one employee (at the end of the listing order)."""
    given = {
        "id": employee_id,
        "name": name,
        "phone": phone,
        "title": title,
        "department": department,
        "email": email,
        "sms": sms,
        "aliases": aliases,
        "status": status,
        "sip_uri": sip_uri,
    }
    fields = {k: v for k, v in given.items() if v is not None}
    region = settings_or_exit().default_region

    async def work(app: Application) -> None:
        changes = parse_employee_fields(fields, default_region=region)
        await service.add_employee(app.unit_of_work, Employee(**changes))  # type: ignore[arg-type]

    run_with_app(work)
    console.print(f"added {plain(employee_id)}")


@directory_app.command("set")
def set_(
    employee_id: str,
    assignments: list[str] = typer.Argument(
        ..., metavar="FIELD=VALUE...", help="field=value pairs, e.g. status=dnd"
    ),
) -> None:
    """Change fields of one employee: `switchboard directory set priya-raman status=out_of_office`."""
    fields: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(f"expected field=value, got {item!r}", 2)
        fields[key.strip()] = value.strip()
    if "id" in fields:
        fail("the id cannot be changed; remove and add the employee instead", 2)
    region = settings_or_exit().default_region

    async def work(app: Application) -> Employee:
        changes = parse_employee_fields(fields, default_region=region)
        return await service.update_employee(app.unit_of_work, employee_id, changes)

    updated = run_with_app(work)
    console.print(f"updated {plain(updated.id)}: {plain(', '.join(sorted(fields)))}")


@directory_app.command("remove")
def remove(employee_id: str) -> None:
    """Remove one employee."""

    async def work(app: Application) -> None:
        await service.remove_employee(app.unit_of_work, employee_id)

    run_with_app(work)
    console.print(f"removed {plain(employee_id)}")


directory_app.command("resolve")(directory_commands.resolve)


def demo_summary() -> str:
    """ "30 people in 8 departments": counted from the packaged demo, so help never goes stale."""
    d = service.demo_directory()
    return f"{len(d.employees)} people in {len(d.departments)} departments"


@directory_app.command(
    "demo",
    help=f"Load the packaged demo company ({demo_summary()}, with the hard cases of dial-by-name).",
)
def demo(
    replace: bool = typer.Option(False, "--replace", help="Replace a non-empty directory."),
) -> None:

    async def work(app: Application) -> bool:
        if replace:
            d = service.demo_directory()
            file = DirectoryFile(directory=d, employees=d.employees)
            await service.import_directory(app.unit_of_work, file, replace=True)
            return True
        return await service.seed_demo_if_empty(app.unit_of_work)

    if run_with_app(work):
        console.print("loaded the demo directory")
    else:
        console.print("the directory is not empty; use --replace to overwrite it with the demo")
