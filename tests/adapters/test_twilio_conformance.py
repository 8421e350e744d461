"""Conformance: the fake's JSON keys (and value types) equal the OpenAPI schemas Twilio publishes.

The specs live next to the repository in ../shared/specs/twilio; the test is skipped without them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests

from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "twilio"
pytestmark = pytest.mark.skipif(
    not SPECS.is_dir(), reason=f"Twilio OpenAPI specs not found at {SPECS}"
)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}
Json = dict[str, Any]


@cache
def _spec(name: str) -> Json:
    spec: Json = json.loads((SPECS / name).read_text(encoding="utf-8"))
    return spec


def _schema(spec: str, name: str) -> Json:
    schema: Json = _spec(spec)["components"]["schemas"][name]
    return schema


def _list_schema(spec: str, path: str) -> Json:
    get = _spec(spec)["paths"][path]["get"]
    schema: Json = get["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def _assert_conforms(body: Json, schema: Json) -> None:
    properties: Json = schema["properties"]
    assert set(body) == set(properties), (
        f"missing {set(properties) - set(body)}, extra {set(body) - set(properties)}"
    )
    for key, rule in properties.items():
        expected = _TYPES.get(rule.get("type", ""))
        if body[key] is not None and expected is not None:
            assert isinstance(body[key], expected), f"{key}: {body[key]!r} is not {rule['type']}"
            if rule["type"] == "integer":
                assert not isinstance(body[key], bool), key


class Api:
    """Raw HTTP access to the fake, so the test sees exactly the JSON on the wire."""

    def __init__(self, fake: RunningTwilioFake) -> None:
        self.fake = fake
        self.account = f"/api/2010-04-01/Accounts/{fake.account_sid}"

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> Json:
        auth = (self.fake.account_sid, self.fake.auth_token)
        answer = requests.request(
            method, self.fake.base_url + path, data=form, auth=auth, timeout=5
        )
        assert answer.status_code < 300, answer.text
        body: Json = answer.json()
        return body


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with running_twilio_fake() as fake:
        fake.state.add_number("+14155550100")
        yield Api(fake)


def _world(api: Api) -> dict[str, Json]:
    a = api.account
    number = api.call("GET", f"{a}/IncomingPhoneNumbers.json")["incoming_phone_numbers"][0]
    message = api.call(
        "POST", f"{a}/Messages.json", {"To": "+14155550123", "From": "+14155550100", "Body": "hi"}
    )
    call = api.fake.state.seed_call("+14155550100", "+14155550123")
    cl = api.call("POST", f"{a}/SIP/CredentialLists.json", {"FriendlyName": "lk"})
    credential = api.call(
        "POST",
        f"{a}/SIP/CredentialLists/{cl['sid']}/Credentials.json",
        {"Username": "u", "Password": "IWasAtSignal2018"},
    )
    trunk = api.call(
        "POST", "/trunking/v1/Trunks", {"FriendlyName": "t", "DomainName": "conf.pstn.twilio.com"}
    )
    t = f"/trunking/v1/Trunks/{trunk['sid']}"
    origination = {
        "Weight": "1",
        "Priority": "1",
        "Enabled": "true",
        "FriendlyName": "lk",
        "SipUrl": "sip:x.example",
    }
    return {
        "number": number,
        "message": message,
        "call": call,
        "cl": cl,
        "credential": credential,
        "trunk": trunk,
        "origination": api.call("POST", f"{t}/OriginationUrls", origination),
        "trunk_cl": api.call("POST", f"{t}/CredentialLists", {"CredentialListSid": cl["sid"]}),
        "trunk_number": api.call("POST", f"{t}/PhoneNumbers", {"PhoneNumberSid": number["sid"]}),
        "acl": api.call(
            "POST", f"{t}/IpAccessControlLists", {"IpAccessControlListSid": "AL" + "a" * 32}
        ),
    }


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, Json]:
    return _world(api)


V2010 = "twilio_api_v2010.json"
V1 = "twilio_trunking_v1.json"
P = "/2010-04-01/Accounts/{AccountSid}"
Fetch = Callable[[Api, dict[str, Json]], Json]
RESOURCES: list[tuple[str, str, Fetch]] = [
    (V2010, "api.v2010.account", lambda api, w: api.call("GET", f"{api.account}.json")),
    (
        V2010,
        "api.v2010.account.message",
        lambda api, w: api.call("GET", f"{api.account}/Messages/{w['message']['sid']}.json"),
    ),
    (V2010, "api.v2010.account.message", lambda api, w: w["message"]),
    (V2010, "api.v2010.account.incoming_phone_number", lambda api, w: w["number"]),
    (
        V2010,
        "api.v2010.account.call",
        lambda api, w: api.call("GET", f"{api.account}/Calls/{w['call']['sid']}.json"),
    ),
    (V2010, "api.v2010.account.sip.sip_credential_list", lambda api, w: w["cl"]),
    (
        V2010,
        "api.v2010.account.sip.sip_credential_list.sip_credential",
        lambda api, w: w["credential"],
    ),
    (
        V1,
        "trunking.v1.trunk",
        lambda api, w: api.call("GET", f"/trunking/v1/Trunks/{w['trunk']['sid']}"),
    ),
    (V1, "trunking.v1.trunk.origination_url", lambda api, w: w["origination"]),
    (V1, "trunking.v1.trunk.credential_list", lambda api, w: w["trunk_cl"]),
    (V1, "trunking.v1.trunk.phone_number", lambda api, w: w["trunk_number"]),
    (V1, "trunking.v1.trunk.ip_access_control_list", lambda api, w: w["acl"]),
]
LISTS: list[tuple[str, str, str]] = [
    (V2010, f"{P}/Messages.json", "/Messages.json"),
    (V2010, f"{P}/IncomingPhoneNumbers.json", "/IncomingPhoneNumbers.json"),
    (V2010, f"{P}/Calls.json", "/Calls.json"),
    (V2010, f"{P}/SIP/CredentialLists.json", "/SIP/CredentialLists.json"),
    (
        V2010,
        f"{P}/SIP/CredentialLists/{{CredentialListSid}}/Credentials.json",
        "/SIP/CredentialLists/{cl}/Credentials.json",
    ),
    (V1, "/v1/Trunks", "/trunking/v1/Trunks"),
    (V1, "/v1/Trunks/{TrunkSid}/OriginationUrls", "/trunking/v1/Trunks/{trunk}/OriginationUrls"),
    (V1, "/v1/Trunks/{TrunkSid}/CredentialLists", "/trunking/v1/Trunks/{trunk}/CredentialLists"),
    (V1, "/v1/Trunks/{TrunkSid}/PhoneNumbers", "/trunking/v1/Trunks/{trunk}/PhoneNumbers"),
    (
        V1,
        "/v1/Trunks/{TrunkSid}/IpAccessControlLists",
        "/trunking/v1/Trunks/{trunk}/IpAccessControlLists",
    ),
]


@pytest.mark.parametrize(
    ("spec", "schema", "fetch"), RESOURCES, ids=[r[1] + f"#{i}" for i, r in enumerate(RESOURCES)]
)
def test_resource_matches_schema(
    api: Api, world: dict[str, Json], spec: str, schema: str, fetch: Fetch
) -> None:
    _assert_conforms(fetch(api, world), _schema(spec, schema))


@pytest.mark.parametrize(("spec", "spec_path", "path"), LISTS, ids=[x[1] for x in LISTS])
def test_list_envelope_matches_schema(
    api: Api, world: dict[str, Json], spec: str, spec_path: str, path: str
) -> None:
    schema = _list_schema(spec, spec_path)
    prefix = api.account if spec == V2010 else ""
    filled = path.format(cl=world["cl"]["sid"], trunk=world["trunk"]["sid"])
    body = api.call("GET", prefix + filled)
    _assert_conforms(body, schema)
    list_key = next(
        k
        for k in schema["properties"]
        if k != "meta" and schema["properties"][k].get("type") == "array"
    )
    assert body[list_key], f"{list_key} should not be empty here"
    if "meta" in schema["properties"]:
        _assert_conforms(body["meta"], schema["properties"]["meta"])
        assert body["meta"]["key"] == list_key


def test_error_body_has_twilio_keys(api: Api) -> None:
    answer = requests.get(
        api.fake.base_url + f"{api.account}/Messages/SM{'0' * 32}.json", auth=("x", "y"), timeout=5
    )
    assert answer.status_code == 401
    assert set(answer.json()) == {"code", "message", "more_info", "status"}
