"""A voicemail's recording in the notification text: the console's page for the message when its
public address is known, else where to find it; never the stored location (a `file://` path on the
server, or Twilio's URL that needs the account's credentials)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from switchboard.domain.chat_text import render_chat
from switchboard.domain.follow_ups import NOT_TRANSCRIBED, voicemail_text
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.messages.text import (
    is_gsm7,
    recording_note,
    recording_page,
    render_email,
    render_sms,
    sms_segments,
)

NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)
LOCAL = "file:///var/lib/switchboard/voicemails/voicemail-CA1.wav"
TWILIO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
BASE = "https://switchboard.example.com/office/"
PAGE = "https://switchboard.example.com/office/messages/msg_vm1"
KEPT = "(recording kept on the server: see `switchboard messages show msg_vm1`)"


def voicemail(recording_url: str | None, text: str | None = None) -> Message:
    return Message(
        "msg_vm1", RecipientKind.DEPARTMENT, "sales", "Voicemail", "+13125550199",
        text or voicemail_text("14", None), NOW, recording_url=recording_url,
    )  # fmt: skip


def texts(message: Message, base: str | None) -> list[str]:
    email = render_email(message, "UTC", "Acme", console_base_url=base)
    chat = render_chat(message, "UTC", "Acme", console_base_url=base)
    return [render_sms(message, "UTC", console_base_url=base), email.text, email.html, chat.body]


@pytest.mark.parametrize("stored", [LOCAL, TWILIO])
def test_with_the_console_address_every_channel_links_the_messages_page(stored: str) -> None:
    m = voicemail(stored)
    assert recording_page(m, BASE) == PAGE
    for text in texts(m, BASE):
        assert PAGE in text
        assert stored not in text
        assert "file://" not in text
    sms, email, html, chat = texts(m, BASE)
    assert sms.endswith(f" Recording: {PAGE}")
    assert f"Recording: {PAGE}" in email
    assert f'<a href="{PAGE}">Play the recording</a>' in html
    assert f"Recording: {PAGE}" in chat


@pytest.mark.parametrize("stored", [LOCAL, TWILIO])
@pytest.mark.parametrize("base", [None, ""])
def test_without_it_they_say_where_the_recording_is_kept(stored: str, base: str | None) -> None:
    m = voicemail(stored)
    assert recording_page(m, base) is None
    sms, email, html, chat = texts(m, base)
    for text in (sms, email, html, chat):
        assert stored not in text
        assert "switchboard messages show msg_vm1" in text
    assert f"Recording: {KEPT}" in email
    assert f"Recording: {KEPT}" in chat
    assert sms.endswith(" (recording kept on the server: see switchboard messages show msg_vm1)")


def test_the_sms_note_keeps_the_sms_in_gsm7() -> None:
    """A backtick is not GSM-7: it would make the whole SMS UCS-2 (70 characters a part)."""
    m = voicemail(LOCAL)
    note = recording_note(m, None, sms=True)
    assert is_gsm7(note)
    assert not is_gsm7(recording_note(m, None))  # the email/chat wording has the backticks
    assert is_gsm7(render_sms(m, "UTC"))


def test_a_long_voicemail_is_shortened_in_the_sms_but_the_link_is_whole() -> None:
    m = voicemail(TWILIO, "Voicemail (90 s): " + "please call me back about it " * 40)
    sms = render_sms(m, "UTC", max_segments=3, console_base_url=BASE)
    assert sms_segments(sms) <= 3
    assert sms.endswith(f"... Recording: {PAGE}")


def test_a_message_without_a_recording_says_nothing_about_one() -> None:
    m = voicemail(None, "Please call back")
    assert recording_note(m, BASE) == ""
    for text in texts(m, BASE) + texts(m, None):
        assert "ecording" not in text


def test_the_message_id_is_quoted_in_the_link() -> None:
    m = Message("a b/c", RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", NOW,
                recording_url=LOCAL)  # fmt: skip
    assert recording_page(m, "https://x.example") == "https://x.example/messages/a%20b%2Fc"


def test_the_caller_cannot_inject_markup_through_the_email_link() -> None:
    m = Message('"><script>', RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", NOW,
                recording_url=LOCAL)  # fmt: skip
    html = render_email(m, "UTC", "Acme", console_base_url=BASE).html
    assert "<script>" not in html


def test_a_voicemails_text_never_carries_the_link() -> None:
    assert voicemail_text("9", None) == f"Voicemail (9 s): {NOT_TRANSCRIBED}"
    assert voicemail_text("9", "call me") == "Voicemail (9 s): call me"
