"""/api/v1: the console's resources as JSON for scripts, with bearer tokens
(`switchboard users token EMAIL`) and the same role rules as the pages. Documented by FastAPI's
OpenAPI at /openapi.json."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from switchboard.adapters.directory_file import DirectoryFileError, parse_employee_fields
from switchboard.domain.calls import CallOutcome
from switchboard.domain.messages.delivery import ResendRefused
from switchboard.services import directory as directory_service
from switchboard.services.console.views import (
    MESSAGE_FILTERS,
    CallFilter,
    MessageFilter,
    MessageRow,
)

from .api_schemas import (
    CallOut,
    CheckOut,
    EmployeeOut,
    MessageOut,
    NotificationOut,
    OverviewOut,
    PeriodOut,
    StatusIn,
    UserOut,
    call_out,
    employee_out,
    message_out,
)
from .auth import ApiAdmin, ApiUser, Forbidden, console_of
from .recording import MEDIA_TYPE, recording_response

router = APIRouter(prefix="/api/v1", tags=["console API"])


@router.get("/me", response_model=UserOut)
async def me(principal: ApiUser) -> UserOut:
    u = principal.user
    return UserOut(email=u.email, role=u.role.value, employee_id=u.employee_id)


@router.get("/overview", response_model=OverviewOut)
async def overview(request: Request, principal: ApiAdmin) -> OverviewOut:
    services = console_of(request).services
    directory = await directory_service.load_directory(services.unit_of_work)
    data = await services.views.overview(services.clock.now(), directory.company.timezone)
    return OverviewOut(
        timezone=data.timezone,
        periods={
            name: PeriodOut(
                calls=p.calls,
                calls_by_outcome=dict(p.calls_by_outcome),
                transfers=dict(p.transfers),
                messages_waiting=p.waiting,
                messages_undelivered=p.undelivered,
            )
            for name, p in data.periods.items()
        },
    )


@router.get("/messages", response_model=list[MessageOut])
async def messages(
    request: Request,
    principal: ApiUser,
    state: Annotated[str | None, Query(description=", ".join(MESSAGE_FILTERS))] = None,
    handled: bool | None = None,
    q: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> list[MessageOut]:
    if state is not None and state not in MESSAGE_FILTERS:
        raise HTTPException(422, f"state must be one of {', '.join(MESSAGE_FILTERS)}")
    rows = await console_of(request).services.views.messages(
        principal.scope, MessageFilter(state, handled, q[:200], page)
    )
    return [message_out(r) for r in rows]


async def _message(request: Request, principal: ApiUser, message_id: str) -> MessageRow:
    row = await console_of(request).services.views.message(principal.scope, message_id)
    if row is None:
        raise HTTPException(404, f"no message {message_id!r}")
    return row


@router.get("/messages/{message_id}", response_model=MessageOut)
async def message(request: Request, principal: ApiUser, message_id: str) -> MessageOut:
    return message_out(await _message(request, principal, message_id))


@router.get(
    "/messages/{message_id}/recording",
    response_class=Response,
    responses={
        200: {"content": {MEDIA_TYPE: {}}, "description": "the voicemail recording (WAV)"},
        404: {"description": "no recording this server can play (none, missing, not allowed)"},
        502: {"description": "Twilio's recording could not be fetched"},
    },
)
async def recording(
    request: Request, principal: ApiUser, message_id: str, download: bool = False
) -> Response:
    """The message's voicemail recording: the agent's WAV file, or Twilio's fetched here."""
    row = await _message(request, principal, message_id)
    return await recording_response(request, row, download=download)


@router.post("/messages/{message_id}/resend", response_model=list[NotificationOut])
async def resend(request: Request, principal: ApiUser, message_id: str) -> list[NotificationOut]:
    row = await _message(request, principal, message_id)
    try:
        fresh = await console_of(request).services.messages.resend(row.stored.message.id)
    except ResendRefused as exc:
        raise HTTPException(409, str(exc)) from None
    return [
        NotificationOut(
            channel=n.channel.value,
            status=n.status.value,
            attempts=n.attempts,
            error_code=n.error_code,
            created_at=n.created_at,
            updated_at=n.updated_at,
            fallback_of=n.fallback_of,
        )
        for n in fresh
    ]


@router.post("/messages/{message_id}/handled", response_model=MessageOut)
async def handled(request: Request, principal: ApiUser, message_id: str) -> MessageOut:
    services = console_of(request).services
    row = await _message(request, principal, message_id)
    await services.views.mark_handled(principal.scope, row.stored.message.id,
                                      principal.user.email, services.clock.now())  # fmt: skip
    return message_out(await _message(request, principal, message_id))


@router.get("/calls", response_model=list[CallOut])
async def calls(
    request: Request,
    principal: ApiUser,
    outcome: CallOutcome | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> list[CallOut]:
    records = await console_of(request).services.views.calls(
        principal.scope, CallFilter(outcome, page)
    )
    return [call_out(r) for r in records]


@router.get("/calls/live", response_model=list[CallOut])
async def live_calls(request: Request, principal: ApiAdmin) -> list[CallOut]:
    services = console_of(request).services
    return [call_out(r) for r in await services.views.live_calls(services.clock.now())]


@router.get("/calls/{call_id}", response_model=CallOut)
async def call(request: Request, principal: ApiUser, call_id: str) -> CallOut:
    record = await console_of(request).services.views.call(principal.scope, call_id)
    if record is None:
        raise HTTPException(404, f"no call {call_id!r}")
    return call_out(record, detail=True)


@router.get("/directory", response_model=list[EmployeeOut])
async def directory(request: Request, principal: ApiAdmin) -> list[EmployeeOut]:
    found = await directory_service.load_directory(console_of(request).services.unit_of_work)
    return [employee_out(e) for e in found.employees]


@router.patch("/directory/{employee_id}", response_model=EmployeeOut)
async def edit_employee(
    request: Request, principal: ApiAdmin, employee_id: str, changes: dict[str, str]
) -> EmployeeOut:
    """Change fields as `switchboard directory set` does (`{"status": "dnd", "title": "…"}`)."""
    services = console_of(request).services
    if "id" in changes:
        raise HTTPException(422, "the id cannot be changed")
    try:
        typed = parse_employee_fields(changes, services.default_region, source="request")
        updated = await directory_service.update_employee(services.unit_of_work, employee_id, typed)
    except DirectoryFileError as exc:
        raise HTTPException(422, [str(p) for p in exc.problems]) from None
    except directory_service.EmployeeNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return employee_out(updated)


@router.put("/me/status", response_model=EmployeeOut)
async def set_my_status(request: Request, principal: ApiUser, body: StatusIn) -> EmployeeOut:
    if principal.user.employee_id is None:
        raise Forbidden("only an employee account has a status of its own", api=True)
    updated = await directory_service.update_employee(
        console_of(request).services.unit_of_work, principal.user.employee_id,
        {"status": body.status},
    )  # fmt: skip
    return employee_out(updated)


@router.get("/setup", response_model=list[CheckOut])
async def setup(request: Request, principal: ApiAdmin) -> list[CheckOut]:
    console = console_of(request)
    cache = console.doctor
    if cache is None:
        return []
    if cache.checks is None:
        cache.checks = await cache.run()
        cache.at = console.services.clock.now()
    return [CheckOut(**c.as_dict()) for c in cache.checks]
