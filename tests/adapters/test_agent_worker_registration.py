"""The real LiveKit Agents worker, started by our code, registers with a LiveKit server (the fake's
/agent WebSocket speaks the real protobuf protocol) and answers a job offer for its agent name. It
migrates the database once before it starts; each job process's prewarm only reads it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from livekit.agents import worker as livekit_worker

from switchboard.adapters.sqlalchemy import is_up_to_date, open_storage
from switchboard.entrypoints.agent_worker import (
    migrate_database,
    prewarm,
    run_worker,
    warm_resolvers,
)
from switchboard.fakes.livekit import RunningFake, running_livekit_fake
from switchboard.fakes.livekit.agent_ws import RegisteredWorker, offer_job, workers
from switchboard.services.calls import ResolverCache
from switchboard.services.directory import demo_directory, seed_demo_if_empty
from switchboard.settings import Settings, load_settings


class IdleMachine:
    """Stands in for livekit-agents' load singleton (`ServerOptions.load_fnc` defaults to
    `_DefaultLoadCalc.get_load`, which reads `_DefaultLoadCalc._instance._get_avg()`)."""

    def _get_avg(self) -> float:
        return 0.0


@pytest.fixture(autouse=True)
def idle_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """livekit-agents answers "not available" above AGENT_LOAD_THRESHOLD of the machine's real CPU
    load, measured by a process-wide thread (`worker.py:84-114`); on a busy test machine a job
    offer would then be refused once that thread has a sample. Availability by load is
    livekit-agents' business, not what these tests check."""
    monkeypatch.setattr(livekit_worker._DefaultLoadCalc, "_instance", IdleMachine())


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


# --- the database: migrated once before the worker starts, only read by each job process -----------
async def _at_head(url: str) -> bool:
    storage = await open_storage(url, migrate=False)
    try:
        return await is_up_to_date(storage.engine)
    finally:
        await storage.dispose()


async def test_the_worker_migrates_the_database_before_it_registers(
    fake: RunningFake, tmp_path: Path
) -> None:
    settings = settings_for(fake, tmp_path)
    assert not await _at_head(settings.effective_database_url)  # a new install
    stop = asyncio.Event()
    running = asyncio.create_task(run_worker(settings, devmode=True, stop=stop))
    try:
        await until(lambda: workers(fake.state), "the worker to register")
        assert await _at_head(settings.effective_database_url)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)


@pytest.fixture
def job_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """What a job process sees: settings from the environment (hosted voice: no VAD to load)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SWITCHBOARD_STT", "deepgram/nova-3")
    monkeypatch.setenv("SWITCHBOARD_TTS", "cartesia/sonic-2")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return load_settings()


def _prewarm() -> dict[str, object]:
    proc = SimpleNamespace(userdata={})
    try:
        prewarm(proc)  # type: ignore[arg-type]
    finally:
        gc.unfreeze()
    return proc.userdata


def test_prewarm_never_migrates_and_survives_a_database_that_is_behind(
    job_env: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    userdata = _prewarm()  # a database nobody has migrated yet
    cache = userdata["resolvers"]
    assert isinstance(cache, ResolverCache)
    assert cache.builds == 0  # nothing to build from; each call will load what it needs
    assert not asyncio.run(_at_head(job_env.effective_database_url))  # still not migrated
    assert "prewarm.database_behind" in capfd.readouterr().err  # prewarm logs as configured
    assert userdata["settings"] == job_env


def test_prewarm_survives_an_empty_directory(
    job_env: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(migrate_database(job_env))
    cache = _prewarm()["resolvers"]
    assert isinstance(cache, ResolverCache)
    assert "prewarm.directory_empty" in capfd.readouterr().err


def test_prewarm_builds_the_directorys_resolver(job_env: Settings) -> None:
    async def seed() -> None:
        storage = await open_storage(job_env.effective_database_url, migrate=True)
        try:
            await seed_demo_if_empty(storage.unit_of_work)
        finally:
            await storage.dispose()

    asyncio.run(seed())
    cache = _prewarm()["resolvers"]
    assert isinstance(cache, ResolverCache)
    assert cache.builds == 1
    assert cache.directory == demo_directory()


async def test_prewarm_survives_an_unreachable_database(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url="postgresql+asyncpg://nobody@127.0.0.1:9/x")  # type: ignore[call-arg]
    cache = await warm_resolvers(settings)
    assert cache.builds == 0
