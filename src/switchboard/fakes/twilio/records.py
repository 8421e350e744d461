"""Status-callback settings and the record of callbacks sent (kept apart so state.py stays small)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CallbackOptions:
    """How the fake delivers message status callbacks: Twilio may send them twice and in any order.

    `duplicate` sends every callback twice; `out_of_order` sends them last status first;
    `step_delay` waits between callbacks (seconds); `enabled=False` only moves the status.
    """

    # upstream: https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
    # (callbacks are not guaranteed to arrive in order). Duplicates: no source found either way;
    # nothing in Twilio's docs promises each callback once, so the fake can send them twice.
    enabled: bool = True
    duplicate: bool = False
    out_of_order: bool = False
    step_delay: float = 0.0


@dataclass(frozen=True, slots=True)
class SentCallback:
    """One status callback the fake POSTed, and what the receiver answered (None: no answer)."""

    url: str
    params: dict[str, str]
    signature: str
    response_status: int | None
