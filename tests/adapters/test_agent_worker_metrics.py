"""The worker's `/metrics` on its health port (AGENT_HTTP_PORT): the health check still answers,
and the series come from the job processes (a prewarmed idle process, here), added up from
prometheus-client's multiprocess files."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from livekit.agents import worker as livekit_worker
from prometheus_client.parser import text_string_to_metric_families

from switchboard.entrypoints.agent_metrics import MULTIPROC_ENV, metrics_directory, process_memory
from switchboard.entrypoints.agent_worker import run_worker
from switchboard.fakes.livekit import RunningFake, running_livekit_fake
from switchboard.fakes.livekit.agent_ws import workers
from switchboard.settings import Settings


class IdleMachine:
    """Stands in for livekit-agents' load singleton (`ServerOptions.load_fnc` defaults to
    `_DefaultLoadCalc.get_load`, which reads `_DefaultLoadCalc._instance._get_avg()`)."""

    def _get_avg(self) -> float:
        return 0.0


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with running_livekit_fake() as running:
        yield running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int, wanted: str) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(400):  # the idle job process starts after the worker
            response = await client.get("/metrics")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain")
            if wanted in response.text:
                return response.text
            await asyncio.sleep(0.05)
    raise AssertionError(f"{wanted} never appeared on /metrics")


async def test_metrics_of_the_job_processes_on_the_health_port(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what the job process reads in prewarm: hosted voice (no VAD to load), its own data dir
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SWITCHBOARD_STT", "deepgram/nova-3")
    monkeypatch.setenv("SWITCHBOARD_TTS", "cartesia/sonic-2")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    # livekit-agents measures CPU load in a process-wide singleton thread, started by the first
    # worker that asks (`worker.py:84-114`) and never stopped: left running, it would make a
    # later test's worker on this busy machine refuse jobs. This test needs no load figure.
    monkeypatch.setattr(livekit_worker._DefaultLoadCalc, "_instance", IdleMachine())
    port = free_port()
    settings = Settings(
        _env_file=None,
        livekit_url=fake.url,
        livekit_api_key=fake.api_key,
        livekit_api_secret=fake.api_secret,
        livekit_agent_name="switchboard-test",
        agent_idle_processes=1,
        agent_http_port=port,
        data_dir=tmp_path,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_worker(settings, devmode=False, stop=stop))
    try:
        for _ in range(400):
            if workers(fake.state):
                break
            await asyncio.sleep(0.025)
        text = await scrape(port, 'switchboard_calls_total{outcome="transferred"}')
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/")
        assert health.status_code == 200  # livekit-agents' own health check is still there
        directory = os.environ[MULTIPROC_ENV]  # set by livekit-agents for its job processes
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=60)
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert found[("switchboard_calls_total", (("outcome", "transferred"),))] == 0
    memory = [v for (name, _), v in found.items() if name == "switchboard_agent_job_memory_bytes"]
    assert memory
    assert memory[0] > 10_000_000  # a Python process with livekit-agents loaded
    assert MULTIPROC_ENV not in os.environ  # restored once the worker stopped
    assert not await asyncio.to_thread(os.path.exists, directory)  # the temporary dir is gone


def test_a_given_directory_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    with metrics_directory() as directory:
        assert directory == str(tmp_path)
    assert tmp_path.exists()
    assert os.environ[MULTIPROC_ENV] == str(tmp_path)


def test_process_memory_is_this_process() -> None:
    before = process_memory()
    ballast = bytearray(64 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page
    assert process_memory() >= before + 32 * 1024 * 1024
    del ballast
