"""A name shared by more people than a caller can follow: the tool output names none of them
(`MAX_OFFERED`), says how many there are and in which departments, and the offline brain asks
for the department instead of reading out a list."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.support.calls import (
    CALL,
    DIRECTORY,
    OPEN_AT,
    FakeCallControl,
    FakeMessageDesk,
    FakeRecorder,
)
from tests.support.clocks import ManualClock

from switchboard.adapters.brain.offline.dialogue import Dialogue
from switchboard.adapters.brain.offline.state import Asking
from switchboard.domain.availability import reachability
from switchboard.domain.directory import Employee
from switchboard.domain.resolution import MAX_OFFERED, Resolver
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.tools import ReceptionistTools

SAMS = tuple(
    Employee(f"sam-{s.lower()}", f"Sam {s}", f"+1312555020{i}", department=d)
    for i, (s, d) in enumerate(
        [("Ng", "sales"), ("Ode", "eng"), ("Park", "sales"), ("Quist", "support"), ("Roe", "eng")]
    )
)


def tools(extra: tuple[Employee, ...]) -> ReceptionistTools:
    directory = replace(DIRECTORY, employees=DIRECTORY.employees + extra)
    deps = ReceptionistDeps(
        directory=directory, resolver=Resolver.build(directory), reachability=reachability,
        clock=ManualClock(OPEN_AT, sleep_moves=False), calls=FakeCallControl(), messages=FakeMessageDesk(),
        recorder=FakeRecorder(), call=CALL,
    )  # fmt: skip
    return ReceptionistTools(deps)


async def test_a_widely_shared_name_names_nobody_and_asks_for_the_department() -> None:
    out = json.loads(await tools(SAMS).find_employee("Sam"))
    assert out["status"] == "ambiguous"
    assert out["candidates"] == []
    assert out["count"] == len(SAMS) > MAX_OFFERED
    assert out["departments"] == ["Sales", "Engineering", "Support"]
    assert "department" in out["next"]


async def test_a_name_shared_by_a_few_lists_each_of_them() -> None:
    out = json.loads(await tools(SAMS[:MAX_OFFERED]).find_employee("Sam"))
    assert [c["id"] for c in out["candidates"]] == [e.id for e in SAMS[:MAX_OFFERED]]
    assert "count" not in out


async def test_the_name_with_a_department_narrows_to_someone_offerable() -> None:
    out = json.loads(await tools(SAMS).find_employee("Sam in Engineering"))
    assert {c["id"] for c in out["candidates"]} == {"sam-ode", "sam-roe"}


def test_the_offline_brain_asks_for_the_department_and_names_nobody() -> None:
    d = Dialogue(company_name="Acme", info={}, hours="9 to 5", caller_number="+16125550177")
    d.on_caller("Can I talk to Sam?")
    output = json.dumps(
        {"status": "ambiguous", "candidates": [], "count": 5, "departments": ["Sales", "Eng"]}
    )
    reply = d.on_tool("find_employee", output, False)
    assert "5 people called Sam" in reply.text
    assert "department" in reply.text
    assert not any(s in reply.text for s in ("Ng", "Ode", "Park"))
    assert d.state.asking is Asking.TARGET
