"""API 2010 SIP: CredentialLists and their Credentials.

Password rule from the spec's Password description: at least 12 characters, a digit, mixed case.
The spec names no error code for a weak password, a long username or a duplicate one. The fake
answers 400 / 21622 and 409 / 21451: statuses and codes are the fake's own invention, unverified
against production (listed in docs/twilio-fake.md).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from switchboard.fakes.twilio import sip_resources
from switchboard.fakes.twilio.paging import page_2010
from switchboard.fakes.twilio.routing import account_state, list_path
from switchboard.fakes.twilio.state import FakeTwilioState
from switchboard.fakes.twilio.wire import (
    ApiError,
    Resource,
    apply_form,
    missing,
    not_found,
    read_form,
)

WEAK_PASSWORD_CODE = 21622
# upstream: twilio-python 9.13.0 twilio/rest/api/v2010/account/sip/credential_list/credential.py:620
# Username "can be up to 32 characters long."
MAX_USERNAME = 32


def password_problem(password: str) -> str | None:
    """Why Twilio would refuse this SIP password, or None when it is acceptable."""
    if len(password) < 12:
        return "Password must be at least 12 characters long"
    if not re.search(r"\d", password):
        return "Password must contain at least one digit"
    if not (re.search(r"[a-z]", password) and re.search(r"[A-Z]", password)):
        return "Password must contain both upper and lower case letters"
    return None


def _list(state: FakeTwilioState, request: Request, key: str = "sid") -> Resource:
    found = state.credential_lists.get(request.path_params[key])
    if found is None:
        raise not_found(list_path(request))
    return found


async def credential_lists(request: Request) -> JSONResponse:
    """GET (list) / POST (create, FriendlyName required) …/SIP/CredentialLists.json"""
    state = account_state(request)
    if request.method == "GET":
        with state.lock:
            items = [dict(c) for c in state.credential_lists.values()]
        return JSONResponse(page_2010(request, items, "credential_lists", list_path(request)))
    form = await read_form(request)
    if not form.get("FriendlyName"):
        raise missing("FriendlyName")
    created = sip_resources.credential_list(state.account_sid, form["FriendlyName"])
    with state.lock:
        state.credential_lists[created["sid"]] = created
        state.credentials[created["sid"]] = {}
    return JSONResponse(created, status_code=201)


async def credential_list_detail(request: Request) -> Response:
    """GET / POST (rename) / DELETE …/SIP/CredentialLists/{sid}.json"""
    state = account_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        found = _list(state, request)
        if request.method == "DELETE":
            del state.credential_lists[found["sid"]]
            for credential in state.credentials.pop(found["sid"], {}).values():
                state.passwords.pop(credential["sid"], None)
            return Response(status_code=204)
        apply_form(found, form, frozenset({"friendly_name"}))
        return JSONResponse(dict(found))


async def credentials(request: Request) -> JSONResponse:
    """GET (list) / POST (create: Username, Password) …/CredentialLists/{list}/Credentials.json"""
    state = account_state(request)
    form = await read_form(request) if request.method == "POST" else {}
    with state.lock:
        owner = _list(state, request, "list_sid")
        existing = state.credentials[owner["sid"]]
        if request.method == "GET":
            items = [dict(c) for c in existing.values()]
            return JSONResponse(page_2010(request, items, "credentials", list_path(request)))
        username, password = form.get("Username", ""), form.get("Password", "")
        if not username:
            raise missing("Username")
        if not password:
            raise missing("Password")
        if len(username) > MAX_USERNAME:
            raise ApiError(400, 21622, f"Username must be at most {MAX_USERNAME} characters long")
        problem = password_problem(password)
        if problem:
            raise ApiError(400, WEAK_PASSWORD_CODE, problem)
        if any(c["username"] == username for c in existing.values()):
            raise ApiError(409, 21451, f"Username {username} already exists in this list")
        created = sip_resources.credential(state.account_sid, owner["sid"], username)
        existing[created["sid"]] = created
        state.passwords[created["sid"]] = password
        return JSONResponse(created, status_code=201)


async def credential_detail(request: Request) -> Response:
    """GET / DELETE …/CredentialLists/{list}/Credentials/{sid}.json"""
    state = account_state(request)
    with state.lock:
        owner = _list(state, request, "list_sid")
        found = state.credentials[owner["sid"]].get(request.path_params["sid"])
        if found is None:
            raise not_found(list_path(request))
        if request.method == "DELETE":
            del state.credentials[owner["sid"]][found["sid"]]
            state.passwords.pop(found["sid"], None)
            return Response(status_code=204)
        return JSONResponse(dict(found))


def routes(prefix: str) -> list[Route]:
    """SIP credential routes under an account prefix."""
    lists = f"{prefix}/SIP/CredentialLists"
    creds = f"{lists}/{{list_sid}}/Credentials"
    return [
        Route(f"{lists}.json", credential_lists, methods=["GET", "POST"]),
        Route(f"{lists}/{{sid}}.json", credential_list_detail, methods=["GET", "POST", "DELETE"]),
        Route(f"{creds}.json", credentials, methods=["GET", "POST"]),
        Route(f"{creds}/{{sid}}.json", credential_detail, methods=["GET", "DELETE"]),
    ]
