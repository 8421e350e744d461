"""LiveKitTelephony against the LiveKit fake: the real livekit-api client, over HTTP, dialling."""

from __future__ import annotations

import asyncio

import pytest
from livekit import api
from livekit.protocol.sip import CreateSIPParticipantRequest
from tests.adapters.livekit_telephony_support import (
    CALLER,
    CALLER_ROOM,
    FakeMedia,
    place_caller,
    until,
)

from switchboard.adapters.livekit import BAD_CREDENTIALS, LiveKitTelephony
from switchboard.fakes.livekit import DialOutcome, RunningFake
from switchboard.ports.telephony import DialError, DialStatus, TelephonyError

PRIYA = "+13125550112"
IDENTITY = "employee-priya-raman"


async def consult(tel: LiveKitTelephony, server: RunningFake) -> str:
    place_caller(server)
    return await tel.create_consultation_room(CALLER_ROOM)


async def test_consultation_rooms_are_named_after_the_call_and_joined_for_audio(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    first = await consult(tel, server)
    second = await tel.create_consultation_room(CALLER_ROOM)
    assert (first, second) == (f"{CALLER_ROOM}-consult-1", f"{CALLER_ROOM}-consult-2")
    assert media.joined == [first, second]
    created = server.state.requests_for("CreateRoom")[0].request
    assert isinstance(created, api.CreateRoomRequest)
    assert created.empty_timeout > 0  # LiveKit reaps it even if we crash
    assert not created.agents  # no agent of its own is dispatched into a consultation
    assert server.state.dispatches == {}


async def test_a_consultation_room_we_cannot_join_is_deleted_again(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(room: str) -> None:
        raise ConnectionError("rtc connect failed")

    monkeypatch.setattr(media, "join", refuse)
    with pytest.raises(TelephonyError, match="rtc connect failed"):
        await consult(tel, server)
    assert list(server.state.rooms) == [CALLER_ROOM]


async def test_answered_dial_sends_the_documented_request_and_leaves_an_active_leg(
    tel: LiveKitTelephony, server: RunningFake, trunk_id: str
) -> None:
    room = await consult(tel, server)
    server.state.script(PRIYA, DialOutcome.answered(after=2))
    await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25, caller_id="+15125550100")
    sent = server.state.requests_for("CreateSIPParticipant")[0].request
    assert isinstance(sent, CreateSIPParticipantRequest)
    assert (sent.sip_trunk_id, sent.sip_call_to, sent.sip_number) == (
        trunk_id,
        PRIYA,
        "+15125550100",
    )
    assert (sent.room_name, sent.participant_identity) == (room, IDENTITY)
    assert sent.wait_until_answered
    assert sent.krisp_enabled
    assert not sent.play_dialtone
    assert sent.ringing_timeout.seconds == 25
    leg = server.state.participant(room, IDENTITY)
    assert leg is not None
    assert leg.attributes["sip.callStatus"] == "active"
    live = await tel.live_resources()
    assert (room, IDENTITY) in live.participants
    assert live.ringing == ()


@pytest.mark.parametrize(
    ("outcome", "status", "sip"),
    [
        (DialOutcome.busy(), DialStatus.BUSY, 486),
        (DialOutcome.failed(600), DialStatus.BUSY, 600),
        (DialOutcome.declined(), DialStatus.BUSY, 603),
        (DialOutcome.no_answer(408), DialStatus.NO_ANSWER, 408),  # the far end's own 408
        (DialOutcome.no_answer(480), DialStatus.NO_ANSWER, 480),
        (DialOutcome.failed(503), DialStatus.FAILED, 503),
        (DialOutcome.failed(404), DialStatus.FAILED, 404),
    ],
)
async def test_unanswered_dials_map_to_a_dial_status_with_the_sip_status(
    tel: LiveKitTelephony,
    server: RunningFake,
    outcome: DialOutcome,
    status: DialStatus,
    sip: int,
) -> None:
    room = await consult(tel, server)
    server.state.script(PRIYA, outcome)
    with pytest.raises(DialError) as caught:
        await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25)
    assert (caught.value.outcome, caught.value.sip_status) == (status, sip)
    assert str(sip) in str(caught.value)
    assert server.state.participant(room, IDENTITY) is None  # the failed leg is gone


