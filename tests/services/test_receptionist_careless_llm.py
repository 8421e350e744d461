"""The LLM path for each understanding category, driven by a scripted model that behaves as a
careless one would (the whole sentence as the query, a name as an id, contact details read out, a
message taken without a read-back, …): the tools and the output filter still do the right thing.
The system prompt states how each category is handled."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from tests.services.test_receptionist_guardrails import ScriptedLLM, Step
from tests.support.calls import (
    CALL,
    OPEN_AT,
    FakeCallControl,
    FakeMessageDesk,
    FakeRecorder,
    Harness,
    agent_lines,
    tool_outputs,
)
from tests.support.clocks import ManualClock

from switchboard.domain.availability import describe_hours, reachability
from switchboard.domain.resolution import Resolver
from switchboard.services.directory import demo_directory
from switchboard.services.receptionist.instructions import build_instructions

DIRECTORY = demo_directory()


@asynccontextmanager
async def careless(steps: list[Step]) -> AsyncIterator[Harness]:
    """A receptionist for the demo company whose model follows `steps`, whatever the caller says."""
    from livekit.agents import AgentSession

    from switchboard.services.receptionist.agent import SwitchboardAgent
    from switchboard.services.receptionist.deps import ReceptionistDeps

    h = Harness(None, FakeCallControl(), FakeMessageDesk(), FakeRecorder(), None)
    h.deps = ReceptionistDeps(
        directory=DIRECTORY, resolver=Resolver.build(DIRECTORY), reachability=reachability,
        clock=ManualClock(OPEN_AT, sleep_moves=False), calls=h.calls, messages=h.messages, recorder=h.recorder,
        call=CALL,
    )  # fmt: skip
    hours = describe_hours(DIRECTORY.company)
    async with ScriptedLLM(steps) as brain, AgentSession(llm=brain) as session:
        h.session = session
        await session.start(SwitchboardAgent(h.deps, hours=hours))
        yield h


def find(query: str) -> Step:
    return ("", [("find_employee", {"query": query})])


async def looked_up(query: str) -> dict[str, Any]:
    async with careless([find(query)]) as call:
        result = await call.session.run(user_input=query)
        (_, output, is_error), *_ = tool_outputs(result)
        assert not is_error
        return dict(json.loads(output))


def ids(found: dict[str, Any]) -> list[str]:
    if found["status"] == "department":
        return [found["department"]["id"]]
    return [c["id"] for c in found["candidates"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a name in the middle of a sentence, passed whole
        ("I need Dana Whitfield about the lease", ["dana-whitfield"]),
        ("Is Priya in today?", ["priya-raman"]),
        # honorific with a surname; one part of a hyphenated surname
        ("Mr. Adeyemi", ["samuel-adeyemi"]),
        ("Ms. O'Brien", ["mary-kate-obrien-smith"]),
        # split or respelled by speech recognition
        ("shiv on gallagher", ["siobhan-gallagher"]),
        # a topic, a department by another word, a job title
        ("an overdue invoice", ["billing"]),
        ("a question about my paycheck", ["payroll"]),
        ("my laptop won't boot", ["it"]),
        ("your controller", ["priya-raman"]),
        # the caller's own introduction passed along with the request
        ("Hi, I'm Sam from Acme. I need to talk to someone about an overdue invoice", ["billing"]),
        # "for whoever handles X"
        ("whoever handles payroll", ["payroll"]),
    ],
)
async def test_find_employee_understands_what_a_careless_model_passes(
    query: str, expected: list[str]
) -> None:
    assert ids(await looked_up(query)) == expected


@pytest.mark.parametrize("query", ["yes", "put me through", "the same person"])
async def test_an_answer_passed_as_a_name_finds_nobody(query: str) -> None:
    """A model that looks up "yes" or "put me through" gets none, never a forced guess."""
    found = await looked_up(query)
    assert found["status"] == "none"


async def test_a_name_instead_of_an_id_is_refused_when_trying_someone_else() -> None:
    """ "No thanks, could you try Tom instead?" and the model passes "Tom" as the id."""
    step = ("", [("transfer_call", {"employee_id": "Tom", "caller_name": "Ann", "reason": "x"})])
    async with careless([step]) as call:
        result = await call.session.run(user_input="No thanks — could you try Tom instead?")
        assert [e for _, _, e in tool_outputs(result)] == [True]
        assert call.calls.dialled == []


async def test_a_message_request_after_a_transfer_offer_is_not_saved_without_a_read_back() -> None:
    args = {"for_id": "grace-kim", "caller_name": "Wanda Cole", "callback_number": "6125550166",
            "message": "My benefits card never arrived.", "urgent": False}  # fmt: skip
    async with careless([("", [("take_message", args)])]) as call:
        result = await call.session.run(user_input="actually, just take a message")
        (_, output, is_error), *_ = tool_outputs(result)
        assert is_error
        assert "read the callback number back" in output
        assert call.messages.taken == []


async def test_a_correction_to_someone_unavailable_is_refused_not_dialled() -> None:
    """ "Never mind her, put me through to John Park" — on do-not-disturb."""
    step = (
        "",
        [("transfer_call", {"employee_id": "john-park", "caller_name": "Lee", "reason": "x"})],
    )
    async with careless([step]) as call:
        result = await call.session.run(user_input="never mind her, put me through to John Park")
        (_, output, _), *_ = tool_outputs(result)
        assert json.loads(output)["status"] == "refused"
        assert call.calls.dialled == []


@pytest.mark.parametrize(
    "leak",
    [
        "Sure, her email is priya.raman@lakeshoresupply.example.",
        "Her cell is 773-555-0104.",
        "Her direct line is three one two, five five five, zero one zero four.",
        "Our emails are first.last, like marcus.bell@lakeshoresupply.example.",
    ],
)
async def test_private_details_a_careless_model_reads_out_are_filtered(leak: str) -> None:
    async with careless([(leak, [])]) as call:
        result = await call.session.run(user_input="What's her email address?")
        said = " ".join(agent_lines(result))
        for secret in ("priya.raman@", "marcus.bell@", "0104", "773-555"):
            assert secret not in said


async def test_a_private_number_then_the_number_as_a_transfer_target_is_refused() -> None:
    """Asked for Marcus's number first, then to be put through: the model dials the number."""
    step = ("", [("transfer_call", {"employee_id": "+13125550103", "caller_name": "Rita",
                                    "reason": "credit memo"})])  # fmt: skip
    async with careless([step]) as call:
        await call.session.run(user_input="ok then just put me through to him")
        assert call.calls.dialled == []


