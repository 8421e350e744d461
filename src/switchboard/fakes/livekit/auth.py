"""Bearer-token checks, the way livekit-server applies them.

The token is an HS256 JWT signed with the API secret and issued (`iss`) by the API key. A bad
token is a plain-text 401; a missing grant a Twirp 401 `unauthenticated` "permissions denied". Each
RPC needs a grant: SIP admin for trunks and rules, `sip.call` to dial or transfer, `roomCreate` /
`roomList` for room lifecycle, and `roomAdmin` for exactly the room named in the request.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from livekit.api.access_token import Claims, TokenVerifier

from switchboard.fakes.livekit.errors import PlainHttpError, TwirpError
from switchboard.logs import get_logger

_log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request: the verified claims (None when no token was sent)."""

    claims: Claims | None

    @property
    def identity(self) -> str:
        """The token's subject; API tokens usually leave it empty."""
        return self.claims.identity if self.claims else ""


def authenticate(authorization: str | None, api_key: str, api_secret: str) -> Caller:
    """Verify an `Authorization` header value the way livekit-server's auth middleware does.

    A bad header, token, key or signature is answered before any RPC runs: HTTP 401 with the
    error as plain text (`PlainHttpError`). No header at all is not an error yet: the request goes
    on with no grants, and each RPC then answers 401 `unauthenticated` "permissions denied".
    """
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:61-99 (APIKeyAuthMiddleware)
    if not authorization:
        return Caller(claims=None)
    if not authorization.startswith("Bearer "):
        # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:46,72
        raise PlainHttpError(401, "invalid authorization header. Must start with Bearer ")
    token = authorization.removeprefix("Bearer ")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:47,85
        raise PlainHttpError(401, "invalid authorization token") from exc
    if unverified.get("iss") != api_key:
        # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:91
        raise PlainHttpError(401, f"invalid API key: {unverified.get('iss', '')}")
    try:
        claims = TokenVerifier(api_key, api_secret).verify(token)
    except jwt.PyJWTError as exc:
        # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:97 (it also echoes the token)
        raise PlainHttpError(401, f"invalid token: <token>, error: {exc}") from exc
    return Caller(claims=claims)


def _denied(what: str) -> TwirpError:
    # Every Ensure*Permission failure is ErrPermissionDenied wrapped by twirpAuthError: 401.
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:45,258-260
    _log.debug("livekit_fake.permission_denied", lacks=what)  # not in the answer
    return TwirpError("unauthenticated", "permissions denied")


def require_sip_admin(caller: Caller) -> None:
    """Trunk and dispatch-rule RPCs need the `sip.admin` grant."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:228-234 (EnsureSIPAdminPermission)
    sip = caller.claims.sip if caller.claims else None
    if not (sip and sip.admin):
        raise _denied("the sip.admin grant")


def require_sip_call(caller: Caller) -> None:
    """Dialling and transferring need the `sip.call` grant."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:236-242 (EnsureSIPCallPermission)
    sip = caller.claims.sip if caller.claims else None
    if not (sip and sip.call):
        raise _denied("the sip.call grant")


def require_room_create(caller: Caller) -> None:
    """CreateRoom and DeleteRoom need `video.roomCreate`."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:196-202 (EnsureCreatePermission)
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_create):
        raise _denied("the video.roomCreate grant")


def require_room_list(caller: Caller) -> None:
    """ListRooms needs `video.roomList`."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:204-210 (EnsureListPermission)
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_list):
        raise _denied("the video.roomList grant")


def require_room_admin(caller: Caller, room: str) -> None:
    """Per-room RPCs need `video.roomAdmin` for exactly that room."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:183-194 (EnsureAdminPermission)
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_admin):
        raise _denied("the video.roomAdmin grant")
    if video.room != room:
        raise _denied(f"roomAdmin for room {room!r} (token is for {video.room!r})")


def require_destination_room(caller: Caller, room: str, destination: str) -> None:
    """MoveParticipant also needs `video.destinationRoom` naming the destination."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/auth.go:244-256 (EnsureDestRoomPermission)
    require_room_admin(caller, room)
    video = caller.claims.video if caller.claims else None
    if video is None or video.destination_room != destination:
        raise _denied(f"destinationRoom {destination!r}")
