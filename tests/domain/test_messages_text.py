"""SMS segment budgets (GSM-7 vs UCS-2) and email rendering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from switchboard.domain.messages import MAX_TEXT_LENGTH, Message, RecipientKind
from switchboard.domain.messages.text import (
    call_time,
    is_gsm7,
    log_safe_summary,
    render_email,
    render_sms,
    sms_segments,
)

NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)


def msg(text: str = "Call me back", **changes: object) -> Message:
    base: dict[str, object] = {
        "id": "m1",
        "recipient_kind": RecipientKind.EMPLOYEE,
        "recipient_id": "ann",
        "caller_name": "Bob Smith",
        "callback_number": "+13125550199",
        "text": text,
        "created_at": NOW,
    }
    base.update(changes)
    return Message(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters count double
        ("€" * 81, 2),
        ("é" * 160, 1),  # é is in GSM-7
        ("ć" * 70, 1),  # ć is not: UCS-2
        ("ć" * 71, 2),
        ("😀" * 35, 1),  # two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_segment_counting(text: str, segments: int) -> None:
    assert sms_segments(text) == segments


def test_gsm_detection() -> None:
    assert is_gsm7("Hello {world} €5 @ 3pm")
    assert not is_gsm7("Zoë says 你好")


def test_sms_has_caller_number_urgency_and_local_time() -> None:
    body = render_sms(msg(urgent=True), "America/Chicago")
    assert body.startswith("URGENT message from Bob Smith (+13125550199), Mon 23 Nov 14:05 CST: ")
    assert body.endswith("Call me back")


@pytest.mark.parametrize("filler", ["x", "ž", "😀"])
def test_long_text_is_visibly_shortened_to_the_budget(filler: str) -> None:
    body = render_sms(msg(filler * MAX_TEXT_LENGTH), "UTC", max_segments=2)
    assert sms_segments(body) <= 2
    assert body.endswith("...")
    assert sms_segments(body + filler * 3) > 2 or len(body) > 100  # used most of the budget


def test_email_escapes_caller_values_in_html_only() -> None:
    m = msg("<script>alert(1)</script>\nline two", caller_name="Eve <e@x>")
    content = render_email(m, "Europe/Berlin", "Acme & Co")
    assert "<script>" not in content.html
    assert "&lt;script&gt;" in content.html
    assert "Eve &lt;e@x&gt;" in content.html
    assert "<br>" in content.html
    assert "<script>alert(1)</script>\nline two" in content.text
    assert "Mon 23 Nov 21:05 CET" in content.text
    assert content.subject == "Message from Eve <e@x>"


def test_email_carries_the_full_long_text_and_urgency() -> None:
    m = msg("y" * MAX_TEXT_LENGTH, urgent=True, callback_number=None)
    content = render_email(m, "UTC", "Acme")
    assert "y" * MAX_TEXT_LENGTH in content.text
    assert content.subject.startswith("URGENT: ")
    assert "no number given" in content.text


def test_call_time_uses_company_timezone() -> None:
    assert call_time(msg(), "Asia/Tokyo") == "Tue 24 Nov 05:05 JST"


def test_log_summary_masks_and_omits_text() -> None:
    line = log_safe_summary(msg("secret words"))
    assert "secret" not in line
    assert "0199" in line
    assert "5550199" not in line
