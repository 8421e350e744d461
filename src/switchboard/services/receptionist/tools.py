"""The receptionist's four function tools. Every argument is checked and every guardrail enforced
here, where the tool runs, so they hold for any language model (docs/call-behaviour.md, "Policy").

Tool output goes back to the model as JSON and never carries a phone number or an email.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from livekit.agents import RunContext, ToolError

from switchboard.domain.availability import working_employee
from switchboard.domain.call_limits import dial_target
from switchboard.domain.calls import TransferOutcome
from switchboard.domain.directory import Employee
from switchboard.domain.messages import MAX_NAME_LENGTH
from switchboard.domain.redaction import redact_contact_details, repeats_private_number
from switchboard.domain.resolution.result import ResolutionStatus
from switchboard.domain.spoken_numbers import parse_callback_number
from switchboard.ports.calls import MessageRequest
from switchboard.services.receptionist.arguments import MAX_REASON_CHARS, recorded, text_arg
from switchboard.services.receptionist.department_calls import (
    route_summary,
    transfer_to_department,
)
from switchboard.services.receptionist.deps import ReceptionistDeps

MAX_QUERY_CHARS = 200
MAX_NAME_CHARS = MAX_NAME_LENGTH
# The longest a goodbye may take to play before end_call hangs up anyway.
GOODBYE_PLAYOUT_SECONDS = 15.0


class ReceptionistTools:
    """The tool implementations for one call, bound to its collaborators."""

    def __init__(self, deps: ReceptionistDeps) -> None:
        self.deps = deps

    def _out(self, tool: str, payload: dict[str, Any]) -> str:
        text = redact_contact_details(json.dumps(payload), self.deps.directory)
        self.deps.record("tool_result", tool=tool, status=payload.get("status"))
        return text

    def _summary(self, employee: Employee) -> dict[str, Any]:
        d = self.deps
        # Hours: their own, else their department's, else the company's (domain/availability.py).
        working = working_employee(d.directory, employee)
        reach = d.reachability(working, d.directory.company, d.clock.now())
        dept = d.directory.department(employee.department) if employee.department else None
        return {
            "id": employee.id,
            "name": employee.name,
            "title": employee.title,
            "department": dept.name if dept else None,
            "available": reach.reachable,
            "availability_note": reach.caller_message,
        }

    @recorded
    async def find_employee(self, query: str) -> str:
        """Look up who (or which department) the caller wants: a name, department, job title
        or topic in the caller's words, or a name spelled letter by letter ("V-E-S-E-L-O-V")."""
        q = text_arg(query, "query", MAX_QUERY_CHARS)
        self.deps.record(
            "tool_call", tool="find_employee", query=redact_contact_details(q, self.deps.directory)
        )
        self.deps.state.other_requested = True
        result = self.deps.resolver.resolve(q)
        payload: dict[str, Any] = {"status": result.status.value}
        if result.status is ResolutionStatus.DEPARTMENT and result.best:
            front = self.deps.directory.front_contact(result.best.id)
            payload["department"] = {"id": result.best.id, "name": result.best.name}
            payload["front_contact"] = self._summary(front) if front else None
            department = self.deps.directory.department(result.best.id)
            route = route_summary(self, department) if department is not None else None
            if route is not None:  # a ring group or an after-hours rule decides, not one person
                payload["route"] = route
        else:
            # A name shared by more people than a caller can follow (MAX_OFFERED): none is named;
            # the model asks for the department and looks up "name in department".
            people = [self.deps.directory.employee(c.id) for c in result.offered]
            payload["candidates"] = [self._summary(e) for e in people if e is not None]
            if len(result.candidates) > len(result.offered):
                payload["count"] = len(result.candidates)
                payload["departments"] = list(result.departments)
                payload["next"] = (
                    f"{len(result.candidates)} people share this name: name none of them; ask "
                    "which department the person works in, then call find_employee again with "
                    "the name and that department"
                )
        return self._out("find_employee", payload)

    @recorded
    async def transfer_call(self, employee_id: str, caller_name: str, reason: str) -> str:
        """Warm-transfer the caller, unless a guardrail says no."""
        d, state = self.deps, self.deps.state
        department = d.directory.department(str(employee_id).strip())
        if department is not None and d.directory.employee(department.id) is None:
            # Checks the name and reason itself: a voicemail needs neither.
            return await transfer_to_department(self, department, caller_name, reason)
        name = text_arg(caller_name, "caller_name", MAX_NAME_CHARS)
        why = text_arg(reason, "reason", MAX_REASON_CHARS)
        employee = dial_target(d.directory, employee_id)
        # Only a known id is recorded: a model may pass a phone number here.
        d.record("tool_call", tool="transfer_call", employee_id=employee.id if employee else None)
        state.other_requested = True
        if employee is None:
            d.record("decision", decision="refused", why="not_a_directory_employee")
            raise ToolError(
                "only a directory employee id (from find_employee) can be transferred to"
            )
        refusal = self._refusal(employee)
        if refusal:
            d.record("decision", decision="refused", why=refusal, employee_id=employee.id)
            return self._out("transfer_call", {"status": "refused", "reason": refusal,
                                               "offer_message": refusal != "emergency"})  # fmt: skip
        return await self.dial_employee(employee, name, why)

    async def dial_employee(self, employee: Employee, name: str, why: str) -> str:
        """The warm transfer itself, once every guardrail has said yes."""
        d, state = self.deps, self.deps.state
        attempt = state.ledger.record(employee.id)
        state.transfer_in_progress = True
        d.record("attempt", employee_id=employee.id, attempt=attempt)
        result = await d.calls.warm_transfer(d.call, employee, caller_name=name, reason=why)
        state.transfer_in_progress = False
        d.record(
            "transfer_attempt",
            employee=employee.id,
            result=result.outcome.value,
            sip_status=result.sip_status,
            detail=result.detail,
        )
        if result.outcome is TransferOutcome.CALLER_HUNG_UP:
            state.caller_left_during_transfer = True
        if result.outcome is TransferOutcome.CONNECTED:
            state.transferred_to = employee.id
            return self._out("transfer_call", {"status": "connected", "name": employee.name})
        return self._out("transfer_call", {"status": "not_connected", "name": employee.name,
                                           "outcome": result.outcome.value, "offer_message": True})  # fmt: skip

    def _refusal(self, employee: Employee) -> str | None:
        d = self.deps
        if d.state.emergency:
            return "emergency"
        if d.state.transferred_to:
            return "already_transferred"
        if not d.state.ledger.allows(employee.id):
            return "attempt_limit"
        working = working_employee(d.directory, employee)
        reach = d.reachability(working, d.directory.company, d.clock.now())
        return None if reach.reachable else (reach.reason or "unavailable")

    @recorded
    async def take_message(
        self, for_id: str, caller_name: str, callback_number: str, message: str, urgent: bool
    ) -> str:
        """Save a message for an employee or a department."""
        d = self.deps
        name = text_arg(caller_name, "caller_name", MAX_NAME_CHARS)
        text = str(message).strip()  # the caller's words, kept verbatim
        if not text:
            raise ToolError("message is missing: ask the caller what to pass on")
        if len(text) > d.max_message_chars:
            raise ToolError(f"message is too long (at most {d.max_message_chars} characters)")
        kind = "employee" if d.directory.employee(for_id) else "department"
        if kind == "department" and d.directory.department(for_id) is None:
            raise ToolError("for_id must be an employee or department id from find_employee")
        number = parse_callback_number(
            str(callback_number),
            caller_number=d.call.caller_number,
            default_region=d.default_region,
        )
        if number is None:
            raise ToolError("callback_number is not a valid phone number: ask the caller again")
        if repeats_private_number(number, d.directory):
            raise ToolError(
                "that callback number belongs to the directory: ask for the caller's own"
            )
        if not d.state.confirmed_after_read_back(number):
            raise ToolError("read the callback number back and wait for the caller to confirm it")
        request = MessageRequest(
            call_id=d.call.call_id, recipient_kind=kind, recipient_id=for_id, caller_name=name,
            callback_number=number, text=text, urgent=bool(urgent), caller_number=d.call.caller_number,
        )  # fmt: skip
        d.record("tool_call", tool="take_message", recipient_id=for_id, urgent=bool(urgent))
        d.state.other_requested = True
        receipt = await d.messages.take_message(request)
        d.state.message_id = receipt.message_id
        return self._out("take_message", {"status": "saved", "message_id": receipt.message_id})

    async def end_call(self, context: RunContext[Any] | None = None) -> str:
        """Hang up once the goodbye that came with this call has played (or GOODBYE_PLAYOUT_SECONDS
        have passed). `state.ended` is set only then: the worker closes the session as soon as it
        sees it, and closing interrupts whatever is still playing."""
        d = self.deps
        d.record("tool_call", tool="end_call")
        if context is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(GOODBYE_PLAYOUT_SECONDS):
                    await context.wait_for_playout()
        d.state.ended = True
        d.record("outcome", outcome=d.state.outcome().value)
        await d.calls.hang_up(d.call)
        return self._out("end_call", {"status": "ended"})
