"""In-memory fakes of the call ports and a demo directory for the receptionist tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from switchboard.domain.availability import describe_hours, reachability
from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.resolution import Resolver
from switchboard.ports.calls import MessageReceipt, MessageRequest
from tests.support.clocks import ManualClock

_DAY = (TimeRange(time(9), time(17)),)
HOURS = WeeklyHours(days=(_DAY,) * 5 + ((), ()))
OPEN_AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Chicago
CLOSED_AT = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 21:00 the evening before in Chicago
HOLIDAY = date(2026, 11, 26)

DIRECTORY = Directory(
    company=CompanyProfile(
        name="Acme Widgets",
        timezone="America/Chicago",
        hours=HOURS,
        holidays=(HOLIDAY,),
        greeting="Thank you for calling Acme Widgets. How can I help you?",
        info={"address": "1 Main Street, Chicago", "website": "acme.example", "fax": "+1 312 555 0199"},
    ),
    departments=(
        Department("sales", "Sales", ("purchasing",)),
        Department("eng", "Engineering"),
        Department("support", "Support", ("help desk",)),
    ),
    employees=(
        Employee("ann", "Ann Lee", "+13125550101", title="Account Manager", department="sales",
                 email="ann.lee@acme.example", sms="+13125550112"),
        Employee("bob", "Bob Smith", "+13125550102", title="Engineer", department="eng",
                 email="bob@acme.example"),
        Employee("chris-y", "Chris Young", "+13125550103", department="sales"),
        Employee("chris-h", "Chris Hall", "+13125550104", department="eng"),
        Employee("dan", "Dan Roe", "+13125550105", department="support", status=EmployeeStatus.DND),
        Employee("eve", "Eve Park", "+13125550106", department="support",
                 status=EmployeeStatus.OUT_OF_OFFICE),
    ),
)  # fmt: skip
HOURS_TEXT = describe_hours(DIRECTORY.company)
CALL = CallContext(
    call_id="call-1", room_name="room-1", caller_identity="sip_caller", caller_number="+16125550177"
)


@dataclass
class FakeCallControl:
    """Answers transfers from a script: employee id → outcomes in order (default connected)."""

    script: dict[str, list[TransferOutcome]] = field(default_factory=dict)
    dialled: list[str] = field(default_factory=list)
    hung_up: int = 0

    async def warm_transfer(
        self, call: CallContext, employee: Employee, *, caller_name: str, reason: str
    ) -> TransferResult:
        self.dialled.append(employee.phone)
        outcomes = self.script.get(employee.id) or [TransferOutcome.CONNECTED]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        return TransferResult(outcome=outcome, employee_id=employee.id)

    async def hang_up(self, call: CallContext) -> None:
        self.hung_up += 1


@dataclass
class FakeMessageDesk:
    taken: list[MessageRequest] = field(default_factory=list)

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        self.taken.append(request)
        return MessageReceipt(message_id=f"msg-{len(self.taken)}", channels=("email",))


@dataclass
class FakeRecorder:
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(self, kind: str, /, **data: Any) -> None:
        self.events.append((kind, data))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


# --- a receptionist on a real AgentSession with no room ------------------------------------------


@dataclass
class Harness:
    deps: Any
    calls: FakeCallControl
    messages: FakeMessageDesk
    recorder: FakeRecorder
    session: Any


@asynccontextmanager
async def receptionist(
    brain: Any = None,
    *,
    now: datetime = OPEN_AT,
    script: dict[str, list[TransferOutcome]] | None = None,
    caller_number: str | None = CALL.caller_number,
) -> AsyncIterator[Harness]:
    """A started `SwitchboardAgent` with fakes behind its ports; `brain` defaults to offline."""
    from livekit.agents import AgentSession

    from switchboard.adapters.brain.offline import OfflineBrain
    from switchboard.services.receptionist.agent import SwitchboardAgent
    from switchboard.services.receptionist.deps import ReceptionistDeps

    call = CallContext("call-1", "room-1", "sip_caller", caller_number=caller_number)
    h = Harness(None, FakeCallControl(script or {}), FakeMessageDesk(), FakeRecorder(), None)
    h.deps = ReceptionistDeps(
        directory=DIRECTORY, resolver=Resolver.build(DIRECTORY), reachability=reachability,
        clock=ManualClock(now, sleep_moves=False), calls=h.calls, messages=h.messages, recorder=h.recorder, call=call,
    )  # fmt: skip
    brain = brain or OfflineBrain(DIRECTORY.company, hours=HOURS_TEXT, caller_number=caller_number)
    async with brain, AgentSession(llm=brain) as session:
        h.session = session
        await session.start(SwitchboardAgent(h.deps, hours=HOURS_TEXT))
        yield h


def agent_lines(result: Any) -> list[str]:
    """What the agent said in one run."""
    return [
        e.item.text_content
        for e in result.events
        if e.type == "message" and e.item.role == "assistant"
    ]


def tool_calls(result: Any) -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.item.name, json.loads(e.item.arguments))
        for e in result.events
        if e.type == "function_call"
    ]


def tool_outputs(result: Any) -> list[tuple[str, str, bool]]:
    return [
        (e.item.name, e.item.output, e.item.is_error)
        for e in result.events
        if e.type == "function_call_output"
    ]
