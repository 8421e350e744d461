"""Overview, messages, calls, calls in progress, set-up and "my status": thin routes over the
console services; every rule of who sees what lives in `auth` and `services.console.views`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard.domain import errors
from switchboard.domain.calls import CallOutcome
from switchboard.domain.directory import Directory, EmployeeStatus
from switchboard.domain.messages.delivery import ResendRefused
from switchboard.services import directory as directory_service
from switchboard.services.console.recordings import recording_kind
from switchboard.services.console.views import (
    MESSAGE_FILTERS,
    PAGE_SIZE,
    CallFilter,
    MessageFilter,
)
from switchboard.services.messages.message_log import MessageNotFound

from .auth import Forbidden, PageAdmin, PageUser, PostUser, console_of
from .charts import bar_chart
from .recording import recording_response
from .rendering import back_to, company_directory, page

router = APIRouter(include_in_schema=False)


class NotFound(errors.NotFound, LookupError):
    pass


@router.get("/")
async def home(request: Request, principal: PageUser) -> Response:
    if not principal.user.is_admin:
        return RedirectResponse("/messages", status_code=303)
    return await overview(request, principal)


async def overview(request: Request, principal: PageAdmin) -> HTMLResponse:
    console = console_of(request)
    directory = await company_directory(request)
    data = await console.services.views.overview(
        console.services.clock.now(), directory.company.timezone
    )
    charts = {
        name: (
            bar_chart(f"Calls by outcome, {name}", counts.calls_by_outcome),
            bar_chart(f"Transfers, {name}", counts.transfers),
        )
        for name, counts in data.periods.items()
    }
    return page(request, principal, "overview.html", directory=directory, overview=data,
                charts=charts)  # fmt: skip


router.add_api_route("/overview", overview, methods=["GET"])


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@router.get("/messages")
async def messages(
    request: Request,
    principal: PageUser,
    state: str = "",
    handled: str = "",
    q: str = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = MessageFilter(
        state=state if state in MESSAGE_FILTERS else None,
        handled=_flag(handled),
        text=q[:200],
        page=page_number,
    )
    rows = await console_of(request).services.views.messages(principal.scope, filters)
    directory = await company_directory(request)
    return page(request, principal, "messages.html", directory=directory, rows=rows,
                filters=filters, states=MESSAGE_FILTERS, handled=handled, q=q,
                more=len(rows) == PAGE_SIZE, names=_names(directory))  # fmt: skip


def _names(directory: Directory) -> dict[str, str]:
    """Employee and department ids → names, for showing who a message or call was for."""
    return {d.id: d.name for d in directory.departments} | {
        e.id: e.name for e in directory.employees
    }


@router.get("/messages/{message_id}")
async def message(request: Request, principal: PageUser, message_id: str) -> HTMLResponse:
    row = await console_of(request).services.views.message(principal.scope, message_id)
    if row is None:
        raise NotFound(f"no message {message_id!r}")
    directory = await company_directory(request)
    return page(request, principal, "message.html", directory=directory, row=row,
                names=_names(directory),
                recording=recording_kind(row.stored.message.recording_url))  # fmt: skip


@router.get("/messages/{message_id}/recording")
async def recording(
    request: Request, principal: PageUser, message_id: str, download: str = ""
) -> Response:
    """The message's voicemail recording (audio/wav), for whoever may see the message."""
    row = await console_of(request).services.views.message(principal.scope, message_id)
    if row is None:
        raise NotFound(f"no message {message_id!r}")
    return await recording_response(request, row, download=download == "1")


@router.post("/messages/{message_id}/resend")
async def resend(request: Request, principal: PostUser, message_id: str) -> Response:
    services = console_of(request).services
    row = await services.views.message(principal.scope, message_id)  # 403 when not theirs
    if row is None:
        raise NotFound(f"no message {message_id!r}")
    try:
        fresh = await services.messages.resend(row.stored.message.id)
    except (ResendRefused, MessageNotFound) as exc:
        return back_to(f"/messages/{row.stored.message.id}", f"Not resent: {exc}")
    channels = ", ".join(n.channel.value for n in fresh)
    return back_to(f"/messages/{row.stored.message.id}", f"Queued again by {channels}.")


@router.post("/messages/{message_id}/handled")
async def mark_handled(request: Request, principal: PostUser, message_id: str) -> Response:
    services = console_of(request).services
    done = await services.views.mark_handled(
        principal.scope, message_id, principal.user.email, services.clock.now()
    )
    if not done:
        raise NotFound(f"no message {message_id!r}")
    return back_to(f"/messages/{message_id}", "Marked as handled.")


@router.get("/calls")
async def calls(
    request: Request,
    principal: PageUser,
    outcome: str = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    chosen = CallOutcome(outcome) if outcome in {o.value for o in CallOutcome} else None
    records = await console_of(request).services.views.calls(
        principal.scope, CallFilter(chosen, page_number)
    )
    directory = await company_directory(request)
    return page(request, principal, "calls.html", directory=directory, records=records,
                outcome=outcome, outcomes=[o.value for o in CallOutcome], page=page_number,
                more=len(records) == PAGE_SIZE, names=_names(directory))  # fmt: skip


@router.get("/calls/{call_id}")
async def call(request: Request, principal: PageUser, call_id: str) -> HTMLResponse:
    record = await console_of(request).services.views.call(principal.scope, call_id)
    if record is None:
        raise NotFound(f"no call {call_id!r}")
    directory = await company_directory(request)
    return page(request, principal, "call.html", directory=directory, record=record,
                names=_names(directory))  # fmt: skip


@router.get("/live")
async def live(request: Request, principal: PageAdmin) -> HTMLResponse:
    services = console_of(request).services
    records = await services.views.live_calls(services.clock.now())
    directory = await company_directory(request)
    return page(request, principal, "live.html", directory=directory, records=records,
                now=services.clock.now(), names=_names(directory))  # fmt: skip


@router.get("/setup")
async def setup(request: Request, principal: PageAdmin, refresh: str = "") -> HTMLResponse:
    console = console_of(request)
    cache = console.doctor
    if cache is not None and (cache.checks is None or refresh == "1"):
        cache.checks = await cache.run()
        cache.at = console.services.clock.now()
    directory = await company_directory(request)
    return page(request, principal, "setup.html", directory=directory,
                checks=cache.checks if cache else [], checked_at=cache.at if cache else None)  # fmt: skip


@router.get("/me")
async def me(request: Request, principal: PageUser) -> HTMLResponse:
    directory = await company_directory(request)
    employee = directory.employee(principal.user.employee_id or "")
    return page(request, principal, "me.html", directory=directory, employee=employee,
                statuses=[s.value for s in EmployeeStatus])  # fmt: skip


@router.post("/me/status")
async def set_my_status(
    request: Request, principal: PostUser, status: Annotated[str, Form()] = ""
) -> Response:
    """An employee sets their own status (an admin uses the directory page)."""
    employee_id = principal.user.employee_id
    if employee_id is None:
        raise Forbidden("only an employee account has a status of its own", api=False)
    if status not in {s.value for s in EmployeeStatus}:
        return back_to("/me", f"Unknown status {status!r}.")
    await directory_service.update_employee(
        console_of(request).services.unit_of_work, employee_id, {"status": EmployeeStatus(status)}
    )
    return back_to("/me", f"Your status is now {status.replace('_', ' ')}.")
