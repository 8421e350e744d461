"""Helpers every route module uses to reach the state and to name its own Twilio URL.

The fake serves `https://<sub>.twilio.com/<path>` at `/<sub>/<path>`; responses carry Twilio's
real URIs and URLs (what the real API returns), which the client adapter rewrites on the way out.
"""

from __future__ import annotations

from starlette.requests import Request

from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import TRUNKING_HOST, not_found

API_PREFIX = "/api/2010-04-01/Accounts/{account_sid}"
TRUNKING_PREFIX = "/trunking/v1/Trunks"


def fake_state(request: Request) -> FakeTwilioState:
    """The state the app was built with."""
    state: FakeTwilioState = request.app.state.fake
    return state


def account_state(request: Request) -> FakeTwilioState:
    """The state, after checking the path's account SID is the authenticated account."""
    state = fake_state(request)
    if request.path_params.get("account_sid") != state.account_sid:
        raise not_found(list_path(request))
    return state


def list_path(request: Request) -> str:
    """This request's API 2010 URI (`/2010-04-01/…`), as Twilio writes `uri` fields."""
    return request.url.path.removeprefix("/api")


def v1_url(request: Request) -> str:
    """This request's absolute trunking URL (`https://trunking.twilio.com/v1/…`)."""
    return TRUNKING_HOST + request.url.path.removeprefix("/trunking")