@pytest.mark.parametrize(
    "outcome",
    [DialOutcome.no_answer(), DialOutcome.answered(after=40)],
    ids=["rings-out", "answers-too-late"],
)
async def test_a_dial_livekit_gives_up_on_is_no_answer_without_a_sip_status(
    tel: LiveKitTelephony, server: RunningFake, outcome: DialOutcome
) -> None:
    # livekit-sip's ringing timer ends it: 408 `canceled` "sip request timed out", no SIP status.
    room = await consult(tel, server)
    server.state.script(PRIYA, outcome)
    with pytest.raises(DialError) as caught:
        await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25)
    assert (caught.value.outcome, caught.value.sip_status) == (DialStatus.NO_ANSWER, None)
    assert [r.error for r in server.state.requests_for("CreateSIPParticipant")] == ["canceled"]
    assert server.state.participant(room, IDENTITY) is None


async def test_a_slow_room_join_still_ends_in_livekits_no_answer_not_a_client_timeout(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    # The ringing clock starts once the SIP participant has joined; livekit-api's own deadline
    # (ring + 2 s) would expire first and turn a no-answer into "did not answer in time".
    server.state.time_scale = 1.0
    server.state.join_seconds = 2.5
    room = await consult(tel, server)
    server.state.script(PRIYA, DialOutcome.no_answer())
    with pytest.raises(DialError) as caught:
        await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=1)
    assert caught.value.outcome is DialStatus.NO_ANSWER
    assert server.state.requests_for("CreateSIPParticipant")[0].error == "canceled"


async def test_ringing_that_someone_else_terminates_is_no_answer(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    room = await consult(tel, server)
    server.state.script(PRIYA, DialOutcome.manual())
    dial = asyncio.create_task(tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25))
    await until(lambda: server.state.participant(room, IDENTITY) is not None)
    server.state.hang_up(room, IDENTITY)  # not our cancel: 487 from the network
    with pytest.raises(DialError) as caught:
        await dial
    assert (caught.value.outcome, caught.value.sip_status) == (DialStatus.NO_ANSWER, 487)


async def test_cancelling_a_ringing_dial_leaves_no_ringing_leg(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    room = await consult(tel, server)
    server.state.script(PRIYA, DialOutcome.manual())
    dial = asyncio.create_task(tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25))
    await until(
        lambda: (
            (p := server.state.participant(room, IDENTITY)) is not None
            and p.attributes["sip.callStatus"] == "ringing"
        )
    )
    dial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dial
    assert server.state.participant(room, IDENTITY) is None
    await until(lambda: server.state.calls[-1].result == "canceled")
    assert (await tel.live_resources()).ringing == ()


async def test_cancelling_a_dial_before_it_reaches_livekit_leaves_nothing_either(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    room = await consult(tel, server)
    server.state.script(PRIYA, DialOutcome.manual())
    dial = asyncio.create_task(tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25))
    await asyncio.sleep(0)
    dial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dial
    await asyncio.sleep(0.1)  # let a request that did get out land
    assert server.state.participant(room, IDENTITY) is None


async def test_a_sip_uri_is_dialled_at_its_own_host_not_through_the_trunk(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    room = await consult(tel, server)
    await tel.dial(room, "sip:priya@pbx.acme.example", identity=IDENTITY, ringing_timeout=5)
    sent = server.state.requests_for("CreateSIPParticipant")[0].request
    assert isinstance(sent, CreateSIPParticipantRequest)
    assert (sent.sip_trunk_id, sent.trunk.hostname, sent.sip_call_to) == (
        "",
        "pbx.acme.example",
        "priya",
    )


@pytest.mark.parametrize("target", ["6125550199", "+1", "sip:pbx.acme.example", "mailto:x@y"])
async def test_bad_dial_targets_are_refused_before_any_request(
    tel: LiveKitTelephony, server: RunningFake, target: str
) -> None:
    room = await consult(tel, server)
    with pytest.raises(TelephonyError) as caught:
        await tel.dial(room, target, identity=IDENTITY, ringing_timeout=5)
    assert caught.value.sip_status == 400
    assert not isinstance(caught.value, DialError)
    assert "5550199" not in str(caught.value)  # phone numbers are masked in messages
    assert server.state.requests_for("CreateSIPParticipant") == []


async def test_a_missing_trunk_is_a_telephony_error_not_a_dial_outcome(
    lk: api.LiveKitAPI, server: RunningFake, media: FakeMedia
) -> None:
    tel = LiveKitTelephony(lk, outbound_trunk_id="ST_missing", media=media)
    room = await consult(tel, server)
    with pytest.raises(TelephonyError) as caught:
        await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=5)
    assert not isinstance(caught.value, DialError)
    assert "trunk" in str(caught.value)


