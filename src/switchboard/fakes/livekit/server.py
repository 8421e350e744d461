"""Run the fake: in-process for tests (uvicorn on a background thread) or as a process.

with running_livekit_fake("devkey", "a-secret-of-at-least-32-bytes-long") as fake:
    lk = api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret)
    ...
    assert fake.state.rooms
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from switchboard.fakes.livekit.app import create_app
from switchboard.fakes.livekit.state import FakeState, Mode, ServerVersion
from switchboard.fakes.serving import serve_in_thread


@dataclass(frozen=True, slots=True)
class RunningFake:
    """A fake server that is accepting requests: its base URL and live state."""

    url: str
    state: FakeState
    api_key: str
    api_secret: str


def build_server(state: FakeState, api_key: str, api_secret: str) -> uvicorn.Server:
    """A uvicorn server for the fake's app, quiet apart from warnings."""
    config = uvicorn.Config(
        create_app(state, api_key, api_secret),
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


@contextmanager
def running_livekit_fake(
    api_key: str = "devkey",
    api_secret: str = "devsecret-devsecret-devsecret-devsecret",
    *,
    mode: Mode = "cloud",
    server_version: ServerVersion = "released",
    state: FakeState | None = None,
) -> Iterator[RunningFake]:
    """Serve a fake LiveKit on a free 127.0.0.1 port for the duration of the `with` block.

    `server_version` "released" models livekit-server v1.13.5 + livekit-sip v1.11.0, "head"
    livekit-server HEAD (see docs/livekit-fake.md). Yields once the server accepts connections;
    stops it (and joins its thread) on exit.
    """
    state = state or FakeState(mode=mode, server_version=server_version)
    server = build_server(state, api_key, api_secret)
    with serve_in_thread(server, "LiveKit fake") as url:
        yield RunningFake(url, state, api_key, api_secret)
