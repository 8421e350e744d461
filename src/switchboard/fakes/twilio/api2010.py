"""API 2010: Account fetch, IncomingPhoneNumbers (seed / list / fetch / update / delete), Calls."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.fakes.twilio.paging import page_2010
from switchboard.fakes.twilio.routing import account_state, fake_state, list_path
from switchboard.fakes.twilio.wire import (
    ApiError,
    Resource,
    apply_form,
    is_e164,
    missing,
    not_found,
    read_form,
)

_NUMBER_UPDATABLE = frozenset(
    [
        "friendly_name",
        "voice_url",
        "voice_method",
        "voice_fallback_url",
        "voice_fallback_method",
        "voice_caller_id_lookup",
        "sms_url",
        "sms_method",
        "sms_fallback_url",
        "sms_fallback_method",
        "status_callback",
        "status_callback_method",
        "voice_receive_mode",
        "sms_application_sid",
        "voice_application_sid",
        "trunk_sid",
    ]
)


def phone_filter_matches(pattern: str, phone_number: str) -> bool:
    """The `PhoneNumber` filter of the IncomingPhoneNumbers list: partial, `*` for any digit.

    upstream: twilio_api_v2010.json, ListIncomingPhoneNumber `PhoneNumber`: "You can specify
    partial numbers and use '*' as a wildcard for any digit." Twilio does not say whether a partial
    number must be a prefix; the fake matches it anywhere (the looser reading), so a caller that
    needs one number must still compare the results exactly.
    """
    wanted = re.sub(r"[^0-9*]", "", pattern)
    regex = "".join(r"\d" if c == "*" else c for c in wanted)
    return re.search(regex, phone_number.lstrip("+")) is not None


def _update_number(number: Resource, form: dict[str, str]) -> None:
    """Apply an update, with Twilio's rule that a trunk and a voice application exclude each other.

    upstream: twilio-python 9.13.0 twilio/rest/api/v2010/account/incoming_phone_number/__init__.py:77
    ("Setting a `trunk_sid` will automatically delete your `voice_application_sid` and vice versa").
    """
    apply_form(number, form, _NUMBER_UPDATABLE)
    for field in ("trunk_sid", "voice_application_sid"):
        if number.get(field) == "":
            number[field] = None  # an empty value clears it
    if form.get("TrunkSid"):
        number["voice_application_sid"] = None
    elif form.get("VoiceApplicationSid"):
        number["trunk_sid"] = None


async def fetch_account(request: Request) -> JSONResponse:
    """GET /2010-04-01/Accounts/{sid}.json"""
    state = fake_state(request)
    if request.path_params["sid"] != state.account_sid:
        raise not_found(list_path(request))
    return JSONResponse(state.account())


async def create_number(request: Request) -> JSONResponse:
    """POST …/IncomingPhoneNumbers.json (buys nothing: it just seeds an owned number)."""
    state = account_state(request)
    form = await read_form(request)
    phone = form.get("PhoneNumber")
    if not phone:
        raise missing("PhoneNumber")
    if not is_e164(phone):
        raise ApiError(400, 21421, f"PhoneNumber {phone} is invalid.")
    if state.number_by_phone(phone):
        raise ApiError(400, 21422, f"PhoneNumber {phone} is not available.")
    number = state.add_number(phone)
    with state.lock:
        _update_number(number, form)
        return JSONResponse(dict(number), status_code=201)


async def number_detail(request: Request) -> Response:
    """GET / POST (update) / DELETE …/IncomingPhoneNumbers/{sid}.json"""
    state = account_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        number = state.numbers.get(request.path_params["sid"])
        if number is None:
            raise not_found(list_path(request))
        if request.method == "DELETE":
            del state.numbers[number["sid"]]
            return Response(status_code=204)
        if request.method == "POST":
            _update_number(number, form)
        return JSONResponse(dict(number))


async def list_numbers(request: Request) -> JSONResponse:
    """GET …/IncomingPhoneNumbers.json, filtered by PhoneNumber (partial) / FriendlyName."""
    state = account_state(request)
    query = request.query_params
    pattern = query.get("PhoneNumber")
    with state.lock:
        items = [
            dict(n)
            for n in state.numbers.values()
            if (pattern is None or phone_filter_matches(pattern, n["phone_number"]))
            and query.get("FriendlyName", n["friendly_name"]) == n["friendly_name"]
        ]
    return JSONResponse(page_2010(request, items, "incoming_phone_numbers", list_path(request)))


def _start_day(call: Resource) -> date:
    started: datetime = parsedate_to_datetime(call["start_time"])
    return started.date()


def _call_matches(call: Resource, query: dict[str, str]) -> bool:
    for key, field in (("Status", "status"), ("To", "to"), ("From", "from")):
        if key in query and query[key] != call[field]:
            return False
    day = _start_day(call)
    # The client sends StartTime=, StartTime< and StartTime> as YYYY-MM-DD days.
    bounds = {"StartTime": day.__eq__, "StartTime<": day.__le__, "StartTime>": day.__ge__}
    for key, compare in bounds.items():
        if key in query:
            try:
                wanted = date.fromisoformat(query[key][:10])
            except ValueError as exc:
                raise ApiError(400, 20001, f"Invalid {key}: {query[key]}") from exc
            if not compare(wanted):
                return False
    return True


async def list_calls(request: Request) -> JSONResponse:
    """GET …/Calls.json, filtered by Status, To, From and StartTime (=, <, >)."""
    state = account_state(request)
    query = dict(request.query_params)
    with state.lock:
        items = [dict(c) for c in reversed(state.calls.values()) if _call_matches(c, query)]
    return JSONResponse(page_2010(request, items, "calls", list_path(request)))


async def fetch_call(request: Request) -> JSONResponse:
    """GET …/Calls/{sid}.json"""
    state = account_state(request)
    with state.lock:
        call = state.calls.get(request.path_params["sid"])
        if call is None:
            raise not_found(list_path(request))
        return JSONResponse(dict(call))


def routes(prefix: str) -> list[Route]:
    """Account, number and call routes; `prefix` is the account-scoped path."""
    accounts = prefix.rsplit("/", 1)[0]
    numbers = f"{prefix}/IncomingPhoneNumbers"
    return [
        Route(f"{accounts}/{{sid}}.json", fetch_account, methods=["GET"]),
        Route(f"{numbers}.json", list_numbers, methods=["GET"]),
        Route(f"{numbers}.json", create_number, methods=["POST"]),
        Route(f"{numbers}/{{sid}}.json", number_detail, methods=["GET", "POST", "DELETE"]),
        Route(f"{prefix}/Calls.json", list_calls, methods=["GET"]),
        Route(f"{prefix}/Calls/{{sid}}.json", fetch_call, methods=["GET"]),
    ]
