"""The fake's in-memory world and its Python control surface (seeding, faults, callbacks).

Routes run on the server thread while tests call these methods from theirs, so every store is
touched under `lock`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from switchboard.fakes.twilio import resources
from switchboard.fakes.twilio.faults import Fault, FaultBook, RecipientRule
from switchboard.fakes.twilio.records import CallbackOptions, SentCallback
from switchboard.fakes.twilio.wire import Resource, now

DEFAULT_ACCOUNT_SID = "AC" + "0" * 31 + "1"
# A well-known default for a local fake, not a secret.
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"


@dataclass(slots=True)
class FakeTwilioState:
    """Everything the fake knows about one Twilio account."""

    account_sid: str = DEFAULT_ACCOUNT_SID
    auth_token: str = DEFAULT_AUTH_TOKEN
    created: datetime = field(default_factory=now)
    callbacks: CallbackOptions = field(default_factory=CallbackOptions)
    faults: FaultBook = field(default_factory=FaultBook)
    lock: threading.RLock = field(default_factory=threading.RLock)
    messages: dict[str, Resource] = field(default_factory=dict)
    numbers: dict[str, Resource] = field(default_factory=dict)
    calls: dict[str, Resource] = field(default_factory=dict)
    credential_lists: dict[str, Resource] = field(default_factory=dict)
    credentials: dict[str, dict[str, Resource]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    trunks: dict[str, Resource] = field(default_factory=dict)
    origination_urls: dict[str, dict[str, Resource]] = field(default_factory=dict)
    trunk_credential_lists: dict[str, dict[str, Resource]] = field(default_factory=dict)
    ip_access_control_lists: dict[str, dict[str, Resource]] = field(default_factory=dict)
    status_callback_urls: dict[str, str] = field(default_factory=dict)
    sent_callbacks: list[SentCallback] = field(default_factory=list)
    # Account modes (see docs/twilio-fake.md): a trial account prefixes every outbound body;
    # body redaction blanks bodies once sent; the clock may run ahead of (or behind) ours.
    trial_account: bool = False
    redact_bodies: bool = False
    clock_skew: float = 0.0  # seconds Twilio's clock is ahead of the real one

    # --- seeding ----------------------------------------------------------------------------
    def add_number(self, phone_number: str, **fields: object) -> Resource:
        """Own `phone_number` (an IncomingPhoneNumber); `fields` are snake_case overrides."""
        with self.lock:
            resource = resources.incoming_number(self.account_sid, phone_number, dict(fields))
            self.numbers[resource["sid"]] = resource
            return resource

    def seed_call(
        self,
        to: str,
        from_: str,
        *,
        status: str = "completed",
        direction: str = "inbound",
        start_time: datetime | None = None,
        duration: float | None = 60.0,
        trunk_sid: str | None = None,
    ) -> Resource:
        """Record a call as if it had happened (Calls are read-only in this fake)."""
        start = start_time or now()
        end = start + timedelta(seconds=duration) if duration is not None else None
        fields: Resource = {"to": to, "from": from_, "status": status, "direction": direction}
        fields["trunk_sid"] = trunk_sid
        with self.lock:
            resource = resources.call(self.account_sid, fields, start, end)
            self.calls[resource["sid"]] = resource
            return resource

    # --- faults -----------------------------------------------------------------------------
    def fail_next(
        self,
        path: str,
        *,
        times: int = 1,
        status: int = 500,
        code: int | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Answer the next `times` requests whose path contains `path` with an error.

        `delay` stalls each of them first (seconds), as a slow Twilio edge would.
        """
        fault = Fault(path, times, status, code, retry_after, delay, method)
        return self.faults.arm(fault)

    def rate_limit_next(self, path: str, *, times: int = 1, retry_after: float = 1.0) -> Fault:
        """429 / 20429 with a Retry-After header for the next `times` matching requests."""
        return self.fail_next(path, times=times, status=429, code=20429, retry_after=retry_after)

    def delay_next(self, path: str, seconds: float, *, times: int = 1) -> Fault:
        """Stall the next `times` matching requests (then serve them normally)."""
        return self.faults.arm(Fault(path, times, delay=seconds))

    def queue_full_next(self, *, times: int = 1) -> Fault:
        """Refuse the next `times` message creates with 400 / 21611 (the From number's queue is
        full; https://www.twilio.com/docs/api/errors/21611)."""
        return self.fail_next("/Messages.json", times=times, status=400, code=21611, method="POST")

    def unregistered_a2p_to(self, number: str) -> None:
        """Accept messages to `number`, then end them `undelivered` / 30034: the sender is not
        registered for US A2P 10DLC (https://www.twilio.com/docs/api/errors/30034)."""
        self.undeliver_messages_to(number, error_code=30034)

    def reject_messages_to(self, number: str, code: int = 21610) -> None:
        """Fail message creation to `number` with 21610 (unsubscribed), 21211 or 21614."""
        self.faults.set_recipient(number, RecipientRule(reject_code=code))

    def undeliver_messages_to(
        self, number: str, *, error_code: int = 30003, status: str = "undelivered"
    ) -> None:
        """Accept messages to `number` but end them `undelivered`/`failed` with `error_code`."""
        rule = RecipientRule(final_status=status, error_code=error_code)
        self.faults.set_recipient(number, rule)

    def reset(self) -> None:
        """Forget every resource, fault and callback (the account and token stay)."""
        with self.lock:
            for store in (self.messages, self.numbers, self.calls, self.credential_lists):
                store.clear()
            for nested in (self.credentials, self.origination_urls):
                nested.clear()
            self.trunk_credential_lists.clear()
            self.ip_access_control_lists.clear()
            self.passwords.clear()
            self.trunks.clear()
            self.sent_callbacks.clear()
            self.status_callback_urls.clear()
            self.callbacks = CallbackOptions()
            self.trial_account = self.redact_bodies = False
            self.clock_skew = 0.0
        self.faults.clear()

    def wait_for_callbacks(self, count: int, timeout: float = 5.0) -> list[SentCallback]:
        """Block until the fake has sent (and recorded the answer to) `count` status callbacks."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.sent_callbacks) >= count:
                    return list(self.sent_callbacks)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.sent_callbacks)} of {count} callbacks sent")
            time.sleep(0.01)

    # --- queries ----------------------------------------------------------------------------
    def number_by_phone(self, phone_number: str) -> Resource | None:
        """The owned IncomingPhoneNumber with this E.164 value, if any."""
        with self.lock:
            return next(
                (n for n in self.numbers.values() if n["phone_number"] == phone_number), None
            )

    def account(self) -> Resource:
        """The Account resource."""
        return resources.account(self.account_sid, self.auth_token, self.created)
