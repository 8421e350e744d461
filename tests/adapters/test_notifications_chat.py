"""The chat notifier against a real HTTP server on loopback (apprise's json:// webhook): every
answer a chat service gives, classified as the outbox needs it. No apprise internals are mocked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from switchboard.adapters.notifications.chat import AppriseChatNotifier
from switchboard.adapters.simulator.chat_service import STALL, running_chat_service
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.ports.notifications import PermanentNotifyError, TemporaryNotifyError

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
MESSAGE = Message(
    id="msg_1",
    recipient_kind=RecipientKind.EMPLOYEE,
    recipient_id="ann",
    caller_name="Dana Whitfield",
    callback_number="+16125550177",
    text="Please call me about invoice 4471.",
    created_at=NOW,
)


def note(to: str) -> Notification:
    return Notification("msg_1.chat.0", "msg_1", Channel.CHAT, to, NOW, NOW, attempts=1)


def notifier(**env: str) -> AppriseChatNotifier:
    return AppriseChatNotifier(company="Acme", timezone="America/Chicago", env=env, timeout=10)


async def test_a_post_the_service_takes_is_sent_with_the_whole_message() -> None:
    async with running_chat_service([200]) as chat:
        result = await notifier().send(note(f"json://{chat.address}/ann"), MESSAGE)
    assert result.status is NotificationStatus.SENT
    [post] = chat.posts
    assert post.path == "/ann"
    assert post.body["title"] == "Message from Dana Whitfield"
    assert "invoice 4471" in post.body["message"]
    assert "+16125550177" in post.body["message"]
    assert "Mon 07 Dec 09:00 CST" in post.body["message"]


async def test_the_token_comes_from_the_environment_at_send_time() -> None:
    async with running_chat_service([200]) as chat:
        host = chat.address
        await notifier(CHAT_HOST=host).send(note("json://${CHAT_HOST}/team"), MESSAGE)
    assert [p.path for p in chat.posts] == ["/team"]


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
async def test_server_errors_and_rate_limits_are_retried(status: int) -> None:
    async with running_chat_service([status]) as chat:
        with pytest.raises(TemporaryNotifyError) as caught:
            await notifier().send(note(f"json://{chat.address}/ann"), MESSAGE)
    assert caught.value.code == f"http-{status}"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
async def test_a_refusal_is_permanent_with_the_status_recorded(status: int) -> None:
    async with running_chat_service([status]) as chat:
        with pytest.raises(PermanentNotifyError) as caught:
            await notifier().send(note(f"json://{chat.address}/ann"), MESSAGE)
    assert caught.value.code == f"http-{status}"
    assert len(chat.posts) == 1  # apprise did not retry on its own


async def test_nobody_listening_is_temporary() -> None:
    async with running_chat_service([200]) as chat:
        address = chat.address
    with pytest.raises(TemporaryNotifyError) as caught:
        await notifier().send(note(f"json://{address}/ann"), MESSAGE)
    assert caught.value.code == "no-answer"


async def test_an_answer_that_never_comes_is_temporary_though_the_post_was_taken() -> None:
    # rto=1: apprise's read timeout (apprise/url.py, `socket_read_timeout`); the service stalls 3 s.
    async with running_chat_service([STALL], stall_seconds=3) as chat:
        with pytest.raises(TemporaryNotifyError):
            await notifier().send(note(f"json://{chat.address}/ann?rto=1"), MESSAGE)
        assert len(chat.accepted()) == 1  # the at-least-once edge: a retry will post again


async def test_an_unset_variable_is_permanent_and_never_posts() -> None:
    with pytest.raises(PermanentNotifyError) as caught:
        await notifier().send(note("slack://${NO_SUCH_TOKEN}/#sales"), MESSAGE)
    assert caught.value.code == "invalid-url"
    assert "NO_SUCH_TOKEN" in str(caught.value)


async def test_a_url_apprise_does_not_know_is_permanent_and_masked() -> None:
    with pytest.raises(PermanentNotifyError) as caught:
        await notifier().send(note("nosuchchat://supersecrettoken/x"), MESSAGE)
    assert caught.value.code == "invalid-url"
    assert "supersecrettoken" not in str(caught.value)


async def test_urgent_messages_say_so_in_the_title() -> None:
    async with running_chat_service([200]) as chat:
        await notifier().send(note(f"json://{chat.address}/ann"), replace(MESSAGE, urgent=True))
    assert chat.posts[0].body["title"].startswith("URGENT: ")


async def test_a_voicemail_links_the_console_not_the_file() -> None:
    voicemail = replace(MESSAGE, recording_url="file:///var/lib/sb/voicemails/voicemail-CA1.wav")
    chat_notifier = AppriseChatNotifier(
        company="Acme", timezone="UTC", timeout=10, console_base_url="https://sb.example.com"
    )
    async with running_chat_service([200]) as chat:
        await chat_notifier.send(note(f"json://{chat.address}/ann"), voicemail)
    [post] = chat.posts
    assert f"Recording: https://sb.example.com/messages/{MESSAGE.id}" in post.body["message"]
    assert "file://" not in post.body["message"]