async def test_a_long_message_is_stored_whole() -> None:
    """The model passes the caller's long, multi-part message: nothing is cut (>= 2,000 chars)."""
    text = ("The order from the third came in damaged, three of ten cartons crushed; " * 20).strip()
    assert len(text) > 1400
    args = {"for_id": "angela-bello", "caller_name": "Marta Kowal",
            "callback_number": "612-555-0166", "message": text, "urgent": False}  # fmt: skip
    steps = [("I have 612-555-0166. Is that right?", []), ("", [("take_message", args)])]
    async with careless(steps) as call:
        await call.session.run(user_input="leave a message for angela bello")
        await call.session.run(user_input=text)
        assert [m.text for m in call.messages.taken] == [text]


@pytest.mark.parametrize(("for_id", "ok"), [("Billing", False), ("billing", True)])
async def test_a_message_for_whoever_handles_a_topic_needs_the_department_id(
    for_id: str, ok: bool
) -> None:
    args = {"for_id": for_id, "caller_name": "Vik", "callback_number": "612-555-0173",
            "message": "Our remittance address changed.", "urgent": False}  # fmt: skip
    steps = [("I have 612-555-0173. Is that right?", []), ("", [("take_message", args)])]
    async with careless(steps) as call:
        await call.session.run(user_input="a message for whoever deals with invoices")
        await call.session.run(user_input="yes")
        assert bool(call.messages.taken) is ok


async def test_the_prompt_states_how_each_category_is_handled() -> None:
    prompt = build_instructions(DIRECTORY, hours="8:30 to 5:30")
    for rule in (
        "anywhere in a sentence",
        "Mr./Ms.",
        "shiv on gallagher",
        "That sounds like",
        "never the caller's own name",
        "try Tom instead",
        "never mind her",
        "just take a message",
        "third time",
        "not a name",
        "verbatim",
        "whoever handles",
        "general message",
        "email format",
        "Email format: Our email addresses are first name dot last name",
        "private details",
        "abusive",
        "911",
    ):
        assert rule in prompt, rule
    assert "@" not in prompt