async def test_bad_credentials_give_a_plain_message(
    server: RunningFake, lk: api.LiveKitAPI, media: FakeMedia
) -> None:
    async with api.LiveKitAPI(server.url, server.api_key, "not-the-secret" * 3) as wrong:
        tel = LiveKitTelephony(wrong, outbound_trunk_id="ST_x", media=media)
        with pytest.raises(TelephonyError) as caught:
            await tel.create_consultation_room(CALLER_ROOM)
        assert str(caught.value) == BAD_CREDENTIALS
        with pytest.raises(TelephonyError, match="LIVEKIT_API_SECRET"):
            await tel.dial("room", PRIYA, identity=IDENTITY, ringing_timeout=5)
    assert media.joined == []


async def test_a_missing_grant_is_reported_as_a_permission_not_a_bad_key(
    server: RunningFake, media: FakeMedia
) -> None:
    # A token without sip.call: livekit-server answers 401 `unauthenticated` "permissions denied".
    rooms_only = api.AccessToken(server.api_key, server.api_secret).with_grants(
        api.VideoGrants(room_create=True, room_list=True)
    )
    async with api.LiveKitAPI.with_token(rooms_only.to_jwt(), server.url) as limited:
        tel = LiveKitTelephony(limited, outbound_trunk_id="ST_x", media=media)
        with pytest.raises(TelephonyError) as caught:
            await tel.dial("room", PRIYA, identity=IDENTITY, ringing_timeout=5)
    assert str(caught.value) != BAD_CREDENTIALS
    assert "lacks the permission" in str(caught.value)
    assert "dial" in str(caught.value)


async def test_an_unreachable_server_is_a_telephony_error(media: FakeMedia) -> None:
    async with api.LiveKitAPI("http://127.0.0.1:9", "k", "s" * 32) as nowhere:
        tel = LiveKitTelephony(nowhere, outbound_trunk_id="ST_x", media=media)
        with pytest.raises(TelephonyError, match="LIVEKIT_URL"):
            await tel.live_resources()


async def test_hang_up_and_delete_room_are_no_ops_when_already_gone(
    tel: LiveKitTelephony, server: RunningFake, media: FakeMedia
) -> None:
    room = await consult(tel, server)
    await tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=5)
    await tel.hang_up(room, IDENTITY)
    assert server.state.participant(room, IDENTITY) is None
    await tel.hang_up(room, IDENTITY)
    await tel.hang_up("no-such-room", IDENTITY)
    await tel.delete_room(room)
    assert room not in server.state.rooms
    assert media.left == [room]
    await tel.delete_room(room)
    assert [r.error for r in server.state.requests_for("DeleteRoom")] == [None, "not_found"]


async def test_other_delete_failures_are_reported(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    server.state.fail_next("DeleteRoom", "unavailable", "region down")
    with pytest.raises(TelephonyError, match="region down"):
        await tel.delete_room(CALLER_ROOM)


async def test_live_resources_reflect_rooms_legs_ringing_and_holds(
    tel: LiveKitTelephony, server: RunningFake
) -> None:
    room = await consult(tel, server)
    await tel.start_hold(CALLER_ROOM, CALLER)
    await tel.start_hold(CALLER_ROOM, CALLER)  # idempotent
    server.state.script(PRIYA, DialOutcome.manual())
    dial = asyncio.create_task(tel.dial(room, PRIYA, identity=IDENTITY, ringing_timeout=25))
    await until(lambda: server.state.participant(room, IDENTITY) is not None)
    live = await tel.live_resources()
    assert live.rooms == tuple(sorted([CALLER_ROOM, room]))
    assert live.participants == ((CALLER_ROOM, CALLER),)
    assert live.ringing == ((room, IDENTITY),)
    assert live.holds == ((CALLER_ROOM, CALLER),)
    dial.cancel()
    await asyncio.gather(dial, return_exceptions=True)
    await tel.stop_hold(CALLER_ROOM, CALLER)
    await tel.stop_hold(CALLER_ROOM, CALLER)  # a no-op
    await tel.delete_room(room)
    live = await tel.live_resources()
    assert (live.rooms, live.participants, live.ringing, live.holds) == (
        (CALLER_ROOM,),
        ((CALLER_ROOM, CALLER),),
        (),
        (),
    )
