"""Run the fake: in-process for tests (uvicorn on a background thread) or as a process.

with running_livekit_fake("devkey", "a-secret-of-at-least-32-bytes-long") as fake:
    lk = api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret)
    ...
    assert fake.state.rooms
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from switchboard.fakes.livekit.app import create_app
from switchboard.fakes.livekit.state import FakeState, Mode

_STARTUP_TIMEOUT = 10.0


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
    state: FakeState | None = None,
) -> Iterator[RunningFake]:
    """Serve a fake LiveKit on a free 127.0.0.1 port for the duration of the `with` block.

    Yields once the server accepts connections; stops it (and joins its thread) on exit.
    """
    state = state or FakeState(mode=mode)
    server = build_server(state, api_key, api_secret)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Without it, Nagle + delayed ACK add ~40 ms to every request on a kept-alive connection.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"livekit-fake:{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the LiveKit fake did not start")
            time.sleep(0.005)
        yield RunningFake(f"http://127.0.0.1:{port}", state, api_key, api_secret)
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_TIMEOUT)
        sock.close()
