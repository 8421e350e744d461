"""Messages through the real twilio client → HTTP on 127.0.0.1 → the Twilio fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
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


def test_create_answers_queued_with_twilio_shape(client: Client, fake: RunningTwilioFake) -> None:
    message = client.messages.create(to=CALLER, from_=OURS, body="Your message was taken")
    assert message.sid.startswith("SM")
    assert len(message.sid) == 34
    assert message.status == "queued"
    assert message.to == CALLER
    assert message.from_ == OURS
    assert message.account_sid == fake.account_sid
    assert message.date_created is not None  # the client parsed the RFC 2822 date
    assert message.uri == f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{message.sid}.json"


def test_message_moves_to_delivered_and_can_be_fetched(client: Client, sink: CallbackSink) -> None:
    message = client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    sink.wait_for(2)
    fetched = client.messages(message.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.date_sent is not None


def test_fetch_unknown_message_is_20404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "f" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_list_follows_pages_newest_first(client: Client) -> None:
    sids = [client.messages.create(to=CALLER, from_=OURS, body=str(i)).sid for i in range(5)]
    listed = [m.sid for m in client.messages.list(page_size=2)]
    assert listed == list(reversed(sids))
    first = client.messages.page(page_size=2)
    assert len(list(first)) == 2
    assert first.next_page_url is not None


def test_list_filters_by_to(client: Client, fake: RunningTwilioFake) -> None:
    client.messages.create(to=CALLER, from_=OURS, body="a")
    client.messages.create(to="+14155550124", from_=OURS, body="b")
    assert [m.body for m in client.messages.list(to=CALLER)] == ["a"]


@pytest.mark.parametrize(
    ("to", "from_", "body", "code"),
    [
        ("4155550123", OURS, "hi", 21211),
        (CALLER, "+14155550999", "hi", 21606),
        (CALLER, "not-a-number", "hi", 21212),
        (CALLER, OURS, "", 21602),
        (CALLER, OURS, "x" * 1601, 21617),
    ],
)
def test_create_validates_like_twilio(
    client: Client, to: str, from_: str, body: str, code: int
) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=to, from_=from_, body=body)
    assert (caught.value.status, caught.value.code) == (400, code)


def test_body_of_exactly_1600_characters_is_accepted(client: Client) -> None:
    assert client.messages.create(to=CALLER, from_=OURS, body="x" * 1600).num_segments == "11"


def test_wrong_token_is_401_20003(fake: RunningTwilioFake) -> None:
    client = make_twilio_client(fake.settings(twilio_auth_token="wrong-token-123"))
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=CALLER, from_=OURS, body="hi")
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert not fake.state.messages


def test_wrong_account_sid_on_a_list_is_401(fake: RunningTwilioFake) -> None:
    client = make_twilio_client(fake.settings(twilio_account_sid="AC" + "9" * 32))
    with pytest.raises(TwilioException) as caught:
        client.messages.list()
    info = classify_twilio_error(caught.value)
    assert (info.status, info.code, info.permanent) == (401, 20003, True)


def test_other_account_in_path_is_not_found(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.api.v2010.accounts("AC" + "9" * 32).messages("SM" + "1" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


@pytest.mark.parametrize("code", [21610, 21211, 21614])
def test_rejected_recipient_fails_create(
    client: Client, fake: RunningTwilioFake, code: int
) -> None:
    fake.state.reject_messages_to(CALLER, code)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=CALLER, from_=OURS, body="hi")
    assert (caught.value.status, caught.value.code) == (400, code)
    assert client.messages.create(to="+14155550124", from_=OURS, body="ok").status == "queued"


@pytest.mark.parametrize("error_code", [30003, 30005])
def test_undelivered_recipient_ends_with_error_code(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink, error_code: int
) -> None:
    fake.state.undeliver_messages_to(CALLER, error_code=error_code)
    message = client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    received = sink.wait_for(2)
    assert [r.params["MessageStatus"] for r in received] == ["sent", "undelivered"]
    assert received[-1].params["ErrorCode"] == str(error_code)
    fetched = client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", error_code)


def test_failed_recipient_gets_a_single_failed_callback(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.undeliver_messages_to(CALLER, error_code=30005, status="failed")
    client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    assert [r.params["MessageStatus"] for r in sink.wait_for(1)] == ["failed"]


def test_callbacks_are_signed_and_in_order(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    message = client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    received = sink.wait_for(2)
    validator = RequestValidator(fake.auth_token)
    for request in received:
        assert validator.validate(sink.url(), request.params, request.headers["X-Twilio-Signature"])
        assert request.params["MessageSid"] == message.sid
    assert not RequestValidator("another-token").validate(
        sink.url(), received[0].params, received[0].headers["X-Twilio-Signature"]
    )
    assert [r.params["MessageStatus"] for r in received] == ["sent", "delivered"]
    assert [c.response_status for c in fake.state.wait_for_callbacks(2)] == [204, 204]


def test_callbacks_duplicated_and_out_of_order(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.callbacks.duplicate = True
    fake.state.callbacks.out_of_order = True
    client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    statuses = [r.params["MessageStatus"] for r in sink.wait_for(4)]
    assert statuses == ["delivered", "delivered", "sent", "sent"]


def test_receiver_errors_are_recorded(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    sink.answer_status = 500
    client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url())
    sink.wait_for(2)
    assert [c.response_status for c in fake.state.wait_for_callbacks(2)] == [500, 500]


def test_no_status_callback_still_advances(client: Client, fake: RunningTwilioFake) -> None:
    sid = client.messages.create(to=CALLER, from_=OURS, body="hi").sid
    for _ in range(100):
        if client.messages(sid).fetch().status == "delivered":
            break
    assert client.messages(sid).fetch().status == "delivered"
    assert not fake.state.sent_callbacks


def test_disabled_callbacks_still_advance_the_status(
    client: Client, fake: RunningTwilioFake, sink: CallbackSink
) -> None:
    fake.state.callbacks.enabled = False
    sid = client.messages.create(to=CALLER, from_=OURS, body="hi", status_callback=sink.url()).sid
    for _ in range(100):
        if client.messages(sid).fetch().status == "delivered":
            break
    assert client.messages(sid).fetch().status == "delivered"
    assert sink.received == []
