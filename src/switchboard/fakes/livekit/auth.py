"""Bearer-token checks, the way livekit-server applies them.

The token is an HS256 JWT signed with the API secret and issued (`iss`) by the API key. Each RPC
then needs a grant: SIP admin for trunks and rules, `sip.call` to dial or transfer, `roomCreate` /
`roomList` for room lifecycle, and `roomAdmin` for exactly the room named in the request.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from livekit.api.access_token import Claims, TokenVerifier

from switchboard.fakes.livekit.errors import TwirpError


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request: the verified claims (None when no token was sent)."""

    claims: Claims | None

    @property
    def identity(self) -> str:
        """The token's subject; API tokens usually leave it empty."""
        return self.claims.identity if self.claims else ""


def authenticate(authorization: str | None, api_key: str, api_secret: str) -> Caller:
    """Verify an `Authorization` header value; raise `unauthenticated` for any bad token.

    No header at all is not an error yet: like livekit-server, the request goes on with no grants
    and each RPC then answers `permission_denied`.
    """
    if not authorization:
        return Caller(claims=None)
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TwirpError("unauthenticated", "authorization header must be 'Bearer <token>'")
    try:
        claims = TokenVerifier(api_key, api_secret).verify(token.strip())
    except jwt.InvalidIssuerError as exc:
        raise TwirpError("unauthenticated", "invalid API key: token issuer is unknown") from exc
    except jwt.ExpiredSignatureError as exc:
        raise TwirpError("unauthenticated", "invalid token: expired") from exc
    except jwt.PyJWTError as exc:
        raise TwirpError("unauthenticated", f"invalid token: {exc}") from exc
    return Caller(claims=claims)


def _denied(what: str) -> TwirpError:
    return TwirpError("permission_denied", f"permissions denied: token lacks {what}")


def require_sip_admin(caller: Caller) -> None:
    """Trunk and dispatch-rule RPCs need the `sip.admin` grant."""
    sip = caller.claims.sip if caller.claims else None
    if not (sip and sip.admin):
        raise _denied("the sip.admin grant")


def require_sip_call(caller: Caller) -> None:
    """Dialling and transferring need the `sip.call` grant."""
    sip = caller.claims.sip if caller.claims else None
    if not (sip and sip.call):
        raise _denied("the sip.call grant")


def require_room_create(caller: Caller) -> None:
    """CreateRoom and DeleteRoom need `video.roomCreate`."""
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_create):
        raise _denied("the video.roomCreate grant")


def require_room_list(caller: Caller) -> None:
    """ListRooms needs `video.roomList`."""
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_list):
        raise _denied("the video.roomList grant")


def require_room_admin(caller: Caller, room: str) -> None:
    """Per-room RPCs need `video.roomAdmin` for exactly that room."""
    video = caller.claims.video if caller.claims else None
    if not (video and video.room_admin):
        raise _denied("the video.roomAdmin grant")
    if video.room != room:
        raise _denied(f"roomAdmin for room {room!r} (token is for {video.room!r})")


def require_destination_room(caller: Caller, room: str, destination: str) -> None:
    """MoveParticipant also needs `video.destinationRoom` naming the destination."""
    require_room_admin(caller, room)
    video = caller.claims.video if caller.claims else None
    if video is None or video.destination_room != destination:
        raise _denied(f"destinationRoom {destination!r}")
