"""A voicemail on the employee's leg, end to end on LiveKitTelephony + the LiveKit fake: the dial
ends as voicemail, the leg is hung up, and nothing about the caller is ever said to it.

On LiveKit a voicemail answers like a person (200 OK, the participant goes active); only its audio
tells it apart, so the fake MediaSession's `machines` plays the part of the screen.
"""

from __future__ import annotations

import asyncio

import pytest
from tests.adapters.livekit_telephony_support import CALLER, CALLER_ROOM, FakeMedia, place_caller
from tests.adapters.test_livekit_telephony_transfer import (
    CALL,
    IDENTITY,
    PRIYA,
    assert_no_orphans,
    transfer,
)

from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.domain.calls import TransferOutcome
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.fakes.livekit import DialOutcome, RunningFake
from switchboard.ports.telephony import DialError, DialStatus, Reply


@pytest.mark.parametrize("merge", list(MergeStrategy))
async def test_a_voicemail_leg_is_never_briefed_nor_bridged(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia, merge: MergeStrategy
) -> None:
    server.state.script(PRIYA.phone, DialOutcome.answered(after=1))
    media.machines.add(IDENTITY)
    media.answer_on_say[IDENTITY] = Reply(digits="1")  # a recording "accepting" must not matter
    result = await transfer(tel, server, merge)
    assert result.outcome is TransferOutcome.VOICEMAIL
    assert media.screened == [(f"{CALLER_ROOM}-consult-1", IDENTITY)]
    to_employee = [text for _, who, text in media.said if who == IDENTITY]
    assert to_employee == []  # nothing at all, so neither the caller's name nor their number
    said = " ".join(text for *_, text in media.said)
    assert "Dana Whitfield" not in said
    assert CALL.caller_number
    assert CALL.caller_number not in said
    to_caller = [text for _, who, text in media.said if who == CALLER]
    assert to_caller  # the caller hears what happened instead
    assert server.state.requests_for("MoveParticipant") == []
    assert server.state.requests_for("TransferSIPParticipant") == []
    await assert_no_orphans(tel, server, result)


async def test_a_person_is_screened_then_briefed(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    server.state.script(PRIYA.phone, DialOutcome.answered(after=1))
    media.answer_on_say[IDENTITY] = Reply(digits="2")
    result = await transfer(tel, server, MergeStrategy.MOVE)
    assert result.outcome is TransferOutcome.DECLINED
    assert media.screened == [(f"{CALLER_ROOM}-consult-1", IDENTITY)]
    briefing = next(text for _, who, text in media.said if who == IDENTITY)
    assert "Dana Whitfield" in briefing


async def test_dial_raises_voicemail_and_leaves_no_leg(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    place_caller(server)
    room = await tel.create_consultation_room(CALLER_ROOM)
    server.state.script(PRIYA.phone, DialOutcome.answered())
    media.machines.add(IDENTITY)
    with pytest.raises(DialError) as raised:
        await tel.dial(room, PRIYA.phone, identity=IDENTITY, ringing_timeout=5)
    assert raised.value.outcome is DialStatus.VOICEMAIL
    assert server.state.participant(room, IDENTITY) is None
    await tel.delete_room(room)


class _SlowScreen(FakeMedia):
    """A screen still listening when the dial is cancelled (the caller hung up meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.listening = asyncio.Event()

    async def screen_answer(self, room: str, identity: str) -> bool:
        self.listening.set()
        await asyncio.Event().wait()
        return False


async def test_a_dial_cancelled_while_screening_leaves_no_leg(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    media = _SlowScreen()
    tel.media = media
    place_caller(server)
    room = await tel.create_consultation_room(CALLER_ROOM)
    server.state.script(PRIYA.phone, DialOutcome.answered())
    dial = asyncio.ensure_future(tel.dial(room, PRIYA.phone, identity=IDENTITY, ringing_timeout=5))
    await asyncio.wait_for(media.listening.wait(), 5)
    assert server.state.participant(room, IDENTITY) is not None  # answered, being screened
    dial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dial
    assert server.state.participant(room, IDENTITY) is None
    await tel.delete_room(room)
