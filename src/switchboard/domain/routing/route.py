"""Where a call for a department goes right now: its ring group, the on-call person, voicemail,
a message, or (with no routing configured) its front contact as before. Pure.

"Now" is the department's hours: its own when it has some, else the company's (holidays close it
either way). A department with its own hours speaks of itself when closed ("Sales is closed right
now; back tomorrow at 9 AM"), one without speaks for the company ("We're closed right now").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from switchboard.domain.availability import (
    Reachability,
    ReachabilityReason,
    closed_until,
    department_profile,
    reachability,
)
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
)
from switchboard.domain.routing.config import AfterHoursAction
from switchboard.domain.routing.on_call import after_hours_action, on_call_person
from switchboard.domain.routing.ring_group import ReachabilityRule, RingPlan, ring_plan


class RouteKind(StrEnum):
    FRONT_CONTACT = "front_contact"  # no routing configured: the first listed member, as before
    RING_GROUP = "ring_group"
    ON_CALL = "on_call"
    VOICEMAIL = "voicemail"  # closed: no transfer; the caller's words are kept as a message
    MESSAGE = "message"  # closed, or nobody in the group can be dialled: offer a message


@dataclass(frozen=True, slots=True)
class DepartmentRoute:
    kind: RouteKind
    plan: RingPlan | None = None
    on_call: Employee | None = None
    caller_message: str = ""  # safe to say: never a number or an address

    @property
    def dials(self) -> bool:
        return self.kind in (RouteKind.RING_GROUP, RouteKind.ON_CALL)


def department_route(
    directory: Directory,
    department: Department,
    at: datetime,
    rule: ReachabilityRule = reachability,
) -> DepartmentRoute:
    """The route for a call to `department` at `at`. `rule` is availability (for ring members)."""
    action = after_hours_action(department, directory.company, at)
    name = department.name
    if action is None:
        if department.ring is None:
            return DepartmentRoute(RouteKind.FRONT_CONTACT)
        plan = ring_plan(directory, department, at, rule)
        if plan.empty:
            return DepartmentRoute(
                RouteKind.MESSAGE, plan,
                caller_message=f"Nobody in {name} can take a call right now. I can take a message.",
            )  # fmt: skip
        return DepartmentRoute(RouteKind.RING_GROUP, plan, caller_message=f"Let me try {name}.")
    if department.hours is None:
        closed = f"We're closed right now. I can take a message for {name}."
        leave = f"We're closed right now. Please leave a message for {name}."
        on_call = f"We're closed, but someone from {name} is on call. Let me try them."
    else:
        back = closed_until(department_profile(directory.company, department), at)
        closed = f"{name} is closed right now{back}. I can take a message."
        leave = f"{name} is closed right now{back}. Please leave a message."
        on_call = f"{name} is closed right now, but someone is on call. Let me try them."
    if action is AfterHoursAction.VOICEMAIL:
        return DepartmentRoute(RouteKind.VOICEMAIL, caller_message=leave)
    if action is AfterHoursAction.ON_CALL:
        person = on_call_person(directory, department, at)
        if person is not None and on_call_reachable(person, directory.company, at).reachable:
            return DepartmentRoute(RouteKind.ON_CALL, on_call=person, caller_message=on_call)
    if (
        department.ring is None
        and action is AfterHoursAction.MESSAGE
        and department.after_hours is None
    ):
        return DepartmentRoute(RouteKind.FRONT_CONTACT)  # today's behaviour, unchanged
    return DepartmentRoute(RouteKind.MESSAGE, caller_message=closed)


def on_call_reachable(employee: Employee, company: CompanyProfile, at: datetime) -> Reachability:
    """The on-call person may be dialled outside hours and on holidays (that is what on call
    means), but not while they are marked out of office or do-not-disturb."""
    if employee.status is EmployeeStatus.OUT_OF_OFFICE:
        return Reachability(False, ReachabilityReason.OUT_OF_OFFICE, "")
    if employee.status is EmployeeStatus.DND:
        return Reachability(False, ReachabilityReason.DND, "")
    return Reachability(True, ReachabilityReason.AVAILABLE, "")
