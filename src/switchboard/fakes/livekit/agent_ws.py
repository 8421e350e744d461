"""The agent-worker WebSocket (`/agent`), enough to prove a real worker connects and registers.

livekit-agents' `AgentServer` opens `ws(s)://<LIVEKIT_URL>/agent` with a Bearer token carrying
the `agent` grant, sends `WorkerMessage.register` (type, agent_name, version) and waits for
`ServerMessage.register`. The fake then records every status update the worker sends, answers
pings, and can offer it a job (`offer_job`): the worker answers `AvailabilityResponse` through its
own request function, which is as far as a job can go without WebRTC media.

# upstream: livekit/livekit@v1.13.5:pkg/service/agentservice.go:55-80 (/agent upgrade, `agent` grant)
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import jwt
from livekit.api.access_token import TokenVerifier
from livekit.protocol import agent, models
from starlette.websockets import WebSocket, WebSocketDisconnect

from switchboard.fakes.livekit.state import FakeState

_ids = itertools.count(1)
_POLICY_VIOLATION = 1008


@dataclass
class RegisteredWorker:
    """One connected worker as the fake saw it."""

    id: str
    agent_name: str
    type: int
    version: str
    statuses: list[agent.UpdateWorkerStatus] = field(default_factory=list)
    answers: list[agent.AvailabilityResponse] = field(default_factory=list)
    outbox: asyncio.Queue[agent.ServerMessage] = field(default_factory=asyncio.Queue)
    loop: asyncio.AbstractEventLoop | None = None  # the fake's server loop (another thread)
    connected: bool = True


def workers(state: FakeState) -> list[RegisteredWorker]:
    """The workers that registered with this fake (connected or not), oldest first."""
    with state.lock:
        return list(state.agent_workers)


def offer_job(worker: RegisteredWorker, room: str, job_id: str | None = None) -> str:
    """Offer `worker` a room job dispatched to its agent name (thread-safe); returns the job id."""
    job = agent.Job(
        id=job_id or f"AJ_fake{next(_ids)}",
        type=agent.JobType.JT_ROOM,
        room=models.Room(name=room, sid=f"RM_{room}"),
        agent_name=worker.agent_name,
    )
    offer = agent.ServerMessage(availability=agent.AvailabilityRequest(job=job))
    assert worker.loop is not None
    worker.loop.call_soon_threadsafe(worker.outbox.put_nowait, offer)
    return job.id


def _authorised(websocket: WebSocket, api_key: str, api_secret: str) -> bool:
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    try:
        claims = TokenVerifier(api_key, api_secret).verify(token.strip())
    except jwt.PyJWTError:
        return False
    return bool(claims.video and claims.video.agent)


async def agent_endpoint(
    websocket: WebSocket, state: FakeState, api_key: str, api_secret: str
) -> None:
    if not _authorised(websocket, api_key, api_secret):
        await websocket.close(code=_POLICY_VIOLATION)  # before accept: an HTTP 403 to the client
        return
    await websocket.accept()
    first = agent.WorkerMessage()
    first.ParseFromString(await websocket.receive_bytes())
    if not first.HasField("register"):
        await websocket.close(code=_POLICY_VIOLATION, reason="expected register first")
        return
    reg = first.register
    worker = RegisteredWorker(f"AW_fake{next(_ids)}", reg.agent_name, reg.type, reg.version)
    worker.loop = asyncio.get_running_loop()
    with state.lock:
        state.agent_workers.append(worker)
    answer = agent.ServerMessage(
        register=agent.RegisterWorkerResponse(
            worker_id=worker.id, server_info=models.ServerInfo(region="fake", protocol=16)
        )
    )
    await websocket.send_bytes(answer.SerializeToString())
    sending = asyncio.create_task(_send(websocket, worker))
    try:
        while True:
            msg = agent.WorkerMessage()
            msg.ParseFromString(await websocket.receive_bytes())
            which = msg.WhichOneof("message")
            if which == "update_worker":
                worker.statuses.append(msg.update_worker)
            elif which == "availability":
                worker.answers.append(msg.availability)
            elif which == "ping":
                pong = agent.WorkerPong(
                    last_timestamp=msg.ping.timestamp, timestamp=int(time.time() * 1000)
                )
                await websocket.send_bytes(agent.ServerMessage(pong=pong).SerializeToString())
    except WebSocketDisconnect:
        pass
    finally:
        worker.connected = False
        sending.cancel()


async def _send(websocket: WebSocket, worker: RegisteredWorker) -> None:
    while True:
        message = await worker.outbox.get()
        await websocket.send_bytes(message.SerializeToString())
