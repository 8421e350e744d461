"""The real LiveKit Agents worker, started by our code, registers with a LiveKit server (the fake's
/agent WebSocket speaks the real protobuf protocol) and answers a job offer for its agent name."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.entrypoints.agent_worker import run_worker
from switchboard.fakes.livekit import RunningFake, running_livekit_fake
from switchboard.fakes.livekit.agent_ws import RegisteredWorker, offer_job, workers
from switchboard.settings import Settings


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with running_livekit_fake() as running:
        yield running


def settings_for(fake: RunningFake, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "livekit_url": fake.url,
        "livekit_api_key": fake.api_key,
        "livekit_api_secret": fake.api_secret,
        "livekit_agent_name": "switchboard-test",
        "agent_idle_processes": 0,  # no job processes: nothing here needs media
        "agent_http_port": 0,
        "data_dir": tmp_path,
    } | extra
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def until(check: object, what: str) -> None:
    for _ in range(400):
        if callable(check) and check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"timed out waiting for {what}")


async def test_worker_registers_by_name_and_accepts_a_dispatched_job(
    fake: RunningFake, tmp_path: Path
) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(
        run_worker(settings_for(fake, tmp_path), devmode=False, stop=stop)
    )
    try:
        await until(lambda: workers(fake.state), "the worker to register")
        worker: RegisteredWorker = workers(fake.state)[0]
        assert worker.agent_name == "switchboard-test"  # explicit dispatch by name
        assert worker.type == 0  # JT_ROOM: one agent per room (per call)
        assert worker.version.startswith("1.8.")
        job_id = offer_job(worker, "call-_+13125550142_abc")
        await until(lambda: worker.answers, "the worker's answer")
        answer = worker.answers[0]
        assert answer.job_id == job_id
        assert answer.available
        assert answer.participant_attributes["lk.agent.name"] == "switchboard-test"
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
    assert not running.exception()


async def test_wrong_secret_fails_with_a_reason(fake: RunningFake, tmp_path: Path) -> None:
    settings = settings_for(fake, tmp_path, livekit_api_secret="not-the-secret-" * 3)
    with pytest.raises(RuntimeError, match="failed to connect to livekit after 1 attempts"):
        await asyncio.wait_for(run_worker(settings, devmode=True, max_retry=1), timeout=30)
    assert workers(fake.state) == []
