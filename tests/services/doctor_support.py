"""Local things doctor talks to besides the provider fakes: a webhook server and an SMTP server."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tests.services.provisioning_world import World
from twilio.request_validator import RequestValidator

from switchboard.fakes.serving import serve_in_thread

SMTP_USER, SMTP_PASSWORD = "desk", "S3cret!pw"


@dataclass
class WebhookServer:
    """A stand-in for `switchboard serve`'s signature check; change `token` / `validate` live."""

    token: str
    validate: bool = True
    base_url: str = ""
    hits: int = 0

    def app(self) -> Starlette:
        async def status(request: Request) -> Response:
            self.hits += 1
            params = dict(parse_qsl((await request.body()).decode()))
            url = self.base_url + request.url.path
            signature = request.headers.get("X-Twilio-Signature", "")
            if self.validate and not RequestValidator(self.token).validate(url, params, signature):
                return Response(status_code=403)
            return Response(status_code=204)

        return Starlette(routes=[Route("/twilio/status", status, methods=["POST"])])


@contextmanager
def running_webhook_server(token: str) -> Iterator[WebhookServer]:
    """Serve a WebhookServer on a free loopback port for the `with` block."""
    hook = WebhookServer(token)
    config = uvicorn.Config(hook.app(), log_level="warning", access_log=False, lifespan="off")
    with serve_in_thread(uvicorn.Server(config), "webhook server") as url:
        hook.base_url = url
        yield hook


class _Accept:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    good = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # aiosmtpd answers 535 itself


@contextmanager
def running_smtp() -> Iterator[int]:
    """An SMTP server on loopback that accepts only SMTP_USER / SMTP_PASSWORD; yields its port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(
        _Accept(),
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


_TWILIO_STORES = (
    "numbers",
    "credential_lists",
    "credentials",
    "passwords",
    "trunks",
    "origination_urls",
    "trunk_credential_lists",
    "ip_access_control_lists",
)
_LIVEKIT_STORES = ("inbound_trunks", "outbound_trunks", "dispatch_rules")


@dataclass
class Snapshot:
    """Both fakes' resources and the local secrets, taken once after `setup apply` (it is slow)."""

    twilio: dict[str, Any]
    livekit: dict[str, Any]
    secrets: dict[Path, bytes]

    @classmethod
    def take(cls, world: World, data_dir: Path) -> Snapshot:
        tw, lk = world.twilio.state, world.livekit.state
        with tw.lock, lk.lock:
            twilio = {name: copy.deepcopy(getattr(tw, name)) for name in _TWILIO_STORES}
            livekit = {name: copy.deepcopy(getattr(lk, name)) for name in _LIVEKIT_STORES}
        secrets = {p: p.read_bytes() for p in (data_dir / "secrets").iterdir()}
        return cls(twilio, livekit, secrets)

    def restore(self, world: World) -> None:
        """Back to the snapshot: faults, logs and anything a test broke are gone."""
        world.twilio.state.reset()
        world.livekit.state.reset()
        for state, saved in (
            (world.twilio.state, self.twilio),
            (world.livekit.state, self.livekit),
        ):
            with state.lock:
                for name, value in saved.items():
                    store = getattr(state, name)
                    store.clear()
                    store.update(copy.deepcopy(value))
        for path, content in self.secrets.items():
            path.write_bytes(content)
