"""Dialling and transferring on the LiveKit fake: scripted outcomes surface as real LiveKit's do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from google.protobuf.duration_pb2 import Duration
from livekit import api
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.sip import (
    CreateSIPOutboundTrunkRequest,
    CreateSIPParticipantRequest,
    SIPOutboundTrunkInfo,
    SIPTransferReason,
    SIPTransferStatus,
    TransferSIPParticipantRequest,
    TransferSIPParticipantResponse,
)

from switchboard.fakes.livekit import (
    SERVER_VERSIONS,
    DialOutcome,
    RunningFake,
    running_livekit_fake,
)

EMPLOYEE = "+16125550199"
CONTROL = "+16125550188"
TIME_SCALE = 0.01  # one scripted second lasts 10 ms


@pytest.fixture(scope="module", params=SERVER_VERSIONS)
def server(request: pytest.FixtureRequest) -> Iterator[RunningFake]:
    with running_livekit_fake(server_version=request.param) as fake:
        yield fake


@pytest.fixture
async def lk(server: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    server.state.reset()
    server.state.time_scale = TIME_SCALE
    client = api.LiveKitAPI(server.url, server.api_key, server.api_secret)
    yield client
    await client.aclose()


@pytest.fixture
async def trunk_id(lk: api.LiveKitAPI) -> str:
    trunk = SIPOutboundTrunkInfo(
        name="out", address="acme.pstn.twilio.com", numbers=["+15125550100"]
    )
    return (
        await lk.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=trunk))
    ).sip_trunk_id


def dial(
    trunk_id: str, number: str = EMPLOYEE, *, wait: bool = True, **fields: object
) -> CreateSIPParticipantRequest:
    return CreateSIPParticipantRequest(
        sip_trunk_id=trunk_id,
        sip_call_to=number,
        room_name="call-1-consult",
        participant_identity="employee",
        wait_until_answered=wait,
        **fields,  # type: ignore[arg-type]
    )


async def test_answered_dial_joins_the_room_as_an_active_sip_participant(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.script(EMPLOYEE, DialOutcome.answered(after=3))
    info = await lk.sip.create_sip_participant(
        dial(trunk_id, participant_attributes={"switchboard.role": "employee"})
    )
    assert (info.room_name, info.participant_identity) == ("call-1-consult", "employee")
    assert info.sip_call_id.startswith("SCL_")

    participant = await lk.room.get_participant(
        api.RoomParticipantIdentity(room="call-1-consult", identity="employee")
    )
    assert participant.kind == ParticipantInfo.SIP
    assert participant.state == ParticipantInfo.ACTIVE
    assert participant.attributes["sip.callStatus"] == "active"
    assert participant.attributes["sip.phoneNumber"] == EMPLOYEE
    assert participant.attributes["sip.trunkPhoneNumber"] == "+15125550100"
    assert participant.attributes["sip.callID"] == info.sip_call_id
    assert participant.attributes["switchboard.role"] == "employee"
    assert "call-1-consult" in server.state.rooms  # created on demand
    [call] = server.state.calls
    assert (call.kind, call.number, call.result, call.sip_status) == (
        "dial",
        EMPLOYEE,
        "answered",
        200,
    )


@pytest.mark.parametrize(
    ("outcome", "sip_status", "code", "http_status"),
    [
        (DialOutcome.busy(after=1), 486, "resource_exhausted", 429),
        (DialOutcome.no_answer(sip_status=480), 480, "resource_exhausted", 429),
        (DialOutcome.no_answer(sip_status=408), 408, "deadline_exceeded", 408),
        (DialOutcome.declined(), 603, "permission_denied", 403),
        (DialOutcome.failed(500), 500, "failed_precondition", 412),
        (DialOutcome.failed(503), 503, "failed_precondition", 412),
        (DialOutcome.failed(404), 404, "not_found", 404),
    ],
)
async def test_failed_dials_raise_sip_call_error_with_the_sip_status(
    lk: api.LiveKitAPI,
    server: RunningFake,
    trunk_id: str,
    outcome: DialOutcome,
    sip_status: int,
    code: str,
    http_status: int,
) -> None:
    server.state.script(EMPLOYEE, outcome)
    with pytest.raises(api.SipCallError) as caught:
        await lk.sip.create_sip_participant(dial(trunk_id, ringing_timeout=Duration(seconds=20)))
    err = caught.value
    assert (err.sip_status_code, err.code, err.status) == (sip_status, code, http_status)
    assert err.sip_status
    assert server.state.participant("call-1-consult", "employee") is None
    assert server.state.calls[-1].result == "failed"


@pytest.mark.parametrize(
    "outcome",
    [DialOutcome.no_answer(), DialOutcome.manual(), DialOutcome.answered(after=40)],
    ids=["rings-out", "manual", "answers-too-late"],
)
async def test_ringing_out_is_a_canceled_sip_request_timeout_without_a_sip_status(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str, outcome: DialOutcome
) -> None:
    server.state.script(EMPLOYEE, outcome)
    with pytest.raises(api.ServerError) as caught:
        await lk.sip.create_sip_participant(dial(trunk_id, ringing_timeout=Duration(seconds=20)))
    err = caught.value
    assert not isinstance(err, api.SipCallError)  # no sip_status_code in meta
    assert (err.code, err.status, err.message, err.metadata) == (
        "canceled",
        408,
        "sip request timed out",
        {},
    )
    assert server.state.participant("call-1-consult", "employee") is None
    assert (server.state.calls[-1].result, server.state.calls[-1].sip_status) == ("failed", None)


async def test_no_answer_rings_for_the_ringing_timeout(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.time_scale = 0.02
    server.state.script(EMPLOYEE, DialOutcome.no_answer())
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(api.ServerError):
        await lk.sip.create_sip_participant(dial(trunk_id, ringing_timeout=Duration(seconds=10)))
    assert loop.time() - started >= 10 * 0.02


async def test_the_ringing_clock_starts_once_the_sip_participant_has_joined(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.time_scale = 0.02
    server.state.join_seconds = 10
    server.state.script(EMPLOYEE, DialOutcome.no_answer())
    loop = asyncio.get_running_loop()
    started = loop.time()
    dialling = asyncio.create_task(
        lk.sip.create_sip_participant(dial(trunk_id, ringing_timeout=Duration(seconds=10)))
    )
    await until(lambda: bool(server.state.calls))  # the dial reached the SIP service …
    assert server.state.participant("call-1-consult", "employee") is None  # … and is joining
    with pytest.raises(api.ServerError) as caught:
        await dialling
    assert caught.value.code == "canceled"
    assert loop.time() - started >= 20 * 0.02  # joining, then the full ringing timeout


async def test_dial_without_waiting_returns_while_ringing_and_fails_in_the_background(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.script(EMPLOYEE, DialOutcome.busy(after=5))
    await lk.sip.create_sip_participant(dial(trunk_id, wait=False))
    participant = server.state.participant("call-1-consult", "employee")
    assert participant is not None
    assert participant.attributes["sip.callStatus"] in {"dialing", "ringing"}
    for _ in range(100):
        if server.state.calls[-1].result != "ringing":
            break
        await asyncio.sleep(0.01)
    assert (server.state.calls[-1].result, server.state.calls[-1].sip_status) == ("failed", 486)
    assert server.state.participant("call-1-consult", "employee") is None


async def test_hanging_up_while_ringing_cancels_the_dial(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.script(EMPLOYEE, DialOutcome.answered(after=10))
    dialling = asyncio.create_task(lk.sip.create_sip_participant(dial(trunk_id)))
    await until(lambda: server.state.participant("call-1-consult", "employee") is not None)
    await lk.room.delete_room(api.DeleteRoomRequest(room="call-1-consult"))
    with pytest.raises(api.SipCallError) as caught:
        await dialling
    assert caught.value.sip_status_code == 487
    assert server.state.calls[-1].result == "canceled"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"sip_trunk_id": ""}, "missing sip trunk id"),
        ({"sip_call_to": ""}, "missing sip callee number"),
        ({"sip_call_to": "bob@example.com"}, "not a full SIP URI"),
        ({"room_name": ""}, "missing room name"),
    ],
)
async def test_dial_request_rules(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str, change: dict[str, str], fragment: str
) -> None:
    req = dial(trunk_id)
    for name, value in change.items():
        setattr(req, name, value)
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.create_sip_participant(req)
    assert (caught.value.code, fragment in caught.value.message) == ("invalid_argument", True)
    assert not isinstance(caught.value, api.SipCallError)
    assert server.state.calls == []


async def test_dial_needs_an_existing_outbound_trunk(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.create_sip_participant(dial("ST_unknown"))
    assert caught.value.code == "not_found"
    assert server.state.rooms == {}


async def test_a_second_dial_with_the_same_identity_is_refused(
    lk: api.LiveKitAPI, trunk_id: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id))
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.create_sip_participant(dial(trunk_id))
    assert caught.value.code == "already_exists"


async def test_transfer_to_a_tel_uri_hands_the_call_off(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id, "+15125550111"))
    reply = await lk.sip.transfer_sip_participant(
        TransferSIPParticipantRequest(
            room_name="call-1-consult",
            participant_identity="employee",
            transfer_to=f"tel:{EMPLOYEE}",
        )
    )
    if server.state.server_version == "released":
        # An empty body: livekit-api reads it as a transfer still ongoing, with no id.
        assert reply == TransferSIPParticipantResponse()
        assert reply.status == SIPTransferStatus.STS_TRANSFER_ONGOING
    else:
        assert reply.status == SIPTransferStatus.STS_TRANSFER_SUCCESSFUL
        assert (reply.reason, reply.sip_status.code) == (SIPTransferReason.STR_COMPLETED, 200)
        assert reply.transfer_id
    assert (server.state.calls[-1].kind, server.state.calls[-1].number) == ("transfer", EMPLOYEE)
    assert server.state.calls[-1].result == "answered"
    await until_gone(server, "call-1-consult", "employee")  # the bridge hangs up after answering


async def test_the_refer_is_answered_before_the_referred_leg_leaves(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.time_scale = 1.0
    server.state.refer_bye_seconds = 0.3
    await lk.sip.create_sip_participant(dial(trunk_id, "+15125550111"))
    await lk.sip.transfer_sip_participant(
        TransferSIPParticipantRequest(
            room_name="call-1-consult", participant_identity="employee", transfer_to="tel:+1555"
        )
    )
    assert server.state.participant("call-1-consult", "employee") is not None  # still there
    await until_gone(server, "call-1-consult", "employee")


async def test_failed_transfer_keeps_the_caller_and_reports_why(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id, "+15125550111"))
    server.state.script(EMPLOYEE, DialOutcome.declined())
    with pytest.raises(api.SipCallError) as caught:
        await lk.sip.transfer_sip_participant(
            TransferSIPParticipantRequest(
                room_name="call-1-consult",
                participant_identity="employee",
                transfer_to=f"sip:{EMPLOYEE}@acme.pstn.twilio.com",
            )
        )
    err = caught.value
    assert (err.code, err.status, err.sip_status_code, err.sip_status) == (
        "permission_denied",
        403,
        603,
        "Decline",
    )
    assert err.message == "call transfer failed: sip status: 603: Decline"
    assert err.sip_transfer_reason is None  # no released server sends it
    assert server.state.participant("call-1-consult", "employee") is not None


async def test_a_transfer_nobody_answers_ends_at_the_ringing_timeout(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id, "+15125550111"))
    server.state.script(EMPLOYEE, DialOutcome.no_answer())
    with pytest.raises(api.ServerError) as caught:
        await lk.sip.transfer_sip_participant(
            TransferSIPParticipantRequest(
                room_name="call-1-consult",
                participant_identity="employee",
                transfer_to=f"tel:{EMPLOYEE}",
            )
        )
    assert (caught.value.code, caught.value.message) == ("deadline_exceeded", "request timed out")
    assert server.state.participant("call-1-consult", "employee") is not None


@pytest.mark.parametrize("target", ["+16125550199", "http://example.com", "mailto:a@b.c", "tel:"])
async def test_transfer_target_must_be_a_sip_sips_or_tel_uri(
    lk: api.LiveKitAPI, trunk_id: str, target: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id))
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.transfer_sip_participant(
            TransferSIPParticipantRequest(
                room_name="call-1-consult", participant_identity="employee", transfer_to=target
            )
        )
    assert caught.value.code == "invalid_argument"
    assert "sip:, sips: or tel:" in caught.value.message


async def test_transfer_of_a_missing_or_non_sip_participant_fails(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    req = TransferSIPParticipantRequest(
        room_name="call-1-consult", participant_identity="ghost", transfer_to="tel:+1"
    )
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.transfer_sip_participant(req)
    assert caught.value.code == "not_found"

    server.state.add_participant(
        "call-1-consult", ParticipantInfo(identity="agent", kind=ParticipantInfo.AGENT)
    )
    req.participant_identity = "agent"
    with pytest.raises(api.TwirpError) as caught:
        await lk.sip.transfer_sip_participant(req)
    assert (caught.value.code, "no SIP session" in caught.value.message) == (
        "invalid_argument",
        True,
    )


async def test_a_manual_number_rings_until_the_test_decides(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.script(EMPLOYEE, DialOutcome.manual())
    long_ring = dial(trunk_id, ringing_timeout=Duration(seconds=600))
    dialling = asyncio.create_task(lk.sip.create_sip_participant(long_ring))
    # A control dialled at the same moment with a timed outcome: once it has ended, a manual
    # number that behaved like a timed one would have ended too.
    control = dial(trunk_id, CONTROL, ringing_timeout=Duration(seconds=600))
    control.participant_identity = "control"
    server.state.script(CONTROL, DialOutcome.busy(after=10))
    with pytest.raises(api.SipCallError):
        await asyncio.wait_for(lk.sip.create_sip_participant(control), timeout=5)
    assert not dialling.done()
    participant = server.state.participant("call-1-consult", "employee")
    assert participant is not None
    assert participant.attributes["sip.callStatus"] == "ringing"
    server.state.script(EMPLOYEE, DialOutcome.answered())
    await asyncio.wait_for(dialling, timeout=5)
    assert [c.result for c in server.state.calls if c.number == EMPLOYEE] == ["answered"]


async def test_a_manual_number_still_times_out(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    server.state.script(EMPLOYEE, DialOutcome.manual())
    with pytest.raises(api.ServerError) as caught:
        await lk.sip.create_sip_participant(dial(trunk_id, ringing_timeout=Duration(seconds=5)))
    assert (caught.value.code, caught.value.message) == ("canceled", "sip request timed out")


async def test_the_call_ending_during_a_transfer_counts_as_done(
    lk: api.LiveKitAPI, server: RunningFake, trunk_id: str
) -> None:
    await lk.sip.create_sip_participant(dial(trunk_id, "+15125550111"))
    server.state.script(EMPLOYEE, DialOutcome.answered(after=20))
    req = TransferSIPParticipantRequest(
        room_name="call-1-consult", participant_identity="employee", transfer_to=f"tel:{EMPLOYEE}"
    )
    transferring = asyncio.create_task(lk.sip.transfer_sip_participant(req))
    await asyncio.sleep(0.03)
    assert server.state.hang_up("call-1-consult", "employee")
    # livekit-sip: the REFER was accepted and the call ended, so the transfer succeeded.
    reply = await transferring
    if server.state.server_version == "released":
        assert reply == TransferSIPParticipantResponse()
    else:
        assert (reply.status, reply.reason) == (
            SIPTransferStatus.STS_TRANSFER_SUCCESSFUL,
            SIPTransferReason.STR_CALL_ENDED,
        )
    assert server.state.calls[-1].result == "answered"


async def until_gone(server: RunningFake, room: str, identity: str) -> None:
    async with asyncio.timeout(3):
        while server.state.participant(room, identity) is not None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def until(condition: Callable[[], bool]) -> None:
    """Wait (at most 3 s) for `condition`, an event the fake makes visible in its state."""
    async with asyncio.timeout(3):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
