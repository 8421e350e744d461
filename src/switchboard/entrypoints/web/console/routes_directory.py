"""The directory page (admins): search, add, edit, remove, status and hours, import, export.

Edits go through the same validation as a directory file (`parse_employee_fields`), and an import
through the same all-or-nothing import as `switchboard directory import`: any bad row shows every
problem with its row and changes nothing.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from switchboard.adapters.directory_file import (
    EMPLOYEE_FIELDS,
    CsvExportError,
    DirectoryFile,
    DirectoryFileError,
    dump_directory_csv,
    dump_directory_yaml,
    parse_directory_file,
    parse_employee_fields,
)
from switchboard.adapters.directory_file.hours import hours_text
from switchboard.domain.directory import Directory, Employee, EmployeeStatus
from switchboard.services import directory as service

from .auth import PageAdmin, PostAdmin, console_of
from .rendering import back_to, company_directory, page
from .routes_pages import NotFound

router = APIRouter(include_in_schema=False)
FORM_FIELDS = ("name", "title", "department", "phone", "email", "sms", "status", "hours", "aliases")
MAX_IMPORT_BYTES = 2_000_000


def employee_form(e: Employee | None) -> dict[str, str]:
    if e is None:
        return {name: "" for name in ("id", *FORM_FIELDS)} | {"status": "available"}
    return {
        "id": e.id,
        "name": e.name,
        "title": e.title or "",
        "department": e.department or "",
        "phone": e.phone,
        "email": e.email or "",
        "sms": e.sms or "",
        "status": e.status.value,
        "hours": hours_text(e.hours) if e.hours else "",
        "aliases": "; ".join(e.aliases),
    }


def matches(e: Employee, q: str) -> bool:
    text = " ".join([e.id, e.name, e.title or "", e.department or "", *e.aliases]).lower()
    return all(word in text for word in q.lower().split())


@router.get("/directory")
async def directory_page(request: Request, principal: PageAdmin, q: str = "") -> HTMLResponse:
    directory = await company_directory(request)
    shown = [e for e in directory.employees if matches(e, q)]
    return page(request, principal, "directory.html", directory=directory,
                blocked=directory.blocked.entries, employees=shown,
                q=q, problems=[])  # fmt: skip


def _editor(request: Request, principal: PageAdmin, directory: Directory, form: dict[str, str],
            *, new: bool, problems: list[str], status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, principal, "employee.html", directory=directory,
                form=form, new=new, problems=problems, status_code=status_code,
                statuses=[s.value for s in EmployeeStatus])  # fmt: skip


@router.get("/directory/new")
async def new_employee(request: Request, principal: PageAdmin) -> HTMLResponse:
    directory = await company_directory(request)
    return _editor(request, principal, directory, employee_form(None), new=True, problems=[])


@router.get("/directory/export.yaml")
async def export_yaml(request: Request, principal: PageAdmin) -> Response:
    text = dump_directory_yaml(await company_directory(request))
    return PlainTextResponse(text, media_type="application/yaml",
                             headers={"content-disposition": 'attachment; filename="directory.yaml"'})  # fmt: skip


@router.get("/directory/export.csv")
async def export_csv(request: Request, principal: PageAdmin) -> Response:
    try:
        text = dump_directory_csv(await company_directory(request))
    except CsvExportError as exc:
        return PlainTextResponse(str(exc), status_code=409)
    return PlainTextResponse(text, media_type="text/csv",
                             headers={"content-disposition": 'attachment; filename="directory.csv"'})  # fmt: skip


@router.get("/directory/{employee_id}")
async def edit_employee(request: Request, principal: PageAdmin, employee_id: str) -> HTMLResponse:
    directory = await company_directory(request)
    employee = directory.employee(employee_id)
    if employee is None:
        raise NotFound(f"no employee {employee_id!r}")
    return _editor(request, principal, directory, employee_form(employee), new=False, problems=[])


async def _form_fields(request: Request) -> dict[str, str]:
    data = await request.form()
    return {name: str(data.get(name, "")).strip() for name in ("id", *FORM_FIELDS)}


@router.post("/directory/new")
async def add_employee(request: Request, principal: PostAdmin) -> Response:
    form = await _form_fields(request)
    services = console_of(request).services
    try:
        fields = {k: v for k, v in form.items() if v}
        changes = parse_employee_fields(fields, services.default_region, source="form")
        await service.add_employee(services.unit_of_work, Employee(**changes))  # type: ignore[arg-type]
    except DirectoryFileError as exc:
        directory = await company_directory(request)
        return _editor(request, principal, directory, form, new=True, status_code=400,
                       problems=[_problem(p) for p in exc.problems])  # fmt: skip
    except (service.EmployeeExists, TypeError) as exc:
        directory = await company_directory(request)
        return _editor(request, principal, directory, form, new=True, status_code=400,
                       problems=[str(exc)])  # fmt: skip
    return back_to("/directory", f"Added {form['id']}.")


def _problem(p: object) -> str:
    location = getattr(p, "location", "")
    field = getattr(p, "field", None)
    reason = getattr(p, "reason", str(p))
    return ": ".join(x for x in (location, field, reason) if x)


def parse_upload(name: str, data: bytes, region: str) -> DirectoryFile:
    """A YAML or CSV upload, validated whole (DirectoryFileError lists every bad row)."""
    return parse_directory_file(name or "upload", data, region)


@router.post("/directory/import")
async def import_directory(
    request: Request,
    principal: PostAdmin,
    file: Annotated[UploadFile, File()],
    replace: Annotated[str, Form()] = "",
) -> Response:
    services = console_of(request).services
    data = await file.read(MAX_IMPORT_BYTES + 1)
    problems: list[str] = []
    if len(data) > MAX_IMPORT_BYTES:
        problems = [f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB"]
    else:
        try:
            parsed = await asyncio.to_thread(
                parse_upload, file.filename or "", data, services.default_region
            )
            report = await service.import_directory(
                services.unit_of_work, parsed, replace=replace == "yes"
            )
        except DirectoryFileError as exc:
            problems = [_problem(p) for p in exc.problems]
        else:
            return back_to("/directory", report.summary())
    directory = await company_directory(request)
    return page(request, principal, "directory.html", directory=directory,
                blocked=directory.blocked.entries, status_code=400,
                employees=list(directory.employees), q="", problems=problems)  # fmt: skip


@router.post("/directory/{employee_id}")
async def save_employee(request: Request, principal: PostAdmin, employee_id: str) -> Response:
    form = await _form_fields(request)
    form["id"] = employee_id
    services = console_of(request).services
    changes = {k: v for k, v in form.items() if k != "id"}
    try:
        typed = parse_employee_fields(changes, services.default_region, source="form")
        await service.update_employee(services.unit_of_work, employee_id, typed)
    except DirectoryFileError as exc:
        directory = await company_directory(request)
        return _editor(request, principal, directory, form, new=False, status_code=400,
                       problems=[_problem(p) for p in exc.problems])  # fmt: skip
    return back_to("/directory", f"Saved {employee_id}.")


@router.post("/directory/{employee_id}/remove")
async def remove_employee(request: Request, principal: PostAdmin, employee_id: str) -> Response:
    try:
        await service.remove_employee(console_of(request).services.unit_of_work, employee_id)
    except service.EmployeeInRouting as exc:
        directory = await company_directory(request)
        return page(request, principal, "directory.html", directory=directory,
                blocked=directory.blocked.entries, status_code=409,
                    employees=list(directory.employees), q="", problems=[str(exc)])  # fmt: skip
    return back_to("/directory", f"Removed {employee_id}.")


__all__ = ["EMPLOYEE_FIELDS", "router"]
