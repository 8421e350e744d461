"""`switchboard test-call`'s signalling on the LiveKit fake, through the real livekit-api client:
accepted → ringing → answered, busy, no answer, declined, failed, a missing trunk, and cleanup
(no leg, no room left) whatever happened. The fake has no media: the audio steps say so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api

from switchboard.adapters.livekit.probe_line import LiveKitProbeLine
from switchboard.domain.diagnosis import Check, Status
from switchboard.fakes.livekit import DialOutcome, RunningFake, running_livekit_fake
from switchboard.services.test_call import TestCallRequest, run_test_call

NUMBER = "+13125550100"


@pytest.fixture(scope="module")
def fake() -> Iterator[RunningFake]:
    with running_livekit_fake() as running:
        yield running


class Line(LiveKitProbeLine):
    """The real adapter, telling the test when the leg was seen ringing."""

    ringing: asyncio.Event

    async def call_status(self, room: str, identity: str) -> str | None:
        status = await super().call_status(room, identity)
        if status == "ringing":
            self.ringing.set()
        return status


@pytest.fixture
async def lk(fake: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    fake.state.reset()
    fake.state.time_scale = 1.0
    async with api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret) as client:
        yield client


async def trunk(lk: api.LiveKitAPI) -> str:
    info = api.SIPOutboundTrunkInfo(name="out", address="acme.pstn.twilio.com", numbers=[NUMBER])
    created = await lk.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=info))
    return str(created.sip_trunk_id)


def line_for(fake: RunningFake, lk: api.LiveKitAPI, trunk_id: str) -> Line:
    line = Line(
        lk,
        url=fake.url,
        api_key=fake.api_key,
        api_secret=fake.api_secret,
        trunk_id=trunk_id,
        media=False,  # the fake has no rtc
    )
    line.ringing = asyncio.Event()
    return line


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


async def nothing_left(lk: api.LiveKitAPI) -> None:
    rooms = await lk.room.list_rooms(api.ListRoomsRequest())
    assert [r.name for r in rooms.rooms] == []


async def ring_then(fake: RunningFake, lk: api.LiveKitAPI, outcome: DialOutcome) -> list[Check]:
    """Dial a phone that rings until the test has seen it ringing, then ends as `outcome`."""
    fake.state.script(NUMBER, DialOutcome.manual())
    line = line_for(fake, lk, await trunk(lk))
    req = TestCallRequest(to=NUMBER, room="test-call-a", ring_seconds=30)
    running = asyncio.create_task(run_test_call(line, req))
    await line.ringing.wait()
    fake.state.script(NUMBER, outcome)
    return await running


async def test_accepted_ringing_answered_then_cleaned_up(
    fake: RunningFake, lk: api.LiveKitAPI
) -> None:
    checks = by_name(await ring_then(fake, lk, DialOutcome.answered()))
    assert [checks[n].status for n in ("dial", "ringing", "answered")] == [Status.OK] * 3
    assert checks["ringing"].summary == "the trunk accepted the call and the phone rang (SIP 18x)"
    assert checks["greeting"].status is Status.WARN
    assert (
        checks["greeting"].summary
        == "not checked: listening is off (no rtc connection to the room)"
    )
    assert checks["cleanup"].status is Status.OK
    await nothing_left(lk)
    (dialled,) = fake.state.calls
    assert dialled.number == NUMBER
    assert dialled.result == "answered"


@pytest.mark.parametrize(
    ("outcome", "says"),
    [
        (DialOutcome.busy(), "busy (SIP 486)"),
        (DialOutcome.declined(), "declined (SIP 603)"),
        (DialOutcome.failed(503), "failed after ringing: the SIP service is unavailable"),
    ],
)
async def test_an_unanswered_call_says_why_and_leaves_nothing(
    fake: RunningFake, lk: api.LiveKitAPI, outcome: DialOutcome, says: str
) -> None:
    checks = by_name(await ring_then(fake, lk, outcome))
    assert checks["ringing"].status is Status.OK
    assert checks["answered"].status is Status.FAIL
    assert checks["answered"].summary.startswith(says)
    assert checks["greeting"].summary == "not checked: the call was not answered"
    assert checks["cleanup"].status is Status.OK
    await nothing_left(lk)


async def test_no_answer_within_the_ringing_time(fake: RunningFake, lk: api.LiveKitAPI) -> None:
    fake.state.time_scale = 0.01  # 30 s of ringing in 0.3 s
    fake.state.script(NUMBER, DialOutcome.no_answer())
    line = line_for(fake, lk, await trunk(lk))
    req = TestCallRequest(to=NUMBER, room="test-call-b", ring_seconds=30)
    checks = by_name(await run_test_call(line, req))
    # livekit-sip gives up with a CANCEL and no SIP status (the fake models it).
    assert checks["answered"].summary == "nobody answered in the ringing time"
    assert "switchboard agent start" in checks["answered"].fix
    await nothing_left(lk)


async def test_a_missing_trunk_is_named_with_its_fix(fake: RunningFake, lk: api.LiveKitAPI) -> None:
    line = line_for(fake, lk, "ST_gone")
    checks = by_name(await run_test_call(line, TestCallRequest(to=NUMBER, room="test-call-c")))
    assert checks["dial"].status is Status.FAIL
    assert "ST_gone" in checks["dial"].summary
    assert "switchboard setup apply" in checks["dial"].fix
    assert checks["cleanup"].status is Status.OK
    await nothing_left(lk)


async def test_stopping_while_it_rings_hangs_up(fake: RunningFake, lk: api.LiveKitAPI) -> None:
    fake.state.script(NUMBER, DialOutcome.manual())
    line = line_for(fake, lk, await trunk(lk))
    running = asyncio.create_task(run_test_call(line, TestCallRequest(NUMBER, "test-call-d")))
    await line.ringing.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    await nothing_left(lk)
    (dialled,) = fake.state.calls
    assert (dialled.result, dialled.sip_status) == ("canceled", 487)
