"""The Twilio SMS notifier against the local Twilio fake, and the local outbox."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from switchboard.adapters.notifications import LocalOutboxNotifier, TwilioSmsNotifier
from switchboard.adapters.twilio import close_async_client, make_async_twilio_client
from switchboard.domain.messages import MAX_TEXT_LENGTH, Message, RecipientKind
from switchboard.domain.messages.text import sms_segments
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.ports.notifications import PermanentNotifyError, TemporaryNotifyError

NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)
FROM = "+13125550100"
TO = "+13125550112"
MESSAGE = Message("m1", RecipientKind.EMPLOYEE, "ann", "Bob", "+13125550199", "Call me", NOW)
NOTE = Notification("m1.sms.0", "m1", Channel.SMS, TO, NOW, NOW)


@pytest.fixture
def fake() -> Iterator[RunningTwilioFake]:
    with running_twilio_fake() as running:
        running.state.callbacks.enabled = False  # these tests look at the API, not the callbacks
        running.state.add_number(FROM)
        yield running


@pytest.fixture
async def sms(fake: RunningTwilioFake) -> AsyncIterator[TwilioSmsNotifier]:
    client = make_async_twilio_client(fake.settings(), request_timeout=2.0)
    yield TwilioSmsNotifier(
        client,
        from_number=FROM,
        timezone="America/Chicago",
        webhook_base_url="https://switchboard.example.com/",
    )
    await close_async_client(client)


def sent(fake: RunningTwilioFake) -> list[dict[str, Any]]:
    with fake.state.lock:
        return list(fake.state.messages.values())


async def test_sends_from_the_sms_number_with_a_status_callback(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    result = await sms.send(NOTE, MESSAGE)
    assert result.status is NotificationStatus.QUEUED
    assert result.provider_id
    assert result.provider_id.startswith("SM")
    [created] = sent(fake)
    assert (created["to"], created["from"]) == (TO, FROM)
    assert created["body"].startswith("Message from Bob (+13125550199), Mon 23 Nov 14:05 CST")
    assert fake.state.status_callback_urls[result.provider_id] == (
        "https://switchboard.example.com/twilio/status"
    )


async def test_long_text_stays_within_the_segment_budget(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    long = Message("m2", RecipientKind.EMPLOYEE, "ann", "Bob", None, "é" * MAX_TEXT_LENGTH, NOW)
    await sms.send(NOTE, long)
    [created] = sent(fake)
    assert sms_segments(created["body"]) <= 3


@pytest.mark.parametrize("code", [21610, 21211, 21614])
async def test_rejected_recipient_is_permanent(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier, code: int
) -> None:
    fake.state.reject_messages_to(TO, code)
    with pytest.raises(PermanentNotifyError) as info:
        await sms.send(NOTE, MESSAGE)
    assert info.value.code == str(code)
    assert sent(fake) == []


async def test_rate_limit_is_temporary_with_retry_after(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    fake.state.rate_limit_next("Messages", retry_after=7)
    with pytest.raises(TemporaryNotifyError) as info:
        await sms.send(NOTE, MESSAGE)
    assert info.value.retry_after == 7
    assert info.value.code == "20429"
    await sms.send(NOTE, MESSAGE)  # the next one goes through
    assert len(sent(fake)) == 1


async def test_server_error_is_temporary(fake: RunningTwilioFake, sms: TwilioSmsNotifier) -> None:
    fake.state.fail_next("Messages", status=503)
    with pytest.raises(TemporaryNotifyError):
        await sms.send(NOTE, MESSAGE)


async def test_timeout_is_temporary(fake: RunningTwilioFake, sms: TwilioSmsNotifier) -> None:
    fake.state.delay_next("Messages", 3.0)
    with pytest.raises(TemporaryNotifyError):
        await sms.send(NOTE, MESSAGE)


async def test_local_outbox_is_marked_not_delivered(tmp_path: Path) -> None:
    console = io.StringIO()
    outbox = LocalOutboxNotifier(tmp_path / "data" / "outbox.jsonl", console=console)
    note = Notification("m1.local.0", "m1", Channel.LOCAL, "ann", NOW, NOW)
    result = await outbox.send(note, MESSAGE)
    await outbox.send(note, MESSAGE)
    assert result.delivered is False
    assert result.status is NotificationStatus.SENT
    lines = (tmp_path / "data" / "outbox.jsonl").read_text().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["delivered"] is False
    assert record["text"] == "Call me"
    assert "NOT DELIVERED" in record["note"]
    assert console.getvalue().startswith("NOT DELIVERED")


async def test_unwritable_outbox_is_a_temporary_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a directory should be")
    outbox = LocalOutboxNotifier(tmp_path / "blocker" / "outbox.jsonl")
    with pytest.raises(TemporaryNotifyError):
        await outbox.send(NOTE, MESSAGE)


async def _created(fake: RunningTwilioFake, count: int) -> list[dict[str, Any]]:
    """The fake's messages once there are `count` (a stalled create lands after the timeout)."""
    import asyncio

    for _ in range(200):
        if len(messages := sent(fake)) >= count:
            return messages
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} messages, have {len(sent(fake))}")


