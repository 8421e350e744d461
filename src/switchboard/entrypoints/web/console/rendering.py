"""Rendering a console page: the template, the signed-in user, their CSRF token, the company."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from switchboard.domain.directory import Directory
from switchboard.services.directory import load_directory

from .auth import Principal, console_of


async def company_directory(request: Request) -> Directory:
    return await load_directory(console_of(request).services.unit_of_work)


def page(
    request: Request,
    principal: Principal | None,
    template: str,
    *,
    status_code: int = 200,
    directory: Directory | None = None,
    **context: Any,
) -> HTMLResponse:
    console = console_of(request)
    timezone = directory.company.timezone if directory is not None else "UTC"
    return console.templates.TemplateResponse(
        request,
        template,
        {
            "user": principal.user if principal else None,
            "csrf": principal.csrf if principal else "",
            "tz": timezone,
            "company": directory.company.name if directory is not None else "",
            "notice": request.query_params.get("notice", ""),
            **context,
        },
        status_code=status_code,
    )


def back_to(path: str, notice: str = "") -> RedirectResponse:
    """After a POST: see the result with a GET (303), with a one-line notice."""
    from urllib.parse import urlencode

    target = f"{path}?{urlencode({'notice': notice})}" if notice else path
    return RedirectResponse(target, status_code=303)
