"""Run the fake: in-process for tests (uvicorn on a background thread) or as a process.

with running_twilio_fake() as fake:
    client = make_twilio_client(fake.settings())
    ...
    assert fake.state.messages
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from switchboard.fakes.serving import serve_in_thread
from switchboard.fakes.twilio.app import create_app
from switchboard.fakes.twilio.state import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilioState
from switchboard.settings import Settings


@dataclass(frozen=True, slots=True)
class RunningTwilioFake:
    """A fake that is accepting requests: where it is, its credentials and its live state."""

    base_url: str
    state: FakeTwilioState

    @property
    def account_sid(self) -> str:
        """The account SID the fake accepts."""
        return self.state.account_sid

    @property
    def auth_token(self) -> str:
        """The auth token the fake accepts (and signs callbacks with)."""
        return self.state.auth_token

    def settings(self, **overrides: Any) -> Settings:
        """Settings whose Twilio credentials and TWILIO_API_BASE_URL point at this fake."""
        values: dict[str, Any] = {
            "twilio_account_sid": self.account_sid,
            "twilio_auth_token": self.auth_token,
            "twilio_api_base_url": self.base_url,
        }
        return Settings(**{**values, **overrides})


def build_server(state: FakeTwilioState, host: str = "127.0.0.1", port: int = 0) -> uvicorn.Server:
    """A uvicorn server for the fake's app, quiet apart from warnings."""
    config = uvicorn.Config(
        create_app(state),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        date_header=False,  # the app writes Date from the fake's own (possibly skewed) clock
    )
    return uvicorn.Server(config)


@contextmanager
def running_twilio_fake(
    account_sid: str = DEFAULT_ACCOUNT_SID,
    auth_token: str = DEFAULT_AUTH_TOKEN,
    *,
    state: FakeTwilioState | None = None,
) -> Iterator[RunningTwilioFake]:
    """Serve a fake Twilio on a free 127.0.0.1 port for the duration of the `with` block.

    Yields once the server accepts connections; stops it (and joins its thread) on exit.
    """
    state = state or FakeTwilioState(account_sid=account_sid, auth_token=auth_token)
    server = build_server(state)
    with serve_in_thread(server, "Twilio fake") as url:
        yield RunningTwilioFake(url, state)
