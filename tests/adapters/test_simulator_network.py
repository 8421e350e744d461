"""The simulated phone network behaves like a phone network, on virtual time."""

from __future__ import annotations

import asyncio

import pytest

from switchboard.adapters.simulator import (
    CallerScript,
    EmployeeScript,
    HangupPoint,
    SimulatedClock,
    SimulatedNetwork,
)
from switchboard.ports.telephony import (
    DialError,
    DialStatus,
    ParticipantGone,
    Reply,
    Telephony,
    TelephonyError,
)

PRIYA = "+13125550112"


def network(**spec: object) -> tuple[SimulatedNetwork, SimulatedClock]:
    clock = SimulatedClock()
    net = SimulatedNetwork(clock, {PRIYA: EmployeeScript.from_spec(spec)} if spec else {})
    return net, clock


async def consult(net: SimulatedNetwork, caller: CallerScript | None = None) -> tuple[str, str]:
    call = net.place_call(script=caller)
    return call.room_name, await net.create_consultation_room(call.room_name)


def test_the_simulator_is_a_telephony_adapter() -> None:
    telephony: Telephony = SimulatedNetwork(SimulatedClock())
    assert telephony is not None


async def test_a_call_arrives_in_its_own_room() -> None:
    net, _ = network()
    first = net.place_call()
    second = net.place_call("+16125550199", company_number="+13125550100")
    assert first.room_name != second.room_name
    assert (second.caller_number, second.dialed_number) == ("+16125550199", "+13125550100")
    assert first.call_id != second.call_id
    live = await net.live_resources()
    assert live.participants == (
        (first.room_name, first.caller_identity),
        (second.room_name, second.caller_identity),
    )


async def test_answered_dial_returns_after_the_ring_and_the_leg_is_live() -> None:
    net, clock = network(answer=True, answer_after=3)
    _, room = await consult(net)
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    assert clock.elapsed() == 3
    live = await net.live_resources()
    assert (room, "emp") in live.participants
    assert live.ringing == ()
    assert net.dialed == [PRIYA]


@pytest.mark.parametrize(
    ("spec", "status", "sip", "seconds"),
    [
        ({"answer": "busy", "answer_after": 2}, DialStatus.BUSY, 486, 2),
        ({"answer": False}, DialStatus.NO_ANSWER, 480, 25),
        ({"answer": True, "answer_after": 30}, DialStatus.NO_ANSWER, 480, 25),
        ({"answer": "voicemail", "answer_after": 12}, DialStatus.VOICEMAIL, None, 12),
        ({"answer": "failed", "sip_status": 404}, DialStatus.FAILED, 404, 0.5),
    ],
)
async def test_unanswered_dials_raise_typed_errors_and_leave_no_leg(
    spec: dict[str, object], status: DialStatus, sip: int | None, seconds: float
) -> None:
    net, clock = network(**spec)
    _, room = await consult(net)
    with pytest.raises(DialError) as caught:
        await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    assert (caught.value.outcome, caught.value.sip_status) == (status, sip)
    assert clock.elapsed() == seconds
    live = await net.live_resources()
    assert live.ringing == ()
    assert (room, "emp") not in live.participants


async def test_a_number_nobody_scripted_rings_out() -> None:
    net, clock = network()
    _, room = await consult(net)
    with pytest.raises(DialError) as caught:
        await net.dial(room, "+19995550100", identity="x", ringing_timeout=10)
    assert caught.value.outcome is DialStatus.NO_ANSWER
    assert clock.elapsed() == 10


async def test_bad_dials_are_refused() -> None:
    net, _ = network(answer=True)
    with pytest.raises(TelephonyError) as caught:
        await net.dial("no-such-room", PRIYA, identity="emp", ringing_timeout=5)
    assert caught.value.sip_status == 404
    _, room = await consult(net)
    with pytest.raises(TelephonyError):
        await net.dial(room, PRIYA, identity="emp", ringing_timeout=0)


async def test_cancelling_a_dial_stops_the_ringing() -> None:
    net, clock = network(answer=True, answer_after=10)
    _, room = await consult(net)
    task = asyncio.create_task(net.dial(room, PRIYA, identity="emp", ringing_timeout=25))
    await clock.sleep(1)
    assert (await net.live_resources()).ringing == ((room, "emp"),)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await net.live_resources()).ringing == ()
    await clock.sleep(20)  # the scripted answer never happens
    assert (room, "emp") not in (await net.live_resources()).participants


