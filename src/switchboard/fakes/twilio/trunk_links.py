"""Trunking v1: what hangs off a trunk by SID — CredentialLists, PhoneNumbers, IpAccessControlLists.

Attaching a phone number that already belongs to another trunk answers 400 with code
NUMBER_ON_OTHER_TRUNK_CODE (the fake's own invention, unverified: the spec names none).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.fakes.twilio import trunk_resources
from switchboard.fakes.twilio.paging import page_v1
from switchboard.fakes.twilio.routing import fake_state, v1_url
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.trunking import find_trunk
from switchboard.fakes.twilio.wire import ApiError, Resource, missing, not_found, read_form

NUMBER_ON_OTHER_TRUNK_CODE = 21222
_ACL_SID = re.compile(r"^AL[0-9a-fA-F]{32}$")
_KINDS = {
    "CredentialLists": ("credential_lists", "CredentialListSid"),
    "IpAccessControlLists": ("ip_access_control_lists", "IpAccessControlListSid"),
    "PhoneNumbers": ("phone_numbers", "PhoneNumberSid"),
}


def _attached(state: FakeTwilioState, kind: str, trunk_sid: str) -> dict[str, Resource]:
    if kind == "PhoneNumbers":
        numbers = (n for n in state.numbers.values() if n["trunk_sid"] == trunk_sid)
        return {n["sid"]: trunk_resources.trunk_phone_number(n, trunk_sid) for n in numbers}
    store = (
        state.trunk_credential_lists if kind == "CredentialLists" else state.ip_access_control_lists
    )
    return store[trunk_sid]


def _attach(state: FakeTwilioState, kind: str, trunk_sid: str, sid: str) -> Resource:
    if kind == "PhoneNumbers":
        number = state.numbers.get(sid)
        if number is None:
            raise ApiError(404, 20404, f"Phone number {sid} was not found")
        if number["trunk_sid"] not in (None, trunk_sid):
            raise ApiError(
                400,
                NUMBER_ON_OTHER_TRUNK_CODE,
                f"Phone number {sid} is already associated with another trunk",
            )
        number["trunk_sid"] = trunk_sid
        # upstream: twilio-python 9.13.0 twilio/rest/api/v2010/account/incoming_phone_number/
        # __init__.py:77: "Setting a `trunk_sid` will automatically delete your
        # `voice_application_sid`"; the voice URLs stay but are ignored (resources.voice_target).
        number["voice_application_sid"] = None
        return trunk_resources.trunk_phone_number(number, trunk_sid)
    if kind == "CredentialLists":
        source = state.credential_lists.get(sid)
        if source is None:
            raise ApiError(404, 20404, f"Credential list {sid} was not found")
        name = source["friendly_name"]
    elif not _ACL_SID.match(sid):
        raise ApiError(400, 20001, f"Invalid IpAccessControlListSid: {sid}")
    else:
        name = sid
    link = trunk_resources.trunk_link(state.account_sid, trunk_sid, kind, sid, name)
    _attached(state, kind, trunk_sid)[sid] = link
    return link


async def links(request: Request) -> JSONResponse:
    """GET (list) / POST (attach by SID) /v1/Trunks/{trunk}/{CredentialLists|PhoneNumbers|…}"""
    state = fake_state(request)
    kind = request.url.path.rsplit("/", 1)[-1]
    key, param = _KINDS[kind]
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        trunk_sid = find_trunk(state, request, "trunk_sid")["sid"]
        if request.method == "GET":
            items = list(_attached(state, kind, trunk_sid).values())
            return JSONResponse(page_v1(request, items, key, v1_url(request)))
        if not form.get(param):
            raise missing(param)
        return JSONResponse(_attach(state, kind, trunk_sid, form[param]), status_code=201)


async def link_detail(request: Request) -> Response:
    """GET / DELETE (detach) /v1/Trunks/{trunk}/{kind}/{sid}"""
    state = fake_state(request)
    kind, sid = request.path_params["kind"], request.path_params["sid"]
    if kind not in _KINDS:
        raise not_found(request.url.path)
    with state.lock:
        trunk_sid = find_trunk(state, request, "trunk_sid")["sid"]
        found = _attached(state, kind, trunk_sid).get(sid)
        if found is None:
            raise not_found(request.url.path)
        if request.method == "GET":
            return JSONResponse(found)
        if kind == "PhoneNumbers":
            state.numbers[sid]["trunk_sid"] = None
        else:
            del _attached(state, kind, trunk_sid)[sid]
        return Response(status_code=204)


def routes(prefix: str) -> list[Route]:
    """Routes for the three attachable kinds; register after the OriginationUrls routes."""
    listing = [
        Route(f"{prefix}/{{trunk_sid}}/{kind}", links, methods=["GET", "POST"]) for kind in _KINDS
    ]
    detail = Route(
        f"{prefix}/{{trunk_sid}}/{{kind}}/{{sid}}", link_detail, methods=["GET", "DELETE"]
    )
    return [*listing, detail]
