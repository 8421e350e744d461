"""Trunking v1: a trunk's OriginationUrls (Weight, Priority, Enabled, FriendlyName, SipUrl).

A bad value answers 400 with INVALID_VALUE_CODE; the status is Twilio's, the code is the fake's own
invention (unverified: the spec names none).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.fakes.twilio import trunk_resources
from switchboard.fakes.twilio.paging import page_v1
from switchboard.fakes.twilio.routing import fake_state, v1_url
from switchboard.fakes.twilio.trunking import find_trunk
from switchboard.fakes.twilio.wire import (
    ApiError,
    Resource,
    as_bool,
    iso8601,
    missing,
    not_found,
    now,
    read_form,
)

INVALID_VALUE_CODE = 20001
# upstream: twilio-python 9.13.0 twilio/rest/trunking/v1/trunk/origination_url.py:31 (Weight "an
# integer from 1 to 65535") and :35 (Priority "an integer from 0 to 65535").
_RANGES = {"Weight": (1, 65535), "Priority": (0, 65535)}


def _origination_fields(form: dict[str, str], partial: bool) -> Resource:
    names = ("Weight", "Priority", "Enabled", "FriendlyName", "SipUrl")
    for name in names:
        if not partial and name not in form:
            raise missing(name)
    fields: Resource = {}
    for name, (low, high) in _RANGES.items():
        if name in form:
            try:
                fields[name.lower()] = int(form[name])
            except ValueError as exc:
                raise ApiError(400, INVALID_VALUE_CODE, f"Invalid {name}: {form[name]}") from exc
            if not low <= fields[name.lower()] <= high:
                raise ApiError(400, INVALID_VALUE_CODE, f"{name} must be between {low} and {high}")
    if "Enabled" in form:
        fields["enabled"] = as_bool(form["Enabled"], True)
    if "FriendlyName" in form:
        fields["friendly_name"] = form["FriendlyName"]
    if "SipUrl" in form:
        # upstream: twilio-python 9.13.0 twilio/rest/trunking/v1/trunk/origination_url.py:176
        # "This must be a `sip:` schema. `sips` is NOT supported."
        if not form["SipUrl"].startswith("sip:"):
            raise ApiError(400, INVALID_VALUE_CODE, f"Invalid SipUrl: {form['SipUrl']}")
        fields["sip_url"] = form["SipUrl"]
    return fields


async def origination_urls(request: Request) -> JSONResponse:
    """GET (list) / POST (create; all five fields required) /v1/Trunks/{trunk}/OriginationUrls"""
    state = fake_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        owner = find_trunk(state, request, "trunk_sid")
        store = state.origination_urls[owner["sid"]]
        if request.method == "GET":
            items = [dict(u) for u in store.values()]
            return JSONResponse(page_v1(request, items, "origination_urls", v1_url(request)))
        fields = _origination_fields(form, partial=False)
        created = trunk_resources.origination_url(state.account_sid, owner["sid"], fields)
        store[created["sid"]] = created
        return JSONResponse(created, status_code=201)


async def origination_url_detail(request: Request) -> Response:
    """GET / POST (update) / DELETE /v1/Trunks/{trunk}/OriginationUrls/{sid}"""
    state = fake_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        store = state.origination_urls[find_trunk(state, request, "trunk_sid")["sid"]]
        found = store.get(request.path_params["sid"])
        if found is None:
            raise not_found(request.url.path)
        if request.method == "DELETE":
            del store[found["sid"]]
            return Response(status_code=204)
        if request.method == "POST":
            found.update(_origination_fields(form, partial=True))
            found["date_updated"] = iso8601(now())
        return JSONResponse(dict(found))


def routes(prefix: str) -> list[Route]:
    """Origination URL routes; `prefix` is `/trunking/v1/Trunks`."""
    origination = f"{prefix}/{{trunk_sid}}/OriginationUrls"
    return [
        Route(origination, origination_urls, methods=["GET", "POST"]),
        Route(f"{origination}/{{sid}}", origination_url_detail, methods=["GET", "POST", "DELETE"]),
    ]
