"""The LiveKit adapter's pure parts: SIP status mapping, error messages, targets and hold."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from livekit.api import ServerError, SipCallError

from switchboard.adapters.livekit import HoldTracks, dial_status
from switchboard.adapters.livekit.errors import (
    BAD_CREDENTIALS,
    MOVE_NEEDS_CLOUD,
    from_api,
    from_dial,
    from_transport,
)
from switchboard.adapters.livekit.targets import DialTarget, parse_dial_target, refer_target
from switchboard.ports.telephony import (
    DialError,
    DialStatus,
    ParticipantGone,
    TelephonyError,
)


@pytest.mark.parametrize(
    ("sip", "status"),
    [
        (486, DialStatus.BUSY),
        (600, DialStatus.BUSY),
        (603, DialStatus.BUSY),
        (408, DialStatus.NO_ANSWER),
        (480, DialStatus.NO_ANSWER),
        (487, DialStatus.NO_ANSWER),
        (404, DialStatus.FAILED),
        (484, DialStatus.FAILED),
        (503, DialStatus.FAILED),
        (None, DialStatus.FAILED),
    ],
)
def test_sip_status_maps_to_dial_status(sip: int | None, status: DialStatus) -> None:
    assert dial_status(sip) is status


def sip_error(code: str, sip: str, status: int = 429) -> SipCallError:
    return SipCallError(code, "call failed", status=status, metadata={"sip_status_code": sip})


def test_a_dial_error_keeps_the_sip_status_and_phrase() -> None:
    err = SipCallError(
        "resource_exhausted",
        "busy",
        status=429,
        metadata={"sip_status_code": "486", "sip_status": "Busy Here"},
    )
    mapped = from_dial(err)
    assert isinstance(mapped, DialError)
    assert (mapped.outcome, mapped.sip_status, str(mapped)) == (
        DialStatus.BUSY,
        486,
        "dial ended: busy (486 Busy Here)",
    )


def test_a_sip_status_that_is_not_a_number_is_a_failed_dial() -> None:
    mapped = from_dial(sip_error("unknown", "garbage"))
    assert not isinstance(mapped, DialError)  # no SIP status: a plain telephony error
    assert "call failed" in str(mapped)


@pytest.mark.parametrize(
    ("err", "action", "message"),
    [
        (ServerError("unauthenticated", "bad token", status=401), "dial", BAD_CREDENTIALS),
        (ServerError("unknown", "", status=401), "create_room", BAD_CREDENTIALS),  # plain text
        (
            ServerError("unauthenticated", "permissions denied", status=401),  # real missing grant
            "dial",
            "LiveKit refused dial: this API key lacks the permission (grant) it needs",
        ),
        (ServerError("unimplemented", "no", status=501), "move_participant", MOVE_NEEDS_CLOUD),
        (
            ServerError("unknown", "not implemented", status=500),  # open-source livekit-server
            "move_participant",
            MOVE_NEEDS_CLOUD,
        ),
        (
            ServerError("unknown", "not implemented", status=500),
            "refer",
            "LiveKit refer failed: not implemented",
        ),
        (
            ServerError("permission_denied", "no grant", status=403),
            "hang_up",
            "LiveKit refused hang_up: this API key lacks the permission (grant) it needs",
        ),
        (
            ServerError("unimplemented", "x", status=501),
            "refer",
            "this LiveKit server does not support refer",
        ),
    ],
)
def test_api_failures_read_plainly(err: ServerError, action: str, message: str) -> None:
    mapped = from_api(err, action)
    assert type(mapped) is TelephonyError
    assert str(mapped) == message


@pytest.mark.parametrize(
    "err",
    [
        ServerError("canceled", "sip request timed out", status=408),  # livekit-sip's ring-out
        ServerError("deadline_exceeded", "request timed out", status=408),
        ServerError("unknown", "sip request timed out", status=500),
    ],
)
def test_a_dial_livekit_gave_up_on_without_a_sip_status_is_no_answer(err: ServerError) -> None:
    mapped = from_dial(err)
    assert isinstance(mapped, DialError)
    assert (mapped.outcome, mapped.sip_status) == (DialStatus.NO_ANSWER, None)


def test_other_dial_failures_without_a_sip_status_are_not_no_answer() -> None:
    for err in [
        ServerError("internal", "update room failed", status=500),
        ServerError("unavailable", "no response from servers", status=503),
    ]:
        assert not isinstance(from_dial(err), DialError)


def test_a_declined_permission_with_a_sip_status_is_a_dial_outcome_not_an_auth_problem() -> None:
    mapped = from_dial(sip_error("permission_denied", "603", status=403))
    assert isinstance(mapped, DialError)
    assert mapped.outcome is DialStatus.BUSY


def test_not_found_is_participant_gone_only_for_participant_actions() -> None:
    missing = ServerError("not_found", "participant not found", status=404)
    assert isinstance(from_api(missing, "refer"), ParticipantGone)
    assert type(from_api(missing, "create_room")) is TelephonyError


def test_transport_failures_point_at_the_url_setting() -> None:
    refused = aiohttp.ClientConnectionError("refused")
    assert "LIVEKIT_URL" in str(from_transport(refused, "dial"))
    assert "in time" in str(from_transport(TimeoutError(), "dial"))


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("+13125550112", DialTarget("+13125550112")),
        (" tel:+13125550112 ", DialTarget("+13125550112")),
        ("sip:priya@pbx.acme.example", DialTarget("priya", "pbx.acme.example")),
        ("sips:201@10.0.0.5:5061;transport=tls", DialTarget("201", "10.0.0.5:5061")),
    ],
)
def test_dial_targets(raw: str, parsed: DialTarget) -> None:
    assert parse_dial_target(raw) == parsed


@pytest.mark.parametrize(
    "raw", ["", "3125550112", "tel:312", "sip:host.only", "sip:a b@h", "x:y@z"]
)
def test_bad_dial_targets(raw: str) -> None:
    with pytest.raises(TelephonyError) as caught:
        parse_dial_target(raw)
    assert caught.value.sip_status == 400


def test_refer_targets_accept_angle_brackets_and_refuse_bare_numbers() -> None:
    assert refer_target("<tel:+13125550112>") == "tel:+13125550112"
    with pytest.raises(TelephonyError, match=r"\*\*\*0112"):
        refer_target("+13125550112")


class FakePlayer:
    def __init__(self, room: str, log: list[str]) -> None:
        self.room, self.log = room, log

    async def start(self) -> None:
        self.log.append(f"start {self.room}")

    async def aclose(self) -> None:
        self.log.append(f"stop {self.room}")


async def test_hold_starts_once_and_stops_once() -> None:
    log: list[str] = []
    holds = HoldTracks(lambda room: FakePlayer(room, log))
    await holds.stop("call-1", "caller")  # nothing plays: a no-op
    await asyncio.gather(holds.start("call-1", "caller"), holds.start("call-1", "caller"))
    assert holds.live() == (("call-1", "caller"),)
    await holds.stop("call-1", "caller")
    await holds.stop("call-1", "caller")
    assert log == ["start call-1", "stop call-1"]
    assert holds.live() == ()


async def test_a_room_going_away_stops_its_holds_only() -> None:
    log: list[str] = []
    holds = HoldTracks(lambda room: FakePlayer(room, log))
    await holds.start("call-1", "caller")
    await holds.start("call-2", "caller")
    await holds.stop_room("call-1")
    assert holds.live() == (("call-2", "caller"),)
