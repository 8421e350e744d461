"""Rooms, participants and agent dispatch on the LiveKit fake, through the real livekit-api client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from livekit import api
from livekit.protocol.models import ParticipantInfo

from switchboard.fakes.livekit import RunningFake, running_livekit_fake


@pytest.fixture(scope="module")
def server() -> Iterator[RunningFake]:
    with running_livekit_fake() as fake:
        yield fake


@pytest.fixture
async def lk(server: RunningFake) -> AsyncIterator[api.LiveKitAPI]:
    server.state.reset()
    server.state.mode = "cloud"
    client = api.LiveKitAPI(server.url, server.api_key, server.api_secret)
    yield client
    await client.aclose()


def join(server: RunningFake, room: str, identity: str, **attributes: str) -> None:
    server.state.add_participant(
        room, ParticipantInfo(sid=f"PA_{identity}", identity=identity, attributes=attributes)
    )


async def test_create_room_is_idempotent_and_listed(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    room = await lk.room.create_room(
        api.CreateRoomRequest(name="call-1", metadata="m", empty_timeout=60)
    )
    assert room.sid.startswith("RM_")
    assert (room.name, room.metadata, room.empty_timeout) == ("call-1", "m", 60)
    again = await lk.room.create_room(api.CreateRoomRequest(name="call-1", metadata="other"))
    assert (again.sid, again.metadata) == (room.sid, "m")
    await lk.room.create_room(api.CreateRoomRequest(name="call-2"))

    everything = await lk.room.list_rooms(api.ListRoomsRequest())
    assert sorted(r.name for r in everything.rooms) == ["call-1", "call-2"]
    only = await lk.room.list_rooms(api.ListRoomsRequest(names=["call-2", "nope"]))
    assert [r.name for r in only.rooms] == ["call-2"]


async def test_create_room_needs_a_name(lk: api.LiveKitAPI) -> None:
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.create_room(api.CreateRoomRequest())
    assert caught.value.code == "invalid_argument"


async def test_create_room_with_agents_dispatches_them(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    req = api.CreateRoomRequest(
        name="call-1", agents=[api.RoomAgentDispatch(agent_name="switchboard", metadata="{}")]
    )
    await lk.room.create_room(req)
    [dispatch] = server.state.dispatches.values()
    assert (dispatch.agent_name, dispatch.room, dispatch.metadata) == (
        "switchboard",
        "call-1",
        "{}",
    )


async def test_deleting_a_room_removes_its_participants_and_dispatches(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    await lk.room.create_room(api.CreateRoomRequest(name="call-1"))
    join(server, "call-1", "caller")
    await lk.agent_dispatch.create_dispatch(
        api.CreateAgentDispatchRequest(agent_name="switchboard", room="call-1")
    )
    await lk.room.delete_room(api.DeleteRoomRequest(room="call-1"))
    assert server.state.rooms == {}
    assert server.state.participant("call-1", "caller") is None
    assert server.state.dispatches == {}
    assert (
        await lk.room.list_participants(api.ListParticipantsRequest(room="call-1"))
    ).participants == []
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.delete_room(api.DeleteRoomRequest(room="call-1"))
    assert caught.value.code == "not_found"


async def test_participants_are_listed_fetched_and_removed(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    join(server, "call-1", "caller")
    join(server, "call-1", "agent")
    listed = await lk.room.list_participants(api.ListParticipantsRequest(room="call-1"))
    assert sorted(p.identity for p in listed.participants) == ["agent", "caller"]
    assert server.state.rooms["call-1"].num_participants == 2

    got = await lk.room.get_participant(
        api.RoomParticipantIdentity(room="call-1", identity="caller")
    )
    assert got.sid == "PA_caller"
    await lk.room.remove_participant(api.RoomParticipantIdentity(room="call-1", identity="caller"))
    assert server.state.participant("call-1", "caller") is None
    assert server.state.rooms["call-1"].num_participants == 1


@pytest.mark.parametrize("rpc", ["get_participant", "remove_participant"])
async def test_unknown_participants_are_not_found(lk: api.LiveKitAPI, rpc: str) -> None:
    with pytest.raises(api.TwirpError) as caught:
        await getattr(lk.room, rpc)(api.RoomParticipantIdentity(room="call-1", identity="ghost"))
    assert (caught.value.code, caught.value.status) == ("not_found", 404)


async def test_update_participant_merges_attributes_and_sets_metadata(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    join(server, "call-1", "caller", keep="1", drop="2")
    updated = await lk.room.update_participant(
        api.UpdateParticipantRequest(
            room="call-1",
            identity="caller",
            metadata="on hold",
            attributes={"drop": "", "new": "3"},
        )
    )
    assert updated.metadata == "on hold"
    assert dict(updated.attributes) == {"keep": "1", "new": "3"}
    assert dict(server.state.participants["call-1"]["caller"].attributes) == {
        "keep": "1",
        "new": "3",
    }
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.update_participant(
            api.UpdateParticipantRequest(room="call-1", identity="ghost", metadata="x")
        )
    assert caught.value.code == "not_found"


async def test_move_participant_in_cloud_mode(lk: api.LiveKitAPI, server: RunningFake) -> None:
    join(server, "call-1-consult", "employee", **{"sip.callStatus": "active"})
    await lk.room.create_room(api.CreateRoomRequest(name="call-1"))
    await lk.room.move_participant(
        api.MoveParticipantRequest(
            room="call-1-consult", identity="employee", destination_room="call-1"
        )
    )
    assert server.state.participant("call-1-consult", "employee") is None
    moved = server.state.participant("call-1", "employee")
    assert moved is not None
    assert moved.attributes["sip.callStatus"] == "active"


async def test_move_participant_failures(lk: api.LiveKitAPI, server: RunningFake) -> None:
    join(server, "call-1-consult", "employee")
    cases = [
        (
            api.MoveParticipantRequest(
                room="call-1-consult", identity="employee", destination_room="missing"
            ),
            "not_found",
        ),
        (
            api.MoveParticipantRequest(
                room="call-1-consult", identity="ghost", destination_room="call-1-consult-2"
            ),
            "not_found",
        ),
        (
            api.MoveParticipantRequest(
                room="call-1-consult", identity="employee", destination_room="call-1-consult"
            ),
            "invalid_argument",
        ),
    ]
    for request, code in cases:
        with pytest.raises(api.TwirpError) as caught:
            await lk.room.move_participant(request)
        assert caught.value.code == code
    assert server.state.participant("call-1-consult", "employee") is not None


async def test_move_participant_on_open_source_livekit_is_unknown_not_implemented(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    server.state.mode = "oss"
    join(server, "call-1-consult", "employee")
    await lk.room.create_room(api.CreateRoomRequest(name="call-1"))
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.move_participant(
            api.MoveParticipantRequest(
                room="call-1-consult", identity="employee", destination_room="call-1"
            )
        )
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "unknown",
        500,
        "not implemented",
    )
    assert server.state.participant("call-1-consult", "employee") is not None


async def test_open_source_move_of_someone_not_connected_is_unavailable_after_retries(
    lk: api.LiveKitAPI, server: RunningFake
) -> None:
    server.state.mode = "oss"
    server.state.time_scale = 0.02
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.move_participant(
            api.MoveParticipantRequest(
                room="call-1-consult", identity="ghost", destination_room="x"
            )
        )
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "unavailable",
        503,
        "no response from servers",
    )
    assert loop.time() - started >= 3 * 0.02  # psrpc's claim timeout, three times


async def test_open_source_move_checks_grant_and_rooms_first(
    server: RunningFake, lk: api.LiveKitAPI
) -> None:
    server.state.mode = "oss"
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.move_participant(
            api.MoveParticipantRequest(room="a", identity="p", destination_room="a")
        )
    assert (caught.value.code, caught.value.status) == ("invalid_argument", 400)
    admin_only = api.AccessToken(server.api_key, server.api_secret).with_grants(
        api.VideoGrants(room_admin=True, room="a")
    )
    async with api.LiveKitAPI.with_token(admin_only.to_jwt(), server.url) as client:
        with pytest.raises(api.TwirpError) as caught:
            await client.room.move_participant(
                api.MoveParticipantRequest(room="a", identity="p", destination_room="b"),
            )
    assert (caught.value.code, caught.value.status) == ("unauthenticated", 401)


async def test_agent_dispatch_round_trip(lk: api.LiveKitAPI, server: RunningFake) -> None:
    made = await lk.agent_dispatch.create_dispatch(
        api.CreateAgentDispatchRequest(
            agent_name="switchboard", room="call-1", metadata='{"call": 1}'
        )
    )
    assert made.id.startswith("AD_")
    assert "call-1" in server.state.rooms
    assert [d.id for d in await lk.agent_dispatch.list_dispatch("call-1")] == [made.id]
    assert await lk.agent_dispatch.list_dispatch("elsewhere") == []
    fetched = await lk.agent_dispatch.get_dispatch(made.id, "call-1")
    assert fetched is not None
    assert fetched.metadata == '{"call": 1}'

    deleted = await lk.agent_dispatch.delete_dispatch(made.id, "call-1")
    assert deleted.state.deleted_at > 0
    assert server.state.dispatches == {}
    with pytest.raises(api.TwirpError) as caught:
        await lk.agent_dispatch.delete_dispatch(made.id, "call-1")
    assert caught.value.code == "not_found"


async def test_update_room_metadata(lk: api.LiveKitAPI, server: RunningFake) -> None:
    await lk.room.create_room(api.CreateRoomRequest(name="call-1"))
    room = await lk.room.update_room_metadata(
        api.UpdateRoomMetadataRequest(room="call-1", metadata='{"on_hold": true}')
    )
    assert room.metadata == '{"on_hold": true}'
    assert server.state.rooms["call-1"].metadata == '{"on_hold": true}'
    with pytest.raises(api.TwirpError) as caught:
        await lk.room.update_room_metadata(api.UpdateRoomMetadataRequest(room="nope", metadata="x"))
    assert caught.value.code == "not_found"
