"""Status-callback settings and the record of callbacks sent (kept apart so state.py stays small)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CallbackOptions:
    """How the fake delivers message status callbacks: Twilio may send them twice and in any order.

    `duplicate` sends every callback twice; `out_of_order` sends them last status first;
    `step_delay` waits between callbacks (seconds); `enabled=False` only moves the status.

    `shared_key` signs callbacks with that SharedKey secret and `signature_algorithm`, naming
    `shared_key_id` in X-Twilio-Webhooks-Signature-Settings, as a Webhook Rule makes Twilio do
    (https://www.twilio.com/docs/usage/webhooks/webhook-shared-keys); None: the auth token and
    HMAC-SHA1. `idempotency_tokens` sends I-Twilio-Idempotency-Token, the same on a duplicate
    (a retry of one delivery; https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
    """

    # upstream: https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
    # (callbacks are not guaranteed to arrive in order). Duplicates: no source found either way;
    # nothing in Twilio's docs promises each callback once, so the fake can send them twice.
    enabled: bool = True
    duplicate: bool = False
    out_of_order: bool = False
    step_delay: float = 0.0
    shared_key: str | None = None
    shared_key_id: str = "webhooks_sharedkey_fake0000000000000000000000"
    signature_algorithm: str = "HMAC_SHA256"
    idempotency_tokens: bool = True


@dataclass(frozen=True, slots=True)
class SentCallback:
    """One status callback the fake POSTed, and what the receiver answered (None: no answer)."""

    url: str
    params: dict[str, str]
    signature: str
    response_status: int | None
    headers: tuple[tuple[str, str], ...] = ()
