"""`transfer_call` with a department id: its ring group, its on-call person after hours, its
voicemail (services/receptionist/voicemail.py), or a message (docs/call-behaviour.md, "Ring
groups" and "After hours"). The guardrails are the same as
for one employee: only directory `phone` values are dialled, at most two attempts per employee
per call, nothing after an emergency, and no tool output carries a number or an address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from switchboard.domain.calls import TransferOutcome
from switchboard.domain.directory import Department
from switchboard.domain.messages import MAX_NAME_LENGTH
from switchboard.domain.routing.ring_group import RingPlan
from switchboard.domain.routing.route import DepartmentRoute, RouteKind, department_route
from switchboard.services.receptionist.arguments import MAX_REASON_CHARS, text_arg
from switchboard.services.receptionist.voicemail import take_voicemail

if TYPE_CHECKING:
    from switchboard.services.receptionist.tools import ReceptionistTools


def route_summary(tools: ReceptionistTools, department: Department) -> dict[str, Any] | None:
    """What `find_employee` says about a department's routing now, or None without routing."""
    d = tools.deps
    route = department_route(d.directory, department, d.clock.now(), d.reachability)
    if route.kind is RouteKind.FRONT_CONTACT:
        return None
    summary: dict[str, Any] = {
        "transfer_to": department.id,  # pass this id to transfer_call
        "kind": route.kind.value,
        "available": route.dials,
        "availability_note": route.caller_message,
    }
    if route.kind is RouteKind.VOICEMAIL and d.voicemail is not None:
        summary["voicemail"] = True
        summary["next"] = (
            "call transfer_call with transfer_to now: the caller hears the tone and records "
            "their message, and the call ends by itself"
        )
    return summary


async def transfer_to_department(
    tools: ReceptionistTools, department: Department, caller_name: str, reason: str
) -> str:
    d, state = tools.deps, tools.deps.state
    d.record("tool_call", tool="transfer_call", department_id=department.id)
    state.other_requested = True
    route = department_route(d.directory, department, d.clock.now(), d.reachability)
    refusal = _refusal(tools, route)
    if refusal is None and route.kind is RouteKind.VOICEMAIL and d.voicemail is not None:
        name = " ".join(str(caller_name).split())[:MAX_NAME_LENGTH]  # may be empty
        return await take_voicemail(tools, department, name, d.voicemail)
    if refusal is not None:
        d.record("decision", decision="refused", why=refusal, department_id=department.id)
        return tools._out("transfer_call", {"status": "refused", "reason": refusal,
                                            "offer_message": refusal != "emergency",
                                            "note": route.caller_message})  # fmt: skip
    caller_name = text_arg(caller_name, "caller_name", MAX_NAME_LENGTH)
    reason = text_arg(reason, "reason", MAX_REASON_CHARS)
    if route.kind is RouteKind.FRONT_CONTACT:
        front = d.directory.front_contact(department.id)
        if front is None:
            return tools._out("transfer_call", {"status": "refused", "reason": "no_members",
                                                "offer_message": True})  # fmt: skip
        # Every guardrail for one employee applies (availability, hours, attempts).
        return await tools.transfer_call(front.id, caller_name, reason)
    if route.kind is RouteKind.ON_CALL:
        assert route.on_call is not None  # ON_CALL always names the person
        d.record("decision", decision="on_call", department_id=department.id,
                 employee_id=route.on_call.id)  # fmt: skip
        if not state.ledger.allows(route.on_call.id):
            return tools._out("transfer_call", {"status": "refused", "reason": "attempt_limit",
                                                "offer_message": True})  # fmt: skip
        return await tools.dial_employee(route.on_call, caller_name, reason)
    assert route.plan is not None  # RING_GROUP always has its plan
    return await _ring(tools, department, route.plan, caller_name, reason)


def _refusal(tools: ReceptionistTools, route: DepartmentRoute) -> str | None:
    state = tools.deps.state
    if state.emergency:
        return "emergency"
    if state.transferred_to:
        return "already_transferred"
    if route.kind is RouteKind.VOICEMAIL and tools.deps.voicemail is None:
        return "after_hours_voicemail"  # no recorder on this line: a message by conversation
    if route.kind is RouteKind.MESSAGE:
        return "nobody_available" if route.plan is not None else "company_closed"
    return None


async def _ring(
    tools: ReceptionistTools, department: Department, plan: RingPlan, name: str, why: str
) -> str:
    d, state = tools.deps, tools.deps.state
    members = tuple(m for m in plan.ringing if state.ledger.allows(m.id))
    if not members:
        return tools._out("transfer_call", {"status": "refused", "reason": "attempt_limit",
                                            "offer_message": True})  # fmt: skip
    if d.groups is None or len(members) == 1:
        return await tools.dial_employee(members[0], name, why)  # one leg is a plain transfer
    for member in members:
        d.record("attempt", employee_id=member.id, attempt=state.ledger.record(member.id),
                 ring_group=department.id)  # fmt: skip
    d.record("ring_group", department_id=department.id, strategy=plan.group.strategy.value,
             members=[m.id for m in members], skipped=[m.id for m, _ in plan.skipped])  # fmt: skip
    state.transfer_in_progress = True
    outcome = await d.groups.ring_group(
        d.call, department, RingPlan(plan.group, members, plan.skipped),
        caller_name=name, reason=why,
    )  # fmt: skip
    state.transfer_in_progress = False
    for leg in outcome.legs:
        d.record("transfer_attempt", employee=leg.employee_id, result=leg.outcome.value,
                 sip_status=leg.sip_status, detail=leg.detail, ring_group=department.id)  # fmt: skip
    result = outcome.result
    if result.outcome is TransferOutcome.CALLER_HUNG_UP:
        state.caller_left_during_transfer = True
    if result.outcome is TransferOutcome.CONNECTED:
        state.transferred_to = result.employee_id
        winner = d.directory.employee(result.employee_id)
        return tools._out("transfer_call", {"status": "connected",
                                            "name": winner.name if winner else department.name})  # fmt: skip
    return tools._out("transfer_call", {"status": "not_connected", "name": department.name,
                                        "outcome": result.outcome.value, "offer_message": True})  # fmt: skip