async def test_deleting_the_room_ends_a_ringing_dial_with_487() -> None:
    net, clock = network(answer=True, answer_after=10)
    _, room = await consult(net)
    task = asyncio.create_task(net.dial(room, PRIYA, identity="emp", ringing_timeout=25))
    await clock.sleep(1)
    await net.delete_room(room)
    with pytest.raises(DialError) as caught:
        await task
    assert caught.value.sip_status == 487
    live = await net.live_resources()
    assert room not in live.rooms
    assert live.ringing == ()


@pytest.mark.parametrize(
    ("spec", "heard"),
    [
        ({"decision": "accept"}, Reply(text="Yes, put them through.")),
        ({"decision": "decline", "by": "keypad"}, Reply(digits="2")),
        ({"decision": "message", "by": "keypad"}, Reply(digits="3")),
    ],
)
async def test_employee_replies_after_hearing_the_agent(
    spec: dict[str, object], heard: Reply
) -> None:
    net, clock = network(answer=True, decide_after=2, **spec)
    _, room = await consult(net)
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    await net.say(room, "emp", "Hi Priya, ...")
    assert await net.next_reply(room, "emp", wait_seconds=10) == heard
    assert clock.elapsed() == 4 + 2
    roles = [(line.role, line.heard_by) for line in net.transcript]
    assert roles == [("agent", "emp"), ("employee", None)]


async def test_scripted_phrases_are_said_one_per_prompt_then_silence() -> None:
    net, clock = network(answer=True, say=["hmm", "yes"])
    _, room = await consult(net)
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    for expected in ("hmm", "yes"):
        await net.say(room, "emp", "prompt")
        assert await net.next_reply(room, "emp", wait_seconds=10) == Reply(text=expected)
    await net.say(room, "emp", "prompt")
    before = clock.elapsed()
    assert await net.next_reply(room, "emp", wait_seconds=10) is None
    assert clock.elapsed() == before + 10


async def test_employee_who_hangs_up_leaves_during_the_consultation() -> None:
    net, clock = network(answer=True, decision="hangup", decide_after=3)
    _, room = await consult(net)
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    await net.say(room, "emp", "briefing")
    with pytest.raises(ParticipantGone):
        await net.next_reply(room, "emp", wait_seconds=60)
    assert clock.elapsed() == 4 + 3.5
    await net.wait_until_left(room, "emp")  # already gone: returns at once


async def test_replies_from_someone_absent_are_refused() -> None:
    net, _ = network()
    call = net.place_call()
    with pytest.raises(ParticipantGone):
        await net.next_reply(call.room_name, "ghost", wait_seconds=1)
    with pytest.raises(ParticipantGone):
        await net.say(call.room_name, "ghost", "hello?")
    with pytest.raises(ParticipantGone):
        await net.start_hold(call.room_name, "ghost")


async def test_dtmf_and_speech_from_the_test_are_queued_for_the_next_listener() -> None:
    net, _ = network()
    call = net.place_call()
    net.speak(call.room_name, call.caller_identity, Reply(digits="3"))
    reply = await net.next_reply(call.room_name, call.caller_identity, wait_seconds=1)
    assert reply == Reply(digits="3")
    assert net.transcript[-1].text == "[keypad 3]"
    assert net.transcript[-1].role == "caller"


async def test_hold_audio_stays_until_stopped_even_when_the_caller_leaves() -> None:
    net, _ = network()
    call = net.place_call()
    await net.start_hold(call.room_name, call.caller_identity)
    await net.start_hold(call.room_name, call.caller_identity)
    net.leave(call.room_name, call.caller_identity)
    assert (await net.live_resources()).holds == ((call.room_name, call.caller_identity),)
    await net.stop_hold(call.room_name, call.caller_identity)
    await net.stop_hold(call.room_name, call.caller_identity)
    assert (await net.live_resources()).holds == ()
    kinds = [e.kind for e in net.events]
    assert kinds.count("hold_started") == 1
    assert kinds.count("hold_stopped") == 1


