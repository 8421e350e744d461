"""A whole call in text (no room, no audio), the instructions, and the output filter on streams."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

from livekit.agents import llm
from livekit.agents.types import FlushSentinel
from tests.support.calls import (
    CALL,
    DIRECTORY,
    OPEN_AT,
    FakeCallControl,
    FakeMessageDesk,
    FakeRecorder,
)
from tests.support.clocks import ManualClock

from switchboard.adapters.brain.offline import OfflineBrain
from switchboard.domain.availability import reachability
from switchboard.domain.calls import CallOutcome
from switchboard.domain.resolution import Resolver
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.guard import guard_stream
from switchboard.services.receptionist.instructions import build_instructions, greeting
from switchboard.services.receptionist.text_chat import run_text_conversation


def _deps() -> ReceptionistDeps:
    return ReceptionistDeps(
        directory=DIRECTORY, resolver=Resolver.build(DIRECTORY), reachability=reachability,
        clock=ManualClock(OPEN_AT, sleep_moves=False), calls=FakeCallControl(), messages=FakeMessageDesk(),
        recorder=FakeRecorder(), call=CALL, ai_disclosure="I'm an automated assistant.",
    )  # fmt: skip


async def _talk(deps: ReceptionistDeps, turns: list[str]) -> tuple[CallOutcome, list[str]]:
    said: list[str] = []
    pending = iter(turns)

    async def read_line() -> str | None:
        return next(pending, None)

    brain = OfflineBrain(DIRECTORY.company, caller_number=CALL.caller_number)
    outcome = await run_text_conversation(deps, read_line, said.append, brain=brain)
    return outcome, said


async def test_a_full_message_call_in_text() -> None:
    deps = _deps()
    outcome, said = await _talk(deps, [
        "Hello, can I talk to Dan Roe?", "yes please", "It's Peter Parker",
        "six one two, five five five, oh one nine nine", "yes", "Tell him the order shipped",
    ])  # fmt: skip
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert (
        said[0]
        == "Thank you for calling Acme Widgets. How can I help you? I'm an automated assistant."
    )
    assert said[-1] == "Thank you. I'll make sure Dan Roe gets your message. Goodbye!"
    assert deps.state.ended
    assert "sounddevice" not in sys.modules  # text mode never needs PortAudio


async def test_caller_hanging_up_ends_the_conversation() -> None:
    deps = _deps()
    outcome, said = await _talk(deps, ["Hi"])
    assert outcome is CallOutcome.NO_TRANSFER
    assert said[-1] == "Who would you like to speak with?"
    assert ("decision", {"call_id": "call-1", "decision": "caller_hung_up"}) in deps.recorder.events  # type: ignore[attr-defined]


async def test_transfer_ends_the_text_conversation() -> None:
    outcome, _ = await _talk(
        _deps(), ["Bob Smith please, this is Ann, about the demo", "still there?"]
    )
    assert outcome is CallOutcome.TRANSFERRED


def test_instructions_carry_company_facts_but_no_private_contacts() -> None:
    text = build_instructions(DIRECTORY, hours="Mon-Fri 9-5", ai_disclosure="I'm an AI.")
    assert "Acme Widgets" in text
    assert "1 Main Street, Chicago" in text
    assert "Mon-Fri 9-5" in text
    assert "Sales" in text
    assert "dial 911" in text
    for employee in DIRECTORY.employees:
        assert employee.phone not in text
        assert (employee.email or "@@") not in text


def test_greeting_falls_back_to_the_company_name() -> None:
    company = DIRECTORY.company.__class__(name="Globex")
    assert greeting(company) == "Thank you for calling Globex. How can I help you?"


async def _stream(
    *items: llm.ChatChunk | str | FlushSentinel,
) -> AsyncIterator[llm.ChatChunk | str | FlushSentinel]:
    for item in items:
        yield item


def _chunk(text: str = "", call: str | None = None) -> llm.ChatChunk:
    calls = [llm.FunctionToolCall(name=call, arguments="{}", call_id="1")] if call else []
    return llm.ChatChunk(
        id="x", delta=llm.ChoiceDelta(role="assistant", content=text or None, tool_calls=calls)
    )


async def test_filter_catches_a_number_split_across_chunks_and_keeps_order() -> None:
    seen: list[str] = []
    source = _stream(
        _chunk("Her line is 312 5"), _chunk("55 0101. Anything"), " else?", _chunk(call="end_call")
    )
    out = [c async for c in guard_stream(source, DIRECTORY, on_text=seen.append)]
    texts = [c for c in out if isinstance(c, str)]
    assert "".join(texts) == "Her line is that number. Anything else?"
    assert isinstance(out[-1], llm.ChatChunk)
    assert out[-1].delta is not None
    assert out[-1].delta.tool_calls[0].name == "end_call"
    assert seen == ["Her line is that number. Anything else?"]


async def test_filter_releases_sentences_early_for_speech() -> None:
    source = _stream("First sentence. ", "Second one", FlushSentinel(), "third.")
    out = [c async for c in guard_stream(source, DIRECTORY)]
    assert out[0] == "First sentence. "
    assert out[1] == "Second one"
    assert isinstance(out[2], FlushSentinel)
    assert out[3] == "third."


async def test_filter_holds_a_number_read_out_sentence_by_sentence() -> None:
    pieces = ["It is three one two. ", "five five five. ", "zero one zero one. ", "Bye", " now."]
    out = [c async for c in guard_stream(_stream(*pieces), DIRECTORY)]
    assert "".join(c for c in out if isinstance(c, str)) == "It is that number. Bye now."
    assert not any(isinstance(c, str) and "three" in c for c in out)
