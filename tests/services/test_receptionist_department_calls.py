"""transfer_call with a department id: the same guardrails as for one employee (only directory
phones, two attempts each, nothing after an emergency, no number in any output)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from tests.support.calls import FakeCallControl, FakeMessageDesk, FakeRecorder
from tests.support.clocks import ManualClock

from switchboard.domain.availability import reachability
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
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    RingGroup,
)
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.tools import ReceptionistTools

HOURS = WeeklyHours(((TimeRange(time(9), time(17)),),) * 5 + ((), ()))
COMPANY = CompanyProfile("Acme", "America/Chicago", HOURS)
ANN = Employee("ann", "Ann Lee", "+13125550101", department="it", sms="+17735550101")
BO = Employee("bo", "Bo Chen", "+13125550102", department="it", status=EmployeeStatus.DND)
CY = Employee("cy", "Cy Diaz", "+13125550103", department="it")
IT = Department(
    "it", "IT", aliases=("help desk",), ring=RingGroup(),
    after_hours=AfterHours(AfterHoursAction.ON_CALL,
                           OnCallRota(people=("cy",), starts=date(2026, 11, 23))),
)  # fmt: skip
DIRECTORY = Directory(COMPANY, (IT,), (ANN, BO, CY))
OPEN = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
CLOSED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
NUMBERS = ("3125550101", "3125550102", "3125550103", "7735550101")


@dataclass
class FakeGroups:
    winner: str | None = "ann"
    plans: list[RingPlan] = field(default_factory=list)

    async def ring_group(
        self, call: CallContext, department: Department, plan: RingPlan, *,
        caller_name: str, reason: str,
    ) -> RingGroupOutcome:  # fmt: skip
        self.plans.append(plan)
        legs = tuple(
            TransferResult(
                TransferOutcome.CONNECTED if m.id == self.winner else TransferOutcome.NO_ANSWER,
                m.id,
            )
            for m in plan.ringing
        )
        won = next((r for r in legs if r.outcome is TransferOutcome.CONNECTED), None)
        return RingGroupOutcome(
            won or TransferResult(TransferOutcome.NO_ANSWER, department.id), legs
        )


class Tools(ReceptionistTools):
    """The tools, with typed handles on the fakes behind them."""

    def __init__(self, now: datetime, groups: FakeGroups | None) -> None:
        self.calls, self.recorder = FakeCallControl(), FakeRecorder()
        super().__init__(
            ReceptionistDeps(
                directory=DIRECTORY,
                resolver=Resolver.build(DIRECTORY),
                reachability=reachability,
                clock=ManualClock(now, sleep_moves=False),
                calls=self.calls,
                messages=FakeMessageDesk(),
                recorder=self.recorder,
                call=CallContext("c1", "room-1", "caller", "+16125550177"),
                groups=groups,
            )
        )


def tools(now: datetime = OPEN, groups: FakeGroups | None = None) -> Tools:
    return Tools(now, groups)


def no_numbers(text: str) -> None:
    assert not any(n in text for n in NUMBERS), text


async def test_find_employee_reports_the_department_route() -> None:
    t = tools()
    out = await t.find_employee("help desk")
    no_numbers(out)
    route = json.loads(out)["route"]
    assert route == {"transfer_to": "it", "kind": "ring_group", "available": True,
                     "availability_note": "Let me try IT."}  # fmt: skip


async def test_a_ring_group_rings_only_reachable_members_and_records_every_leg() -> None:
    groups = FakeGroups(winner="cy")
    t = tools(groups=groups)
    out = await t.transfer_call("it", "Dana", "printer")
    no_numbers(out)
    assert json.loads(out) == {"status": "connected", "name": "Cy Diaz"}
    assert [m.id for m in groups.plans[0].ringing] == ["ann", "cy"]  # Bo is on DND
    assert t.deps.state.transferred_to == "cy"
    legs = [d for k, d in t.recorder.events if k == "transfer_attempt"]
    assert [(d["employee"], d["result"]) for d in legs] == [
        ("ann", "no_answer"),
        ("cy", "connected"),
    ]


async def test_a_group_nobody_answers_offers_a_message_and_attempts_are_capped() -> None:
    groups = FakeGroups(winner=None)
    t = tools(groups=groups)
    for _ in range(2):
        out = json.loads(await t.transfer_call("it", "Dana", "printer"))
        assert out == {"status": "not_connected", "name": "IT", "outcome": "no_answer",
                       "offer_message": True}  # fmt: skip
    third = json.loads(await t.transfer_call("it", "Dana", "printer"))
    assert third["reason"] == "attempt_limit"
    assert len(groups.plans) == 2


async def test_after_hours_forwards_to_the_on_call_person_only() -> None:
    t = tools(CLOSED, FakeGroups())
    out = await t.transfer_call("it", "Dana", "server down")
    assert json.loads(out)["status"] == "connected"
    assert t.calls.dialled == [CY.phone]


async def test_no_dial_after_an_emergency() -> None:
    groups = FakeGroups()
    t = tools(groups=groups)
    t.deps.state.emergency = True
    out = json.loads(await t.transfer_call("it", "Dana", "fire"))
    assert out["reason"] == "emergency"
    assert out["offer_message"] is False
    assert groups.plans == []
    assert t.calls.dialled == []


async def test_without_a_ring_group_control_the_first_reachable_member_is_dialled() -> None:
    t = tools(groups=None)
    assert json.loads(await t.transfer_call("it", "Dana", "printer"))["status"] == "connected"
    assert t.calls.dialled == [ANN.phone]


async def test_a_department_without_routing_goes_to_its_front_contact_with_every_check() -> None:
    plain = Department("it", "IT")
    d = Directory(COMPANY, (plain,), (BO, ANN))  # Bo (DND) is the front contact
    t = tools()
    t.deps.directory = d
    out = json.loads(await t.transfer_call("it", "Dana", "printer"))
    assert out["status"] == "refused"
    assert out["reason"] == "dnd"
    assert t.calls.dialled == []
