"""The Twilio fake's account modes and webhook details: trial prefix, body redaction, a skewed
clock, the 21611 and 30034 faults, SharedKey-signed callbacks and idempotency tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from switchboard.adapters.twilio import classify_twilio_error, make_twilio_client
from switchboard.fakes.twilio import (
    CallbackSink,
    RunningTwilioFake,
    running_callback_sink,
    running_twilio_fake,
)

OURS = "+14155550100"
CALLER = "+14155550123"
TRIAL = "Sent from your Twilio trial account - "


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as fake:
        yield fake


@pytest.fixture
def fake(shared_fake: RunningTwilioFake) -> RunningTwilioFake:
    shared_fake.state.reset()
    shared_fake.state.add_number(OURS)
    return shared_fake


@pytest.fixture
def client(fake: RunningTwilioFake) -> Client:
    return make_twilio_client(fake.settings())


@pytest.fixture
def sink() -> Iterator[CallbackSink]:
    with running_callback_sink() as sink:
        yield sink


def test_trial_account_prefixes_every_body(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.trial_account = True
    created = client.messages.create(to=CALLER, from_=OURS, body="hi")
    assert created.body == TRIAL + "hi"
    assert [m.body for m in client.messages.list(to=CALLER)] == [TRIAL + "hi"]


def test_redaction_blanks_the_body_once_the_message_left_the_queue(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.redact_bodies = True
    created = client.messages.create(
        to=CALLER, from_=OURS, body="secret", status_callback=sink.url()
    )
    assert created.body == "secret"  # still queued: Twilio has not sent it yet
    sink.wait_for(2)
    assert client.messages(created.sid).fetch().body == ""
    assert [m.body for m in client.messages.list(to=CALLER)] == [""]


def test_skewed_clock_dates_messages_and_answers(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.clock_skew = -600.0
    created = client.messages.create(to=CALLER, from_=OURS, body="hi")
    assert created.date_created.timestamp() == pytest.approx(time.time() - 600, abs=5)
    answer = httpx.get(f"{fake.base_url}/__fake__/health")
    assert parsedate_to_datetime(answer.headers["date"]).timestamp() == pytest.approx(
        time.time() - 600, abs=5
    )
    assert len(answer.headers.get_list("date")) == 1


def test_account_modes_over_the_control_api(fake: RunningTwilioFake) -> None:
    modes = {"trial_account": True, "redact_bodies": True, "clock_skew": 30}
    answer = httpx.post(f"{fake.base_url}/__fake__/account", json=modes)
    assert answer.json() == {"trial_account": True, "redact_bodies": True, "clock_skew": 30.0}
    assert (fake.state.trial_account, fake.state.redact_bodies) == (True, True)
    bad = httpx.post(f"{fake.base_url}/__fake__/account", json={"clock_skew": "soon"})
    assert bad.status_code == 400


def test_queue_full_is_400_21611_and_retryable(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.queue_full_next()
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=CALLER, from_=OURS, body="hi")
    assert (caught.value.status, caught.value.code) == (400, 21611)
    assert classify_twilio_error(caught.value).retryable
    assert client.messages.create(to=CALLER, from_=OURS, body="hi").status == "queued"


def test_unregistered_a2p_ends_undelivered_30034(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.unregistered_a2p_to(CALLER)
    sid = client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url()).sid
    received = sink.wait_for(2)
    assert [(r.params["MessageStatus"], r.params.get("ErrorCode")) for r in received] == [
        ("sent", None),
        ("undelivered", "30034"),
    ]
    fetched = client.messages(sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30034)


def test_messaging_service_sid_is_kept_and_checked(client: Client) -> None:
    service = "MG" + "0" * 32
    created = client.messages.create(
        to=CALLER, from_=OURS, body="hi", messaging_service_sid=service
    )
    assert created.messaging_service_sid == service
    with pytest.raises(TwilioRestException):
        client.messages.create(to=CALLER, from_=OURS, body="hi", messaging_service_sid="MG1")


def test_shared_key_signed_callbacks(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.callbacks.shared_key = "sk-secret"
    client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    for request in sink.wait_for(2):
        settings = request.headers["X-Twilio-Webhooks-Signature-Settings"]
        assert settings == f"key={fake.state.callbacks.shared_key_id},algorithm=HMAC_SHA256"
        signature = request.headers["X-Twilio-Signature"]
        shared = RequestValidator("sk-secret")
        assert shared.validate(sink.url(), request.params, signature, "HMAC_SHA256")
        token = RequestValidator(fake.auth_token)
        assert not token.validate(sink.url(), request.params, signature)


def test_callbacks_carry_an_idempotency_token_repeated_on_a_duplicate(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.callbacks.duplicate = True
    client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    received = sink.wait_for(4)
    tokens = [r.headers["I-Twilio-Idempotency-Token"] for r in received]
    statuses = [r.params["MessageStatus"] for r in received]
    assert statuses == ["sent", "sent", "delivered", "delivered"]
    assert tokens[0] == tokens[1] != tokens[2] == tokens[3]
