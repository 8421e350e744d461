"""Trunking v1: Trunks.

Error codes the spec does not name (bad or duplicate DomainName, a bad enum value) are the fake's
own invention, unverified against production, and listed in docs/twilio-fake.md; the HTTP status
(400) is that of Twilio's validation errors.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.fakes.twilio import trunk_resources
from switchboard.fakes.twilio.paging import page_v1
from switchboard.fakes.twilio.routing import fake_state, v1_url
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import (
    ApiError,
    Resource,
    as_bool,
    iso8601,
    not_found,
    now,
    read_form,
    snake,
)

INVALID_DOMAIN_CODE = 21245
DUPLICATE_DOMAIN_CODE = 21248
_ENUMS = {
    "TransferMode": ("disable-all", "enable-all", "sip-only"),
    "TransferCallerId": ("from-transferee", "from-transferor"),
    "DisasterRecoveryMethod": ("GET", "POST"),
}
_TRUNK_TEXT = ("FriendlyName", "DomainName", "DisasterRecoveryUrl", *_ENUMS)
_TRUNK_FLAGS = ("Secure", "CnamLookupEnabled", "SymmetricRtpEnabled")


def _trunk_fields(state: FakeTwilioState, form: dict[str, str], sid: str | None) -> Resource:
    for name, allowed in _ENUMS.items():
        if name in form and form[name] not in allowed:
            raise ApiError(
                400, 20001, f"Invalid {name}: {form[name]} (one of {', '.join(allowed)})"
            )
    domain = form.get("DomainName")
    if domain is not None:
        if not domain.endswith(".pstn.twilio.com"):
            raise ApiError(
                400, INVALID_DOMAIN_CODE, f"DomainName {domain} must end in pstn.twilio.com"
            )
        if any(t["domain_name"] == domain and t["sid"] != sid for t in state.trunks.values()):
            raise ApiError(400, DUPLICATE_DOMAIN_CODE, f"DomainName {domain} is already in use")
    fields: Resource = {snake(k): form[k] for k in _TRUNK_TEXT if k in form}
    fields.update({snake(k): as_bool(form[k], False) for k in _TRUNK_FLAGS if k in form})
    return fields


def find_trunk(state: FakeTwilioState, request: Request, key: str = "sid") -> Resource:
    """The trunk named by path parameter `key`, or a 20404."""
    found = state.trunks.get(request.path_params[key])
    if found is None:
        raise not_found(request.url.path)
    return found


async def trunks(request: Request) -> JSONResponse:
    """GET (list) / POST (create) /v1/Trunks"""
    state = fake_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        if request.method == "GET":
            items = [dict(t) for t in state.trunks.values()]
            return JSONResponse(page_v1(request, items, "trunks", v1_url(request)))
        created = trunk_resources.trunk(state.account_sid, _trunk_fields(state, form, None))
        state.trunks[created["sid"]] = created
        for store in (state.origination_urls, state.trunk_credential_lists):
            store[created["sid"]] = {}
        state.ip_access_control_lists[created["sid"]] = {}
        return JSONResponse(created, status_code=201)


async def trunk_detail(request: Request) -> Response:
    """GET / POST (update) / DELETE /v1/Trunks/{sid}"""
    state = fake_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        found = find_trunk(state, request)
        if request.method == "DELETE":
            sid = found["sid"]
            del state.trunks[sid]
            for store in (state.origination_urls, state.trunk_credential_lists):
                store.pop(sid, None)
            state.ip_access_control_lists.pop(sid, None)
            for number in state.numbers.values():
                if number["trunk_sid"] == sid:
                    number["trunk_sid"] = None
            return Response(status_code=204)
        if request.method == "POST":
            found.update(_trunk_fields(state, form, found["sid"]))
            found["date_updated"] = iso8601(now())
        return JSONResponse(dict(found))


def routes(prefix: str) -> list[Route]:
    """Trunk routes; `prefix` is `/trunking/v1/Trunks`."""
    return [
        Route(prefix, trunks, methods=["GET", "POST"]),
        Route(f"{prefix}/{{sid}}", trunk_detail, methods=["GET", "POST", "DELETE"]),
    ]
