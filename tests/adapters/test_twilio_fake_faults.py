"""Fault injection (Python and HTTP controls), Calls, and the fake's command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from switchboard.adapters.twilio import classify_twilio_error, make_twilio_client
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.fakes.twilio.__main__ import main

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


def _send(client: Client) -> Any:
    return client.messages.create(to=CALLER, from_=OURS, body="hi")


def test_rate_limit_carries_retry_after_then_clears(
    client: Client, fake: RunningTwilioFake
) -> None:
    fake.state.rate_limit_next("/Messages.json", times=2, retry_after=3)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as caught:
            _send(client)
        info = classify_twilio_error(caught.value)
        assert (info.status, info.code, info.retryable, info.retry_after) == (429, 20429, True, 3.0)
    assert _send(client) is not None
    assert len(fake.state.messages) == 1


@pytest.mark.parametrize(("status", "code"), [(500, 20500), (503, 20503)])
def test_server_errors_are_retryable(
    client: Client, fake: RunningTwilioFake, status: int, code: int
) -> None:
    fake.state.fail_next("/Messages.json", status=status)
    with pytest.raises(TwilioRestException) as caught:
        _send(client)
    info = classify_twilio_error(caught.value)
    assert (info.status, info.code, info.retryable, info.permanent) == (status, code, True, False)


def test_specific_code_is_permanent(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.fail_next("/Messages.json", status=400, code=21610)
    with pytest.raises(TwilioRestException) as caught:
        _send(client)
    info = classify_twilio_error(caught.value)
    assert (info.code, info.retryable, info.permanent) == (21610, False, True)


def test_fault_only_hits_matching_method_and_path(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.fail_next("/Messages.json", status=500, method="GET")
    message = _send(client)  # a POST: not matched
    assert client.messages(message.sid).fetch().sid == message.sid  # other path: not matched
    with pytest.raises(TwilioException) as caught:  # list pages fail with the base class
        client.messages.page()
    assert classify_twilio_error(caught.value).status == 500
    assert client.messages.list() != []


def test_delay_beyond_client_timeout_is_a_retryable_timeout(fake: RunningTwilioFake) -> None:
    fake.state.delay_next("/Accounts/", 0.6)
    client = make_twilio_client(fake.settings(), request_timeout=0.2)
    with pytest.raises(requests.Timeout) as caught:
        client.api.v2010.accounts(fake.account_sid).fetch()
    info = classify_twilio_error(caught.value)
    assert (info.retryable, info.permanent, info.status) == (True, False, None)


def test_a_create_that_timed_out_on_the_client_still_happened(fake: RunningTwilioFake) -> None:
    """The ambiguous case exactly-once sending must survive: Twilio took the request, the client
    stopped waiting. The fake acts on it once the stall is over, as Twilio would."""
    import time

    fake.state.delay_next("/Messages.json", 0.6)
    client = make_twilio_client(fake.settings(), request_timeout=0.2)
    with pytest.raises(requests.Timeout):
        client.messages.create(to=CALLER, from_=OURS, body="stalled but sent")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with fake.state.lock:
            bodies = [m["body"] for m in fake.state.messages.values()]
        if "stalled but sent" in bodies:
            break
        time.sleep(0.05)
    assert bodies.count("stalled but sent") == 1


def test_delay_within_timeout_serves_normally(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.delay_next("/Accounts/", 0.05)
    assert client.api.v2010.accounts(fake.account_sid).fetch().status == "active"


def test_zero_times_is_refused(fake: RunningTwilioFake) -> None:
    with pytest.raises(ValueError, match="times"):
        fake.state.fail_next("/Messages.json", times=0)


def test_unknown_reject_code_is_refused(fake: RunningTwilioFake) -> None:
    with pytest.raises(ValueError, match="reject_code"):
        fake.state.reject_messages_to(CALLER, 30003)


def _control(fake: RunningTwilioFake, path: str, body: Any) -> requests.Response:
    return requests.post(f"{fake.base_url}/__fake__/{path}", json=body, timeout=5)


def test_http_control_arms_faults(client: Client, fake: RunningTwilioFake) -> None:
    answer = _control(fake, "faults", {"path": "/Messages.json", "status": 429, "retry_after": 2})
    assert answer.status_code == 201
    with pytest.raises(TwilioRestException) as caught:
        _send(client)
    assert classify_twilio_error(caught.value).retry_after == 2.0


def test_http_control_scripts_recipients(client: Client, fake: RunningTwilioFake) -> None:
    assert _control(fake, "recipients", {"number": CALLER, "reject_code": 21211}).status_code == 201
    with pytest.raises(TwilioRestException) as caught:
        _send(client)
    assert caught.value.code == 21211


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("faults", {"status": 500}),
        ("faults", ["not", "an", "object"]),
        ("recipients", {"number": CALLER, "reject_code": 99999}),
        ("callbacks", {"sometimes": True}),
        ("calls", {"to": CALLER}),
    ],
)
def test_http_control_rejects_bad_bodies(fake: RunningTwilioFake, path: str, body: Any) -> None:
    answer = _control(fake, path, body)
    assert answer.status_code == 400
    assert "error" in answer.json()


def test_http_control_seeds_and_resets(client: Client, fake: RunningTwilioFake) -> None:
    assert _control(fake, "numbers", {"phone_number": "+14155550111"}).status_code == 201
    call = {"to": OURS, "from": CALLER, "status": "busy", "start_time": "2026-01-02T10:00:00+00:00"}
    assert _control(fake, "calls", call).status_code == 201
    assert [c.status for c in client.calls.list()] == ["busy"]
    options = _control(fake, "callbacks", {"duplicate": True}).json()
    assert options["duplicate"] is True
    assert requests.get(f"{fake.base_url}/__fake__/callbacks", timeout=5).json() == []
    assert _control(fake, "reset", {}).json() == {"reset": True}
    assert client.calls.list() == []
    health = requests.get(f"{fake.base_url}/__fake__/health", timeout=5).json()
    assert health == {"ok": True, "account_sid": fake.account_sid}


def test_calls_filter_by_status_and_start_time(client: Client, fake: RunningTwilioFake) -> None:
    early = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    late = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    first = fake.state.seed_call(OURS, CALLER, status="completed", start_time=early)
    second = fake.state.seed_call(OURS, CALLER, status="no-answer", start_time=late)
    assert [c.sid for c in client.calls.list(status="completed")] == [first["sid"]]
    assert [c.sid for c in client.calls.list(start_time_after=datetime(2026, 2, 1))] == [
        second["sid"]
    ]
    assert [c.sid for c in client.calls.list(start_time_before=datetime(2026, 2, 1))] == [
        first["sid"]
    ]
    assert [c.sid for c in client.calls.list(start_time=early)] == [first["sid"]]
    fetched = client.calls(first["sid"]).fetch()
    assert (fetched.duration, fetched.start_time) == ("60", early)


def test_fetch_unknown_call_is_404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.calls("CA" + "0" * 32).fetch()
    assert caught.value.status == 404


def test_unsupported_method_is_405(fake: RunningTwilioFake) -> None:
    url = f"{fake.base_url}/api/2010-04-01/Accounts/{fake.account_sid}/Calls.json"
    answer = requests.delete(url, auth=(fake.account_sid, fake.auth_token), timeout=5)
    assert (answer.status_code, answer.json()["code"]) == (405, 20004)


def test_command_line_refuses_bad_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--number", "0123"])
    assert caught.value.code == 2
    assert "E.164" in capsys.readouterr().err


def test_fault_can_stall_and_fail(client: Client, fake: RunningTwilioFake) -> None:
    fake.state.fail_next("/Messages.json", status=503, delay=0.05)
    with pytest.raises(TwilioRestException) as caught:
        _send(client)
    assert (caught.value.status, caught.value.code) == (503, 20503)
