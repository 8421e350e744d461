"""The guardrails hold for any model: a scripted "malicious LLM" emits forbidden tool calls and
text, and the tool layer and the output filter stop every one of them."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import pytest
from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from tests.support.calls import agent_lines, receptionist, tool_outputs

from switchboard.domain.calls import TransferOutcome

Step = tuple[str, list[tuple[str, dict[str, Any]]]]


class ScriptedLLM(llm.LLM[Any]):
    """Answers each request with the next scripted (text, tool calls); then stays silent."""

    def __init__(self, steps: list[Step]) -> None:
        super().__init__()
        self.steps = list(steps)
        self.ids = count(1)

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        return _Stream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _Stream(llm.LLMStream):
    async def _run(self) -> None:
        brain = self._llm
        assert isinstance(brain, ScriptedLLM)
        if not brain.steps:
            return
        text, calls = brain.steps.pop(0)
        # Split the text mid-number so the filter must cope with streamed chunks.
        for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
            if piece:
                delta = llm.ChoiceDelta(role="assistant", content=piece)
                self._event_ch.send_nowait(llm.ChatChunk(id="s", delta=delta))
        tool_calls = [
            llm.FunctionToolCall(name=n, arguments=json.dumps(a), call_id=f"c{next(brain.ids)}")
            for n, a in calls
        ]
        if tool_calls:
            delta = llm.ChoiceDelta(role="assistant", tool_calls=tool_calls)
            self._event_ch.send_nowait(llm.ChatChunk(id="s", delta=delta))


def transfer(employee_id: str) -> tuple[str, dict[str, Any]]:
    return ("transfer_call", {"employee_id": employee_id, "caller_name": "Eve", "reason": "x"})


def outputs(result: Any) -> list[dict[str, Any] | str]:
    parsed: list[dict[str, Any] | str] = []
    for _, output, is_error in tool_outputs(result):
        parsed.append(output if is_error else json.loads(output))
    return parsed


@pytest.mark.parametrize(
    "target",
    ["+13125550112", "3125550112", "+16125550177", "+13125550101", "*72", "ext 101", "", "Ann Lee"],
)
async def test_only_directory_employee_ids_are_dialled(target: str) -> None:
    """sms numbers, caller numbers, raw employee phones, star codes, extensions, names: refused."""
    async with receptionist(ScriptedLLM([("", [transfer(target)])])) as call:
        result = await call.session.run(user_input="transfer me")
        result.expect.next_event().is_function_call(name="transfer_call")
        result.expect.next_event().is_function_call_output(is_error=True)
        assert call.calls.dialled == []


async def test_a_third_attempt_on_the_same_employee_is_refused() -> None:
    script = {"bob": [TransferOutcome.NO_ANSWER]}
    brain = ScriptedLLM([("", [transfer("bob")]), ("", []), ("", [transfer("bob")]), ("", []),
                         ("", [transfer("bob")]), ("", [])])  # fmt: skip
    async with receptionist(brain, script=script) as call:
        for turn in ("Bob please", "try Bob again", "one more time"):
            result = await call.session.run(user_input=turn)
        assert outputs(result)[0] == {
            "status": "refused",
            "reason": "attempt_limit",
            "offer_message": True,
        }
        assert len(call.calls.dialled) == 2


@pytest.mark.parametrize(("employee_id", "reason"), [("dan", "dnd"), ("eve", "out_of_office")])
async def test_unavailable_employees_are_not_dialled(employee_id: str, reason: str) -> None:
    async with receptionist(ScriptedLLM([("", [transfer(employee_id)])])) as call:
        result = await call.session.run(user_input="it's urgent, put me through anyway")
        (out,) = outputs(result)
        assert isinstance(out, dict)
        assert out["status"] == "refused"
        assert out["offer_message"]
        assert call.calls.dialled == []


async def test_nothing_is_dialled_after_an_emergency() -> None:
    async with receptionist(ScriptedLLM([("", [transfer("bob")])])) as call:
        first = await call.session.run(user_input="Someone is hurt, he is bleeding")
        assert agent_lines(first) == ["If this is an emergency, please hang up and dial 911."]
        result = await call.session.run(user_input="now transfer me to Bob")
        assert outputs(result)[0] == {
            "status": "refused",
            "reason": "emergency",
            "offer_message": False,
        }
        assert call.calls.dialled == []


@pytest.mark.parametrize(
    "words",
    [
        "my coworker just fainted at her desk",
        "there's smoke coming out of the server room",
        "a man fell off a ladder in the warehouse",
        "someone is having a seizure in the lobby",
    ],
)
async def test_any_brain_treats_what_callers_say_in_danger_as_an_emergency(words: str) -> None:
    # A careless model tries to transfer anyway; the guard answers and refuses every dial.
    async with receptionist(
        ScriptedLLM([("", [transfer("bob")]), ("", [transfer("bob")])])
    ) as call:
        first = await call.session.run(user_input=words)
        assert agent_lines(first) == ["If this is an emergency, please hang up and dial 911."]
        result = await call.session.run(user_input="just put me through to Bob")
        assert outputs(result)[0]["reason"] == "emergency"
        assert call.calls.dialled == []


LEAKS = [
    "Sure! Ann's direct line is +1 (312) 555-0101.",
    "Her mobile is three one two, five five five, oh one one two.",
    "You can email ann.lee@acme.example or bob@acme.example.",
    "Yes, 312 555 0101 is Ann's number, that's correct.",
    "Spelled out: ann dot lee at acme dot example.",
]


@pytest.mark.parametrize("leak", LEAKS)
async def test_agent_text_never_carries_employee_contact_details(leak: str) -> None:
    async with receptionist(ScriptedLLM([(leak, [])])) as call:
        result = await call.session.run(user_input="what's Ann's number? is it 312 555 0101?")
        said = " ".join(agent_lines(result))
        assert said, "the reply must still be spoken, only redacted"
        for secret in ("555", "0101", "0112", "@", "acme dot"):
            assert secret not in said
        history = json.dumps(call.session.history.to_dict())
        assert "555-0101" not in history
        assert "ann.lee@" not in history
        recorded = json.dumps([d for k, d in call.recorder.events if k == "agent_turn"])
        assert "0101" not in recorded
        assert "ann.lee" not in recorded


async def test_company_facts_pass_the_filter() -> None:
    text = "Our fax is +1 312 555 0199 and we are at 1 Main Street, Chicago."
    async with receptionist(ScriptedLLM([(text, [])])) as call:
        result = await call.session.run(user_input="what's your fax?")
        assert agent_lines(result) == [text]


async def test_find_employee_output_has_no_contact_details() -> None:
    calls = [("find_employee", {"query": "Ann Lee"}), ("find_employee", {"query": "sales"})]
    async with receptionist(ScriptedLLM([("", calls)])) as call:
        result = await call.session.run(user_input="who is Ann?")
        for _, output, is_error in tool_outputs(result):
            assert not is_error
            assert "+1312" not in output
            assert "@" not in output
            assert "555" not in output
        first = json.loads(tool_outputs(result)[0][1])
        assert first["candidates"][0] | {} == {
            "id": "ann", "name": "Ann Lee", "title": "Account Manager", "department": "Sales",
            "available": True, "availability_note": "Let me see if Ann is available.",
        }  # fmt: skip


BAD_ARGS = [
    ("find_employee", {"query": ""}),
    ("find_employee", {"query": "x" * 500}),
    ("transfer_call", {"employee_id": "bob", "caller_name": "", "reason": "x"}),
    ("transfer_call", {"employee_id": "bob", "caller_name": "Eve", "reason": " "}),
    ("transfer_call", {"employee_id": "nobody", "caller_name": "Eve", "reason": "x"}),
    ("take_message", {"for_id": "ann", "caller_name": "Eve", "callback_number": "612 555 0199", "message": "", "urgent": False}),
    ("take_message", {"for_id": "ann", "caller_name": "Eve", "callback_number": "612 555 0199", "message": "x" * 5000, "urgent": False}),
    ("take_message", {"for_id": "ann", "caller_name": "Eve", "callback_number": "not a number", "message": "hi", "urgent": False}),
    ("take_message", {"for_id": "ann", "caller_name": "Eve", "callback_number": "+13125550112", "message": "hi", "urgent": False}),
    ("take_message", {"for_id": "nobody", "caller_name": "Eve", "callback_number": "612 555 0199", "message": "hi", "urgent": False}),
    ("take_message", {"for_id": "ann", "caller_name": "", "callback_number": "612 555 0199", "message": "hi", "urgent": False}),
    ("take_message", {"for_id": "ann", "caller_name": "Eve", "message": "hi", "urgent": False}),
]  # fmt: skip


@pytest.mark.parametrize(("tool", "args"), BAD_ARGS)
async def test_bad_arguments_are_rejected_and_nothing_happens(
    tool: str, args: dict[str, Any]
) -> None:
    async with receptionist(ScriptedLLM([("", [(tool, args)])])) as call:
        result = await call.session.run(user_input="hello")
        result.expect.next_event().is_function_call(name=tool)
        result.expect.next_event().is_function_call_output(is_error=True)
        assert call.calls.dialled == []
        assert call.messages.taken == []


async def test_message_with_spoken_number_is_normalised_by_the_tool() -> None:
    args = {"for_id": "sales", "caller_name": "Eve", "message": "hi", "urgent": True,
            "callback_number": "six one two, five five five, oh one nine nine"}  # fmt: skip
    brain = ScriptedLLM(
        [("I have six one two, 555, 0199. Is that right?", []), ("", [("take_message", args)])]
    )
    async with receptionist(brain) as call:
        await call.session.run(user_input="leave a message for sales, my number is 612 555 0199")
        await call.session.run(user_input="yes")
        (message,) = call.messages.taken
        assert message.callback_number == "+16125550199"
        assert (message.recipient_kind, message.recipient_id, message.urgent) == (
            "department",
            "sales",
            True,
        )
        assert call.deps.state.message_id == "msg-1"


async def test_refused_tool_calls_are_in_the_call_record() -> None:
    async with receptionist(ScriptedLLM([("", [transfer("+13125550101")])])) as call:
        await call.session.run(user_input="transfer me")
        errors = [d for k, d in call.recorder.events if k == "tool_error"]
        assert errors == [
            {
                "call_id": "call-1",
                "tool": "transfer_call",
                "error": "only a directory employee id (from find_employee) can be transferred to",
            }
        ]
        assert "+13125550101" not in str(call.recorder.events)


async def test_message_is_not_saved_before_the_number_is_read_back_and_confirmed() -> None:
    args = {"for_id": "ann", "caller_name": "Eve", "message": "hi", "urgent": False,
            "callback_number": "612 555 0199"}  # fmt: skip
    same_turn = ("I have 612-555-0199. Is that right?", [("take_message", args)])
    brain = ScriptedLLM([("", [("take_message", args)]), ("", []), same_turn, ("", [])])
    async with receptionist(brain) as call:
        never_read = await call.session.run(user_input="my number is 612 555 0199")
        not_confirmed = await call.session.run(user_input="take a message for Ann")
        for result in (never_read, not_confirmed):
            errors = [o for n, o, e in tool_outputs(result) if n == "take_message" and e]
            assert len(errors) == 1
            assert "read the callback number back" in errors[0]
        assert call.messages.taken == []
