"""Department hours on a call: the tools judge a department's people by its hours, a closed
department's refusal says so, and both brains are told a department's own hours (the prompt for
hosted models, the offline brain's answers)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from tests.support.calls import FakeCallControl, FakeMessageDesk, FakeRecorder
from tests.support.clocks import ManualClock

from switchboard.adapters.brain.offline.company import department_hours, email_format, front_desk
from switchboard.adapters.brain.offline.dialogue import Dialogue
from switchboard.adapters.brain.offline.state import Target
from switchboard.adapters.directory_file import read_directory_file
from switchboard.domain.availability import describe_hours, reachability
from switchboard.domain.calls import CallContext
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.resolution import Resolver
from switchboard.domain.routing.config import AfterHours, AfterHoursAction, OnCallRota
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.instructions import build_instructions
from switchboard.services.receptionist.tools import ReceptionistTools

NINE_TO_FIVE = WeeklyHours(((TimeRange(time(9), time(17)),),) * 5 + ((), ()))
SEVEN_TO_TEN = WeeklyHours(((TimeRange(time(7), time(22)),),) * 7)
NINE_TO_THREE = WeeklyHours(((TimeRange(time(9), time(15)),),) * 5 + ((), ()))
COMPANY = CompanyProfile("Acme", "America/Chicago", NINE_TO_FIVE, holidays=(date(2026, 11, 26),))
SUPPORT = Department("support", "Support", aliases=("help desk",), hours=SEVEN_TO_TEN)
SALES = Department(
    "sales", "Sales", hours=NINE_TO_THREE, after_hours=AfterHours(AfterHoursAction.VOICEMAIL)
)
MARKETING = Department("marketing", "Marketing", hours=NINE_TO_THREE)  # no routing
BILLING = Department(
    "billing", "Billing",
    after_hours=AfterHours(AfterHoursAction.MESSAGE,
                           OnCallRota(people=("bea",), starts=date(2026, 11, 23))),
)  # fmt: skip
PAT = Employee("pat", "Pat Moss", "+13125550121", department="support")
CHRIS = Employee("chris", "Chris Young", "+13125550111", department="sales")
MIA = Employee("mia", "Mia Lund", "+13125550131", department="marketing")
BEA = Employee("bea", "Bea Kent", "+13125550116", department="billing")
DIRECTORY = Directory(COMPANY, (SUPPORT, SALES, MARKETING, BILLING), (PAT, CHRIS, MIA, BEA))
TUE_2100 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # the company closed, Support open
TUE_1600 = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # the company open, Sales closed
THANKSGIVING_1000 = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def tools(now: datetime) -> tuple[ReceptionistTools, FakeCallControl]:
    calls = FakeCallControl()
    deps = ReceptionistDeps(
        directory=DIRECTORY,
        resolver=Resolver.build(DIRECTORY),
        reachability=reachability,
        clock=ManualClock(now, sleep_moves=False),
        calls=calls,
        messages=FakeMessageDesk(),
        recorder=FakeRecorder(),
        call=CallContext("c1", "room-1", "caller", "+16125550177"),
    )
    return ReceptionistTools(deps), calls


async def test_a_support_engineer_is_put_through_after_company_hours() -> None:
    t, calls = tools(TUE_2100)
    found = json.loads(await t.find_employee("Pat Moss"))
    assert found["candidates"][0]["available"] is True
    out = json.loads(await t.transfer_call("pat", "Dana", "printer"))
    assert out["status"] == "connected"
    assert calls.dialled == [PAT.phone]


async def test_a_support_engineer_is_not_dialled_on_a_holiday() -> None:
    t, calls = tools(THANKSGIVING_1000)
    out = json.loads(await t.transfer_call("pat", "Dana", "printer"))
    assert (out["status"], out["reason"]) == ("refused", "holiday")
    assert calls.dialled == []


async def test_a_salesperson_is_not_dialled_once_sales_has_closed() -> None:
    t, calls = tools(TUE_1600)
    found = json.loads(await t.find_employee("Chris Young"))
    person = found["candidates"][0]
    assert person["available"] is False
    assert person["availability_note"] == (
        "Chris isn't in right now; back tomorrow at 9 AM. I can take a message."
    )
    out = json.loads(await t.transfer_call("chris", "Dana", "a quote"))
    assert (out["status"], out["reason"]) == ("refused", "outside_own_hours")
    assert calls.dialled == []


async def test_a_closed_department_takes_its_after_hours_action_in_company_hours() -> None:
    t, calls = tools(TUE_1600)
    route = json.loads(await t.find_employee("sales"))["route"]
    assert route == {
        "transfer_to": "sales",
        "kind": "voicemail",
        "available": False,
        "availability_note": "Sales is closed right now; back tomorrow at 9 AM. Please leave a message.",
    }
    out = json.loads(await t.transfer_call("sales", "Dana", "a quote"))
    assert (out["status"], out["reason"]) == ("refused", "after_hours_voicemail")
    # A department without routing goes to its front contact, who works its hours.
    out = json.loads(await t.transfer_call("marketing", "Dana", "a flyer"))
    assert (out["status"], out["reason"]) == ("refused", "outside_own_hours")
    assert calls.dialled == []


async def test_a_department_open_after_company_hours_puts_the_caller_through() -> None:
    t, calls = tools(TUE_2100)
    found = json.loads(await t.find_employee("help desk"))
    assert "route" not in found  # no routing: its front contact, who is available
    assert found["front_contact"]["available"] is True
    out = json.loads(await t.transfer_call("support", "Dana", "printer"))
    assert out["status"] == "connected"
    assert calls.dialled == [PAT.phone]


def test_the_prompt_gives_each_departments_own_hours() -> None:
    text = build_instructions(DIRECTORY, hours=describe_hours(COMPANY))
    assert "Hours: Monday to Friday, 9 AM to 5 PM; closed Saturday and Sunday" in text
    assert (
        "Departments with their own hours (the others keep the company's): "
        "Support: open every day, 7 AM to 10 PM; "
        "Sales: Monday to Friday, 9 AM to 3 PM; closed Saturday and Sunday; "
        "Marketing: Monday to Friday, 9 AM to 3 PM; closed Saturday and Sunday"
    ) in text
    plain = Directory(COMPANY, (BILLING,), (BEA,))
    assert "own hours" not in build_instructions(plain)


def offline(directory: Directory) -> Dialogue:
    d = Dialogue(company_name="Acme", hours=describe_hours(directory.company))
    resolver = Resolver.build(directory)
    d.use_directory(
        resolver, email_format(directory), front_desk(directory), department_hours(directory)
    )
    return d


def test_the_offline_brain_answers_a_departments_own_hours() -> None:
    reply = offline(DIRECTORY).on_caller("What time does the help desk close?")
    assert reply.text.startswith("Support keeps its own hours: open every day, 7 AM to 10 PM.")
    reply = offline(DIRECTORY).on_caller("What are your hours?")
    assert reply.text.startswith("Our hours are Monday to Friday, 9 AM to 5 PM")
    # Billing keeps the company's hours: asked about it, the company's are given.
    reply = offline(DIRECTORY).on_caller("What are the hours for billing?")
    assert reply.text.startswith("Our hours are Monday to Friday, 9 AM to 5 PM")


def test_asked_while_routed_to_a_department_the_offline_brain_gives_its_hours() -> None:
    d = offline(DIRECTORY)
    d.state.target = Target("sales", "Sales", department="Sales", department_id="sales")
    reply = d.on_caller("When do you close?")
    assert "Sales keeps its own hours: Monday to Friday, 9 AM to 3 PM" in reply.text


def test_the_scenario_directory_tells_the_offline_brain_of_two_departments() -> None:
    path = Path(__file__).parents[1] / "scenarios" / "depthours-directory.yaml"
    spoken = department_hours(read_directory_file(path).directory)
    assert [(d.id, d.words, d.hours) for d in spoken] == [
        ("support", ("support", "tech support", "help desk"), "open every day, 7 AM to 10 PM"),
        ("sales", ("sales", "new orders", "quotes"),
         "Monday to Friday, 9 AM to 3 PM; closed Saturday and Sunday"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("Is support open?", "Support keeps its own hours: open every day"),
        ("is the help desk open right now", "Support keeps its own hours: open every day"),
        (
            "Is sales closed on Saturday?",
            "Sales keeps its own hours: Monday to Friday, 9 AM to 3 PM",
        ),
        ("Is the office open?", "Our hours are Monday to Friday, 9 AM to 5 PM"),
    ],
)
def test_is_it_open_is_a_question_about_hours(asked: str, answer: str) -> None:
    reply = offline(DIRECTORY).on_caller(asked)
    assert reply.tool is None
    assert reply.text.startswith(answer)


@pytest.mark.parametrize(
    "asked", ["Is the sales position still open?", "Is my ticket still open?", "Is my case closed?"]
)
def test_an_open_job_or_ticket_is_not_a_question_about_hours(asked: str) -> None:
    reply = offline(DIRECTORY).on_caller(asked)
    assert "hours" not in reply.text
