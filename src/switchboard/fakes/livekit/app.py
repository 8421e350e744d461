"""The ASGI app: Twirp routing, protobuf/JSON codecs, auth, request log, error rendering.

`POST /twirp/livekit.<Service>/<Method>` with `Content-Type: application/protobuf` (what livekit-api
sends) or `application/json`; the answer uses the request's encoding, errors are always JSON.
Request message classes come from the service descriptors in livekit-protocol, so any RPC the
package knows but the fake does not implement answers `unimplemented`, and anything else
`bad_route`. A bad token is answered first, as plain text (the auth middleware runs before any
RPC). `GET /` answers "OK" like livekit-server, for health checks. A handler may leave work for
after its answer is sent (`afterwards.after_response`), as livekit-sip does after a REFER.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal

from google.protobuf import json_format
from google.protobuf.empty_pb2 import Empty
from google.protobuf.message import DecodeError, Message
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from switchboard.fakes.livekit import afterwards
from switchboard.fakes.livekit.agent_ws import agent_endpoint
from switchboard.fakes.livekit.auth import authenticate
from switchboard.fakes.livekit.errors import PlainHttpError, TwirpError
from switchboard.fakes.livekit.records import RecordedRequest
from switchboard.fakes.livekit.routes import HANDLERS, request_class
from switchboard.fakes.livekit.state import FakeState
from switchboard.logs import get_logger

_log = get_logger(__name__)


def _decode(
    cls: type[Message], body: bytes, content_type: str
) -> tuple[Message, Literal["protobuf", "json"]]:
    media = content_type.split(";", 1)[0].strip().lower()
    msg = cls()
    try:
        if media == "application/protobuf":
            msg.ParseFromString(body)
            return msg, "protobuf"
        if media == "application/json":
            json_format.Parse(body or b"{}", msg, ignore_unknown_fields=True)
            return msg, "json"
    except (DecodeError, json_format.ParseError, UnicodeDecodeError) as exc:
        raise TwirpError("malformed", f"the request body could not be decoded: {exc}") from exc
    raise TwirpError("bad_route", f"unexpected Content-Type: {content_type!r}")


def create_app(state: FakeState, api_key: str, api_secret: str) -> Starlette:
    """Build the fake server's ASGI app around `state`, accepting tokens signed by this key pair."""

    async def twirp(request: Request) -> Response:
        service, method = request.path_params["service"], request.path_params["method"]
        recorded: RecordedRequest | None = None
        hooks: list[Callable[[], None]] = []
        try:
            # The auth middleware runs before Twirp routing: a bad token beats a bad route.
            # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:62-99
            try:
                caller = authenticate(request.headers.get("authorization"), api_key, api_secret)
            except PlainHttpError as denied:
                with state.lock:
                    state.requests.append(
                        RecordedRequest(service, method, Empty(), "", "protobuf", "unauthenticated")
                    )
                return PlainTextResponse(denied.text, status_code=denied.status)
            if request.method != "POST":
                raise TwirpError("bad_route", f"unsupported method {request.method} (only POST)")
            cls = request_class(service, method)
            msg, encoding = _decode(
                cls, await request.body(), request.headers.get("content-type", "")
            )
            recorded = RecordedRequest(service, method, msg, caller.identity, encoding)
            handler = HANDLERS.get(service, {}).get(method)
            injected = state.take_injected(method)
            if injected is not None:
                raise injected
            if handler is None:
                raise TwirpError(
                    "unimplemented", f"{service}/{method} is not implemented by the fake"
                )
            try:
                with afterwards.collecting() as hooks:
                    answer = await handler(state, caller, msg)
            except TwirpError:
                raise
            except Exception as exc:
                # A bug in the fake should read as one, not as a LiveKit behaviour.
                _log.exception("livekit fake handler crashed", rpc=f"{service}/{method}")
                raise TwirpError("internal", f"the fake crashed: {exc!r}") from exc
        except TwirpError as err:
            if recorded is not None:
                recorded = dataclasses.replace(recorded, error=err.code)
            return Response(err.to_json(), status_code=err.status, media_type="application/json")
        finally:
            if recorded is not None:
                with state.lock:
                    state.requests.append(recorded)
        after = BackgroundTask(afterwards.run_hooks, hooks)
        if encoding == "json":
            body = json_format.MessageToJson(answer)
            return Response(body, media_type="application/json", background=after)
        return Response(
            answer.SerializeToString(), media_type="application/protobuf", background=after
        )

    async def health(_: Request) -> Response:
        return PlainTextResponse("OK")

    async def agent_ws(websocket: WebSocket) -> None:
        await agent_endpoint(websocket, state, api_key, api_secret)

    routes = [
        Route("/", health, methods=["GET"]),
        WebSocketRoute("/agent", agent_ws),
        Route(
            "/twirp/{service}/{method}", twirp, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]
        ),
    ]
    return Starlette(routes=routes)