async def test_deleting_a_room_ends_its_hold_audio_and_everyone_in_it() -> None:
    net, _ = network()
    call = net.place_call()
    await net.start_hold(call.room_name, call.caller_identity)
    await net.delete_room(call.room_name)
    await net.delete_room(call.room_name)  # twice is fine
    live = await net.live_resources()
    assert (live.rooms, live.participants, live.holds) == ((), (), ())


async def test_wait_until_left_survives_a_cancelled_waiter() -> None:
    net, clock = network()
    call = net.place_call()
    first = asyncio.create_task(net.wait_until_left(call.room_name, call.caller_identity))
    second = asyncio.create_task(net.wait_until_left(call.room_name, call.caller_identity))
    await clock.sleep(1)
    first.cancel()
    clock.call_later(2, lambda: net.leave(call.room_name, call.caller_identity))
    await second
    assert clock.elapsed() == 3


async def test_move_brings_the_employee_to_the_caller() -> None:
    net, clock = network(answer=True)
    caller_room, room = await consult(net)
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    await net.move_participant("emp", room, caller_room)
    live = await net.live_resources()
    assert (caller_room, "emp") in live.participants
    assert [(c.employee_target, c.strategy) for c in net.connections] == [(PRIYA, "move")]
    with pytest.raises(ParticipantGone):
        await net.move_participant("emp", room, caller_room)
    with pytest.raises(TelephonyError) as caught:
        await net.move_participant("emp", caller_room, "nowhere")
    assert caught.value.sip_status == 404
    assert clock.elapsed() == 4 + 3 * net.merge_seconds


async def test_refer_sends_the_caller_to_the_employee_phone() -> None:
    net, _ = network(answer=True)
    call = net.place_call()
    with pytest.raises(TelephonyError) as bad:
        await net.refer(call.room_name, call.caller_identity, PRIYA)
    assert bad.value.sip_status == 400
    await net.refer(call.room_name, call.caller_identity, f"tel:{PRIYA}")
    assert [(c.caller_identity, c.strategy) for c in net.connections] == [
        (call.caller_identity, "refer")
    ]
    assert (await net.live_resources()).participants == ()
    with pytest.raises(ParticipantGone):
        await net.refer(call.room_name, call.caller_identity, f"tel:{PRIYA}")


async def test_refer_to_a_phone_nobody_answers_fails_and_keeps_the_caller() -> None:
    net, _ = network(answer=False)
    call = net.place_call()
    with pytest.raises(TelephonyError) as caught:
        await net.refer(call.room_name, call.caller_identity, f"tel:{PRIYA}")
    assert caught.value.sip_status == 480
    assert (call.room_name, call.caller_identity) in (await net.live_resources()).participants


@pytest.mark.parametrize("point", list(HangupPoint))
async def test_scripted_caller_hangs_up_a_moment_into_the_phase(point: HangupPoint) -> None:
    net, clock = network(answer=True, answer_after=4)
    caller = CallerScript(point, hangup_after=1.0)
    call = net.place_call(script=caller)
    room = await net.create_consultation_room(call.room_name)
    left = asyncio.create_task(net.wait_until_left(call.room_name, call.caller_identity))
    if point is HangupPoint.HOLD:
        await net.start_hold(call.room_name, call.caller_identity)
        expected = 1.0
    elif point is HangupPoint.MERGING:
        with pytest.raises(ParticipantGone):
            await net.refer(call.room_name, call.caller_identity, f"tel:{PRIYA}")
        expected = 1.0
    else:
        await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
        expected = 1.0 if point is HangupPoint.RINGING else 5.0
    await left
    hung_up = [(e.at, e.identity) for e in net.events if e.kind == "hung_up"]
    assert hung_up == [(expected, call.caller_identity)]
    assert clock.elapsed() >= expected


async def test_transcript_of_a_call_covers_its_consultations_only() -> None:
    net, _ = network(answer=True)
    one, room = await consult(net)
    other = net.place_call()
    await net.dial(room, PRIYA, identity="emp", ringing_timeout=25)
    await net.say(room, "emp", "to employee")
    await net.say(one, "caller-1", "to caller")
    await net.say(other.room_name, other.caller_identity, "elsewhere")
    assert [line.text for line in net.transcript_of(one)] == ["to employee", "to caller"]
