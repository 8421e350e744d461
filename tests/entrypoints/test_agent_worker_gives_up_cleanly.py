"""A worker that gives up (LiveKit unreachable) closes what it opened before it says why: no
"Unclosed client session" at exit, no HTTP health server left listening."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from switchboard.entrypoints.agent_worker import run_worker
from switchboard.settings import Settings


def test_an_unreachable_livekit_leaves_no_session_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def tracked(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        opened.append(session)
        return session

    # livekit.agents.worker makes its session as `aiohttp.ClientSession(...)`.
    monkeypatch.setattr(aiohttp, "ClientSession", tracked)
    settings = Settings(
        _env_file=None,
        livekit_url="http://127.0.0.1:9",  # the discard port: nothing listens
        livekit_api_key="devkey",
        livekit_api_secret="devsecret-devsecret-devsecret-devsecret",
        agent_idle_processes=0,
        agent_http_port=0,
        data_dir=tmp_path,
    )

    async def main() -> None:
        with pytest.raises(Exception, match="failed to connect to livekit after 1 attempts"):
            await run_worker(settings, devmode=True, stop=asyncio.Event(), max_retry=1)

    asyncio.run(main())
    assert opened, "the worker made no HTTP session: this test no longer checks anything"
    assert all(session.closed for session in opened)
