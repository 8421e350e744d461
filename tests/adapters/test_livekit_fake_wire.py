"""The LiveKit fake's wire format and auth: Twirp routes, protobuf and JSON bodies, tokens, grants."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping

import httpx
import pytest
from livekit import api
from livekit.protocol.sip import CreateSIPInboundTrunkRequest, SIPInboundTrunkInfo

from switchboard.fakes.livekit import DialOutcome, RunningFake, running_livekit_fake

ROOM_SERVICE = "/twirp/livekit.RoomService"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningFake]:
    with running_livekit_fake("wire-key", "wire-secret-that-is-long-enough-1234") as fake:
        yield fake


@pytest.fixture
def fake(server: RunningFake) -> RunningFake:
    server.state.reset()
    return server


@pytest.fixture
async def lk(fake: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    client = api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret)
    yield client
    await client.aclose()


def token(
    fake: RunningFake, *, identity: str = "", secret: str | None = None, **video: object
) -> str:
    access = api.AccessToken(fake.api_key, secret or fake.api_secret).with_identity(identity)
    return access.with_grants(api.VideoGrants(**video)).to_jwt()  # type: ignore[arg-type]


def post(
    fake: RunningFake, path: str, body: Mapping[str, object], bearer: str | None
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx.post(fake.url + path, content=json.dumps(body), headers=headers, timeout=5)


def test_json_requests_get_json_answers(fake: RunningFake) -> None:
    reply = post(
        fake,
        f"{ROOM_SERVICE}/CreateRoom",
        {"name": "call-1", "emptyTimeout": 30},
        token(fake, room_create=True),
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["name"] == "call-1"
    assert fake.state.rooms["call-1"].empty_timeout == 30
    assert fake.state.requests[-1].encoding == "json"


def test_json_errors_carry_code_and_msg(fake: RunningFake) -> None:
    # No token at all: the request runs with no grants, so the RPC's own check refuses it.
    reply = post(fake, "/twirp/livekit.SIP/CreateSIPInboundTrunk", {"trunk": {"name": "x"}}, None)
    assert reply.status_code == 401
    assert reply.json() == {"code": "unauthenticated", "msg": "permissions denied"}


async def test_protobuf_requests_are_recorded_with_the_token_identity(fake: RunningFake) -> None:
    access = api.AccessToken(fake.api_key, fake.api_secret).with_identity("provisioner")
    bearer = access.with_sip_grants(api.SIPGrants(admin=True)).to_jwt()
    async with api.LiveKitAPI.with_token(bearer, fake.url) as client:
        trunk = SIPInboundTrunkInfo(name="in", numbers=["+15125550100"])
        await client.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=trunk))
    [recorded] = fake.state.requests_for("CreateSIPInboundTrunk")
    assert (recorded.service, recorded.identity, recorded.encoding, recorded.error) == (
        "livekit.SIP",
        "provisioner",
        "protobuf",
        None,
    )
    assert isinstance(recorded.request, CreateSIPInboundTrunkRequest)
    assert recorded.request.trunk.numbers == ["+15125550100"]


async def test_wrong_secret_or_key_is_a_plain_text_401(fake: RunningFake) -> None:
    for key, secret in [
        (fake.api_key, "another-secret-that-is-long-enough-99"),
        ("other-key", fake.api_secret),
    ]:
        async with api.LiveKitAPI(fake.url, key, secret) as client:
            with pytest.raises(api.TwirpError) as caught:
                await client.room.list_rooms(api.ListRoomsRequest())
        # Not Twirp JSON: livekit-api cannot read a code from it.
        assert (caught.value.code, caught.value.message, caught.value.status) == (
            "unknown",
            "",
            401,
        )
    assert fake.state.requests[-1].error == "unauthenticated"
    other = api.AccessToken("other-key", fake.api_secret).to_jwt()
    reply = post(fake, f"{ROOM_SERVICE}/ListRooms", {}, other)
    assert (reply.status_code, reply.text) == (401, "invalid API key: other-key")


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ("Token abc", "invalid authorization header. Must start with Bearer "),
        ("Bearer not-a-jwt", "invalid authorization token"),
    ],
)
def test_malformed_authorization_headers_get_plain_text(
    fake: RunningFake, header: str, text: str
) -> None:
    reply = httpx.post(
        fake.url + f"{ROOM_SERVICE}/Teleport",  # checked before routing, too
        content=b"{}",
        headers={"Content-Type": "application/json", "Authorization": header},
        timeout=5,
    )
    assert (reply.status_code, reply.text) == (401, text)
    assert not reply.headers["content-type"].startswith("application/json")


async def test_expired_and_garbage_tokens_are_unauthorized(fake: RunningFake) -> None:
    expired = api.AccessToken(fake.api_key, fake.api_secret).with_ttl(
        datetime.timedelta(minutes=-5)
    )
    for bearer in [expired.with_grants(api.VideoGrants(room_list=True)).to_jwt(), "not-a-jwt"]:
        async with api.LiveKitAPI.with_token(bearer, fake.url) as client:
            with pytest.raises(api.TwirpError) as caught:
                await client.room.list_rooms(api.ListRoomsRequest())
        assert caught.value.status == 401


async def test_missing_grants_are_unauthenticated_permissions_denied(fake: RunningFake) -> None:
    bearer = token(fake, room_list=True)
    async with api.LiveKitAPI.with_token(bearer, fake.url) as client:
        assert (await client.room.list_rooms(api.ListRoomsRequest())).rooms == []
        calls = [
            client.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest()),
            client.room.create_room(api.CreateRoomRequest(name="x")),
            client.room.list_participants(api.ListParticipantsRequest(room="x")),
        ]
        for call in calls:
            with pytest.raises(api.TwirpError) as caught:
                await call
            assert (caught.value.code, caught.value.status, caught.value.message) == (
                "unauthenticated",
                401,
                "permissions denied",
            )
    assert fake.state.rooms == {}


async def test_room_admin_is_for_one_room_only(fake: RunningFake) -> None:
    async with api.LiveKitAPI.with_token(
        token(fake, room_admin=True, room="call-1"), fake.url
    ) as client:
        await client.room.list_participants(api.ListParticipantsRequest(room="call-1"))
        with pytest.raises(api.TwirpError) as caught:
            await client.room.list_participants(api.ListParticipantsRequest(room="call-2"))
    assert (caught.value.code, caught.value.message) == ("unauthenticated", "permissions denied")


async def test_sip_admin_cannot_dial_without_the_call_grant(fake: RunningFake) -> None:
    bearer = (
        api.AccessToken(fake.api_key, fake.api_secret)
        .with_sip_grants(api.SIPGrants(admin=True))
        .to_jwt()
    )
    async with api.LiveKitAPI.with_token(bearer, fake.url) as client:
        with pytest.raises(api.TwirpError) as caught:
            await client.sip.create_sip_participant(
                api.CreateSIPParticipantRequest(
                    sip_trunk_id="ST_x", sip_call_to="+1", room_name="r"
                )
            )
    assert (caught.value.code, caught.value.status) == ("unauthenticated", 401)


def test_unknown_routes_methods_and_content_types(fake: RunningFake) -> None:
    admin = token(fake, room_create=True)
    assert post(fake, f"{ROOM_SERVICE}/Teleport", {}, admin).json()["code"] == "bad_route"
    assert post(fake, "/twirp/livekit.Nope/CreateRoom", {}, admin).status_code == 404
    assert (
        httpx.get(fake.url + f"{ROOM_SERVICE}/CreateRoom", timeout=5).json()["code"] == "bad_route"
    )
    plain = httpx.post(
        fake.url + f"{ROOM_SERVICE}/CreateRoom",
        content=b"x",
        headers={"Content-Type": "text/plain"},
        timeout=5,
    )
    assert (plain.status_code, plain.json()["code"]) == (404, "bad_route")


def test_undecodable_bodies_are_malformed(fake: RunningFake) -> None:
    headers = {"Authorization": f"Bearer {token(fake, room_create=True)}"}
    for content_type, body in [
        ("application/protobuf", b"\xff\xff\xff"),
        ("application/json", b"{not json"),
    ]:
        reply = httpx.post(
            fake.url + f"{ROOM_SERVICE}/CreateRoom",
            content=body,
            headers={**headers, "Content-Type": content_type},
            timeout=5,
        )
        assert (reply.status_code, reply.json()["code"]) == (400, "malformed")
    assert fake.state.rooms == {}


async def test_rpcs_the_fake_does_not_implement_answer_unimplemented(lk: api.LiveKitAPI) -> None:
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.send_data(api.SendDataRequest(room="call-1", data=b"x"))
    assert (caught.value.code, caught.value.status) == ("unimplemented", 501)


def test_health_check(fake: RunningFake) -> None:
    reply = httpx.get(fake.url + "/", timeout=5)
    assert (reply.status_code, reply.text) == (200, "OK")


def test_the_module_runs_as_a_server_process() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["--port", str(port), "--api-key", "k", "--api-secret", "s" * 32, "--mode", "oss"]
    args += ["--server-version", "head"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "switchboard.fakes.livekit", *args], env=os.environ.copy()
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text == "OK"
                break
            except httpx.TransportError:
                assert proc.poll() is None, "the fake exited"
                assert time.monotonic() < deadline, "the fake did not start"
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_injected_failures_answer_the_next_calls_then_stop(
    fake: RunningFake, lk: api.LiveKitAPI
) -> None:
    fake.state.fail_next("ListRooms", "unavailable", "region down", times=2, retry_after="1")
    for _ in range(2):
        with pytest.raises(api.TwirpError) as caught:
            await lk.room.list_rooms(api.ListRoomsRequest())
        err = caught.value
        assert (err.code, err.status, err.message, err.metadata) == (
            "unavailable",
            503,
            "region down",
            {"retry_after": "1"},
        )
    assert (await lk.room.list_rooms(api.ListRoomsRequest())).rooms == []
    assert [r.error for r in fake.state.requests_for("ListRooms")] == [
        "unavailable",
        "unavailable",
        None,
    ]


async def test_injected_failures_come_after_authentication(fake: RunningFake) -> None:
    fake.state.fail_next("ListRooms", "internal")
    async with api.LiveKitAPI(
        fake.url, fake.api_key, "a-wrong-secret-that-is-long-enough-1"
    ) as client:
        with pytest.raises(api.TwirpError) as caught:
            await client.room.list_rooms(api.ListRoomsRequest())
    assert caught.value.status == 401
    assert fake.state.injected["ListRooms"]  # still waiting for an authenticated call


def test_sip_failures_carry_their_status_in_json_meta(fake: RunningFake) -> None:
    admin = (
        api.AccessToken(fake.api_key, fake.api_secret)
        .with_sip_grants(api.SIPGrants(admin=True, call=True))
        .to_jwt()
    )
    trunk = {
        "trunk": {"name": "out", "address": "acme.pstn.twilio.com", "numbers": ["+15125550100"]}
    }
    trunk_id = post(fake, "/twirp/livekit.SIP/CreateSIPOutboundTrunk", trunk, admin).json()[
        "sipTrunkId"
    ]
    fake.state.script("+16125550199", DialOutcome.busy())
    body = {
        "sipTrunkId": trunk_id,
        "sipCallTo": "+16125550199",
        "roomName": "r",
        "waitUntilAnswered": True,
    }
    reply = post(fake, "/twirp/livekit.SIP/CreateSIPParticipant", body, admin)
    assert reply.status_code == 429
    assert reply.json()["meta"] == {"sip_status_code": "486", "sip_status": "Busy Here"}


def test_an_unknown_server_version_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from switchboard.fakes.livekit.__main__ import main

    with pytest.raises(SystemExit):
        main(["--api-key", "k", "--api-secret", "s" * 32, "--server-version", "v2"])
    assert "released" in capsys.readouterr().err
