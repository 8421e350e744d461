"""end_call marks the call ended only once the goodbye has played (or a bounded wait is over):
the worker closes the session as soon as it sees `state.ended`, and closing cuts off speech."""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast

import pytest
from tests.support.calls import (
    CALL,
    DIRECTORY,
    OPEN_AT,
    FakeCallControl,
    FakeMessageDesk,
    FakeRecorder,
)
from tests.support.clocks import ManualClock

from switchboard.domain.availability import reachability
from switchboard.domain.resolution import Resolver
from switchboard.services.receptionist import tools
from switchboard.services.receptionist.deps import ReceptionistDeps
from switchboard.services.receptionist.tools import ReceptionistTools


class Goodbye:
    """A RunContext whose goodbye plays until the test says it has."""

    def __init__(self) -> None:
        self.playing = asyncio.Event()
        self.played = asyncio.Event()

    async def wait_for_playout(self) -> None:
        # upstream: agents 1.8.9 voice/events.py:110-117 waits for the speech that came before
        # the tool call (here: the goodbye) to finish playing
        self.playing.set()
        await self.played.wait()


def receptionist() -> tuple[ReceptionistTools, FakeCallControl, FakeRecorder]:
    calls, recorder = FakeCallControl(), FakeRecorder()
    deps = ReceptionistDeps(
        directory=DIRECTORY, resolver=Resolver.build(DIRECTORY), reachability=reachability,
        clock=ManualClock(OPEN_AT, sleep_moves=False), calls=calls, messages=FakeMessageDesk(), recorder=recorder, call=CALL,
    )  # fmt: skip
    return ReceptionistTools(deps), calls, recorder


def ended(impl: ReceptionistTools) -> bool:
    return impl.deps.state.ended


async def test_the_call_is_ended_only_after_the_goodbye_has_played() -> None:
    impl, calls, recorder = receptionist()
    goodbye = Goodbye()
    ending = asyncio.create_task(impl.end_call(cast(Any, goodbye)))
    await goodbye.playing.wait()
    assert not ended(impl)  # the worker would close the session mid-goodbye
    assert calls.hung_up == 0
    goodbye.played.set()
    assert json.loads(await ending) == {"status": "ended"}
    assert ended(impl)
    assert calls.hung_up == 1
    assert recorder.kinds()[-3:] == ["tool_call", "outcome", "tool_result"]


async def test_a_goodbye_that_never_finishes_playing_does_not_keep_the_call_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tools, "GOODBYE_PLAYOUT_SECONDS", 0.01)
    impl, calls, _ = receptionist()
    goodbye = Goodbye()  # never played
    assert json.loads(await impl.end_call(cast(Any, goodbye))) == {"status": "ended"}
    assert goodbye.playing.is_set()
    assert impl.deps.state.ended
    assert calls.hung_up == 1


async def test_without_a_voice_session_the_call_ends_at_once() -> None:
    impl, calls, _ = receptionist()
    await impl.end_call()
    assert impl.deps.state.ended
    assert calls.hung_up == 1
