"""The six /twilio/* webhooks: valid, forged, unsigned, replayed, malformed and oversized requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from xml.etree import ElementTree

import httpx
import pytest
from structlog.testing import capture_logs
from tests.support.webhook_world import (
    BASE,
    CALLER,
    World,
    build,
    sign,
    signed_post,
)

from switchboard.domain.directory import EmployeeStatus
from switchboard.domain.notifications import NotificationStatus
from switchboard.settings import SettingsError


@pytest.fixture
def world() -> World:
    w = World()
    w.notifications["SM1"] = NotificationStatus.SENT
    return w


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.7:8080") as c:
        yield c


VALID: dict[str, dict[str, str]] = {
    "/twilio/voice": {"CallSid": "CA1", "From": CALLER, "To": "+13125550100"},
    "/twilio/voice-fallback": {"CallSid": "CA2", "From": CALLER, "ErrorCode": "11200"},
    "/twilio/status": {"MessageSid": "SM1", "MessageStatus": "delivered"},
    "/twilio/sms": {"MessageSid": "SM9", "From": CALLER, "To": "+13125550100", "Body": "Hi"},
    "/twilio/sms-fallback": {"MessageSid": "SM8", "From": CALLER, "ErrorCode": "11200"},
    "/twilio/recording": {
        "CallSid": "CA2",
        "RecordingSid": "RE1",
        "RecordingUrl": "https://api.twilio.com/rec/RE1",
        "RecordingStatus": "completed",
        "RecordingDuration": "12",
    },
}
XML_ROUTES = {"/twilio/voice", "/twilio/voice-fallback", "/twilio/sms", "/twilio/sms-fallback"}
ROUTES = sorted(VALID)


@pytest.mark.parametrize("path", ROUTES)
async def test_valid_signed_request_is_answered(client: httpx.AsyncClient, path: str) -> None:
    response = await signed_post(client, path, VALID[path])
    if path in XML_ROUTES:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        assert ElementTree.fromstring(response.content).tag == "Response"
    else:
        assert response.status_code == 204
        assert response.content == b""


@pytest.mark.parametrize("path", ROUTES)
async def test_unsigned_request_is_403_and_changes_nothing(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    response = await client.post(path, data=VALID[path])
    assert response.status_code == 403
    assert world.seen == set()
    assert world.taken == []


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    "forgery",
    ["wrong-token", "tampered-param", "other-path", "garbage"],
)
async def test_forged_request_is_403(
    client: httpx.AsyncClient, world: World, path: str, forgery: str
) -> None:
    params = dict(VALID[path])
    signature = {
        "wrong-token": sign(path, params, token="0" * 32),
        "tampered-param": sign(path, {**params, "From": "+13125550000"}),
        "other-path": sign("/twilio/other", params),
        "garbage": "not-a-signature",
    }[forgery]
    response = await client.post(path, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert world.notifications["SM1"] is NotificationStatus.SENT
    assert world.inbound == []


@pytest.mark.parametrize("path", ROUTES)
async def test_oversized_body_is_413(client: httpx.AsyncClient, path: str) -> None:
    params = {**VALID[path], "Body": "x" * 5000}
    response = await signed_post(client, path, params)
    assert response.status_code == 413


@pytest.mark.parametrize("path", ROUTES)
async def test_oversized_streamed_body_without_length_is_413(
    client: httpx.AsyncClient, path: str
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"A=" + b"x" * 1000 + b"&"

    response = await client.post(path, content=chunks(), headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ROUTES)
async def test_undecodable_body_is_400(client: httpx.AsyncClient, path: str) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    response = await client.post(path, content=b"Body=%FF%FE&From=\xff", headers=headers)
    assert response.status_code == 400


REQUIRED = {
    "/twilio/voice": "CallSid",
    "/twilio/voice-fallback": "CallSid",
    "/twilio/status": "MessageStatus",
    "/twilio/sms": "From",
    "/twilio/recording": "RecordingSid",
}


@pytest.mark.parametrize("path", sorted(REQUIRED))
async def test_signed_but_incomplete_request_is_400(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    params = {k: v for k, v in VALID[path].items() if k != REQUIRED[path]}
    response = await signed_post(client, path, params)
    assert response.status_code == 400
    assert world.taken == []


async def test_status_with_neither_message_nor_call_is_400(client: httpx.AsyncClient) -> None:
    response = await signed_post(client, "/twilio/status", {"AccountSid": "AC1"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ROUTES)
async def test_replayed_request_changes_nothing_more(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    first = await signed_post(client, path, VALID[path])
    state = (dict(world.notifications), list(world.taken), list(world.inbound), set(world.seen))
    again = await signed_post(client, path, VALID[path])
    assert again.status_code == first.status_code
    assert (
        dict(world.notifications),
        list(world.taken),
        list(world.inbound),
        set(world.seen),
    ) == state


async def test_idempotency_token_dedupes_even_with_different_status(
    client: httpx.AsyncClient, world: World
) -> None:
    world.notifications["SM2"] = NotificationStatus.QUEUED
    token = {"I-Twilio-Idempotency-Token": "tok-1"}
    await signed_post(
        client, "/twilio/status", {"MessageSid": "SM2", "MessageStatus": "sent"}, **token
    )
    await signed_post(
        client, "/twilio/status", {"MessageSid": "SM2", "MessageStatus": "failed"}, **token
    )
    assert world.notifications["SM2"] is NotificationStatus.SENT


async def test_out_of_order_status_callbacks_only_move_forward(
    client: httpx.AsyncClient, world: World
) -> None:
    world.notifications["SM3"] = NotificationStatus.QUEUED
    for status in ("delivered", "sent", "sending", "queued"):
        response = await signed_post(
            client, "/twilio/status", {"MessageSid": "SM3", "MessageStatus": status}
        )
        assert response.status_code == 204
    assert world.notifications["SM3"] is NotificationStatus.DELIVERED


async def test_undelivered_keeps_the_error_code(client: httpx.AsyncClient, world: World) -> None:
    params = {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    await signed_post(client, "/twilio/status", params)
    assert world.notifications["SM1"] is NotificationStatus.UNDELIVERED
    assert world.errors["SM1"] == "30003"


async def test_call_status_is_recorded(client: httpx.AsyncClient, world: World) -> None:
    params = {"CallSid": "CA7", "CallStatus": "completed", "CallDuration": "31"}
    assert (await signed_post(client, "/twilio/status", params)).status_code == 204
    assert world.call_statuses == [("CA7", "completed")]


async def test_unknown_message_status_is_acknowledged(client: httpx.AsyncClient) -> None:
    params = {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
    assert (await signed_post(client, "/twilio/status", params)).status_code == 204


async def test_voice_dials_livekit_with_the_callers_number(client: httpx.AsyncClient) -> None:
    response = await signed_post(client, "/twilio/voice", VALID["/twilio/voice"])
    sip = ElementTree.fromstring(response.content).find("./Dial/Sip")
    assert sip is not None
    # The header value is escaped in the URI (Twilio error 32110's guidance): + is %2B.
    assert sip.text == (
        "sip:+13125550100@abc123.sip.livekit.cloud;transport=tcp"
        "?X-Switchboard-Caller=%2B13125550199"
    )


async def test_voice_dial_reports_its_outcome_to_the_fallback(client: httpx.AsyncClient) -> None:
    response = await signed_post(client, "/twilio/voice", VALID["/twilio/voice"])
    dial = ElementTree.fromstring(response.content).find("./Dial")
    assert dial is not None
    assert dial.get("action") == f"{BASE}/twilio/voice-fallback"
    assert dial.get("method") == "POST"
    assert dial.get("answerOnBridge") == "true"


@pytest.mark.parametrize("dial_status", ["failed", "busy", "no-answer"])
async def test_a_dial_that_did_not_connect_records_a_voicemail(
    client: httpx.AsyncClient, world: World, dial_status: str
) -> None:
    params = {"CallSid": "CA5", "From": CALLER, "DialCallStatus": dial_status}
    response = await signed_post(client, "/twilio/voice-fallback", params)
    assert ElementTree.fromstring(response.content).find("./Record") is not None
    assert world.voicemails == {"CA5": CALLER}


@pytest.mark.parametrize("dial_status", ["completed", "answered", "canceled"])
async def test_after_a_connected_dial_the_caller_is_hung_up_on_not_recorded(
    client: httpx.AsyncClient, world: World, dial_status: str
) -> None:
    params = {"CallSid": "CA6", "From": CALLER, "DialCallStatus": dial_status}
    response = await signed_post(client, "/twilio/voice-fallback", params)
    root = ElementTree.fromstring(response.content)
    assert root.find("./Record") is None
    assert root.find("./Hangup") is not None
    assert world.voicemails == {}


async def test_words_after_record_are_for_an_empty_recording(client: httpx.AsyncClient) -> None:
    """Twilio reaches the verbs after <Record> only when nothing was recorded."""
    response = await signed_post(client, "/twilio/voice-fallback", VALID["/twilio/voice-fallback"])
    verbs = [child.tag for child in ElementTree.fromstring(response.content)]
    assert verbs == ["Say", "Record", "Say", "Hangup"]
    after = ElementTree.fromstring(response.content)[2].text or ""
    assert "recorded" not in after
    assert "did not hear a message" in after


async def test_voice_without_livekit_goes_to_voicemail(world: World) -> None:
    app = build(world, livekit_sip_uri=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        response = await signed_post(c, "/twilio/voice", VALID["/twilio/voice"])
    assert ElementTree.fromstring(response.content).find("./Record") is not None


async def test_voice_fallback_records_and_the_recording_becomes_a_message(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await signed_post(client, "/twilio/voice-fallback", VALID["/twilio/voice-fallback"])
    record = ElementTree.fromstring(response.content).find("./Record")
    assert record is not None
    assert record.get("recordingStatusCallback") == f"{BASE}/twilio/recording"
    assert record.get("action") == f"{BASE}/twilio/voice-fallback?done=1"
    done = await signed_post(client, "/twilio/voice-fallback?done=1", {"CallSid": "CA2"})
    assert ElementTree.fromstring(done.content).find("./Hangup") is not None
    await signed_post(client, "/twilio/recording", VALID["/twilio/recording"])
    [taken] = world.taken
    assert (taken.recipient_kind, taken.recipient_id) == ("department", "front")
    assert taken.callback_number == CALLER
    assert taken.recording_url == "https://api.twilio.com/rec/RE1"
    assert "https://" not in taken.text  # Twilio's URL needs the account's credentials to open


async def test_failed_recording_makes_no_message(client: httpx.AsyncClient, world: World) -> None:
    params = {**VALID["/twilio/recording"], "RecordingStatus": "failed"}
    assert (await signed_post(client, "/twilio/recording", params)).status_code == 204
    assert world.taken == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("AWAY", EmployeeStatus.OUT_OF_OFFICE),
        (" back ", EmployeeStatus.AVAILABLE),
        ("dnd.", EmployeeStatus.DND),
    ],
)
async def test_employee_status_keywords(
    client: httpx.AsyncClient, world: World, body: str, status: EmployeeStatus
) -> None:
    params = {"MessageSid": "SMk", "From": "+13125550112", "Body": body}
    response = await signed_post(client, "/twilio/sms", params)
    message = ElementTree.fromstring(response.content).find("./Message")
    assert message is not None
    assert world.statuses == {"ann": status}
    assert world.taken == []


async def test_other_text_from_an_employee_gets_help(
    client: httpx.AsyncClient, world: World
) -> None:
    params = {"MessageSid": "SMh", "From": "+13125550112", "Body": "what?"}
    response = await signed_post(client, "/twilio/sms", params)
    assert b"AWAY, BACK or DND" in response.content
    assert world.statuses == {}


async def test_sms_from_a_stranger_becomes_a_message(
    client: httpx.AsyncClient, world: World
) -> None:
    params = {"MessageSid": "SMs", "From": CALLER, "Body": "AWAY <script>"}
    response = await signed_post(client, "/twilio/sms", params)
    assert ElementTree.fromstring(response.content).find("./Message") is None
    [taken] = world.taken
    assert taken.text == "AWAY <script>"
    assert taken.callback_number == CALLER
    assert world.statuses == {}
    assert world.inbound == ["SMs"]


def test_refuses_to_start_without_a_token(world: World) -> None:
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        build(world, twilio_auth_token=None)


async def test_validation_off_accepts_unsigned_in_development(world: World) -> None:
    app = build(world, twilio_validate_signatures=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        response = await c.post("/twilio/status", data=VALID["/twilio/status"])
    assert response.status_code == 204


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_get_on_a_webhook_is_405(client: httpx.AsyncClient) -> None:
    assert (await client.get("/twilio/status")).status_code == 405


async def test_rejected_requests_are_rate_limited_but_signed_ones_never(world: World) -> None:
    app = build(world, {"reject_rate": "3/minute"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        forged = [
            (await c.post("/twilio/status", data=VALID["/twilio/status"])).status_code
            for _ in range(5)
        ]
        assert forged == [403, 403, 403, 429, 429]
        for _ in range(10):  # the same address, now over its limit, still gets through signed
            response = await signed_post(c, "/twilio/voice", VALID["/twilio/voice"])
            assert response.status_code == 200


async def test_rate_limit_counts_per_forwarded_address_behind_a_trusted_proxy(world: World) -> None:
    app = build(world, {"reject_rate": "1/minute"}, trust_forwarded_headers=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        for ip, expected in [("1.1.1.1", 403), ("1.1.1.1", 429), ("2.2.2.2", 403)]:
            headers = {"X-Forwarded-For": f"9.9.9.9, {ip}"}
            response = await c.post("/twilio/status", data={}, headers=headers)
            assert response.status_code == expected


@pytest.mark.parametrize(("ready", "status"), [(True, 200), (False, 503)])
async def test_readyz_reports_the_probe(world: World, ready: bool, status: int) -> None:
    async def probe() -> bool:
        return ready

    app = build(world, {"ready": probe})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        assert (await c.get("/readyz")).status_code == status


def test_warns_at_start_when_the_public_url_cannot_be_known(
    world: World,
) -> None:
    with capture_logs() as logs:
        build(world, webhook_base_url=None)
    assert any("public URL Twilio calls cannot be known" in str(e) for e in logs)
    with capture_logs() as logs:
        build(world)  # WEBHOOK_BASE_URL set
        build(world, webhook_base_url=None, trust_forwarded_headers=True)
    assert not any("cannot be known" in str(e) for e in logs)


async def test_shared_key_setting_validates_shared_key_signed_webhooks(world: World) -> None:
    from twilio.request_validator import RequestValidator

    app = build(world, twilio_webhook_shared_key="sk-secret")
    params = VALID["/twilio/status"]
    signature = RequestValidator("sk-secret").compute_signature(
        f"{BASE}/twilio/status", params, "HMAC_SHA256"
    )
    headers = {
        "X-Twilio-Signature": signature,
        "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256",
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        assert (await c.post("/twilio/status", data=params, headers=headers)).status_code == 204
    assert world.notifications["SM1"] is NotificationStatus.DELIVERED


@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/recording"])
async def test_a_message_whose_write_failed_is_stored_by_twilios_retry(
    world: World, path: str
) -> None:
    """No message is lost to a blip: the receipt is stored with the message, not before it, so
    the retry Twilio sends after our 500 is handled in full rather than skipped as seen."""
    world.failing_takes = 1
    transport = httpx.ASGITransport(app=build(world), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.7:8080") as c:
        failed = await signed_post(c, path, VALID[path])
        assert failed.status_code == 500
        assert world.taken == []
        retried = await signed_post(c, path, VALID[path])
        assert retried.status_code < 300
        again = await signed_post(c, path, VALID[path])
        assert again.status_code < 300
    assert len(world.taken) == 1