async def test_a_retry_adopts_the_create_that_timed_out_even_many_texts_later(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """Twilio took the first create but the client gave up; 120 other texts reach the same
    number before the retry (more than a page of Twilio's list). The retry finds the first one
    and adopts it: the employee gets the message once."""
    from dataclasses import replace

    fake.state.delay_next("Messages", 2.5)  # the client's timeout is 2 s
    with pytest.raises(TemporaryNotifyError):
        await sms.send(NOTE, MESSAGE)
    [first] = await _created(fake, 1)
    for i in range(120):
        other = replace(MESSAGE, id=f"o{i}", text=f"Another message {i}")
        await sms.send(replace(NOTE, id=f"o{i}.sms.0", message_id=other.id), other)
    retry = replace(NOTE, attempts=2)
    result = await sms.send(retry, MESSAGE)
    assert result.provider_id == first["sid"]
    assert [m["body"] for m in sent(fake)].count(first["body"]) == 1
    assert len(sent(fake)) == 121


async def test_the_same_words_sent_before_the_notification_are_not_adopted(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """The same words sent before this notification existed are another message, not ours."""
    from dataclasses import replace
    from datetime import timedelta

    earlier = await sms.send(NOTE, MESSAGE)
    later = datetime.now(UTC) + timedelta(minutes=30)  # created after that text was sent
    second = replace(NOTE, id="m1.sms.1", created_at=later, attempts=2)
    again = await sms.send(second, MESSAGE)
    assert again.provider_id != earlier.provider_id
    much_later = datetime.now(UTC) + timedelta(hours=3)  # past the look-back horizon
    third = await sms.send(replace(NOTE, id="m1.sms.2", created_at=much_later, attempts=2), MESSAGE)
    assert third.provider_id not in (earlier.provider_id, again.provider_id)
    assert len(sent(fake)) == 3


async def test_a_retry_that_cannot_check_twilio_waits_rather_than_texting_twice(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    from dataclasses import replace

    fake.state.fail_next("Messages", status=500, method="GET")
    with pytest.raises(TemporaryNotifyError, match="could not check for an earlier send"):
        await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert sent(fake) == []


async def test_the_look_back_has_a_time_budget(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow list must not hold the notification past its lease: out of time is 'try later'."""
    from dataclasses import replace

    from switchboard.adapters.notifications import sms as module

    monkeypatch.setattr(module, "RECONCILE_BUDGET_SECONDS", 0.3)
    fake.state.delay_next("Messages", 1.0)  # under the client's timeout, over the budget
    with pytest.raises(TemporaryNotifyError, match="could not check"):
        await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert sent(fake) == []


async def _first_attempt_times_out(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier, note: Notification
) -> dict[str, Any]:
    """The first create reaches Twilio but the client gives up: the message exists, unknown to us."""
    fake.state.delay_next("Messages", 2.5)  # the client's timeout is 2 s
    with pytest.raises(TemporaryNotifyError):
        await sms.send(note, MESSAGE)
    [first] = await _created(fake, 1)
    return first


async def test_a_retry_adopts_the_earlier_send_on_a_trial_account(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """Trial accounts prefix every body: the listed text is not ours verbatim."""
    from dataclasses import replace

    fake.state.trial_account = True
    first = await _first_attempt_times_out(fake, sms, NOTE)
    assert first["body"].startswith("Sent from your Twilio trial account - ")
    result = await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert result.provider_id == first["sid"]
    assert len(sent(fake)) == 1


async def test_a_retry_adopts_the_earlier_send_when_our_clock_is_ahead_of_twilios(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """Our clock is 5 minutes ahead of Twilio's: the earlier send is dated 'before' the
    notification by our clock; the window follows Twilio's clock (its Date header)."""
    from dataclasses import replace

    fake.state.clock_skew = -300.0
    note = replace(NOTE, created_at=datetime.now(UTC))
    first = await _first_attempt_times_out(fake, sms, note)
    result = await sms.send(replace(note, attempts=2), MESSAGE)
    assert result.provider_id == first["sid"]
    assert len(sent(fake)) == 1


async def _left_the_queue(fake: RunningTwilioFake, sid: str) -> None:
    import asyncio

    for _ in range(200):
        with fake.state.lock:
            if fake.state.messages[sid]["status"] != "queued":
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the message never left the queue")


async def test_redacted_bodies_mean_no_second_text_but_a_permanent_error(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """Body redaction: an earlier send cannot be recognised. Rather than text twice, the SMS
    gives up (permanent, code "redacted") so the outbox falls back to email."""
    from dataclasses import replace

    fake.state.redact_bodies = True
    first = await _first_attempt_times_out(fake, sms, NOTE)
    await _left_the_queue(fake, first["sid"])
    with pytest.raises(PermanentNotifyError) as info:
        await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert info.value.code == "redacted"
    assert len(sent(fake)) == 1


async def test_with_redaction_a_retry_with_nothing_earlier_sends(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    from dataclasses import replace

    fake.state.redact_bodies = True
    fake.state.fail_next("Messages", status=503, method="POST")
    with pytest.raises(TemporaryNotifyError):
        await sms.send(NOTE, MESSAGE)
    result = await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert [m["sid"] for m in sent(fake)] == [result.provider_id]


async def test_queue_full_21611_is_retried_later(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    fake.state.queue_full_next()
    with pytest.raises(TemporaryNotifyError) as info:
        await sms.send(NOTE, MESSAGE)
    assert info.value.code == "21611"
    assert info.value.retry_after == 60.0
    assert sent(fake) == []


async def test_messaging_service_sid_is_sent_when_configured(fake: RunningTwilioFake) -> None:
    service = "MG" + "a" * 32
    client = make_async_twilio_client(fake.settings(), request_timeout=2.0)
    try:
        notifier = TwilioSmsNotifier(
            client,
            from_number=FROM,
            timezone="America/Chicago",
            webhook_base_url=None,
            messaging_service_sid=service,
        )
        await notifier.send(NOTE, MESSAGE)
    finally:
        await close_async_client(client)
    [created] = sent(fake)
    assert created["messaging_service_sid"] == service
    assert created["from"] == FROM


async def test_with_redaction_other_notifications_texts_from_this_process_are_passed_over(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """Redacted, but sent by this notifier for another notification: known by SID, not ours."""
    from dataclasses import replace

    fake.state.redact_bodies = True
    other = await sms.send(replace(NOTE, id="m0.sms.0", message_id="m0"), MESSAGE)
    await _left_the_queue(fake, str(other.provider_id))
    fake.state.fail_next("Messages", status=503, method="POST")
    with pytest.raises(TemporaryNotifyError):
        await sms.send(NOTE, MESSAGE)
    result = await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert result.provider_id != other.provider_id
    assert len(sent(fake)) == 2


async def test_with_redaction_a_retry_adopts_its_own_known_send(
    fake: RunningTwilioFake, sms: TwilioSmsNotifier
) -> None:
    """The create answered but the outbox could not record it: the retry adopts it by SID."""
    from dataclasses import replace

    fake.state.redact_bodies = True
    first = await sms.send(NOTE, MESSAGE)
    await _left_the_queue(fake, str(first.provider_id))
    again = await sms.send(replace(NOTE, attempts=2), MESSAGE)
    assert again.provider_id == first.provider_id
    assert len(sent(fake)) == 1


async def test_a_voicemail_links_the_console_not_twilios_url(fake: RunningTwilioFake) -> None:
    twilio_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    voicemail = Message("m3", RecipientKind.DEPARTMENT, "sales", "Voicemail", None,
                        "Voicemail (9 s): call me", NOW, recording_url=twilio_url)  # fmt: skip
    client = make_async_twilio_client(fake.settings(), request_timeout=2.0)
    try:
        notifier = TwilioSmsNotifier(client, from_number=FROM, timezone="UTC",
                                     webhook_base_url=None,
                                     console_base_url="https://sb.example.com")  # fmt: skip
        await notifier.send(NOTE, voicemail)
    finally:
        await close_async_client(client)
    [created] = sent(fake)
    assert created["body"].endswith(" Recording: https://sb.example.com/messages/m3")
    assert twilio_url not in created["body"]
